#![no_main]
//! Licence-inventory CSV.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = ahb_core::import::licences_from_csv("fuzz.csv", data);
});
