#![no_main]
//! `az vm list-skus` JSON for the catalogue.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ahb_core::catalogue::Catalogue::bundled().with_vm_skus_json("fuzz.json", text);
    }
});
