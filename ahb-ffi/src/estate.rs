//! `ahb_estate`: a validated estate (licences, resources, scopes) read from JSON.

use crate::status::reading;
use ahb_core::ValidEstate;

use crate::ffi::{Handle, Out, str_in};
use crate::panic::{guard, guard_value};
use crate::status::ahb_status;

/// A validated estate: licence lines, resources and scopes. Immutable once built, so a
/// `const ahb_estate *` may be used by several threads at once. Created by
/// `ahb_estate_from_json`; released by `ahb_estate_free`.
pub struct ahb_estate {
    _private: [u8; 0],
}

impl Handle for ahb_estate {
    type Rust = ValidEstate;
}

/// Reads and validates an estate from `len` bytes of UTF-8 JSON at `json` (an
/// `ahb.estate/1` document; not NUL-terminated, no NUL needed). On success writes a new
/// estate, owned by the caller, to `*out`.
///
/// Errors: `AHB_STATUS_NULL_ARGUMENT`, `AHB_STATUS_LENGTH_TOO_LARGE`, `AHB_STATUS_INVALID_UTF8`,
/// and the ahb-core codes 1–9 (`AHB_STATUS_PARSE` for truncated or malformed JSON with its
/// line and column, `AHB_STATUS_UNKNOWN_VARIANT`, `AHB_STATUS_DUPLICATE_ID`, …), whose last
/// error names the record and field.
///
/// # Safety
///
/// `json` must be NULL or valid for reads of `len` bytes during the call; `out` must be NULL or
/// valid for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_estate_from_json(
    json: *const u8,
    len: usize,
    out: *mut *mut ahb_estate,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers `json`/`len` and `out`.
        let (text, out) = unsafe { (str_in("json", json, len)?, Out::new("out", out)?) };
        let estate = ValidEstate::from_json(text).map_err(reading("estate JSON"))?;
        out.write(ahb_estate::into_raw(estate));
        Ok(())
    })
}

/// Frees an estate. NULL is fine (nothing happens). Calling it twice with the same estate, or
/// using the estate afterwards, is forbidden (undefined behaviour). Positions audited from the
/// estate do not borrow it and stay valid.
///
/// # Safety
///
/// `estate` must be NULL or a live estate from this library, not freed before, and not in use
/// by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_estate_free(estate: *mut ahb_estate) {
    guard_value((), || {
        // SAFETY: the caller passes NULL or a live estate, freed once.
        unsafe { ahb_estate::free(estate) }
    })
}
