//! `ahb_rule_set`: a rule-set version and the knob values that settle its open questions.

use crate::status::reading;
use std::ffi::{CStr, c_char};

use ahb_core::{RuleSet, RuleSetVersion};

use crate::bytes::{ahb_bytes, give};
use crate::ffi::{Handle, Out, str_in};
use crate::panic::{guard, guard_value};
use crate::status::ahb_status;

/// A rule set: a version (`"2023-04"`, `"2021-11"`) and its knobs (RULES.md §11, OQ-n).
/// Immutable once built, so a `const ahb_rule_set *` may be used by several threads at once.
/// Released by `ahb_rule_set_free`.
pub struct ahb_rule_set {
    _private: [u8; 0],
}

impl Handle for ahb_rule_set {
    type Rust = RuleSet;
}

/// The version string of a rule-set version, NUL-terminated and static.
pub(crate) fn version_cstr(v: RuleSetVersion) -> &'static CStr {
    match v {
        RuleSetVersion::Current2023 => c"2023-04",
        RuleSetVersion::Legacy2021 => c"2021-11",
    }
}

/// Writes a new rule set holding the current rules (`2023-04`) with the §11 defaults to `*out`.
///
/// # Safety
///
/// `out` must be NULL or valid for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_rule_set_new_current(out: *mut *mut ahb_rule_set) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers `out`.
        let out = unsafe { Out::new("out", out) }?;
        out.write(ahb_rule_set::into_raw(RuleSet::current()));
        Ok(())
    })
}

/// Writes a new rule set named by the `len` UTF-8 bytes at `version` (`"2023-04"` or
/// `"current"`, `"2021-11"` or `"legacy"`) with its default knobs to `*out`. An unknown name is
/// `AHB_STATUS_INVALID_OPTION`.
///
/// # Safety
///
/// `version` must be NULL or valid for reads of `len` bytes; `out` must be NULL or valid for a
/// write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_rule_set_by_version(
    version: *const u8,
    len: usize,
    out: *mut *mut ahb_rule_set,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers `version`/`len` and `out`.
        let (name, out) = unsafe { (str_in("version", version, len)?, Out::new("out", out)?) };
        out.write(ahb_rule_set::into_raw(RuleSet::by_version(name)?));
        Ok(())
    })
}

/// Reads a rule set from `len` bytes of UTF-8 JSON at `json`, e.g.
/// `{"version": "2023-04", "knobs": {"estate_minimum_core_licences": 16}}`; absent knobs take
/// their defaults. On success writes the new rule set to `*out`. A bad knob is
/// `AHB_STATUS_INVALID_OPTION` (the last error names it); malformed JSON is `AHB_STATUS_PARSE`.
///
/// # Safety
///
/// `json` must be NULL or valid for reads of `len` bytes; `out` must be NULL or valid for a
/// write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_rule_set_from_json(
    json: *const u8,
    len: usize,
    out: *mut *mut ahb_rule_set,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers `json`/`len` and `out`.
        let (text, out) = unsafe { (str_in("json", json, len)?, Out::new("out", out)?) };
        let rules = RuleSet::from_json(text).map_err(reading("rule-set JSON"))?;
        out.write(ahb_rule_set::into_raw(rules));
        Ok(())
    })
}

/// The rule set's version string (`"2023-04"` or `"2021-11"`): NUL-terminated, static (valid
/// after the rule set is freed; never to be freed). NULL when `rule_set` is NULL.
///
/// # Safety
///
/// `rule_set` must be NULL or a live rule set from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_rule_set_version(rule_set: *const ahb_rule_set) -> *const c_char {
    guard_value(std::ptr::null(), || {
        // SAFETY: the caller passes NULL or a live rule set.
        match unsafe { ahb_rule_set::from_ptr("rule_set", rule_set) } {
            Ok(r) => version_cstr(r.version).as_ptr(),
            Err(_) => std::ptr::null(),
        }
    })
}

/// Writes the rule set as JSON (version and every knob value) to a new `ahb_bytes` at `*out`,
/// owned by the caller. The text can be read back with `ahb_rule_set_from_json`.
///
/// # Safety
///
/// `rule_set` must be NULL or a live rule set from this library; `out` must be NULL or valid for
/// a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_rule_set_json(
    rule_set: *const ahb_rule_set,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers `rule_set` and `out`.
        let (r, out) = unsafe {
            (
                ahb_rule_set::from_ptr("rule_set", rule_set)?,
                Out::new("out", out)?,
            )
        };
        let text = serde_json::to_string_pretty(r).expect("a rule set always serialises");
        give(out, text)
    })
}

/// Frees a rule set. NULL is fine (nothing happens). Calling it twice with the same rule set,
/// or using it afterwards, is forbidden (undefined behaviour). Positions computed with it stay
/// valid.
///
/// # Safety
///
/// `rule_set` must be NULL or a live rule set from this library, not freed before, and not in
/// use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_rule_set_free(rule_set: *mut ahb_rule_set) {
    guard_value((), || {
        // SAFETY: the caller passes NULL or a live rule set, freed once.
        unsafe { ahb_rule_set::free(rule_set) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The C version strings are the ones ahb-core reads and writes.
    #[test]
    fn version_strings_match_core() {
        for r in [RuleSet::current(), RuleSet::legacy_2021()] {
            let s = version_cstr(r.version).to_str().unwrap();
            assert_eq!(RuleSet::by_version(s).unwrap(), r);
            assert_eq!(serde_json::to_value(r.version).unwrap(), s);
        }
    }
}
