#![no_main]
//! Body in `harness/core.rs` (shared with `cargo test -p ahb-core --test fuzz_corpus`).
#[path = "../harness/core.rs"]
mod harness;
libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::options_json(data));
