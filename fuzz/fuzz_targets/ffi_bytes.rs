#![no_main]
//! Body in `harness/ffi.rs` (shared with `cargo test -p ahb-ffi --test fuzz_corpus`).
#[path = "../harness/ffi.rs"]
mod harness;
libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::ffi_bytes(data));
