//! The C ABI of ahb. It converts and guards; every decision is made in `ahb-core`.
//!
//! This first cut exports the library and rule-set versions; the estate handles, audit and
//! optimisation entry points follow the rustls-ffi conventions described in
//! `../shared/research/engineering.md` §3.

use std::ffi::c_char;

/// The library version as a NUL-terminated UTF-8 string with static lifetime.
#[unsafe(no_mangle)]
pub extern "C" fn ahb_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
