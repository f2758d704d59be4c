//! The C ABI of ahb (`libahb`, header `include/ahb.h`). It converts and guards; every decision
//! is made in `ahb-core`.
//!
//! The conventions are rustls-ffi's (see CONTRIBUTING.md, "Add an FFI function"):
//!
//! - Every name starts with `ahb_`. Opaque handles (`ahb_estate`, `ahb_importer`, `ahb_rule_set`,
//!   `ahb_position`, `ahb_plan`, `ahb_bytes`) are created by library functions and released by their
//!   `_free`, which accepts NULL and must be called exactly once: a double free is undefined
//!   behaviour. Handles are immutable (shareable between threads through `const` pointers),
//!   except `ahb_importer`, which files are added to and which one thread at a time may use.
//! - Fallible functions return an `ahb_status` (`uint32_t`, `AHB_STATUS_OK` = 0; the values of
//!   `ahb_core::ErrorCode` pass through unchanged; C-only codes from 1000). Results come
//!   through out-parameters placed last, written only on success.
//! - The detailed message of a failure is the calling thread's last error
//!   (`ahb_last_error_length`, `ahb_last_error_message`); `ahb_status_message` gives the fixed
//!   text of a status.
//! - Text and bytes go in as (pointer, length) UTF-8, never NUL-terminated; lengths above
//!   `isize::MAX` and NULL pointers are statuses, never undefined behaviour. Large results come
//!   out as caller-owned `ahb_bytes`; small ones (decimals, the last error) are copied into
//!   caller buffers; static strings as `const char *`.
//! - Every export runs inside a panic guard; a panic is `AHB_STATUS_PANIC`.
//! - No `bool` crosses the ABI (`uint8_t` 0/1 instead), no Rust enums (plain `uint32_t`
//!   constants), no Rust structs (only opaque pointers).
//!
//! Adding an entry point (as `ahb_optimize` was added): an opaque type with a `Handle` impl (`src/ffi.rs`), a
//! function whose body is `guard(|| { …from_ptr…; Out::new…; out.write(…) })`, and a
//! `_json` / `_free` pair, as in `src/plan.rs`.

#![allow(non_camel_case_types)]

// The C library keeps the system allocator (the Python wheel runs on mimalloc): C programs
// check their memory with valgrind or sanitizers, which see only the system allocator's blocks,
// and scripts/test-ffi runs every C example under valgrind's leak check.

// The header follows this order: statuses, buffers, estates, importers, rule sets, plans,
// positions, times, exporters.
pub mod status;

pub mod bytes;
pub mod estate;
pub mod import;
pub mod rule_set;

pub mod plan;
pub mod position;
pub mod time;

pub mod export;

mod ffi;
mod panic;

use std::ffi::c_char;

use crate::panic::guard_value;

/// The library version (`"0.1.0"`) as a NUL-terminated string with static lifetime, never to be
/// freed. It equals the `AHB_VERSION_MAJOR.MINOR.PATCH` defines of the header the program was
/// compiled against when header and library match.
#[unsafe(no_mangle)]
pub extern "C" fn ahb_version() -> *const c_char {
    guard_value(std::ptr::null(), || {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    })
}
