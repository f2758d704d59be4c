//! The panic boundary. A panic that unwinds out of an `extern "C"` function aborts the process
//! (Rust ≥ 1.81), which would take the embedding C# service or SAM tool down with it; every
//! export therefore runs its body inside one of these guards.
//!
//! They are functions taking closures rather than macros (rustls-ffi's `ffi_panic_boundary!`),
//! so rustfmt and clippy see the bodies.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::ffi::FfiError;
use crate::status::{AHB_STATUS_OK, AHB_STATUS_PANIC, ahb_status, set_last_error};

/// Runs a fallible export body: `Ok` is `AHB_STATUS_OK`; an error records its message as the
/// thread's last error and returns its status; a panic records the panic message and returns
/// `AHB_STATUS_PANIC`.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), FfiError>) -> ahb_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => AHB_STATUS_OK,
        Ok(Err(e)) => {
            set_last_error(e.message);
            e.status
        }
        Err(payload) => {
            set_last_error(panic_message(payload.as_ref()));
            AHB_STATUS_PANIC
        }
    }
}

/// Like [`guard`], but leaves the last error alone on failure: for the functions that read
/// the last error, so that a too-small buffer does not replace the message being read.
pub(crate) fn guard_quiet(f: impl FnOnce() -> Result<(), FfiError>) -> ahb_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => AHB_STATUS_OK,
        Ok(Err(e)) => e.status,
        Err(_) => AHB_STATUS_PANIC,
    }
}

/// Runs an infallible export body (a getter that cannot report a status), returning `default`
/// if it panics.
pub(crate) fn guard_value<T>(default: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(payload) => {
            set_last_error(panic_message(payload.as_ref()));
            default
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let what = if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.as_str()
    } else {
        "a panic without a message"
    };
    format!("ahb panicked (this is a bug in ahb; please report it): {what}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{AHB_STATUS_NULL_ARGUMENT, ahb_last_error_length};

    fn last_error() -> String {
        let mut buf = vec![0u8; ahb_last_error_length() + 1];
        let mut n = 0;
        // SAFETY: `buf` is valid for its length and `n` is a local.
        let s =
            unsafe { crate::status::ahb_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) };
        assert_eq!(s, AHB_STATUS_OK);
        buf.truncate(n);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let s = guard(|| panic!("boom {}", 42));
        assert_eq!(s, AHB_STATUS_PANIC);
        assert!(last_error().ends_with("boom 42"), "{}", last_error());
        let s = guard(|| std::panic::panic_any(7_u8));
        assert_eq!(s, AHB_STATUS_PANIC);
        assert!(last_error().ends_with("a panic without a message"));
    }

    #[test]
    fn a_panicking_getter_returns_its_default() {
        assert_eq!(guard_value(5_usize, || panic!("getter")), 5);
        assert!(last_error().ends_with("getter"));
    }

    #[test]
    fn errors_set_the_last_error_and_quiet_guards_do_not() {
        let s = guard(|| Err(FfiError::new(AHB_STATUS_NULL_ARGUMENT, "first".into())));
        assert_eq!(s, AHB_STATUS_NULL_ARGUMENT);
        let s = guard_quiet(|| Err(FfiError::new(AHB_STATUS_NULL_ARGUMENT, "second".into())));
        assert_eq!(s, AHB_STATUS_NULL_ARGUMENT);
        assert_eq!(last_error(), "first");
        assert_eq!(guard(|| Ok(())), AHB_STATUS_OK);
        assert_eq!(
            last_error(),
            "first",
            "success does not clear the last error"
        );
    }
}
