#![no_main]
//! Body in `harness/core.rs` (shared with `cargo test -p ahb-core --test fuzz_corpus`).
//!
//! The `parquet` crate panics on some damaged files; ahb catches those panics and returns a
//! typed error. libFuzzer's panic hook would abort on them before they are caught, so this
//! target replaces it with a silent one: a panic that escapes ahb still ends the input with a
//! crash (libfuzzer-sys aborts on any unwind out of the target).
#[path = "../harness/core.rs"]
mod harness;

static QUIET: std::sync::Once = std::sync::Once::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    harness::parquet(data)
});
