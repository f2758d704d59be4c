//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through each target's body, so a
//! plain `cargo test` proves no seed and no past crash makes ahb panic, without cargo-fuzz or a
//! nightly toolchain. The new targets' bodies live in `fuzz/harness/core.rs`, shared with the
//! cargo-fuzz binaries, so the replay runs exactly what the fuzzer ran.

use std::path::Path;

#[path = "../../fuzz/harness/core.rs"]
mod harness;

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

#[test]
fn estate_json_corpus() {
    each("estate_json", harness::estate_json);
}

#[test]
fn hourly_usage_corpus() {
    each("hourly_usage", harness::usage_csv);
}

#[test]
fn options_json_corpus() {
    each("options_json", harness::options_json);
}

#[test]
fn rule_set_json_corpus() {
    each("rule_set_json", harness::rule_set_json);
}

#[test]
fn cost_usage_corpus() {
    each("cost_usage", harness::cost_usage);
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_corpus() {
    each("parquet", harness::parquet);
}
