//! `ahb_optimize` and `ahb_plan`: which resources should carry AHB, from which licences, with a
//! certificate of optimality; `ahb_audit_and_optimize`: the position and the plan at once.

use crate::status::reading;
use ahb_core::solve::{CertificateScope, OptimizeOptions, Plan};

use crate::bytes::{ahb_bytes, give};
use crate::estate::ahb_estate;
use crate::ffi::{FfiError, FfiResult, Handle, Out, str_in, write_text};
use crate::panic::{guard, guard_value};
use crate::position::ahb_position;
use crate::rule_set::ahb_rule_set;
use crate::status::ahb_status;

/// An optimal plan: per resource whether to carry the benefit and from which licence lines,
/// the changes against today's settings, the savings, the certificate (upper bound and gap)
/// and the purchase and renewal recommendations. Immutable, so a `const ahb_plan *` may be used
/// by several threads at once. Created by `ahb_optimize`; released by `ahb_plan_free`.
pub struct ahb_plan {
    _private: [u8; 0],
}

impl Handle for ahb_plan {
    type Rust = Plan;
}

/// Plan amount selector: savings per running hour of every covered resource.
pub const AHB_PLAN_HOURLY_SAVINGS: u32 = 0;
/// Plan amount selector: savings per month.
pub const AHB_PLAN_MONTHLY_SAVINGS: u32 = 1;
/// Plan amount selector: savings per year (12 months).
pub const AHB_PLAN_YEARLY_SAVINGS: u32 = 2;
/// Plan amount selector: savings per month of today's settings that the licences cover (the
/// audit's figure), to compare the plan with.
pub const AHB_PLAN_TODAY_MONTHLY_SAVINGS: u32 = 3;
/// Plan amount selector: the certificate's upper bound (no plan does better), in the
/// certificate's measure (savings per month, or claims kept for the `min_change` objective).
pub const AHB_PLAN_UPPER_BOUND: u32 = 4;
/// Plan amount selector: the certificate's gap, upper bound minus the plan's objective (0 when
/// proven optimal).
pub const AHB_PLAN_GAP: u32 = 5;

/// Computes the optimal plan for `estate` under `rule_set` with the options given as `len`
/// bytes of UTF-8 JSON at `options_json`, and writes the new plan, owned by the caller, to
/// `*out`. The options are ahb's `OptimizeOptions`: `{"as_of": "2026-11-25"}` is the minimum;
/// `objective` (`"max_savings"`, `"min_change"`, `"compliance_first"`), `pin`, `exclude`,
/// `reserve`, `change_penalty_per_month`, `licence_prices_per_year`, `unpriced` (`"ignore"`,
/// `"by_units"`), … are optional.
///
/// Errors: `AHB_STATUS_NULL_ARGUMENT`, `AHB_STATUS_LENGTH_TOO_LARGE`, `AHB_STATUS_INVALID_UTF8`,
/// `AHB_STATUS_PARSE` (malformed options JSON), `AHB_STATUS_INVALID_OPTION` (an unknown or bad
/// option, a pin naming no resource; the last error names the option), and the ahb-core codes
/// for an estate that cannot be evaluated.
///
/// # Safety
///
/// `estate` and `rule_set` must each be NULL or live handles from this library; `options_json`
/// must be NULL or valid for reads of `len` bytes; `out` must be NULL or valid for a write of
/// one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_optimize(
    estate: *const ahb_estate,
    rule_set: *const ahb_rule_set,
    options_json: *const u8,
    len: usize,
    out: *mut *mut ahb_plan,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers every pointer.
        let (estate, rules, options, out) = unsafe {
            (
                ahb_estate::from_ptr("estate", estate)?,
                ahb_rule_set::from_ptr("rule_set", rule_set)?,
                str_in("options_json", options_json, len)?,
                Out::new("out", out)?,
            )
        };
        let options = OptimizeOptions::from_json(options).map_err(reading("options JSON"))?;
        out.write(ahb_plan::into_raw(estate.optimize(rules, &options)?));
        Ok(())
    })
}

/// Audits `estate` and computes its optimal plan together, from one assessment of the estate:
/// the position `ahb_audit` gives on the options' `as_of` and the plan `ahb_optimize` gives,
/// byte for byte, in less time than the two calls. Options as for `ahb_optimize`. Writes the
/// new position to `*out_position` and the new plan to `*out_plan`, each owned by the caller
/// (free them with `ahb_position_free` and `ahb_plan_free`); on an error neither is written.
///
/// Errors: those of `ahb_optimize`; an estate the audit refuses gives the audit's error.
///
/// # Safety
///
/// `estate` and `rule_set` must each be NULL or live handles from this library; `options_json`
/// must be NULL or valid for reads of `len` bytes; `out_position` and `out_plan` must each be
/// NULL or valid for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_audit_and_optimize(
    estate: *const ahb_estate,
    rule_set: *const ahb_rule_set,
    options_json: *const u8,
    len: usize,
    out_position: *mut *mut ahb_position,
    out_plan: *mut *mut ahb_plan,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers every pointer.
        let (estate, rules, options, out_position, out_plan) = unsafe {
            (
                ahb_estate::from_ptr("estate", estate)?,
                ahb_rule_set::from_ptr("rule_set", rule_set)?,
                str_in("options_json", options_json, len)?,
                Out::new("out_position", out_position)?,
                Out::new("out_plan", out_plan)?,
            )
        };
        let options = OptimizeOptions::from_json(options).map_err(reading("options JSON"))?;
        let (position, plan) = estate.audit_and_optimize(rules, &options)?;
        out_position.write(ahb_position::into_raw(position));
        out_plan.write(ahb_plan::into_raw(plan));
        Ok(())
    })
}

/// Borrows the plan and checks the out-param, the common start of every getter.
///
/// # Safety
///
/// `plan` must be NULL or a live plan; `out` NULL or valid for one write of `T`.
unsafe fn args<'a, T>(plan: *const ahb_plan, out: *mut T) -> FfiResult<(&'a Plan, Out<'a, T>)> {
    // SAFETY: forwarded from this function's contract.
    unsafe { Ok((ahb_plan::from_ptr("plan", plan)?, Out::new("out", out)?)) }
}

/// Writes the plan as JSON (`ahb.plan/1`: options, certificate, totals, pools, changes, every
/// assignment with its licence lines and reasons, recommendations; byte-identical for identical
/// input) to a new `ahb_bytes` at `*out`, owned by the caller.
///
/// # Safety
///
/// `plan` must be NULL or a live plan from this library; `out` must be NULL or valid for a
/// write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_json(
    plan: *const ahb_plan,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(plan, out) }?;
        give(out, p.to_json())
    })
}

/// Writes the plan as a plain-text report to a new `ahb_bytes` at `*out`, owned by the caller.
///
/// # Safety
///
/// `plan` must be NULL or a live plan from this library; `out` must be NULL or valid for a
/// write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_text(
    plan: *const ahb_plan,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(plan, out) }?;
        give(out, p.to_text())
    })
}

/// Writes 1 to `*out` when the plan is proven optimal for its objective (gap 0), else 0 (the
/// work budget ran out; `AHB_PLAN_GAP` says by how much it may fall short).
///
/// # Safety
///
/// `plan` must be NULL or a live plan from this library; `out` must be NULL or valid for a
/// write of one `uint8_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_proven_optimal(
    plan: *const ahb_plan,
    out: *mut u8,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(plan, out) }?;
        out.write(u8::from(p.certificate.proven_optimal));
        Ok(())
    })
}

/// Writes the number of eligible resources without prices to `*out`. When it is not 0 the
/// certificate's optimum is not over every resource: with the default option `"unpriced":
/// "ignore"` they count as zero (scope `priced_resources_only`); with `"unpriced": "by_units"`
/// they were valued by the licence units they would use, after every priced saving (scope
/// `priced_then_unpriced_by_units`, a proxy, not money). `ahb_plan_certificate_scope` says which.
///
/// # Safety
///
/// `plan` must be NULL or a live plan from this library; `out` must be NULL or valid for a
/// write of one `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_unpriced_resources(
    plan: *const ahb_plan,
    out: *mut usize,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(plan, out) }?;
        out.write(p.unpriced_summary.resources);
        Ok(())
    })
}

/// Certificate scope: every eligible resource that needs licences has a price.
pub const AHB_SCOPE_ALL_RESOURCES: u32 = 0;
/// Certificate scope: resources without prices count as zero; the optimum is over the priced
/// resources only.
pub const AHB_SCOPE_PRICED_RESOURCES_ONLY: u32 = 1;
/// Certificate scope: the priced savings first, then the unpriced resources' licence units
/// (`"unpriced": "by_units"`).
pub const AHB_SCOPE_PRICED_THEN_UNPRICED_BY_UNITS: u32 = 2;

/// Writes which resources the plan's certificate is over to `*out`: one of the `AHB_SCOPE_*`
/// values.
///
/// # Safety
///
/// `plan` must be NULL or a live plan from this library; `out` must be NULL or valid for a
/// write of one `uint32_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_certificate_scope(
    plan: *const ahb_plan,
    out: *mut u32,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(plan, out) }?;
        out.write(match p.certificate.scope {
            CertificateScope::AllResources => AHB_SCOPE_ALL_RESOURCES,
            CertificateScope::PricedResourcesOnly => AHB_SCOPE_PRICED_RESOURCES_ONLY,
            CertificateScope::PricedThenUnpricedByUnits => AHB_SCOPE_PRICED_THEN_UNPRICED_BY_UNITS,
        });
        Ok(())
    })
}

/// Writes the number of changes the plan makes to today's AHB settings to `*out`.
///
/// # Safety
///
/// `plan` must be NULL or a live plan from this library; `out` must be NULL or valid for a
/// write of one `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_change_count(
    plan: *const ahb_plan,
    out: *mut usize,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (p, out) = unsafe { args(plan, out) }?;
        out.write(p.changes.len());
        Ok(())
    })
}

/// Copies one amount of the plan, exact, as a decimal string followed by a NUL into `buf`, and
/// writes its length (without the NUL) to `*out_len`. `which` is one of the `AHB_PLAN_*`
/// selectors (anything else is `AHB_STATUS_INVALID_ARGUMENT`). A buffer of
/// `AHB_DECIMAL_CAPACITY` bytes always suffices; a smaller one that does not fit is
/// `AHB_STATUS_BUFFER_TOO_SMALL`, and nothing is written.
///
/// # Safety
///
/// `plan` must be NULL or a live plan from this library; `buf` must be NULL or valid for writes
/// of `cap` bytes; `out_len` must be NULL or valid for a write of one `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_total(
    plan: *const ahb_plan,
    which: u32,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers `plan`.
        let p = unsafe { ahb_plan::from_ptr("plan", plan) }?;
        let amount = match which {
            AHB_PLAN_HOURLY_SAVINGS => p.totals.hourly_savings,
            AHB_PLAN_MONTHLY_SAVINGS => p.totals.monthly_savings,
            AHB_PLAN_YEARLY_SAVINGS => p.totals.yearly_savings,
            AHB_PLAN_TODAY_MONTHLY_SAVINGS => p.totals.today_monthly_savings,
            AHB_PLAN_UPPER_BOUND => p.certificate.upper_bound,
            AHB_PLAN_GAP => p.certificate.gap,
            other => {
                return Err(FfiError::invalid(
                    "which",
                    format!("{other} is not an AHB_PLAN_* selector"),
                ));
            }
        };
        // SAFETY: the caller's contract covers `buf`/`cap` and `out_len`.
        unsafe { write_text(buf, cap, out_len, amount.to_string().as_bytes()) }
    })
}

/// Frees a plan. NULL is fine (nothing happens). Calling it twice with the same plan, or using
/// it afterwards, is forbidden (undefined behaviour).
///
/// # Safety
///
/// `plan` must be NULL or a live plan from this library, not freed before, and not in use by
/// another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_free(plan: *mut ahb_plan) {
    guard_value((), || {
        // SAFETY: the caller passes NULL or a live plan, freed once.
        unsafe { ahb_plan::free(plan) }
    })
}
