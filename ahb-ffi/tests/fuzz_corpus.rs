//! Replays the committed `ffi_bytes` fuzz corpus (`fuzz/corpus/ffi_bytes/`) through the C ABI
//! functions that take bytes, with the body the cargo-fuzz binary runs
//! (`fuzz/harness/ffi.rs`): no input may make a function report a caught panic.

use std::path::Path;

#[path = "../../fuzz/harness/ffi.rs"]
mod harness;

#[test]
fn ffi_bytes_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/ffi_bytes");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| harness::ffi_bytes(&bytes));
        assert!(outcome.is_ok(), "{} failed", path.display());
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}
