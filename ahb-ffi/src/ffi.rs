//! The casts between C pointers and Rust values, in one place (rustls-ffi's `ffi.rs`).
//!
//! Every pointer an export receives goes through one of these helpers, which turn NULL, a length
//! past `isize::MAX`, a misaligned pointer and invalid UTF-8 into statuses before any memory is
//! touched. What they cannot check (that a non-NULL pointer really points to live memory of the
//! right kind) is the caller's side of the contract, stated in the header.

use std::marker::PhantomData;

use crate::status::{
    AHB_STATUS_BUFFER_TOO_SMALL, AHB_STATUS_INDEX_OUT_OF_RANGE, AHB_STATUS_INVALID_ARGUMENT,
    AHB_STATUS_INVALID_UTF8, AHB_STATUS_LENGTH_TOO_LARGE, AHB_STATUS_NULL_ARGUMENT, ahb_status,
};

/// A failure inside an export: the status to return and the detailed message to record as the
/// thread's last error.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub status: ahb_status,
    pub message: String,
}

impl FfiError {
    pub(crate) fn new(status: ahb_status, message: String) -> Self {
        FfiError { status, message }
    }

    pub(crate) fn null(arg: &str) -> Self {
        FfiError::new(
            AHB_STATUS_NULL_ARGUMENT,
            format!("argument `{arg}` is NULL"),
        )
    }

    pub(crate) fn invalid(arg: &str, why: impl std::fmt::Display) -> Self {
        FfiError::new(
            AHB_STATUS_INVALID_ARGUMENT,
            format!("argument `{arg}`: {why}"),
        )
    }

    pub(crate) fn index(arg: &str, index: usize, count: usize) -> Self {
        FfiError::new(
            AHB_STATUS_INDEX_OUT_OF_RANGE,
            format!("argument `{arg}` is {index}, not below the count {count}"),
        )
    }
}

/// The result of an export body.
pub(crate) type FfiResult<T = ()> = Result<T, FfiError>;

/// A (pointer, length) byte view checked for NULL and length, borrowed for `'a`.
///
/// # Safety
///
/// If `ptr` is not NULL it must be valid for reads of `len` bytes for `'a`, and the bytes must
/// not be written during `'a`.
pub(crate) unsafe fn bytes_in<'a>(arg: &str, ptr: *const u8, len: usize) -> FfiResult<&'a [u8]> {
    if ptr.is_null() {
        return Err(FfiError::null(arg));
    }
    if len > isize::MAX as usize {
        return Err(FfiError::new(
            AHB_STATUS_LENGTH_TOO_LARGE,
            format!("argument `{arg}`: length {len} is larger than PTRDIFF_MAX"),
        ));
    }
    // SAFETY: `ptr` is not NULL (checked), `len` ≤ isize::MAX (checked), and the caller
    // guarantees `len` readable bytes that stay unchanged for 'a; `u8` needs no alignment.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A (pointer, length) UTF-8 text view: [`bytes_in`] plus UTF-8 validation.
///
/// # Safety
///
/// As for [`bytes_in`].
pub(crate) unsafe fn str_in<'a>(arg: &str, ptr: *const u8, len: usize) -> FfiResult<&'a str> {
    // SAFETY: forwarded from this function's own contract.
    let bytes = unsafe { bytes_in(arg, ptr, len) }?;
    ahb_core::text::utf8(bytes).map_err(|(at, line, column)| {
        FfiError::new(
            AHB_STATUS_INVALID_UTF8,
            format!(
                "argument `{arg}` is not valid UTF-8: invalid byte at offset {at} \
                 (line {line}, column {column})"
            ),
        )
    })
}

/// A checked output slot: the pointer is known to be non-NULL and aligned. Writing happens only
/// at the end of a successful call, so out-params are written only on success.
pub(crate) struct Out<'a, T> {
    ptr: *mut T,
    _life: PhantomData<&'a mut T>,
}

impl<T> Out<'_, T> {
    /// Checks `ptr` for NULL and alignment.
    ///
    /// # Safety
    ///
    /// If `ptr` is not NULL and aligned, it must be valid for a write of one `T` for the life
    /// of the returned value.
    pub(crate) unsafe fn new(arg: &str, ptr: *mut T) -> FfiResult<Self> {
        if ptr.is_null() {
            return Err(FfiError::null(arg));
        }
        if !ptr.is_aligned() {
            return Err(FfiError::invalid(arg, "the pointer is misaligned"));
        }
        Ok(Out {
            ptr,
            _life: PhantomData,
        })
    }

    /// Writes `value`, without reading or dropping what was there (C memory may be
    /// uninitialised).
    pub(crate) fn write(self, value: T) {
        // SAFETY: `ptr` is non-NULL and aligned (checked in `new`) and valid for one write of
        // `T` (the contract of `new`); `ptr::write` does not drop the old contents.
        unsafe { self.ptr.write(value) }
    }
}

/// Copies `text` and a NUL byte into the caller's buffer `(buf, cap)` and writes the text's
/// length (without the NUL) to `*out_len`. Writes nothing unless everything fits.
///
/// # Safety
///
/// `buf` must be NULL or valid for writes of `cap` bytes; `out_len` must be NULL or valid for
/// a write of one `size_t`.
pub(crate) unsafe fn write_text(
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    text: &[u8],
) -> FfiResult {
    if buf.is_null() {
        return Err(FfiError::null("buf"));
    }
    // SAFETY: forwarded from this function's contract.
    let out_len = unsafe { Out::new("out_len", out_len) }?;
    if cap > isize::MAX as usize {
        return Err(FfiError::new(
            AHB_STATUS_LENGTH_TOO_LARGE,
            format!("argument `cap`: length {cap} is larger than PTRDIFF_MAX"),
        ));
    }
    let need = text.len() + 1;
    if cap < need {
        return Err(FfiError::new(
            AHB_STATUS_BUFFER_TOO_SMALL,
            format!("the buffer holds {cap} bytes; {need} are needed (text and NUL)"),
        ));
    }
    // SAFETY: `buf` is non-NULL and valid for `cap` ≥ `text.len() + 1` bytes (contract and the
    // check above); `text` is Rust-owned memory the caller cannot legitimately alias.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf, text.len());
        buf.add(text.len()).write(0);
    }
    out_len.write(text.len());
    Ok(())
}

/// An opaque C type standing for a boxed Rust value (rustls-ffi's `Castable` with
/// `OwnershipBox`). C only ever sees `*const H` / `*mut H`; the memory is a `Box<H::Rust>`.
pub(crate) trait Handle: Sized {
    /// The Rust type behind the handle.
    type Rust;

    /// Moves `value` to the heap and gives C the pointer.
    fn into_raw(value: Self::Rust) -> *mut Self {
        Box::into_raw(Box::new(value)).cast()
    }

    /// Borrows the value behind a handle argument.
    ///
    /// # Safety
    ///
    /// `ptr` must be NULL or a pointer this library returned for this handle type and has not
    /// freed, and it must not be freed during `'a`.
    unsafe fn from_ptr<'a>(arg: &str, ptr: *const Self) -> FfiResult<&'a Self::Rust> {
        if ptr.is_null() {
            return Err(FfiError::null(arg));
        }
        // SAFETY: by the contract, a non-NULL `ptr` came from `into_raw` for this type, so it
        // points to a live, aligned `Self::Rust`, shared (never mutated) while borrowed.
        Ok(unsafe { &*ptr.cast::<Self::Rust>() })
    }

    /// Borrows the value behind a mutable handle argument, exclusively.
    ///
    /// # Safety
    ///
    /// `ptr` must be NULL or a pointer this library returned for this handle type and has not
    /// freed, and no other borrow of it (from this or another thread) may be live during `'a`.
    unsafe fn from_mut<'a>(arg: &str, ptr: *mut Self) -> FfiResult<&'a mut Self::Rust> {
        if ptr.is_null() {
            return Err(FfiError::null(arg));
        }
        // SAFETY: by the contract, a non-NULL `ptr` came from `into_raw` for this type, so it
        // points to a live, aligned `Self::Rust`, and nothing else borrows it during `'a`.
        Ok(unsafe { &mut *ptr.cast::<Self::Rust>() })
    }

    /// Frees a handle; NULL is a no-op.
    ///
    /// # Safety
    ///
    /// `ptr` must be NULL or a pointer this library returned for this handle type and has not
    /// freed yet, and no borrow of it may be live.
    unsafe fn free(ptr: *mut Self) {
        if !ptr.is_null() {
            // SAFETY: by the contract, `ptr` came from `Box::into_raw` of a `Box<Self::Rust>`
            // in `into_raw` and is freed exactly once.
            drop(unsafe { Box::from_raw(ptr.cast::<Self::Rust>()) });
        }
    }
}

/// Checks that `index` is below `count`.
pub(crate) fn check_index(arg: &str, index: usize, count: usize) -> FfiResult<usize> {
    if index < count {
        Ok(index)
    } else {
        Err(FfiError::index(arg, index, count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_checked_before_use() {
        // SAFETY: NULL and huge lengths are rejected before any read.
        unsafe {
            let e = bytes_in("json", std::ptr::null(), 0).unwrap_err();
            assert_eq!(e.status, AHB_STATUS_NULL_ARGUMENT);
            let e = bytes_in("json", [0u8].as_ptr(), usize::MAX).unwrap_err();
            assert_eq!(e.status, AHB_STATUS_LENGTH_TOO_LARGE);
            let e = bytes_in("json", [0u8].as_ptr(), isize::MAX as usize + 1).unwrap_err();
            assert_eq!(e.status, AHB_STATUS_LENGTH_TOO_LARGE);
            let bad = b"ok\n\xff";
            let e = str_in("json", bad.as_ptr(), bad.len()).unwrap_err();
            assert_eq!(e.status, AHB_STATUS_INVALID_UTF8);
            assert!(
                e.message.contains("offset 3 (line 2, column 1)"),
                "{}",
                e.message
            );
            assert_eq!(str_in("json", b"".as_ptr(), 0).unwrap(), "");
        }
    }

    #[test]
    fn text_is_written_only_when_it_fits() {
        let mut buf = [0xAAu8; 4];
        let mut n = 99usize;
        // SAFETY: `buf` and `n` are locals of the sizes given.
        unsafe {
            let e = write_text(buf.as_mut_ptr(), 3, &mut n, b"abc").unwrap_err();
            assert_eq!(e.status, AHB_STATUS_BUFFER_TOO_SMALL);
            assert_eq!((buf, n), ([0xAA; 4], 99));
            write_text(buf.as_mut_ptr(), 4, &mut n, b"abc").unwrap();
            assert_eq!((buf, n), (*b"abc\0", 3));
            let e = write_text(buf.as_mut_ptr(), 4, std::ptr::null_mut(), b"x").unwrap_err();
            assert_eq!(e.status, AHB_STATUS_NULL_ARGUMENT);
        }
    }

    #[test]
    fn misaligned_out_pointers_are_refused() {
        let mut slots = [0u64; 2];
        let p = slots
            .as_mut_ptr()
            .cast::<u8>()
            .wrapping_add(1)
            .cast::<u64>();
        // SAFETY: the misaligned pointer is rejected before any write.
        let e = unsafe { Out::new("out", p) }.err().unwrap();
        assert_eq!(e.status, AHB_STATUS_INVALID_ARGUMENT);
    }
}
