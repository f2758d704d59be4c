//! The re-audit of every plan: the plan's settings are applied to the estate and the audit
//! runs on the result, so that no plan the optimiser returns claims more than the audit
//! accepts. Rules the pool solver does not model exactly are enforced here:
//! - the 16-licence estate minimum of the 2021-11 rule set (WS-3, OQ-1): the plan is solved
//!   again keeping the minimum free, or without Windows claims when the estate cannot hold it;
//! - whole VMs from one edition (OQ-10, `ws_single_edition_per_vm`) and anything else the
//!   audit finds short: the claims saving least per unit are dropped, as few as the audit
//!   allows (binary search over that order);
//! - HCI-5: an activated Azure Local benefit is never dropped (see [`super::irreversible`]).
//!
//! The certificate keeps the bound of the unconstrained solve (a valid bound of the
//! constrained problem), so a repaired plan reports its gap honestly, and "proven optimal" is
//! only ever said of a plan whose re-audit is compliant.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::{Action, Certificate, OptimizeOptions, Plan};
use crate::error::Result;
use crate::model::{
    Estate, HostLicenseType, PaasLicenseType, ResourceSpec, SqlVmLicenseType, VmLicenseType,
};
use crate::position::{OverClaim, Verdict, verdict};
use crate::rules::{Assessment, Pool, Reason, RuleSet};

/// The re-audit of a plan: the audit of the estate with the plan's settings applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Verification {
    /// Whether the re-audit is compliant. When it is not, the cause is outside the plan's
    /// reach (an activated Azure Local cluster, HCI-5; a central assignment the licences do
    /// not back, SQL-23; a pinned resource) and `over_claimed` names it.
    pub compliant: bool,
    /// The re-audit's claims the licences do not cover.
    pub over_claimed: Vec<OverClaim>,
    /// What the verification enforced, with its rule.
    pub reasons: Vec<Reason>,
}

/// `estate` with the plan's changes applied (each `enable`/`disable` sets the resource's
/// Azure setting the way the remediation script would).
pub fn apply_plan(estate: &Estate, plan: &Plan) -> Estate {
    let index: HashMap<&str, usize> = estate
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut out = estate.clone();
    for (i, spec) in respecify(estate, plan, |id| index.get(id).copied()) {
        out.resources[i].spec = spec;
    }
    out
}

/// The specs of the resources `plan` changes, with its settings applied, by resource index
/// (sorted); `index` finds a resource by id. What [`apply_plan`] writes into its copy, and
/// what the re-audit assesses in place of those resources' own specs, without the copy.
fn respecify(
    estate: &Estate,
    plan: &Plan,
    mut index: impl FnMut(&str) -> Option<usize>,
) -> Vec<(usize, ResourceSpec)> {
    let mut changed: Vec<(usize, Pool, bool)> = (plan.changes.iter())
        .filter_map(|c| {
            let on = match c.action {
                Action::Enable => true,
                Action::Disable => false,
                Action::Keep | Action::KeepOff => return None,
            };
            Some((index(&c.resource)?, c.pool, on))
        })
        .collect();
    // Stable: a resource's changes are applied in the plan's order.
    changed.sort_by_key(|&(i, _, _)| i);
    let mut out: Vec<(usize, ResourceSpec)> = Vec::with_capacity(changed.len());
    for (i, pool, on) in changed {
        match out.last_mut() {
            Some((last, spec)) if *last == i => set(spec, pool, on),
            _ => {
                let mut spec = estate.resources[i].spec.clone();
                set(&mut spec, pool, on);
                out.push((i, spec));
            }
        }
    }
    out
}

/// Sets the benefit of `pool` on a resource.
fn set(spec: &mut ResourceSpec, pool: Pool, on: bool) {
    match (spec, pool) {
        (
            ResourceSpec::Vm { license_type, .. } | ResourceSpec::ScaleSet { license_type, .. },
            pool,
        ) => {
            *license_type = match (pool, on) {
                (Pool::WindowsServer, true) => VmLicenseType::WindowsServer,
                (Pool::WindowsServer, false) => VmLicenseType::None,
                (Pool::Rhel, true) => VmLicenseType::RhelByos,
                (Pool::Rhel, false) => VmLicenseType::RhelPayg,
                (Pool::Sles, true) => VmLicenseType::SlesByos,
                (Pool::Sles, false) => VmLicenseType::SlesPayg,
                (Pool::SqlServer, _) => *license_type,
            }
        }
        (ResourceSpec::DedicatedHost { license_type, .. }, Pool::WindowsServer) => {
            *license_type = if on {
                HostLicenseType::WindowsServerHybrid
            } else {
                HostLicenseType::None
            }
        }
        (ResourceSpec::DedicatedHost { sql_host_level, .. }, Pool::SqlServer) => {
            *sql_host_level = on
        }
        (ResourceSpec::SqlVm { license_type, .. }, Pool::SqlServer) => {
            *license_type = if on {
                SqlVmLicenseType::Ahub
            } else {
                SqlVmLicenseType::Payg
            }
        }
        (
            ResourceSpec::SqlDatabase { license_type, .. }
            | ResourceSpec::SqlElasticPool { license_type, .. }
            | ResourceSpec::SqlManagedInstance { license_type, .. }
            | ResourceSpec::SqlInstancePool { license_type, .. }
            | ResourceSpec::SsisRuntime { license_type, .. },
            Pool::SqlServer,
        ) => {
            *license_type = if on {
                PaasLicenseType::BasePrice
            } else {
                PaasLicenseType::LicenseIncluded
            }
        }
        (ResourceSpec::AksHybrid { ahb, .. } | ResourceSpec::AzureLocalCluster { ahb, .. }, _) => {
            *ahb = on
        }
        _ => {}
    }
}

/// The audit's verdict on the estate with the plan applied (its compliance, pool positions and
/// over-claims, computed by the audit's own code, on the changed resources' specs in place of
/// their own: the estate is not copied). `estate` was validated by `optimize`, and applying a
/// plan changes only AHB settings, so it is not validated again.
/// `by_id`: the resources' indices in id order. A plan lists its changes in that order, so
/// each is found by walking `by_id` forward from the last one (by binary search otherwise).
/// `before`: the estate's assessments on the plan's date (see [`verdict`]).
fn reaudit(
    estate: &Estate,
    rules: &RuleSet,
    plan: &Plan,
    by_id: &[usize],
    before: Option<&[Assessment]>,
) -> Result<Verdict> {
    let id = |k: usize| estate.resources[by_id[k]].id.as_str();
    let mut at = 0;
    let index = |wanted: &str| {
        while at < by_id.len() && id(at) < wanted {
            at += 1;
        }
        if at < by_id.len() && id(at) == wanted {
            return Some(by_id[at]);
        }
        let k = by_id.partition_point(|&i| estate.resources[i].id.as_str() < wanted);
        (k < by_id.len() && id(k) == wanted).then(|| by_id[k])
    };
    let respecified = respecify(estate, plan, index);
    verdict(estate, rules, plan.as_of, &respecified, before)
}

/// Resources whose claims the plan may not drop: pinned ones and activated Azure Local
/// clusters (HCI-5).
fn fixed(estate: &Estate, options: &OptimizeOptions) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = options.pin.iter().cloned().collect();
    for r in &estate.resources {
        if let ResourceSpec::AzureLocalCluster { ahb: true, .. } = r.spec {
            out.insert(r.id.clone());
        }
    }
    out
}

/// The shortfall of `pool` that dropping claims could remove: its shortfall less the units
/// attributed to claims that cannot be dropped (fixed resources, central assignments).
fn excess(pos: &Verdict, pool: Pool, droppable: &BTreeSet<String>) -> u64 {
    let Some(p) = pos.pools.iter().find(|p| p.pool == pool) else {
        return 0;
    };
    let fixed_short: u64 = pos
        .over_claimed
        .iter()
        .filter(|o| o.pool == pool && !droppable.contains(&*o.resource))
        .map(|o| o.uncovered)
        .sum();
    let additive = p.additive.as_ref().map_or(0, |a| a.shortfall);
    (p.shortfall + additive).saturating_sub(fixed_short)
}

/// Resources carrying the benefit of `pool` in `plan` that may be dropped, least savings per
/// unit first, then by id.
fn drop_order(plan: &Plan, pool: Pool, fixed: &BTreeSet<String>) -> Vec<String> {
    let mut v: Vec<(&str, rust_decimal::Decimal)> = plan
        .assignments
        .iter()
        .filter(|a| a.pool == pool && a.carry && a.units > 0 && !fixed.contains(&*a.resource))
        .map(|a| {
            let per =
                a.monthly_savings.unwrap_or_default() / rust_decimal::Decimal::from(a.units.max(1));
            (&*a.resource, per)
        })
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
    let mut seen = BTreeSet::new();
    v.into_iter()
        .filter(|(id, _)| seen.insert(*id))
        .map(|(id, _)| id.to_string())
        .collect()
}

fn with_excluded(options: &OptimizeOptions, ids: &[String]) -> OptimizeOptions {
    let mut o = options.clone();
    for id in ids {
        if !o.exclude.contains(id) {
            o.exclude.push(id.clone());
        }
    }
    o
}

/// Re-audits `first`, repairs it when the audit finds it short, and records the verdict.
pub(crate) fn verified(
    estate: &Estate,
    rules: &RuleSet,
    options: &OptimizeOptions,
    first: Plan,
    by_id: &[usize],
    assessments: &[Assessment],
    solve: impl Fn(&OptimizeOptions) -> Result<Plan>,
) -> Result<Plan> {
    let before = Some(assessments);
    let fixed = fixed(estate, options);
    // The plan as repaired so far; `None` while it is still `first`, which is not copied: it
    // is usually the answer, and at 10^6 resources a copy costs as much as the solve.
    let mut repaired: Option<Plan> = None;
    macro_rules! plan {
        () => {
            repaired.as_ref().unwrap_or(&first)
        };
    }
    // Repair solves skip the recommendations (each re-solves pools); the first plan's are kept.
    let mut opts = options.clone();
    opts.recommendations = false;
    let mut reasons = Vec::new();
    let mut pos = reaudit(estate, rules, plan!(), by_id, before)?;

    // WS-3 (OQ-1): the plan claims less than the estate minimum and the licences cannot
    // cover the top-up. Keep the minimum free (any plan then audits clean), or, when the
    // estate cannot hold it, claim no Windows benefit at all.
    let minimum = u64::from(rules.knobs.estate_minimum_core_licences);
    let ws_short = |pos: &Verdict| {
        pos.pools
            .iter()
            .any(|p| p.pool == Pool::WindowsServer && p.estate_minimum_topup > 0 && p.shortfall > 0)
    };
    if minimum > 0 && ws_short(&pos) {
        // The smallest number of core licences kept free (0…minimum) whose plan meets the
        // minimum: the plan's own claims plus the reserve reach it. Keeping the whole minimum
        // free always does, when the licences can hold it.
        let solve_with = |r: u64| -> Result<Option<(Plan, Verdict, OptimizeOptions)>> {
            let mut o = opts.clone();
            o.reserve.windows_server = o.reserve.windows_server.saturating_add(r);
            let Ok(p) = solve(&o) else {
                return Ok(None);
            };
            let a = reaudit(estate, rules, &p, by_id, before)?;
            Ok((!ws_short(&a)).then_some((p, a, o)))
        };
        let (mut lo, mut hi) = (1, minimum);
        let mut best = None;
        while lo <= hi {
            let mid = lo + (hi - lo) / 2;
            match solve_with(mid)? {
                Some(b) => {
                    best = Some((b, mid));
                    hi = mid - 1;
                }
                None => lo = mid + 1,
            }
        }
        match best {
            Some(((p, a, o), r)) => {
                let claimed: u64 = p
                    .assignments
                    .iter()
                    .filter(|x| x.carry && x.pool == Pool::WindowsServer)
                    .map(|x| x.units)
                    .sum();
                reasons.push(Reason::new(
                    "WS-3",
                    if claimed == 0 {
                        format!(
                            "the licences cannot hold the estate minimum of {minimum} core \
                             licences with the claims that would fit (OQ-1): no Windows Server \
                             benefit is claimed"
                        )
                    } else {
                        format!(
                            "the plan claims {claimed} Windows Server core licences and keeps \
                             {r} free, so the estate holds the minimum of {minimum} (OQ-1 \
                             estate_minimum_core_licences)"
                        )
                    },
                ));
                repaired = Some(p);
                pos = a;
                opts = o;
            }
            None => {
                let ids = drop_order(plan!(), Pool::WindowsServer, &fixed);
                let o = with_excluded(&opts, &ids);
                // Only pins can make this fail; the plan then stays as it is, and uncertified.
                if let Ok(p) = solve(&o) {
                    repaired = Some(p);
                    opts = o;
                    reasons.push(Reason::new(
                        "WS-3",
                        format!(
                            "the licences cannot hold the estate minimum of {minimum} core \
                             licences (OQ-1): the Windows Server VMs that saved least were left \
                             without the benefit"
                        ),
                    ));
                    pos = reaudit(estate, rules, plan!(), by_id, before)?;
                }
            }
        }
    }

    // Anything else the audit finds short that dropping claims can remove (OQ-10, …).
    for _ in 0..4 {
        if pos.compliant {
            break;
        }
        let Some((pool, order)) = crate::position::ALL_POOLS
            .into_iter()
            .map(|p| (p, drop_order(plan!(), p, &fixed)))
            .find(|(p, order)| {
                let droppable: BTreeSet<String> = order.iter().cloned().collect();
                !order.is_empty() && excess(&pos, *p, &droppable) > 0
            })
        else {
            break;
        };
        let droppable: BTreeSet<String> = order.iter().cloned().collect();
        let ok = |p: &Plan| -> Result<(bool, Verdict)> {
            let a = reaudit(estate, rules, p, by_id, before)?;
            Ok((excess(&a, pool, &droppable) == 0, a))
        };
        // The fewest claims, least savings per unit first, whose removal clears the pool.
        let (mut lo, mut hi) = (1, order.len());
        let mut best: Option<(Plan, Verdict, OptimizeOptions, usize)> = None;
        while lo <= hi {
            let mid = lo + (hi - lo) / 2;
            let o = with_excluded(&opts, &order[..mid]);
            let Ok(p) = solve(&o) else {
                lo = mid + 1;
                continue;
            };
            let (good, a) = ok(&p)?;
            if good {
                best = Some((p, a, o, mid));
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        let (p, a, o, n) = match best {
            Some(b) => b,
            None => {
                // Not even dropping them all clears it (the solver chose others): leave the
                // pool's droppable candidates without the benefit.
                let in_pool: std::collections::HashSet<&str> = first
                    .assignments
                    .iter()
                    .filter(|x| x.pool == pool)
                    .map(|x| &*x.resource)
                    .collect();
                let all: Vec<String> = estate
                    .resources
                    .iter()
                    .filter(|r| !fixed.contains(&r.id) && in_pool.contains(r.id.as_str()))
                    .map(|r| r.id.clone())
                    .collect();
                let o = with_excluded(&opts, &all);
                let Ok(p) = solve(&o) else {
                    break;
                };
                let a = reaudit(estate, rules, &p, by_id, before)?;
                let n = all.len();
                (p, a, o, n)
            }
        };
        let rule = pos
            .pools
            .iter()
            .find(|x| x.pool == pool)
            .and_then(|x| x.reasons.iter().find(|r| r.rule == "OQ-10"))
            .map_or(pool.shortfall_rule(), |r| r.rule);
        reasons.push(Reason::new(
            rule,
            format!(
                "the audit of the plan found the {pool:?} pool short; {n} claim(s) saving least \
                 per unit were left without the benefit so that it audits compliant"
            ),
        ));
        repaired = Some(p);
        pos = a;
        opts = o;
    }

    // Certificates: the unconstrained solve's bound stays a bound of the constrained problem.
    // A plan is replaced exactly when a reason is given for it.
    debug_assert_eq!(repaired.is_some(), !reasons.is_empty());
    let mut plan = match repaired {
        Some(mut plan) => {
            for pp in &mut plan.pools {
                if let Some(f) = first.pools.iter().find(|f| f.pool == pp.pool) {
                    bound_by(&mut pp.certificate, &f.certificate);
                }
            }
            bound_by(&mut plan.certificate, &first.certificate);
            // The repair solves made no recommendations; the first plan's stand.
            plan.recommendations = first.recommendations;
            plan
        }
        None => first,
    };
    for pp in &mut plan.pools {
        pp.certificate.proven_optimal &= pos.compliant;
    }
    plan.certificate.proven_optimal &= pos.compliant;
    if !pos.compliant {
        reasons.push(Reason::new(
            "GEN-8",
            "the audit of the plan is not compliant for causes no AHB setting can remove (see \
             over_claimed): the plan is not certified optimal; buy licences or change the \
             assignments",
        ));
    }
    plan.options = options.clone();
    plan.verification = Verification {
        compliant: pos.compliant,
        over_claimed: pos.over_claimed,
        reasons,
    };
    Ok(plan)
}

/// Takes the larger upper bound of `c` and `unconstrained` and recomputes the gap.
fn bound_by(c: &mut Certificate, unconstrained: &Certificate) {
    if unconstrained.measure != c.measure {
        c.proven_optimal = false;
        return;
    }
    c.upper_bound = c.upper_bound.max(unconstrained.upper_bound);
    c.gap = c.upper_bound - c.objective;
    c.proven_optimal = c.proven_optimal && c.gap.is_zero();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The re-audit finds a plan's changed resources whatever the order of its changes: in id
    /// order (as plans list them) by walking forward, otherwise by binary search.
    #[test]
    fn the_reaudit_finds_changes_in_any_order() {
        let estate = Estate::from_path(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/data/sample-estate.json"
        ))
        .unwrap();
        let rules = RuleSet::current();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let plan = super::super::optimize(&estate, &rules, &OptimizeOptions::new(date)).unwrap();
        assert!(plan.changes.len() > 10);
        let mut by_id: Vec<usize> = (0..estate.resources.len()).collect();
        by_id.sort_by(|&a, &b| estate.resources[a].id.cmp(&estate.resources[b].id));
        let before = crate::position::assess(&estate, &rules, date)
            .unwrap()
            .assessments;
        let in_order = reaudit(&estate, &rules, &plan, &by_id, None).unwrap();
        let mut shuffled = plan.clone();
        shuffled.changes.reverse();
        shuffled.changes.swap(0, 5);
        let any_order = reaudit(&estate, &rules, &shuffled, &by_id, None).unwrap();
        // Reusing the estate's own assessments for the resources the plan leaves alone.
        let reusing = reaudit(&estate, &rules, &shuffled, &by_id, Some(&before)).unwrap();
        let copy = crate::audit(&apply_plan(&estate, &plan), &rules, date).unwrap();
        for v in [&in_order, &any_order, &reusing] {
            assert_eq!(v.compliant, copy.compliant);
            assert_eq!(v.over_claimed, copy.over_claimed);
            assert_eq!(v.pools.len(), copy.pools.len());
        }
        // Auditing the estate without the plan differs, so the comparison above could fail.
        let before = crate::audit(&estate, &rules, date).unwrap();
        assert_ne!(before.over_claimed, copy.over_claimed);
    }
}
