//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through each importer, so a plain
//! `cargo test` proves no seed makes an importer panic, without cargo-fuzz or a nightly toolchain.

use std::path::Path;

fn each(target: &str, f: impl Fn(&[u8]) + std::panic::RefUnwindSafe) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| f(&bytes));
        assert!(outcome.is_ok(), "{} panicked", path.display());
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

#[test]
fn inventory_json_corpus() {
    each("inventory_json", |d| {
        let mut imp = ahb_core::import::Importer::new();
        if imp.add_inventory_bytes("seed.json", d).is_ok() {
            let _ = imp.finish();
        }
    });
}

#[test]
fn usage_csv_corpus() {
    each("usage_csv", |d| {
        let _ = ahb_core::import::usage_from_csv("seed.csv", d);
    });
}

#[test]
fn licences_csv_corpus() {
    each("licences_csv", |d| {
        let _ = ahb_core::import::licences_from_csv("seed.csv", d);
    });
}

#[test]
fn vm_skus_json_corpus() {
    each("vm_skus_json", |d| {
        if let Ok(t) = std::str::from_utf8(d) {
            let _ = ahb_core::catalogue::Catalogue::bundled().with_vm_skus_json("seed.json", t);
        }
    });
}
