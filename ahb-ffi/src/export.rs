//! Actions out: a plan's changes as an `az` CLI script and as ARM patches (each with its
//! rollback), and the position and the plan as CSV. The text is `ahb_core::export`'s, unchanged.

use ahb_core::export;

use crate::bytes::{ahb_bytes, give};
use crate::estate::ahb_estate;
use crate::ffi::{Handle, Out};
use crate::panic::guard;
use crate::plan::ahb_plan;
use crate::position::ahb_position;
use crate::status::ahb_status;

/// Writes the plan's changes as a bash script of `az` commands to a new `ahb_bytes` at
/// `*out_apply`, and the script that restores today's settings (in reverse order) to a new
/// `ahb_bytes` at `*out_rollback`; both owned by the caller, both written only on success.
/// The script starts with `set -euo pipefail`, so it stops at the first failed command and the
/// rollback of the changes made so far can be run. `estate` must be the estate the plan was
/// computed from: a change naming a resource it does not hold is
/// `AHB_STATUS_UNKNOWN_REFERENCE`.
///
/// # Safety
///
/// `estate` and `plan` must each be NULL or live handles from this library; `out_apply` and
/// `out_rollback` must each be NULL or valid for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_az_script(
    estate: *const ahb_estate,
    plan: *const ahb_plan,
    out_apply: *mut *mut ahb_bytes,
    out_rollback: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers every pointer.
        let (estate, plan, apply, rollback) = unsafe {
            (
                ahb_estate::from_ptr("estate", estate)?,
                ahb_plan::from_ptr("plan", plan)?,
                Out::new("out_apply", out_apply)?,
                Out::new("out_rollback", out_rollback)?,
            )
        };
        let script = export::az_script(estate, plan)?;
        give(apply, script.apply)?;
        give(rollback, script.rollback)
    })
}

/// Writes the plan's changes as ARM requests with their rollbacks, as JSON
/// (`ahb.patches/1`: `as_of` and `patches`, each with `resource`, `kind`, `pool`, `action`,
/// `method`, `url` below `https://management.azure.com`, `body`, `rollback_method`,
/// `rollback_body`), to a new `ahb_bytes` at `*out`, owned by the caller. `estate` must be the
/// estate the plan was computed from, as for `ahb_plan_az_script`.
///
/// # Safety
///
/// `estate` and `plan` must each be NULL or live handles from this library; `out` must be NULL
/// or valid for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_arm_patches_json(
    estate: *const ahb_estate,
    plan: *const ahb_plan,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract above covers every pointer.
        let (estate, plan, out) = unsafe {
            (
                ahb_estate::from_ptr("estate", estate)?,
                ahb_plan::from_ptr("plan", plan)?,
                Out::new("out", out)?,
            )
        };
        give(out, export::arm_patches_json(estate, plan)?)
    })
}

/// Writes the plan as CSV (RFC 4180, `\n` line ends; header `resource,kind,pool,action,carry,
/// claimed_today,units,lines,monthly_savings,rules`, one row per assignment) to a new
/// `ahb_bytes` at `*out`, owned by the caller.
///
/// # Safety
///
/// `plan` must be NULL or a live plan from this library; `out` must be NULL or valid for a
/// write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_plan_csv(
    plan: *const ahb_plan,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (plan, out) = unsafe { (ahb_plan::from_ptr("plan", plan)?, Out::new("out", out)?) };
        give(out, export::plan_csv(plan))
    })
}

/// Writes the position as CSV (RFC 4180, `\n` line ends; header `resource,kind,scope,pool,
/// units,eligible,claimed,monthly_savings,hourly_savings,rules`, one row per requirement of each
/// resource) to a new `ahb_bytes` at `*out`, owned by the caller.
///
/// # Safety
///
/// `position` must be NULL or a live position from this library; `out` must be NULL or valid
/// for a write of one pointer.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ahb_position_csv(
    position: *const ahb_position,
    out: *mut *mut ahb_bytes,
) -> ahb_status {
    guard(|| {
        // SAFETY: the caller's contract covers both pointers.
        let (position, out) = unsafe {
            (
                ahb_position::from_ptr("position", position)?,
                Out::new("out", out)?,
            )
        };
        give(out, export::position_csv(position))
    })
}
