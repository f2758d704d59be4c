//! Gives the shared library its SONAME on Linux (and other ELF targets; macOS and Windows keep
//! the toolchain's defaults): `libahb.so.0`, so that
//! programs linked against it record the ABI generation, not the file name, and a later
//! `libahb.so.0.2.0` installed beside it is picked up without relinking. The number is the
//! ABI's major version: while ahb is 0.x, additions keep `.0`; a breaking change of the C ABI
//! gets a new SONAME. See README.md, "Installing the C library".

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let family = std::env::var("CARGO_CFG_TARGET_FAMILY").unwrap_or_default();
    let elf = family.split(',').any(|f| f == "unix") && !matches!(os.as_str(), "macos" | "ios");
    if elf {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libahb.so.0");
    }
}
