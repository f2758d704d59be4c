//! `ahb_audit` and `ahb_position`: the compliance position of an estate on a date.

use std::ffi::c_char;

use ahb_core::Position;
use ahb_core::position::{OverClaim, PoolPosition, UnderClaim};
use ahb_core::rules::Pool;
use chrono::NaiveDate;

use crate::bytes::{ahb_bytes, give};
use crate::estate::ahb_estate;
use crate::ffi::{FfiError, FfiResult, Handle, Out, check_index, str_in, write_text};
use crate::panic::{guard, guard_value};
use crate::rule_set::{ahb_rule_set, version_cstr};
use crate::status::ahb_status;

/// The position of an estate on a date under a rule set: compliance per pool, over- and
/// under-claimed resources, money totals. Immutable, so a `const ahb_position *` may be used by
/// several threads at once. Created by `ahb_audit`; released by `ahb_position_free`.
pub struct ahb_position {
    _private: [u8; 0],
}

impl Handle for ahb_position {
    type Rust = Position;
}

/// Pool kind: Windows Server core licences.
pub const AHB_POOL_WINDOWS_SERVER: u32 = 0;
/// Pool kind: SQL Server normalised cores.
pub const AHB_POOL_SQL_SERVER: u32 = 1;
/// Pool kind: RHEL subscription units.
pub const AHB_POOL_RHEL: u32 = 2;
/// Pool kind: SLES subscription units.
pub const AHB_POOL_SLES: u32 = 3;

/// Money total selector: savings per month of today's covered claims.
pub const AHB_TOTAL_CLAIMED_MONTHLY_SAVINGS: u32 = 0;
/// Money total selector: savings per month of claims the licences do not cover (at risk).
pub const AHB_TOTAL_AT_RISK_MONTHLY_SAVINGS: u32 = 1;
/// Money total selector: savings per month that eligible, unclaimed resources would bring.
pub const AHB_TOTAL_UNCLAIMED_MONTHLY_SAVINGS: u32 = 2;
/// Money total selector: the same per year.
pub const AHB_TOTAL_UNCLAIMED_YEARLY_SAVINGS: u32 = 3;

/// A buffer of this many bytes holds any decimal amount ahb writes, with its NUL.
pub const AHB_DECIMAL_CAPACITY: usize = 64;

fn pool_kind(p: Pool) -> u32 {
    match p {
        Pool::WindowsServer => AHB_POOL_WINDOWS_SERVER,
        Pool::SqlServer => AHB_POOL_SQL_SERVER,
        Pool::Rhel => AHB_POOL_RHEL,
        Pool::Sles => AHB_POOL_SLES,
    }
}

/// Reads a `YYYY-MM-DD` date, exactly ten characters.
fn parse_date(text: &str) -> FfiResult<NaiveDate> {
    ahb_core::text::parse_ymd(text)
        .ok_or_else(|| FfiError::invalid("as_of", format!("{text:?} is not a YYYY-MM-DD date")))
}

/// Audits `estate` on the date given by the `as_of_len` UTF-8 bytes at `as_of` (`YYYY-MM-DD`,
/// e.g. `"2026-11-25"`; no NUL needed) under `rule_set`, and writes the new position, owned by
/// the caller, to `*out`. Neither input is consumed or borrowed by the result.
///
/// Errors: `AHB_STATUS_NULL_ARGUMENT`, `AHB_STATUS_LENGTH_TOO_LARGE`, `AHB_STATUS_INVALID_UTF8`,
/// `AHB_STATUS_INVALID_ARGUMENT` (a date that is not `YYYY-MM-DD`), and the ahb-core codes for
/// an estate the rule set cannot audit (`AHB_STATUS_INVALID_VALUE`, …).
///
/// # Safety
///
/// `estate` and `rule_set` must each be NULL or live handles from this library; `as_of` must be
/// NULL or valid for reads of `as_of_len` bytes; `out` must be NULL or valid for a write of one
/// pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_audit(
    estate: *const ahb_estate,
    rule_set: *const ahb_rule_set,
    as_of: *const u8,
    as_of_len: usize,
    out: *mut *mut ahb_position,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers every pointer.
        let (estate, rules, as_of, out) = unsafe {
            (
                ahb_estate::from_ptr("estate", estate)?,
                ahb_rule_set::from_ptr("rule_set", rule_set)?,
                str_in("as_of", as_of, as_of_len)?,
                Out::new("out", out)?,
            )
        };
        let position = estate.audit(rules, parse_date(as_of)?)?;
        out.write(ahb_position::into_raw(position));
        Ok(())
    })
}

/// Borrows the position and checks the out-param, the common start of every getter.
///
/// # Safety
///
/// `position` must be NULL or a live position; `out` NULL or valid for one write of `T`.
unsafe fn args<'a, T>(
    position: *const ahb_position,
    out: *mut T,
) -> FfiResult<(&'a Position, Out<'a, T>)> {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        Ok((
            ahb_position::from_ptr("position", position)?,
            Out::new("out", out)?,
        ))
    }
}

/// Writes the position as JSON (`ahb.position/1`: every pool, line, claim, reason and total,
/// byte-identical for identical input) to a new `ahb_bytes` at `*out`, owned by the caller.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_json(
    position: *const ahb_position,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        give(out, p.to_json())
    })
}

/// Writes the position as the plain-text report (pools, shortfalls, over- and under-claimed
/// resources with their rule IDs) to a new `ahb_bytes` at `*out`, owned by the caller.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_text(
    position: *const ahb_position,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        give(out, p.to_text())
    })
}

/// Writes 1 to `*out` when every pool covers today's claims and no ineligible resource claims
/// the benefit, else 0.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint8_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_compliant(
    position: *const ahb_position,
    out: *mut u8,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        out.write(u8::from(p.compliant));
        Ok(())
    })
}

/// Writes the rule set's version string (`"2023-04"`, `"2021-11"`) the position was computed
/// under to `*out`: NUL-terminated and static (valid after the position is freed; never to be
/// freed). The knob values are in the JSON.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_rule_set_version(
    position: *const ahb_position,
    out: *mut *const c_char,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        out.write(version_cstr(p.rule_set.version).as_ptr());
        Ok(())
    })
}

/// Writes the number of pools the position reports to `*out`: those with licence lines,
/// claims or eligible demand, in the order Windows Server, SQL Server, RHEL, SLES (0 for an
/// empty estate). Pools are indexed from 0 below this count; `ahb_position_pool_kind` tells
/// which pool an index is.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_pool_count(
    position: *const ahb_position,
    out: *mut usize,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        out.write(p.pools.len());
        Ok(())
    })
}

/// Shared body of the per-pool getters.
///
/// # Safety
///
/// As for the getters: `position` NULL or live, `out` NULL or valid for one write of `T`.
unsafe fn pool_getter<T>(
    position: *const ahb_position,
    index: usize,
    out: *mut T,
    get: impl FnOnce(&PoolPosition) -> T,
) -> ahb_status {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (p, out) = unsafe { args(position, out) }?;
        let i = check_index("index", index, p.pools.len())?;
        out.write(get(&p.pools[i]));
        Ok(())
    })
}

/// Writes the kind of pool `index` (`AHB_POOL_WINDOWS_SERVER`, `AHB_POOL_SQL_SERVER`,
/// `AHB_POOL_RHEL`, `AHB_POOL_SLES`) to `*out`; see `ahb_pool_name`. An index not below
/// `ahb_position_pool_count` is `AHB_STATUS_INDEX_OUT_OF_RANGE`.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint32_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_pool_kind(
    position: *const ahb_position,
    index: usize,
    out: *mut u32,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { pool_getter(position, index, out, |p| pool_kind(p.pool)) }
}

/// Writes the units that today's claims on pool `index` need (estate minimum included) to
/// `*out`, in the pool's unit (core licences, normalised cores, subscription units).
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint64_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_pool_claimed(
    position: *const ahb_position,
    index: usize,
    out: *mut u64,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { pool_getter(position, index, out, |p| p.claimed) }
}

/// Writes the claimed units of pool `index` that the licences cover on the date to `*out`.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint64_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_pool_covered(
    position: *const ahb_position,
    index: usize,
    out: *mut u64,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { pool_getter(position, index, out, |p| p.covered) }
}

/// Writes the shortfall of pool `index` to `*out`: claimed units no licence covers on the date
/// (0 when the pool is compliant).
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint64_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_pool_shortfall(
    position: *const ahb_position,
    index: usize,
    out: *mut u64,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { pool_getter(position, index, out, |p| p.shortfall) }
}

/// Writes the idle units of pool `index` to `*out`: licences usable on the date that no claim
/// uses.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint64_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_pool_idle(
    position: *const ahb_position,
    index: usize,
    out: *mut u64,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { pool_getter(position, index, out, |p| p.idle) }
}

/// Writes the number of eligible resources that need licences but have no price to `*out`:
/// their savings count as zero in every money total (`ahb_position_total`) and they rank last
/// among the under-claimed. The units at stake per pool: `ahb_position_pool_unpriced_units`;
/// their ids: `unpriced_summary` in the JSON.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_unpriced_resources(
    position: *const ahb_position,
    out: *mut usize,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        out.write(p.unpriced_summary.resources);
        Ok(())
    })
}

/// Writes the units of pool `index` that eligible resources without prices need to `*out`
/// (0 when every resource drawing on the pool is priced), in the pool's unit.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint64_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_pool_unpriced_units(
    position: *const ahb_position,
    index: usize,
    out: *mut u64,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        let i = check_index("index", index, p.pools.len())?;
        let pool = p.pools[i].pool;
        let units = p
            .unpriced_summary
            .by_pool
            .iter()
            .find(|u| u.pool == pool)
            .map_or(0, |u| u.units);
        out.write(units);
        Ok(())
    })
}

/// Writes the number of over-claims to `*out`: claims the licences do not cover, and claims on
/// ineligible resources (details in the JSON and the text report).
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_over_claimed_count(
    position: *const ahb_position,
    out: *mut usize,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        out.write(p.over_claimed.len());
        Ok(())
    })
}

/// Writes the number of eligible resources that do not claim the benefit to `*out`.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_under_claimed_count(
    position: *const ahb_position,
    out: *mut usize,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        out.write(p.under_claimed.len());
        Ok(())
    })
}

/// Writes the over-claimed rows as a JSON array to a new `ahb_bytes` at `*out`, owned by the
/// caller: each `{"resource", "pool", "units", "uncovered", "monthly_savings" (absent when
/// unpriced), "reason": {"rule", "text"}}`, sorted by resource then pool; the same objects as
/// the position JSON's `over_claimed`.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_over_claimed_json(
    position: *const ahb_position,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        give(out, rows_json(&p.over_claimed))
    })
}

/// Writes the under-claimed rows as a JSON array to a new `ahb_bytes` at `*out`, owned by the
/// caller: each `{"resource", "pool", "units", "monthly_savings", "yearly_savings"}` (money
/// absent when unpriced), most savings first; the same objects as the position JSON's
/// `under_claimed`.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_under_claimed_json(
    position: *const ahb_position,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(position, out) }?;
        give(out, rows_json(&p.under_claimed))
    })
}

fn rows_json<T: serde::Serialize>(rows: &[T]) -> String {
    serde_json::to_string_pretty(rows).unwrap_or_default()
}

/// Shared body of the per-row getters: borrows the position, checks `index` against the rows
/// `rows` picks, and writes what `get` makes of the row.
///
/// # Safety
///
/// `position` NULL or live, `out` NULL or valid for one write of `T`.
unsafe fn row_getter<R, T>(
    position: *const ahb_position,
    index: usize,
    out: *mut T,
    rows: impl FnOnce(&Position) -> &[R],
    get: impl FnOnce(&R) -> FfiResult<T>,
) -> ahb_status {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (p, out) = unsafe { args(position, out) }?;
        let rows = rows(p);
        let i = check_index("index", index, rows.len())?;
        out.write(get(&rows[i])?);
        Ok(())
    })
}

/// Copies a row's optional money amount as for `ahb_position_total`; an unpriced row gives the
/// empty string (length 0).
///
/// # Safety
///
/// `position` NULL or live; `buf` NULL or valid for `cap` bytes; `out_len` NULL or valid for
/// one `size_t`.
unsafe fn row_money<R>(
    position: *const ahb_position,
    index: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    rows: impl FnOnce(&Position) -> &[R],
    get: impl FnOnce(&R) -> Option<String>,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers `position`.
        let p = unsafe { ahb_position::from_ptr("position", position) }?;
        let rows = rows(p);
        let i = check_index("index", index, rows.len())?;
        let text = get(&rows[i]).unwrap_or_default();
        // SAFETY: the caller's contract covers `buf`/`cap` and `out_len`.
        unsafe { write_text(buf, cap, out_len, text.as_bytes()) }
    })
}

fn over(p: &Position) -> &[OverClaim] {
    &p.over_claimed
}

fn under(p: &Position) -> &[UnderClaim] {
    &p.under_claimed
}

fn text_bytes(text: &str) -> FfiResult<*mut ahb_bytes> {
    let mut slot: *mut ahb_bytes = std::ptr::null_mut();
    // SAFETY: `slot` is a local, valid for one write.
    give(unsafe { Out::new("out", &raw mut slot) }?, text.to_string())?;
    Ok(slot)
}

/// Writes the resource id of over-claimed row `index` (below
/// `ahb_position_over_claimed_count`, else `AHB_STATUS_INDEX_OUT_OF_RANGE`) to a new
/// `ahb_bytes` at `*out`, owned by the caller.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_over_claimed_resource(
    position: *const ahb_position,
    index: usize,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { row_getter(position, index, out, over, |r| text_bytes(&r.resource)) }
}

/// Writes the reason of over-claimed row `index` (what is wrong, then the rule ID in
/// parentheses, e.g. `"… (WS-3)"`) to a new `ahb_bytes` at `*out`, owned by the caller.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_over_claimed_reason(
    position: *const ahb_position,
    index: usize,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        row_getter(position, index, out, over, |r| {
            text_bytes(&r.reason.to_string())
        })
    }
}

/// Writes the pool kind (`AHB_POOL_*`) of over-claimed row `index` to `*out`.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint32_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_over_claimed_pool(
    position: *const ahb_position,
    index: usize,
    out: *mut u32,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { row_getter(position, index, out, over, |r| Ok(pool_kind(r.pool))) }
}

/// Writes the units the claim of over-claimed row `index` needs to `*out`.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint64_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_over_claimed_units(
    position: *const ahb_position,
    index: usize,
    out: *mut u64,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { row_getter(position, index, out, over, |r| Ok(r.units)) }
}

/// Writes the units of over-claimed row `index` that no licence covers to `*out` (all of them
/// for a claim on an ineligible resource).
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint64_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_over_claimed_uncovered(
    position: *const ahb_position,
    index: usize,
    out: *mut u64,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { row_getter(position, index, out, over, |r| Ok(r.uncovered)) }
}

/// Copies the savings per month at risk on over-claimed row `index` (lost if the benefit must
/// be removed) as for `ahb_position_total`: an exact decimal string and a NUL in `buf`, its
/// length in `*out_len`; the empty string when the resource has no price.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `buf` must be NULL or valid
/// for writes of `cap` bytes; `out_len` must be NULL or valid for a write of one `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_over_claimed_monthly_savings(
    position: *const ahb_position,
    index: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        row_money(position, index, buf, cap, out_len, over, |r| {
            r.monthly_savings.map(|d| d.to_string())
        })
    }
}

/// Writes the resource id of under-claimed row `index` (below
/// `ahb_position_under_claimed_count`, else `AHB_STATUS_INDEX_OUT_OF_RANGE`; rows are sorted
/// most savings first) to a new `ahb_bytes` at `*out`, owned by the caller.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_under_claimed_resource(
    position: *const ahb_position,
    index: usize,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { row_getter(position, index, out, under, |r| text_bytes(&r.resource)) }
}

/// Writes the pool kind (`AHB_POOL_*`) of under-claimed row `index` to `*out`.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint32_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_under_claimed_pool(
    position: *const ahb_position,
    index: usize,
    out: *mut u32,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { row_getter(position, index, out, under, |r| Ok(pool_kind(r.pool))) }
}

/// Writes the units the benefit on under-claimed row `index` would need to `*out`.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one `uint64_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_under_claimed_units(
    position: *const ahb_position,
    index: usize,
    out: *mut u64,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { row_getter(position, index, out, under, |r| Ok(r.units)) }
}

/// Copies the savings per month the benefit would bring on under-claimed row `index`, as for
/// `ahb_position_over_claimed_monthly_savings` (the empty string when unpriced).
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `buf` must be NULL or valid
/// for writes of `cap` bytes; `out_len` must be NULL or valid for a write of one `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_under_claimed_monthly_savings(
    position: *const ahb_position,
    index: usize,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> ahb_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        row_money(position, index, buf, cap, out_len, under, |r| {
            r.monthly_savings.map(|d| d.to_string())
        })
    }
}

/// Copies one money total, exact, as a decimal string (`"12345.67"`, `-` for negatives, no
/// exponent, no grouping) followed by a NUL into `buf`, and writes its length (without the NUL)
/// to `*out_len`. `which` is one of the `AHB_TOTAL_*` selectors (anything else is
/// `AHB_STATUS_INVALID_ARGUMENT`). A buffer of `AHB_DECIMAL_CAPACITY` bytes always suffices;
/// a smaller one that does not fit is `AHB_STATUS_BUFFER_TOO_SMALL`, and nothing is written.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `buf` must be NULL or valid
/// for writes of `cap` bytes; `out_len` must be NULL or valid for a write of one `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_total(
    position: *const ahb_position,
    which: u32,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers `position`.
        let p = unsafe { ahb_position::from_ptr("position", position) }?;
        let t = &p.totals;
        let amount = match which {
            AHB_TOTAL_CLAIMED_MONTHLY_SAVINGS => t.claimed_monthly_savings,
            AHB_TOTAL_AT_RISK_MONTHLY_SAVINGS => t.at_risk_monthly_savings,
            AHB_TOTAL_UNCLAIMED_MONTHLY_SAVINGS => t.unclaimed_monthly_savings,
            AHB_TOTAL_UNCLAIMED_YEARLY_SAVINGS => t.unclaimed_yearly_savings,
            other => {
                return Err(FfiError::invalid(
                    "which",
                    format!("{other} is not an AHB_TOTAL_* selector"),
                ));
            }
        };
        // SAFETY: the caller's contract covers `buf`/`cap` and `out_len`.
        unsafe { write_text(buf, cap, out_len, amount.to_string().as_bytes()) }
    })
}

/// The name of a pool kind as ahb's JSON spells it (`"windows_server"`, `"sql_server"`,
/// `"rhel"`, `"sles"`): NUL-terminated, static, never to be freed. Unknown kinds give
/// `"unknown"`.
#[unsafe(no_mangle)]
pub extern "C" fn ahb_pool_name(kind: u32) -> *const c_char {
    guard_value(c"unknown".as_ptr(), || {
        match kind {
            AHB_POOL_WINDOWS_SERVER => c"windows_server",
            AHB_POOL_SQL_SERVER => c"sql_server",
            AHB_POOL_RHEL => c"rhel",
            AHB_POOL_SLES => c"sles",
            _ => c"unknown",
        }
        .as_ptr()
    })
}

/// Frees a position. NULL is fine (nothing happens). Calling it twice with the same position,
/// or using it afterwards, is forbidden (undefined behaviour).
///
/// # Safety
///
/// `position` must be NULL or a live position from this library, not freed before, and not in
/// use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_free(position: *mut ahb_position) {
    guard_value((), || {
        // SAFETY: the caller passes NULL or a live position, freed once.
        unsafe { ahb_position::free(position) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2026-11-25").unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
        );
        for bad in [
            "",
            "2026-1-25",
            "2026-11-25 ",
            "2026-02-30",
            "+2026-11-25",
            "20261125",
            "2026/11/25",
        ] {
            assert!(parse_date(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pool_names_agree_with_core_json() {
        for p in [Pool::WindowsServer, Pool::SqlServer, Pool::Rhel, Pool::Sles] {
            // SAFETY: ahb_pool_name returns a static NUL-terminated string.
            let name = unsafe { std::ffi::CStr::from_ptr(ahb_pool_name(pool_kind(p))) };
            assert_eq!(serde_json::to_value(p).unwrap(), name.to_str().unwrap());
        }
    }
}
