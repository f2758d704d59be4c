//! Unpriced is loud: the eligible resources that need licences but have no price, and the
//! licence units at stake, counted once for the audit and the plan.
//!
//! A resource without prices saves "nothing" as far as any money total can tell, so its claims
//! are missing from the claimed and unclaimed savings, the under-claimed ranking puts it last,
//! and an optimum over money leaves it without the benefit unless licences are left over. Every
//! report states how many such resources there are and how many units of each pool they need.

use serde::Serialize;

use crate::rules::{Assessment, Pool, Requirement};

/// The unpriced requirements of one pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct UnpricedPool {
    /// The pool.
    pub pool: Pool,
    /// Its unit (`core licences`, `normalised cores`, `subscription units`).
    pub unit: &'static str,
    /// Resources with an unpriced requirement in this pool.
    pub resources: usize,
    /// Units of the pool those requirements need when they carry the benefit.
    pub units: u64,
    /// Of those, the units claimed by today's settings.
    pub claimed_units: u64,
    /// Of those, the units the plan has carry the benefit (plans only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried_units: Option<u64>,
}

/// Eligible resources that need licences and have no price, with the units at stake.
///
/// A requirement counts when it is eligible, needs units, has no savings (no prices), and is
/// not under central management (whose savings are the assignment's, SQL-20). A resource
/// counts once, whatever the number of its unpriced requirements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct UnpricedSummary {
    /// Resources with at least one unpriced requirement.
    pub resources: usize,
    /// Licence units their unpriced requirements need, summed over the pools (units of
    /// different kinds: `by_pool` says which).
    pub units: u64,
    /// Per pool, in pool order (only pools with unpriced requirements).
    pub by_pool: Vec<UnpricedPool>,
    /// The resources, in resource order.
    pub ids: Vec<String>,
}

impl UnpricedSummary {
    /// Whether every eligible requirement that needs licences has a price.
    pub fn is_empty(&self) -> bool {
        self.resources == 0
    }

    /// The units at stake per pool for people: `40 Windows Server core licences, 56 SQL
    /// Server normalised cores`.
    pub fn units_text(&self) -> String {
        self.by_pool
            .iter()
            .map(|p| format!("{} {} {}", p.units, p.pool.display_name(), p.unit))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether a requirement is eligible, needs licences and has no price.
pub(crate) fn is_unpriced(q: &Requirement) -> bool {
    q.eligible && q.units > 0 && q.monthly_savings.is_none() && q.central.is_none()
}

/// The unpriced requirements of `assessments`; `carried`, when given, says for a
/// (resource index, requirement index) whether the plan has it carry the benefit.
pub(crate) fn summarise(
    assessments: &[Assessment],
    carried: Option<&dyn Fn(usize, usize) -> bool>,
) -> UnpricedSummary {
    let pools = super::ALL_POOLS;
    let mut by_pool: Vec<UnpricedPool> = pools
        .iter()
        .map(|&pool| UnpricedPool {
            pool,
            unit: pool.unit(),
            resources: 0,
            units: 0,
            claimed_units: 0,
            carried_units: carried.map(|_| 0),
        })
        .collect();
    let mut out = UnpricedSummary::default();
    for (ri, a) in assessments.iter().enumerate() {
        let mut counted = false;
        let mut pools_seen = [false; 4];
        for (qi, q) in a.requirements.iter().enumerate() {
            if !is_unpriced(q) {
                continue;
            }
            counted = true;
            let k = pools.iter().position(|&p| p == q.pool).unwrap_or(0);
            let p = &mut by_pool[k];
            if !pools_seen[k] {
                pools_seen[k] = true;
                p.resources += 1;
            }
            p.units = p.units.saturating_add(q.units);
            if q.claimed {
                p.claimed_units = p.claimed_units.saturating_add(q.units);
            }
            if let (Some(c), Some(f)) = (p.carried_units.as_mut(), carried)
                && f(ri, qi)
            {
                *c = c.saturating_add(q.units);
            }
            out.units = out.units.saturating_add(q.units);
        }
        if counted {
            out.resources += 1;
            out.ids.push(a.resource.to_string());
        }
    }
    out.by_pool = by_pool.into_iter().filter(|p| p.resources > 0).collect();
    out
}
