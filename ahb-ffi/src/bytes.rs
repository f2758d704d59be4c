//! `ahb_bytes`: an owned byte buffer that ahb hands to the caller (a JSON document, a report).

use crate::ffi::{FfiResult, Handle, Out};
use crate::panic::guard_value;

/// An immutable byte buffer owned by the caller once ahb returns it: the UTF-8 JSON or text
/// of a result. Read it with `ahb_bytes_data` and `ahb_bytes_len`; release it with
/// `ahb_bytes_free`, exactly once.
pub struct ahb_bytes {
    _private: [u8; 0],
}

/// The text plus a trailing NUL (not counted in the length).
pub(crate) struct Bytes(Vec<u8>);

impl Handle for ahb_bytes {
    type Rust = Bytes;
}

/// Hands `text` to the caller through `out` as a new `ahb_bytes`.
pub(crate) fn give(out: Out<'_, *mut ahb_bytes>, text: String) -> FfiResult {
    let mut v = text.into_bytes();
    v.push(0);
    out.write(ahb_bytes::into_raw(Bytes(v)));
    Ok(())
}

/// The first byte of the buffer; NULL when `bytes` is NULL. The `ahb_bytes_len(bytes)` bytes
/// there are followed by a NUL byte, so text results can also be read as C strings (as long
/// as the text itself holds no NUL). Valid until `ahb_bytes_free(bytes)`.
///
/// # Safety
///
/// `bytes` must be NULL or a live `ahb_bytes` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_bytes_data(bytes: *const ahb_bytes) -> *const u8 {
    guard_value(std::ptr::null(), || {
        // SAFETY: the caller passes NULL or a live handle.
        match unsafe { ahb_bytes::from_ptr("bytes", bytes) } {
            Ok(b) => b.0.as_ptr(),
            Err(_) => std::ptr::null(),
        }
    })
}

/// The length of the buffer in bytes, without the trailing NUL; 0 when `bytes` is NULL.
///
/// # Safety
///
/// `bytes` must be NULL or a live `ahb_bytes` from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_bytes_len(bytes: *const ahb_bytes) -> usize {
    guard_value(0, || {
        // SAFETY: the caller passes NULL or a live handle.
        match unsafe { ahb_bytes::from_ptr("bytes", bytes) } {
            Ok(b) => b.0.len() - 1,
            Err(_) => 0,
        }
    })
}

/// Frees a buffer. NULL is fine (nothing happens). Calling it twice with the same buffer, or
/// using the buffer or its data afterwards, is forbidden (undefined behaviour).
///
/// # Safety
///
/// `bytes` must be NULL or a live `ahb_bytes` from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_bytes_free(bytes: *mut ahb_bytes) {
    guard_value((), || {
        // SAFETY: the caller passes NULL or a live handle, freed once.
        unsafe { ahb_bytes::free(bytes) }
    })
}
