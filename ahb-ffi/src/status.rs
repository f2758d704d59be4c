//! Status codes, their fixed messages, and the calling thread's last error.
//!
//! Every fallible export returns an `ahb_status`. The values are stable and never reused:
//!
//! - `0` is success.
//! - `1`‥`999` are the codes of `ahb_core::ErrorCode`, passed through unchanged
//!   (`ahb_core::Error::code().as_u32()`), so C, Python and Rust report the same number.
//! - `1000`‥ are the codes only the C ABI can produce (NULL pointers, bad lengths, …).
//!
//! The detailed message of a failure (with its location: line and column, record and field) is
//! kept per thread and read with `ahb_last_error_length` and `ahb_last_error_message`.

use std::cell::RefCell;
use std::ffi::{CStr, c_char};

use ahb_core::ErrorCode;

use crate::ffi::{FfiError, write_text};
use crate::panic::{guard_quiet, guard_value};

/// The status every fallible function returns: `AHB_STATUS_OK` (0) or an error code. It is a
/// plain `uint32_t`, never a C enum, so its width is fixed and any value may be passed back in.
pub type ahb_status = u32;

/// Success.
pub const AHB_STATUS_OK: ahb_status = 0;

/// The text is not well-formed (JSON, or CSV for the functions that read CSV) or not of the
/// expected shape (ahb-core `Parse`); the last error names the format and the line and column.
pub const AHB_STATUS_PARSE: ahb_status = 1;
/// A value has the right type but is not allowed (ahb-core `InvalidValue`).
pub const AHB_STATUS_INVALID_VALUE: ahb_status = 2;
/// A required field is absent (ahb-core `MissingField`).
pub const AHB_STATUS_MISSING_FIELD: ahb_status = 3;
/// An enum string is not one ahb knows (ahb-core `UnknownVariant`).
pub const AHB_STATUS_UNKNOWN_VARIANT: ahb_status = 4;
/// Two records of one collection share an id (ahb-core `DuplicateId`).
pub const AHB_STATUS_DUPLICATE_ID: ahb_status = 5;
/// A record refers to an id that does not exist (ahb-core `UnknownReference`).
pub const AHB_STATUS_UNKNOWN_REFERENCE: ahb_status = 6;
/// The `schema` field names a version this build does not read (ahb-core `UnsupportedSchema`).
pub const AHB_STATUS_UNSUPPORTED_SCHEMA: ahb_status = 7;
/// A file could not be read (ahb-core `Io`).
pub const AHB_STATUS_IO: ahb_status = 8;
/// An option or rule-set knob is invalid (ahb-core `InvalidOption`).
pub const AHB_STATUS_INVALID_OPTION: ahb_status = 9;

/// A pointer argument is NULL.
pub const AHB_STATUS_NULL_ARGUMENT: ahb_status = 1000;
/// A text argument is not valid UTF-8.
pub const AHB_STATUS_INVALID_UTF8: ahb_status = 1001;
/// A length is larger than `PTRDIFF_MAX` (`isize::MAX`), so it cannot describe real memory.
pub const AHB_STATUS_LENGTH_TOO_LARGE: ahb_status = 1002;
/// A caller-provided buffer is too small; nothing was written to it.
pub const AHB_STATUS_BUFFER_TOO_SMALL: ahb_status = 1003;
/// An argument has a value the function does not accept (a date that is not `YYYY-MM-DD`, an
/// unknown selector, a misaligned pointer).
pub const AHB_STATUS_INVALID_ARGUMENT: ahb_status = 1004;
/// An index is not below the count of the collection it indexes.
pub const AHB_STATUS_INDEX_OUT_OF_RANGE: ahb_status = 1005;
/// ahb panicked: a bug in ahb. The panic was caught at the boundary; the last error has its
/// message. Handles passed to the call are still valid and must still be freed.
pub const AHB_STATUS_PANIC: ahb_status = 1006;

/// The status of an ahb-core error: its code, unchanged.
pub(crate) fn from_core(code: ErrorCode) -> ahb_status {
    code.as_u32()
}

/// The fixed message of a status, as a static string.
fn message(status: ahb_status) -> &'static CStr {
    match status {
        AHB_STATUS_OK => c"success",
        AHB_STATUS_PARSE => {
            c"the text is not well-formed (JSON or CSV) or not of the expected shape"
        }
        AHB_STATUS_INVALID_VALUE => c"a value is not allowed",
        AHB_STATUS_MISSING_FIELD => c"a required field is absent",
        AHB_STATUS_UNKNOWN_VARIANT => c"an enum string is not one ahb knows",
        AHB_STATUS_DUPLICATE_ID => c"two records of one collection share an id",
        AHB_STATUS_UNKNOWN_REFERENCE => c"a record refers to an id that does not exist",
        AHB_STATUS_UNSUPPORTED_SCHEMA => c"the schema version is not one this build reads",
        AHB_STATUS_IO => c"a file could not be read",
        AHB_STATUS_INVALID_OPTION => c"an option or rule-set knob is invalid",
        AHB_STATUS_NULL_ARGUMENT => c"a pointer argument is NULL",
        AHB_STATUS_INVALID_UTF8 => c"a text argument is not valid UTF-8",
        AHB_STATUS_LENGTH_TOO_LARGE => c"a length is larger than PTRDIFF_MAX",
        AHB_STATUS_BUFFER_TOO_SMALL => c"the buffer is too small",
        AHB_STATUS_INVALID_ARGUMENT => c"an argument has a value the function does not accept",
        AHB_STATUS_INDEX_OUT_OF_RANGE => c"an index is out of range",
        AHB_STATUS_PANIC => c"ahb panicked (a bug in ahb); see the last error message",
        // A core code newer than this table (core codes are 1..=999 and pass through).
        _ if status < 1000 => {
            c"an ahb-core error newer than this status table; see the last error message"
        }
        _ => c"unknown status",
    }
}

/// The fixed English message of `status`: a NUL-terminated ASCII string with static lifetime
/// (never NULL, never to be freed). Unknown values give "unknown status". For the details of
/// a failure (where, which record, which field), see `ahb_last_error_message`.
#[unsafe(no_mangle)]
pub extern "C" fn ahb_status_message(status: ahb_status) -> *const c_char {
    guard_value(c"unknown status".as_ptr(), || message(status).as_ptr())
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records `message` as the calling thread's last error. Never panics: during thread teardown,
/// when the thread-local is gone, the message is dropped.
pub(crate) fn set_last_error(message: String) {
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = message;
        }
    });
}

/// Runs `f` on (a copy of) the calling thread's last error message, empty when there is none.
fn with_last_error<R>(f: impl FnOnce(&str) -> R) -> R {
    let text = LAST_ERROR
        .try_with(|cell| cell.try_borrow().map(|s| s.clone()).unwrap_or_default())
        .unwrap_or_default();
    f(&text)
}

/// The length in bytes of the calling thread's last error message, without the NUL terminator;
/// 0 when no call on this thread has failed yet. A buffer of this length plus one holds it.
#[unsafe(no_mangle)]
pub extern "C" fn ahb_last_error_length() -> usize {
    guard_value(0, || with_last_error(str::len))
}

/// Copies the calling thread's last error message into `buf` as UTF-8 followed by a NUL byte,
/// and writes its length (without the NUL) to `*out_len`.
///
/// The last error is the detailed message of the most recent failed `ahb_` call on this thread:
/// what is wrong and where (line and column, record and field, argument name). A
/// successful call does not clear it, and neither this function nor `ahb_last_error_length`
/// changes it, so a too-small buffer can be retried. It is the empty string before any failure.
/// It may contain NUL bytes when the input did (an id written as `"\u0000"` in JSON); use
/// `*out_len`, not `strlen`, when that matters.
///
/// Returns `AHB_STATUS_BUFFER_TOO_SMALL` (writing nothing) when `cap` is less than
/// `ahb_last_error_length() + 1`.
///
/// # Safety
///
/// `buf` must be NULL or valid for writes of `cap` bytes; `out_len` must be NULL or point to a
/// writable `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_last_error_message(
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> ahb_status {
    guard_quiet(|| {
        // SAFETY: the caller guarantees `buf` is valid for `cap` bytes and `out_len` for one
        // `size_t` (both NULL-checked inside).
        with_last_error(|text| unsafe { write_text(buf, cap, out_len, text.as_bytes()) })
    })
}

/// The error an ahb-core failure becomes: its code and its located message.
impl From<ahb_core::Error> for FfiError {
    fn from(e: ahb_core::Error) -> Self {
        FfiError::new(from_core(e.code()), e.to_string())
    }
}

/// The error of reading an input in `format` (`"estate JSON"`, `"usage CSV"`): its code and its
/// located message, prefixed with the format, so the last error says which text and which
/// format failed.
pub(crate) fn reading(format: &str) -> impl FnOnce(ahb_core::Error) -> FfiError + '_ {
    move |e| FfiError::new(from_core(e.code()), format!("{format}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The status of every core code equals the core code: the faces cannot drift. A new core
    /// code gets its own status value automatically and the generic 1..=999 message.
    #[test]
    fn core_codes_pass_through() {
        let pairs = [
            (ErrorCode::Parse, AHB_STATUS_PARSE),
            (ErrorCode::InvalidValue, AHB_STATUS_INVALID_VALUE),
            (ErrorCode::MissingField, AHB_STATUS_MISSING_FIELD),
            (ErrorCode::UnknownVariant, AHB_STATUS_UNKNOWN_VARIANT),
            (ErrorCode::DuplicateId, AHB_STATUS_DUPLICATE_ID),
            (ErrorCode::UnknownReference, AHB_STATUS_UNKNOWN_REFERENCE),
            (ErrorCode::UnsupportedSchema, AHB_STATUS_UNSUPPORTED_SCHEMA),
            (ErrorCode::Io, AHB_STATUS_IO),
            (ErrorCode::InvalidOption, AHB_STATUS_INVALID_OPTION),
        ];
        for (code, status) in pairs {
            assert_eq!(from_core(code), status, "{code:?}");
            assert!((1..1000).contains(&status));
            assert!(
                !message(status)
                    .to_bytes()
                    .starts_with(b"an ahb-core error newer")
            );
        }
    }

    #[test]
    fn input_errors_name_their_format() {
        let e = ahb_core::central::HourlyUsage::from_csv("nope").unwrap_err();
        let f = reading("usage CSV")(e);
        assert_eq!(f.status, AHB_STATUS_PARSE);
        assert!(f.message.starts_with("usage CSV: line 1"), "{}", f.message);
        assert!(
            !message(AHB_STATUS_PARSE)
                .to_bytes()
                .ends_with(b"JSON of the expected shape")
        );
    }

    #[test]
    fn every_status_has_its_own_message() {
        let all = [
            AHB_STATUS_OK,
            AHB_STATUS_PARSE,
            AHB_STATUS_INVALID_VALUE,
            AHB_STATUS_MISSING_FIELD,
            AHB_STATUS_UNKNOWN_VARIANT,
            AHB_STATUS_DUPLICATE_ID,
            AHB_STATUS_UNKNOWN_REFERENCE,
            AHB_STATUS_UNSUPPORTED_SCHEMA,
            AHB_STATUS_IO,
            AHB_STATUS_INVALID_OPTION,
            AHB_STATUS_NULL_ARGUMENT,
            AHB_STATUS_INVALID_UTF8,
            AHB_STATUS_LENGTH_TOO_LARGE,
            AHB_STATUS_BUFFER_TOO_SMALL,
            AHB_STATUS_INVALID_ARGUMENT,
            AHB_STATUS_INDEX_OUT_OF_RANGE,
            AHB_STATUS_PANIC,
        ];
        let mut seen = std::collections::HashSet::new();
        for s in all {
            let m = message(s);
            assert!(seen.insert(m), "status {s} shares its message");
            assert_ne!(m, c"unknown status");
            assert!(m.to_bytes().is_ascii());
        }
        assert_eq!(message(424_242), c"unknown status");
    }
}
