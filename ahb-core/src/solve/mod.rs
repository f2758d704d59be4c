//! Optimal allocation: which resources should carry AHB, drawn from which licence lines, to
//! save the most while staying compliant — with a certificate (an upper bound and the gap).
//!
//! Each pool is solved on its own (the pools share no licences): candidates are the eligible
//! requirements, valued by the objective in integer micro-units of money per month, and
//! `allocate::solve` picks the best set the licence lines can cover at once. Ties are broken
//! deterministically: fewer changes to today's settings first, then fewer licences, then
//! resource id; licence lines are drawn on latest SA end first (then id).
//!
//! # Resources without prices
//!
//! Their savings are unknown, so the certificate names its `scope` and the plan its
//! `unpriced_summary`; the option `unpriced` ([`UnpricedValuation`]) decides how they are valued.
//!
//! An estate without prices (as imported without a price list): under `ignore` nothing is
//! worth enabling; under `by_units` the licences go to the resources that use the most units.
//!
//! ```
//! # fn main() -> ahb_core::Result<()> {
//! use ahb_core::solve::{CertificateScope, UnpricedValuation};
//! let estate = ahb_core::Estate::from_json(r#"{
//!   "schema": "ahb.estate/1",
//!   "licences": [{"id": "ws", "product": "windows_server", "edition": "datacenter",
//!                 "metric": "core", "quantity": 16, "programme": "ea",
//!                 "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
//!   "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 16},
//!                 {"id": "vm2", "kind": "vm", "os": "windows", "vcpus": 4}]
//! }"#)?;
//! let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
//! let rules = ahb_core::RuleSet::current();
//! let mut options = ahb_core::OptimizeOptions::new(date);
//! let plan = ahb_core::optimize(&estate, &rules, &options)?;
//! assert_eq!(plan.totals.changes, 0);
//! assert_eq!(plan.certificate.scope, CertificateScope::PricedResourcesOnly);
//!
//! options.unpriced = UnpricedValuation::ByUnits;
//! let plan = ahb_core::optimize(&estate, &rules, &options)?;
//! assert_eq!(plan.changes[0].resource, "vm1"); // 16 licences used, not 8
//! assert_eq!(plan.certificate.scope, CertificateScope::PricedThenUnpricedByUnits);
//! assert!(plan.verification.compliant);
//! # Ok(())
//! # }
//! ```

mod allocate;
mod options;
mod plan;
mod recommend;
mod report;
mod verify;

use std::collections::HashMap;

pub use crate::engine::knapsack;
pub use allocate::{Candidate, MAX_SPECIAL, Method, PoolSolution, solve_candidates};
pub use options::{
    LicencePrices, MAX_RESERVE, MAX_WORK_BUDGET, Objective, OptimizeOptions, Reserve,
    UnpricedValuation,
};
pub use plan::{
    Action, Assignment, Certificate, CertificateScope, Change, LineShare, PLAN_SCHEMA, Plan,
    PlanTotals, PoolPlan,
};
pub use recommend::{HostAdvice, MarginalPoint, Purchase, Recommendations, Renewal};
pub use verify::{Verification, apply_plan};

use crate::error::{Error, Result};
use crate::model::ScopeTree;
use crate::model::{Estate, ValidEstate};
use crate::position::ALL_POOLS;
use crate::rules::{Assessment, Draw, LineSupply, Pool, Reason, RuleSet};

use crate::money::{from_micro, to_micro as micro};

/// The optimal plan for `estate` under `rules` and `options`.
///
/// Every plan is re-audited before it is returned: the plan's settings are applied to the
/// estate and [`crate::position::audit`] runs on the result. A plan whose claims the audit
/// finds short (the WS-3 estate minimum, OQ-10 whole-VM editions, …) is repaired before it is
/// returned, and its certificate says "proven optimal" only when the re-audit is compliant
/// (see [`Verification`]).
///
/// # Errors
///
/// [`crate::ErrorCode::InvalidOption`] naming the option: a pinned or excluded id that is not
/// in the estate, a pin the licences cannot cover, a reserve larger than the supply; the
/// errors of [`crate::audit`] for an estate the rule set cannot audit.
///
/// # Examples
///
/// ```
/// # fn main() -> ahb_core::Result<()> {
/// let estate = ahb_core::Estate::from_json(r#"{
///   "schema": "ahb.estate/1",
///   "licences": [{"id": "ws", "product": "windows_server", "edition": "datacenter",
///                 "metric": "core", "quantity": 16, "programme": "ea",
///                 "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
///   "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
///                  "license_type": "None",
///                  "prices": {"payg_per_hour": "0.376", "ahb_per_hour": "0.192"}}]
/// }"#)?;
/// let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
/// let options = ahb_core::OptimizeOptions::new(date);
/// let plan = ahb_core::optimize(&estate, &ahb_core::RuleSet::current(), &options)?;
/// assert_eq!(plan.totals.changes, 1); // enable the benefit on vm1
/// assert!(plan.certificate.proven_optimal);
/// # Ok(())
/// # }
/// ```
pub fn optimize(estate: &Estate, rules: &RuleSet, options: &OptimizeOptions) -> Result<Plan> {
    estate.validate()?;
    optimize_valid(estate, rules, options)
}

/// [`optimize`] of a validated estate.
fn optimize_valid(estate: &Estate, rules: &RuleSet, options: &OptimizeOptions) -> Result<Plan> {
    options.validate(estate)?;
    let assessed = crate::position::assess(estate, rules, options.as_of)?;
    // Today's savings as the audit reports them, from the same assessments and supply.
    let today = assessed.check(estate, rules, options.as_of).2;
    optimize_assessed(estate, rules, options, &assessed, &today)
}

/// The audit of `estate` on `options.as_of` and its optimal plan, from one assessment.
///
/// The position is [`crate::audit`]'s and the plan [`optimize`]'s, byte for byte; computed
/// together, the estate is validated once, each resource assessed once (not once by the
/// audit and once more by the optimiser) and today's claims checked once. The plan is
/// re-audited as [`optimize`]'s is.
///
/// # Errors
///
/// An estate [`crate::audit`] refuses gives the audit's error; otherwise an estate or options
/// [`optimize`] refuses give its error.
///
/// # Examples
///
/// ```
/// # fn main() -> ahb_core::Result<()> {
/// let estate = ahb_core::Estate::from_json(r#"{
///   "schema": "ahb.estate/1",
///   "licences": [{"id": "ws", "product": "windows_server", "edition": "datacenter",
///                 "metric": "core", "quantity": 16, "programme": "ea",
///                 "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
///   "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
///                  "license_type": "None",
///                  "prices": {"payg_per_hour": "0.376", "ahb_per_hour": "0.192"}}]
/// }"#)?;
/// let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
/// let rules = ahb_core::RuleSet::current();
/// let options = ahb_core::OptimizeOptions::new(date);
/// let (position, plan) = ahb_core::audit_and_optimize(&estate, &rules, &options)?;
/// assert_eq!(position.under_claimed[0].resource, "vm1"); // eligible, not claimed today
/// assert_eq!(plan.totals.changes, 1); // so the plan enables it
/// assert_eq!(position, ahb_core::audit(&estate, &rules, date)?);
/// # Ok(())
/// # }
/// ```
pub fn audit_and_optimize(
    estate: &Estate,
    rules: &RuleSet,
    options: &OptimizeOptions,
) -> Result<(crate::position::Position, Plan)> {
    // The audit's checks first, so that its errors come first.
    crate::text::check_option_date("as_of", options.as_of)?;
    estate.validate()?;
    audit_and_optimize_valid(estate, rules, options)
}

/// [`audit_and_optimize`] of a validated estate on a date already checked.
pub(crate) fn audit_and_optimize_valid(
    estate: &Estate,
    rules: &RuleSet,
    options: &OptimizeOptions,
) -> Result<(crate::position::Position, Plan)> {
    let assessed = crate::position::assess(estate, rules, options.as_of)?;
    options.validate(estate)?;
    let checked = assessed.check(estate, rules, options.as_of);
    let plan = optimize_assessed(estate, rules, options, &assessed, &checked.2)?;
    let position = crate::position::conclude(estate, rules, options.as_of, assessed, checked)?;
    Ok((position, plan))
}

impl ValidEstate {
    /// [`optimize`] of this estate, which is not validated again.
    ///
    /// # Errors
    ///
    /// Those of [`optimize`] but the estate's validation errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> ahb_core::Result<()> {
    /// let estate = ahb_core::ValidEstate::from_json(r#"{
    ///   "schema": "ahb.estate/1",
    ///   "licences": [{"id": "ws", "product": "windows_server", "edition": "datacenter",
    ///                 "metric": "core", "quantity": 16, "programme": "ea",
    ///                 "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
    ///   "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
    ///                  "license_type": "None",
    ///                  "prices": {"payg_per_hour": "0.376", "ahb_per_hour": "0.192"}}]
    /// }"#)?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    /// let plan = estate.optimize(&ahb_core::RuleSet::current(), &ahb_core::OptimizeOptions::new(date))?;
    /// assert_eq!(plan.totals.changes, 1); // enable the benefit on vm1
    /// # Ok(())
    /// # }
    /// ```
    pub fn optimize(&self, rules: &RuleSet, options: &OptimizeOptions) -> Result<Plan> {
        optimize_valid(self, rules, options)
    }

    /// [`audit_and_optimize`] of this estate, which is not validated again.
    ///
    /// # Errors
    ///
    /// Those of [`audit_and_optimize`] but the estate's validation errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> ahb_core::Result<()> {
    /// let estate = ahb_core::ValidEstate::from_json(r#"{
    ///   "schema": "ahb.estate/1",
    ///   "licences": [{"id": "ws", "product": "windows_server", "edition": "datacenter",
    ///                 "metric": "core", "quantity": 16, "programme": "ea",
    ///                 "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
    ///   "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
    ///                  "license_type": "None",
    ///                  "prices": {"payg_per_hour": "0.376", "ahb_per_hour": "0.192"}}]
    /// }"#)?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    /// let rules = ahb_core::RuleSet::current();
    /// let (position, plan) = estate.audit_and_optimize(&rules, &ahb_core::OptimizeOptions::new(date))?;
    /// assert!(position.compliant);
    /// assert_eq!(plan.totals.changes, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn audit_and_optimize(
        &self,
        rules: &RuleSet,
        options: &OptimizeOptions,
    ) -> Result<(crate::position::Position, Plan)> {
        crate::text::check_option_date("as_of", options.as_of)?;
        audit_and_optimize_valid(self, rules, options)
    }
}

/// [`optimize`] of a validated estate from its assessments and today's totals.
fn optimize_assessed(
    estate: &Estate,
    rules: &RuleSet,
    options: &OptimizeOptions,
    assessed: &crate::position::Assessed,
    today: &crate::position::Totals,
) -> Result<Plan> {
    let today = today.claimed_monthly_savings;
    // The resources in id order (ids are unique), sorted once for the solve's tie-breaks, the
    // plan's order of changes and the re-audit's lookups.
    // (Sorted as (id prefix, id, index): most comparisons are of the prefixes, integers.)
    let mut keyed: Vec<(u128, &str, usize)> = (estate.resources.iter())
        .enumerate()
        .map(|(i, r)| (crate::text::id_prefix(&r.id), r.id.as_str(), i))
        .collect();
    keyed.sort_unstable();
    let by_id: Vec<usize> = keyed.into_iter().map(|(_, _, i)| i).collect();
    let first = optimize_unverified(estate, rules, options, assessed, &by_id, today)?;
    // Repairs change the options (reserve, exclusions), never the date: the assessments stand.
    verify::verified(
        estate,
        rules,
        options,
        first,
        &by_id,
        &assessed.assessments,
        |o| optimize_unverified(estate, rules, o, assessed, &by_id, today),
    )
}

/// One solve and assembly, before the re-audit.
fn optimize_unverified(
    estate: &Estate,
    rules: &RuleSet,
    options: &OptimizeOptions,
    assessed: &crate::position::Assessed,
    by_id: &[usize],
    today: rust_decimal::Decimal,
) -> Result<Plan> {
    let tree = &assessed.tree;
    let assessments = &assessed.assessments;
    let mut supply = assessed.supply.clone();
    // SQL-23: central assignments use their licences first.
    if let Some(lines) = supply.remove(&Pool::SqlServer) {
        let left = crate::engine::central::lines_left(
            estate,
            rules,
            options.as_of,
            lines,
            tree,
            options.prefer_later_expiry,
        );
        supply.insert(Pool::SqlServer, left);
    }
    let solved = solve_all(estate, assessments, by_id, supply, options, tree)?;
    let recommendations = recommend::recommend(estate, rules, options, assessments, &solved, tree);
    Ok(plan::assemble(
        estate,
        rules,
        options,
        assessments,
        by_id,
        solved,
        recommendations,
        today,
    ))
}

/// One pool's candidates (with where they come from) and its solution.
pub(crate) struct Solved<'a> {
    pub pool: Pool,
    /// The candidates, for re-solving with other lines.
    pub cands: Vec<Candidate<'a>>,
    /// (resource index, requirement index) of each candidate.
    pub origin: Vec<(usize, usize)>,
    pub units: Vec<u64>,
    pub solution: allocate::PoolSolution,
    /// The value transform's scale (2 × candidates + 1), big number and penalty per change.
    pub scale: i128,
    pub big: i128,
    pub penalty: i128,
    /// The constant the value transform dropped (−penalty × today's claims).
    pub offset: i128,
    /// Money's weight in the value transform: 1, or with `unpriced = by_units` one more than
    /// the pool's unpriced units, so that savings count as `micro × weight + unit proxy` and
    /// one micro-unit of money outweighs every unit of the proxy.
    pub unit_weight: i128,
    pub reserve: u64,
    /// Additive (AKS hybrid) candidates and which were chosen.
    pub additive: Vec<((usize, usize), bool)>,
    pub additive_value: (i128, i128),
}

/// The option's reserve for a pool.
fn reserve_of(options: &OptimizeOptions, pool: Pool) -> u64 {
    match pool {
        Pool::WindowsServer => options.reserve.windows_server,
        Pool::SqlServer => options.reserve.sql_server,
        Pool::Rhel => options.reserve.rhel,
        Pool::Sles => options.reserve.sles,
    }
}

/// The unit proxy of a requirement (`unpriced = by_units`): the licence units it would use
/// when it is eligible and has no price; 0 otherwise, and always 0 under `ignore`.
pub(crate) fn unit_proxy(options: &OptimizeOptions, q: &crate::rules::Requirement) -> i128 {
    if options.unpriced == UnpricedValuation::ByUnits && crate::position::is_unpriced(q) {
        i128::from(q.units)
    } else {
        0
    }
}

/// The largest value of one candidate the unit proxy may produce: values are multiplied by
/// units and capacities (below 2^47) in the knapsack and the network greedy, and must stay
/// exact in `i128`.
const MAX_WEIGHTED_VALUE: i128 = 1 << 80;

/// The value of covering a requirement under the objective, or `None` when it may not be
/// covered (excluded, or never enabled under this objective).
pub(crate) struct Valuation {
    pub scale: i128,
    pub big: i128,
    pub penalty: i128,
    pub objective: Objective,
}

impl Valuation {
    fn value(&self, savings: i128, claimed: bool) -> Option<i128> {
        let stay = if claimed { 1 } else { -1 };
        match self.objective {
            Objective::MaxSavings => Some((savings + stay * self.penalty) * self.scale + stay),
            Objective::MinChange => claimed.then_some(self.big + savings),
            Objective::ComplianceFirst => claimed.then_some(savings * self.scale + 1),
        }
    }
}

/// A candidate's (resource index, requirement index).
type Origin = (usize, usize);

fn solve_all<'a>(
    estate: &'a Estate,
    assessments: &[Assessment],
    by_id: &[usize],
    mut supply: HashMap<Pool, Vec<LineSupply>>,
    options: &OptimizeOptions,
    tree: &ScopeTree<'a>,
) -> Result<Vec<Solved<'a>>> {
    let pinned: std::collections::HashSet<&str> = options.pin.iter().map(String::as_str).collect();
    let excluded: std::collections::HashSet<&str> =
        options.exclude.iter().map(String::as_str).collect();
    // Pinning a resource that cannot carry the benefit is a contradiction.
    for a in assessments.iter().filter(|a| pinned.contains(&*a.resource)) {
        if !a.requirements.iter().any(|q| q.eligible) {
            let why = a
                .requirements
                .iter()
                .flat_map(|q| q.reasons.last())
                .chain(a.notes.last())
                .map(ToString::to_string)
                .next()
                .unwrap_or_else(|| "no benefit applies".into());
            return Err(Error::option(
                "pin",
                format!("{:?} cannot carry the benefit: {why}", a.resource),
            ));
        }
    }
    // Candidates in resource-id order: ties are broken by id, whatever the input order.
    // One pass over the assessments sorts them into the pools (each pool's origin and
    // additive candidates), rather than one pass per pool.
    let mut candidates: [(Vec<Origin>, Vec<Origin>); 4] = Default::default();
    for &ri in by_id {
        let a = &assessments[ri];
        for (qi, q) in a.requirements.iter().enumerate() {
            if !q.eligible || q.units == 0 || q.central.is_some() {
                continue;
            }
            let Some(p) = ALL_POOLS.iter().position(|&p| p == q.pool) else {
                continue;
            };
            let (origin, additive) = &mut candidates[p];
            if q.draw == Draw::Additive {
                additive.push((ri, qi));
            } else {
                origin.push((ri, qi));
            }
        }
    }
    let mut out = Vec::new();
    for (pool, (origin, additive)) in ALL_POOLS.into_iter().zip(candidates) {
        let lines = supply.remove(&pool).unwrap_or_default();
        let reserve = reserve_of(options, pool);
        if origin.is_empty() && additive.is_empty() && lines.is_empty() {
            continue;
        }
        let money = |&(ri, qi): &(usize, usize)| {
            assessments[ri].requirements[qi]
                .monthly_savings
                .map_or(0, micro)
        };
        // `unpriced = by_units`: money first, then the unit proxy (lexicographic), so the
        // weight of money is one more than all the proxy can add up to.
        let proxy =
            |&(ri, qi): &(usize, usize)| unit_proxy(options, &assessments[ri].requirements[qi]);
        let weight = origin.iter().chain(&additive).map(proxy).sum::<i128>() + 1;
        let n = (origin.len() + additive.len()) as i128;
        let penalty_money = options.change_penalty_per_month.map_or(0, micro);
        if weight > 1 {
            let largest = origin
                .iter()
                .chain(&additive)
                .map(|o| money(o).abs())
                .max()
                .unwrap_or(0)
                + penalty_money.abs();
            let fits = largest
                .checked_add(1)
                .and_then(|m| m.checked_mul(weight))
                .and_then(|m| m.checked_mul(2 * n + 1))
                .is_some_and(|m| m < MAX_WEIGHTED_VALUE);
            if !fits {
                return Err(Error::option(
                    "unpriced",
                    format!(
                        "by_units: the {} pool's savings and unpriced units are too large to \
                         rank exactly together; price the resources or use \"ignore\"",
                        pool.display_name()
                    ),
                ));
            }
        }
        let savings = |o: &(usize, usize)| money(o) * weight + proxy(o);
        let big = origin
            .iter()
            .chain(&additive)
            .map(|o| savings(o).abs())
            .sum::<i128>()
            + 1;
        let penalty = penalty_money * weight;
        let val = Valuation {
            scale: 2 * n + 1,
            big,
            penalty,
            objective: options.objective,
        };
        let claimed_today = origin
            .iter()
            .chain(&additive)
            .filter(|&&(ri, qi)| assessments[ri].requirements[qi].claimed)
            .count() as i128;
        let offset = if options.objective == Objective::MaxSavings {
            -penalty * claimed_today
        } else {
            0
        };
        let candidate = |o: &(usize, usize), hci_forced: bool| -> Candidate {
            let (ri, qi) = *o;
            let a = &assessments[ri];
            let q = &a.requirements[qi];
            let id: &str = &a.resource;
            // HCI-5: an activated Azure Local benefit cannot be deactivated, so it is kept
            // like a pin (when the licences can cover it; otherwise it stays on, short).
            let forced = pinned.contains(id) || hci_forced && irreversible(estate, ri, q);
            let value = if excluded.contains(id) {
                None
            } else {
                val.value(savings(o), q.claimed)
            };
            Candidate {
                draw: q.draw,
                scope: estate.resources[ri].scope.as_deref(),
                units: q.units,
                value: if forced {
                    value.unwrap_or_else(|| val.value(savings(o), true).unwrap_or(0))
                } else {
                    value.unwrap_or(0)
                },
                forced,
            }
        };
        let mut cands: Vec<Candidate> = origin.iter().map(|o| candidate(o, true)).collect();
        let solution = match allocate::solve(
            pool,
            lines.clone(),
            &cands,
            reserve,
            tree,
            options.prefer_later_expiry,
            options.exact_work_budget,
        ) {
            Ok(s) => s,
            Err(_)
                if origin.iter().any(|&(ri, qi)| {
                    irreversible(estate, ri, &assessments[ri].requirements[qi])
                }) =>
            {
                // The activated Azure Local clusters cannot all be covered: they stay on
                // (HCI-5) and the re-audit reports the licences to buy.
                cands = origin.iter().map(|o| candidate(o, false)).collect();
                allocate::solve(
                    pool,
                    lines,
                    &cands,
                    reserve,
                    tree,
                    options.prefer_later_expiry,
                    options.exact_work_budget,
                )?
            }
            Err(e) => return Err(e),
        };
        // Additive use (AKS-4) is a knapsack against the licences held, not deducted.
        let held: u64 = solution.lines.iter().map(|l| l.additive).sum();
        let add_cands: Vec<Candidate> = additive.iter().map(|o| candidate(o, false)).collect();
        let forced_units: u64 = add_cands.iter().filter(|c| c.forced).map(|c| c.units).sum();
        if forced_units > held {
            return Err(Error::option(
                "pin",
                format!(
                    "pinned AKS hybrid clusters need {forced_units} core licences; {held} are held"
                ),
            ));
        }
        let free: Vec<usize> = (0..add_cands.len())
            .filter(|&i| !add_cands[i].forced && add_cands[i].value > 0)
            .collect();
        let items: Vec<knapsack::Item> = free
            .iter()
            .map(|&i| knapsack::Item {
                units: add_cands[i].units,
                value: add_cands[i].value,
            })
            .collect();
        let sol =
            knapsack::Knapsack::new(&items).solve(held - forced_units, options.exact_work_budget);
        let mut chosen: Vec<bool> = add_cands.iter().map(|c| c.forced).collect();
        for (j, &i) in free.iter().enumerate() {
            chosen[i] = sol.chosen[j];
        }
        let forced_value: i128 = add_cands.iter().filter(|c| c.forced).map(|c| c.value).sum();
        out.push(Solved {
            pool,
            cands,
            units: origin
                .iter()
                .map(|&(ri, qi)| assessments[ri].requirements[qi].units)
                .collect(),
            origin,
            solution,
            scale: val.scale,
            big: val.big,
            penalty: val.penalty,
            offset,
            unit_weight: weight,
            reserve,
            additive: additive.into_iter().zip(chosen).collect(),
            additive_value: (sol.value + forced_value, sol.bound + forced_value),
        });
    }
    Ok(out)
}

/// HCI-5: "You can't deactivate Azure Hybrid Benefit for your system after activation." An
/// Azure Local cluster whose benefit is on today keeps it in every plan.
pub(crate) fn irreversible(estate: &Estate, ri: usize, q: &crate::rules::Requirement) -> bool {
    q.claimed
        && matches!(
            estate.resources[ri].spec,
            crate::model::ResourceSpec::AzureLocalCluster { .. }
        )
}

/// A reason for the plan's decision about one requirement.
pub(crate) fn decision_reason(carry: bool, claimed: bool, units: u64, pool: Pool) -> Reason {
    match (carry, claimed) {
        (true, true) => Reason::new("GEN-7", "keep the benefit: the licences cover it"),
        (true, false) => Reason::new(
            "GEN-7",
            format!(
                "enable the benefit: {units} {} are free for it",
                pool.unit()
            ),
        ),
        (false, true) => Reason::new(
            pool.shortfall_rule(),
            "remove the benefit: the licences are worth more elsewhere, or do not cover it",
        ),
        (false, false) => Reason::new(
            "GEN-7",
            "leave without the benefit: no licences left that it would be worth using",
        ),
    }
}
