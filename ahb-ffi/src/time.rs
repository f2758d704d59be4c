//! `ahb_timeline`, `ahb_simulate_central` and `ahb_best_assignment`: the position over dates and
//! centrally managed SQL hour by hour. Their results are JSON (`ahb.timeline/1`,
//! `ahb.central/1`, the best assignment) in caller-owned `ahb_bytes`.

use crate::status::reading;
use ahb_core::central::{HourlyUsage, LicencePricesPerYear};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::bytes::{ahb_bytes, give};
use crate::estate::ahb_estate;
use crate::ffi::{FfiError, Handle, Out, bytes_in, str_in};
use crate::panic::guard;
use crate::rule_set::ahb_rule_set;
use crate::status::ahb_status;

/// Options of `ahb_timeline`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TimelineOptions {
    #[serde(deserialize_with = "ahb_core::text::de_date")]
    from: NaiveDate,
    #[serde(deserialize_with = "ahb_core::text::de_date")]
    to: NaiveDate,
}

/// Options of `ahb_best_assignment`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BestOptions {
    scope: String,
    prices: LicencePricesPerYear,
}

/// Options are read by the core's one options reader, so a wrong option is located the same way
/// as from Rust and Python.
fn options<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, FfiError> {
    ahb_core::options::from_json(text).map_err(Into::into)
}

/// Writes the position at `from` and at every date up to `to` where supply changes (SA terms,
/// 180-day windows, central assignment expiry), with the cliff in money at each step, as JSON
/// to a new `ahb_bytes` at `*out`, owned by the caller. The options are `len` bytes of UTF-8
/// JSON: `{"from": "2026-11-25", "to": "2027-12-31"}`.
///
/// Errors: `AHB_STATUS_NULL_ARGUMENT`, `AHB_STATUS_LENGTH_TOO_LARGE`, `AHB_STATUS_INVALID_UTF8`,
/// `AHB_STATUS_INVALID_OPTION` (bad options or `to` before `from`), and the ahb-core codes.
///
/// # Safety
///
/// `estate` and `rule_set` must each be NULL or live handles from this library;
/// `options_json` must be NULL or valid for reads of `len` bytes; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_timeline(
    estate: *const ahb_estate,
    rule_set: *const ahb_rule_set,
    options_json: *const u8,
    len: usize,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers every pointer.
        let (estate, rules, text, out) = unsafe {
            (
                ahb_estate::from_ptr("estate", estate)?,
                ahb_rule_set::from_ptr("rule_set", rule_set)?,
                str_in("options_json", options_json, len)?,
                Out::new("out", out)?,
            )
        };
        let o: TimelineOptions = options(text)?;
        give(out, estate.timeline(rules, o.from, o.to)?.to_json())
    })
}

/// Reads hourly usage CSV bytes (header `resource,hour,vcores,licence_price_per_vcore_hour`).
///
/// # Safety
///
/// `usage_csv` must be NULL or valid for reads of `len` bytes.
unsafe fn usage(usage_csv: *const u8, len: usize) -> Result<HourlyUsage, FfiError> {
    // SAFETY: forwarded from the caller's contract.
    let bytes = unsafe { bytes_in("usage_csv", usage_csv, len)? };
    // CSV that is not UTF-8 is an argument error with a status of its own; the reading itself,
    // Parquet or CSV, is the core's.
    if !ahb_core::text::is_parquet(bytes) {
        ahb_core::text::utf8(bytes).map_err(|(at, line, column)| {
            FfiError::new(
                crate::status::AHB_STATUS_INVALID_UTF8,
                format!(
                    "argument `usage_csv` is not valid UTF-8: invalid byte at offset {at} \
                     (line {line}, column {column})"
                ),
            )
        })?;
    }
    HourlyUsage::from_bytes(bytes).map_err(reading("usage"))
}

/// Simulates the estate's central SQL assignments over hourly usage given as `len` bytes of
/// UTF-8 CSV (header `resource,hour,vcores,licence_price_per_vcore_hour`) or of a Parquet file
/// with those columns (recognised by its magic `PAR1`; Snappy, Zstandard, LZ4 or gzip), with
/// the rule set's OQ-6 strategy, and writes the result as JSON (`ahb.central/1`: per scope and hour the
/// assigned, demanded, covered and HA/DR NC, the pay-as-you-go overage, utilisation) to a new
/// `ahb_bytes` at `*out`, owned by the caller.
///
/// Errors: as `ahb_timeline`, plus `AHB_STATUS_PARSE` for CSV that does not parse (the last
/// error gives the line and column) or Parquet that does not read, and `AHB_STATUS_INVALID_VALUE` / `AHB_STATUS_UNKNOWN_REFERENCE`
/// for rows out of order, duplicated or naming unknown resources.
///
/// # Safety
///
/// `estate` and `rule_set` must each be NULL or live handles from this library; `usage_csv`
/// must be NULL or valid for reads of `len` bytes; `out` must be NULL or valid for a write of
/// one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_simulate_central(
    estate: *const ahb_estate,
    rule_set: *const ahb_rule_set,
    usage_csv: *const u8,
    len: usize,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers every pointer.
        let (estate, rules, usage, out) = unsafe {
            (
                ahb_estate::from_ptr("estate", estate)?,
                ahb_rule_set::from_ptr("rule_set", rule_set)?,
                usage(usage_csv, len)?,
                Out::new("out", out)?,
            )
        };
        give(out, estate.simulate_central(rules, &usage)?.to_json())
    })
}

/// Finds how many Enterprise and Standard core licences to assign to a scope, from hourly
/// usage CSV or Parquet (as for `ahb_simulate_central`) and options `{"scope": "...", "prices":
/// {"sql_enterprise_per_core_year": "1890", "sql_standard_per_core_year": "493"}}` (yearly
/// prices per core licence, as decimal strings; the deprecated names `enterprise_core` and
/// `standard_core` are still read), and writes the result as JSON to a new `ahb_bytes` at
/// `*out`, owned by the caller. A wrong price is `AHB_STATUS_INVALID_OPTION`, and the last
/// error names it (`prices.sql_standard_per_core_year`).
///
/// # Safety
///
/// `estate` and `rule_set` must each be NULL or live handles from this library; `usage_csv`
/// must be NULL or valid for reads of `usage_len` bytes; `options_json` NULL or valid for reads
/// of `options_len` bytes; `out` NULL or valid for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_best_assignment(
    estate: *const ahb_estate,
    rule_set: *const ahb_rule_set,
    usage_csv: *const u8,
    usage_len: usize,
    options_json: *const u8,
    options_len: usize,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers every pointer.
        let (estate, rules, usage, text, out) = unsafe {
            (
                ahb_estate::from_ptr("estate", estate)?,
                ahb_rule_set::from_ptr("rule_set", rule_set)?,
                usage(usage_csv, usage_len)?,
                str_in("options_json", options_json, options_len)?,
                Out::new("out", out)?,
            )
        };
        let o: BestOptions = options(text)?;
        give(
            out,
            estate
                .best_assignment(rules, &usage, &o.scope, &o.prices)?
                .to_json(),
        )
    })
}
