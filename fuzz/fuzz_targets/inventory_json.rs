#![no_main]
//! Azure inventory JSON: any bytes give an estate or a typed error, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut imp = ahb_core::import::Importer::new();
    if imp.add_inventory_bytes("fuzz.json", data).is_ok() {
        let _ = imp.finish();
    }
});
