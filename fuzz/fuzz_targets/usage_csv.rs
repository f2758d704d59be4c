#![no_main]
//! Cost Management and FOCUS CSV.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = ahb_core::import::usage_from_csv("fuzz.csv", data);
});
