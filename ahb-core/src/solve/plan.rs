//! The Plan: per resource whether it carries AHB and from which lines, the changes to make,
//! per-pool totals, the optimality certificate and the recommendations.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::recommend::Recommendations;
use super::{
    Method, Objective, OptimizeOptions, Solved, UnpricedValuation, decision_reason, from_micro,
};
use crate::model::{Estate, Id};
use crate::position::LineUse;
use crate::rules::{Assessment, Pool, Reason, RuleSet};

/// The `schema` value of a serialised [`Plan`].
pub const PLAN_SCHEMA: &str = "ahb.plan/1";

/// What to do with one requirement's AHB setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Turn the benefit on.
    Enable,
    /// Turn the benefit off.
    Disable,
    /// Leave it on.
    Keep,
    /// Leave it off.
    KeepOff,
}

/// Units of one licence line given to one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LineShare {
    /// The licence line.
    pub line: Id,
    /// Pool units drawn from it.
    pub units: u64,
}

/// The plan for one requirement of one resource.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Assignment {
    /// The resource.
    pub resource: Id,
    /// Its kind.
    pub kind: &'static str,
    /// The pool.
    pub pool: Pool,
    /// Whether the plan has it carry the benefit.
    pub carry: bool,
    /// Whether it claims the benefit today.
    pub claimed_today: bool,
    /// The change.
    pub action: Action,
    /// Pool units it needs.
    pub units: u64,
    /// The lines that cover it (empty when it does not carry the benefit or needs no units).
    pub lines: Vec<LineShare>,
    /// Savings per month while carrying the benefit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::money::ser_opt")]
    pub monthly_savings: Option<Decimal>,
    /// Why.
    pub reasons: Vec<Reason>,
}

/// One change against today's settings.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// The resource.
    pub resource: Id,
    /// The pool.
    pub pool: Pool,
    /// Enable or disable.
    pub action: Action,
    /// Pool units involved.
    pub units: u64,
    /// Change in savings per month (negative for a removal).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::money::ser_opt")]
    pub monthly_savings_delta: Option<Decimal>,
}

/// Which resources a certificate's optimum is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateScope {
    /// Every eligible resource that needs licences has a price.
    AllResources,
    /// Some have none and count as zero (`unpriced = ignore`): the optimum is over the priced
    /// resources only, and not a finished optimum for the others.
    PricedResourcesOnly,
    /// Some have none and were valued by the licence units they would use (`unpriced =
    /// by_units`): the optimum is over the priced savings first, then over those units (a
    /// proxy, not money).
    PricedThenUnpricedByUnits,
}

impl CertificateScope {
    /// The scope as people read it.
    pub fn display_name(self) -> &'static str {
        match self {
            CertificateScope::AllResources => "all resources",
            CertificateScope::PricedResourcesOnly => "priced resources only",
            CertificateScope::PricedThenUnpricedByUnits => {
                "priced resources, then unpriced ones by licence units"
            }
        }
    }
}

/// The optimality certificate of a pool or of the whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Certificate {
    /// What the objective measures: `monthly_savings` (net of the change penalty, if any) or,
    /// for `min_change`, `claims_kept`.
    pub measure: &'static str,
    /// The plan's value of the measure.
    #[serde(serialize_with = "crate::money::ser")]
    pub objective: Decimal,
    /// No plan can do better than this.
    #[serde(serialize_with = "crate::money::ser")]
    pub upper_bound: Decimal,
    /// `upper_bound − objective`; zero when proven optimal.
    #[serde(serialize_with = "crate::money::ser")]
    pub gap: Decimal,
    /// Whether the plan is proven optimal for its objective, tie-breaks included, over the
    /// resources `scope` names.
    pub proven_optimal: bool,
    /// Which resources the optimum is over: a plan over eligible resources without prices is
    /// never a finished optimum without saying so.
    pub scope: CertificateScope,
    /// Eligible resources without prices (0 when `scope` is `all_resources`).
    pub unpriced_resources: usize,
}

/// One pool of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PoolPlan {
    /// The pool.
    pub pool: Pool,
    /// Its unit.
    pub unit: &'static str,
    /// How it was solved.
    pub method: Method,
    /// Units held in reserve.
    pub reserve: u64,
    /// Units the plan uses (reserve excluded).
    pub used: u64,
    /// Units no resource uses.
    pub idle: u64,
    /// Savings per month of the pool's covered resources.
    #[serde(serialize_with = "crate::money::ser")]
    pub monthly_savings: Decimal,
    /// The certificate of the pool's solve.
    pub certificate: Certificate,
    /// Each line and the units the plan draws from it.
    pub lines: Vec<LineUse>,
}

/// Savings of the plan, exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PlanTotals {
    /// Per running hour of every covered resource.
    #[serde(serialize_with = "crate::money::ser")]
    pub hourly_savings: Decimal,
    /// Per month.
    #[serde(serialize_with = "crate::money::ser")]
    pub monthly_savings: Decimal,
    /// Per year (12 months).
    #[serde(serialize_with = "crate::money::ser")]
    pub yearly_savings: Decimal,
    /// Savings per month of today's settings that the licences cover (the audit's figure).
    #[serde(serialize_with = "crate::money::ser")]
    pub today_monthly_savings: Decimal,
    /// Number of changes.
    pub changes: usize,
}

/// The optimal plan.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Plan {
    /// Always [`PLAN_SCHEMA`].
    pub schema: &'static str,
    /// The ahb version that computed it.
    pub engine: &'static str,
    /// The licences' date.
    pub as_of: NaiveDate,
    /// The rule set and knobs.
    pub rule_set: RuleSet,
    /// The options.
    pub options: OptimizeOptions,
    /// The whole plan's certificate (sums over pools).
    pub certificate: Certificate,
    /// Money totals.
    pub totals: PlanTotals,
    /// Per pool.
    pub pools: Vec<PoolPlan>,
    /// The changes to make, by resource id.
    pub changes: Vec<Change>,
    /// Every requirement's decision, in resource order.
    pub assignments: Vec<Assignment>,
    /// Resources without prices (the ids of `unpriced_summary`): valued at zero, so only kept
    /// when licences are left over, or by licence units with `unpriced = by_units`.
    pub unpriced: Vec<String>,
    /// The unpriced resources, the units at stake per pool and the units the plan gives them.
    pub unpriced_summary: crate::position::UnpricedSummary,
    /// What to buy, renew and how to license dedicated hosts.
    pub recommendations: Recommendations,
    /// The audit of the estate with the plan applied (every plan is re-audited).
    pub verification: super::Verification,
}

impl Plan {
    /// The plan as pretty JSON; byte-identical for identical input.
    pub fn to_json(&self) -> String {
        crate::text::pretty_json(self)
    }

    /// Writes [`Plan::to_json`]'s text to `out` as it is produced, without holding it in
    /// memory.
    ///
    /// # Errors
    ///
    /// The writer's I/O error.
    pub fn write_json(&self, out: impl std::io::Write) -> std::io::Result<()> {
        crate::text::write_pretty_json(self, out)
    }
}

/// The certificate of one pool's solve. `value` and `bound` are in the solver's transformed
/// units (see [`super::Valuation`]); `achieved` is the plan's true objective, recomputed
/// exactly: savings net of change penalties in micro-units × the unit weight plus the unit
/// proxy of the unpriced resources carried (see [`Solved::unit_weight`]), or claims kept.
fn certificate(
    objective: Objective,
    value: i128,
    bound: i128,
    s: &Solved,
    achieved: i128,
) -> Certificate {
    let proven = value == bound;
    let (scope, unpriced_resources) = (CertificateScope::AllResources, 0);
    match objective {
        Objective::MinChange => {
            // value = kept · big + savings, |savings| < big.
            let ub = if proven {
                achieved
            } else {
                (bound + s.big - 1).div_euclid(s.big).max(achieved)
            };
            Certificate {
                measure: "claims_kept",
                objective: Decimal::from(achieved as i64),
                upper_bound: Decimal::from(ub as i64),
                gap: Decimal::from((ub - achieved) as i64),
                proven_optimal: proven,
                scope,
                unpriced_resources,
            }
        }
        Objective::MaxSavings | Objective::ComplianceFirst => {
            // value = (net savings − offset) · scale + tie-breaks, |tie-breaks| ≤ (scale − 1) / 2.
            let ties = (s.scale - 1) / 2;
            let ub = if proven {
                achieved
            } else {
                ((bound + ties).div_euclid(s.scale) + s.offset).max(achieved)
            };
            // Back to money: `achieved` is money × weight + a proxy below the weight, and no
            // plan's money exceeds ⌊ub / weight⌋ (the proxy is never negative).
            let w = s.unit_weight;
            let (money, money_ub) = (achieved.div_euclid(w), ub.div_euclid(w));
            Certificate {
                measure: "monthly_savings",
                objective: from_micro(money),
                upper_bound: from_micro(money_ub),
                gap: from_micro(money_ub - money),
                proven_optimal: ub == achieved,
                scope,
                unpriced_resources,
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn assemble(
    estate: &Estate,
    rules: &RuleSet,
    options: &OptimizeOptions,
    assessments: &[Assessment],
    by_id: &[usize],
    solved: Vec<Solved>,
    recommendations: Recommendations,
    today_monthly_savings: Decimal,
) -> Plan {
    // Decisions per (resource, requirement), held flat: requirement `qi` of resource `ri` is
    // at `start[ri] + qi`.
    let start: Vec<usize> = assessments
        .iter()
        .scan(0, |n, a| {
            let at = *n;
            *n += a.requirements.len();
            Some(at)
        })
        .collect();
    let flat = |(ri, qi): (usize, usize)| start[ri] + qi;
    let total = assessments
        .last()
        .map_or(0, |a| start[start.len() - 1] + a.requirements.len());
    let mut carry: Vec<Option<(bool, Vec<LineShare>)>> = vec![None; total];
    let mut pools = Vec::new();
    let (mut all_value, mut all_bound, mut all_proven) = (Decimal::ZERO, Decimal::ZERO, true);
    for s in &solved {
        let sol = &s.solution;
        // Each line's id once, shared by all its shares.
        let line_ids: Vec<Id> = sol.lines.iter().map(|l| Id::from(&l.line)).collect();
        for (k, &o) in s.origin.iter().enumerate() {
            let shares = sol.shares[k]
                .iter()
                .map(|&(li, units)| LineShare {
                    line: line_ids[li].clone(),
                    units,
                })
                .collect();
            carry[flat(o)] = Some((sol.chosen[k], shares));
        }
        for &(o, chosen) in &s.additive {
            carry[flat(o)] = Some((chosen, Vec::new()));
        }
        let req = |&(ri, qi): &(usize, usize)| &assessments[ri].requirements[qi];
        let decided: Vec<(&(usize, usize), bool)> = s
            .origin
            .iter()
            .zip(sol.chosen.iter().copied())
            .chain(s.additive.iter().map(|(o, c)| (o, *c)))
            .collect();
        let savings: i128 = decided
            .iter()
            .filter(|(_, c)| *c)
            .map(|(o, _)| req(o).monthly_savings.map_or(0, super::micro))
            .sum();
        let proxy: i128 = decided
            .iter()
            .filter(|(_, c)| *c)
            .map(|(o, _)| super::unit_proxy(options, req(o)))
            .sum();
        let weighted = savings * s.unit_weight + proxy;
        let changes = decided.iter().filter(|(o, c)| req(o).claimed != *c).count() as i128;
        let kept = decided.iter().filter(|(o, c)| req(o).claimed && *c).count() as i128;
        let achieved = match options.objective {
            Objective::MinChange => kept,
            Objective::MaxSavings => weighted - s.penalty * changes,
            Objective::ComplianceFirst => weighted,
        };
        let value = sol.value + s.additive_value.0;
        let bound = sol.bound + s.additive_value.1;
        let cert = certificate(options.objective, value, bound, s, achieved);
        all_value += cert.objective;
        all_bound += cert.upper_bound;
        all_proven &= cert.proven_optimal;
        let capacity: u64 = sol.lines.iter().map(|l| l.for_vms.max(l.for_hosts)).sum();
        let used_total: u64 = sol.used.iter().sum();
        pools.push(PoolPlan {
            pool: s.pool,
            unit: s.pool.unit(),
            method: sol.method,
            reserve: s.reserve,
            used: used_total.saturating_sub(s.reserve),
            idle: capacity - used_total,
            monthly_savings: from_micro(savings),
            certificate: cert,
            lines: sol
                .lines
                .iter()
                .cloned()
                .zip(sol.used.iter().copied())
                .map(|(supply, used)| LineUse { supply, used })
                .collect(),
        });
    }
    let measure = pools
        .first()
        .map_or("monthly_savings", |p| p.certificate.measure);
    let mut certificate = Certificate {
        measure,
        objective: all_value,
        upper_bound: all_bound,
        gap: all_bound - all_value,
        proven_optimal: all_proven,
        scope: CertificateScope::AllResources,
        unpriced_resources: 0,
    };

    let excluded: std::collections::HashSet<&str> =
        options.exclude.iter().map(String::as_str).collect();
    let pinned: std::collections::HashSet<&str> = options.pin.iter().map(String::as_str).collect();
    // One assignment per requirement: reserved at once, not grown by doubling (at 10⁶
    // resources each doubling copies and faults in hundreds of megabytes).
    let mut assignments = Vec::with_capacity(total);
    let mut changes = Vec::new();
    let mut totals = PlanTotals::default();
    let mut carried = vec![false; total];
    for (ri, a) in assessments.iter().enumerate() {
        let r = &estate.resources[ri];
        for (qi, q) in a.requirements.iter().enumerate() {
            let (on, lines) = match carry[flat((ri, qi))].take() {
                Some(d) => d,
                // Needs no units (free) or is ineligible: keep a free claim, drop an
                // ineligible one.
                None => (
                    q.eligible && q.claimed && !excluded.contains(r.id.as_str())
                        || q.eligible && q.units == 0 && pinned.contains(r.id.as_str()),
                    Vec::new(),
                ),
            };
            let keep_hci = super::irreversible(estate, ri, q);
            // SQL-20: a centrally managed resource's setting has no effect; it is left as is.
            let on = if q.central.is_some() {
                q.claimed
            } else {
                on || keep_hci
            };
            let action = match (on, q.claimed) {
                (true, true) => Action::Keep,
                (true, false) => Action::Enable,
                (false, true) => Action::Disable,
                (false, false) => Action::KeepOff,
            };
            carried[flat((ri, qi))] = on;
            // The assessment's reasons and the plan's own (one more, so no second allocation).
            let mut reasons = Vec::with_capacity(q.reasons.len() + 1);
            reasons.extend(q.reasons.iter().cloned());
            if keep_hci {
                reasons.push(Reason::new(
                    "HCI-5",
                    "keep the benefit: it cannot be deactivated after activation; if the \
                     licences do not cover it, buy Datacenter core licences",
                ));
            } else if q.eligible && q.central.is_none() {
                reasons.push(decision_reason(on, q.claimed, q.units, q.pool));
            }
            if on && q.central.is_none() {
                totals.monthly_savings += q.monthly_savings.unwrap_or_default();
                totals.hourly_savings += q.hourly_savings.unwrap_or_default();
            }
            if matches!(action, Action::Enable | Action::Disable) {
                let delta = q.monthly_savings.map(|m| if on { m } else { -m });
                changes.push((
                    ri,
                    Change {
                        resource: a.resource.clone(),
                        pool: q.pool,
                        action,
                        units: q.units,
                        monthly_savings_delta: delta,
                    },
                ));
            }
            assignments.push(Assignment {
                resource: a.resource.clone(),
                kind: a.kind,
                pool: q.pool,
                carry: on,
                claimed_today: q.claimed,
                action,
                units: q.units,
                lines,
                // SQL-20: a centrally managed resource's savings are its assignment's, not the
                // plan's; the plan's totals are the sum of its assignments' savings.
                monthly_savings: if on && q.central.is_none() {
                    q.monthly_savings
                } else {
                    None
                },
                reasons,
            });
        }
    }
    // Unpriced is loud: the certificates say which resources their optimum is over.
    let unpriced_summary =
        crate::position::summarise_unpriced(assessments, Some(&|ri, qi| carried[flat((ri, qi))]));
    let scope = |n: usize| match (n, options.unpriced) {
        (0, _) => CertificateScope::AllResources,
        (_, UnpricedValuation::Ignore) => CertificateScope::PricedResourcesOnly,
        (_, UnpricedValuation::ByUnits) => CertificateScope::PricedThenUnpricedByUnits,
    };
    certificate.scope = scope(unpriced_summary.resources);
    certificate.unpriced_resources = unpriced_summary.resources;
    for p in &mut pools {
        let n = unpriced_summary
            .by_pool
            .iter()
            .find(|u| u.pool == p.pool)
            .map_or(0, |u| u.resources);
        p.certificate.scope = scope(n);
        p.certificate.unpriced_resources = n;
    }
    // By resource id, then pool: by the id's rank, not comparing the (long) ids again.
    let mut rank = vec![0; by_id.len()];
    for (k, &ri) in by_id.iter().enumerate() {
        rank[ri] = k;
    }
    changes.sort_by_key(|(ri, c)| (rank[*ri], c.pool));
    let changes: Vec<Change> = changes.into_iter().map(|(_, c)| c).collect();
    totals.yearly_savings = totals.monthly_savings * Decimal::from(12);
    totals.changes = changes.len();
    totals.today_monthly_savings = today_monthly_savings;
    Plan {
        schema: PLAN_SCHEMA,
        engine: env!("CARGO_PKG_VERSION"),
        as_of: options.as_of,
        rule_set: rules.clone(),
        options: options.clone(),
        certificate,
        totals,
        pools,
        changes,
        assignments,
        unpriced: unpriced_summary.ids.clone(),
        unpriced_summary,
        recommendations,
        verification: super::Verification::default(),
    }
}
