//! The audit: per-resource requirements, per-pool supply on a date, compliance of today's AHB
//! settings, and the eligible resources that do not claim the benefit yet.

mod pool_position;
mod report;
mod single_edition;

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

pub use pool_position::{AdditiveCheck, LineUse, PoolPosition, ShortfallLicences};

use crate::engine::{assess_all, supply_by_pool};
use crate::error::Result;
use crate::model::{Estate, ScopeTree};
use crate::rules::{Assessment, Draw, Pool, Reason, RuleSet};
use pool_position::Claim;

/// The `schema` value of a serialised [`Position`].
pub const POSITION_SCHEMA: &str = "ahb.position/1";

/// A claim the licences do not cover, or a claim on an ineligible resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverClaim {
    /// The resource.
    pub resource: String,
    /// The pool.
    pub pool: Pool,
    /// Units the claim needs.
    pub units: u64,
    /// Units of it left uncovered.
    pub uncovered: u64,
    /// Savings per month at risk if the benefit must be removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_savings: Option<Decimal>,
    /// Why.
    pub reason: Reason,
}

/// An eligible resource that does not claim the benefit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnderClaim {
    /// The resource.
    pub resource: String,
    /// The pool.
    pub pool: Pool,
    /// Units the benefit would need.
    pub units: u64,
    /// Savings per month the benefit would bring, where prices are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_savings: Option<Decimal>,
    /// Savings per year (12 months).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yearly_savings: Option<Decimal>,
}

/// Money totals of the position, exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Savings per month of today's covered claims.
    pub claimed_monthly_savings: Decimal,
    /// Savings per month of claims that the licences do not cover (at risk).
    pub at_risk_monthly_savings: Decimal,
    /// Savings per month that eligible, unclaimed resources would bring.
    pub unclaimed_monthly_savings: Decimal,
    /// The same per year.
    pub unclaimed_yearly_savings: Decimal,
}

/// The position of an estate on a date under a rule set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Position {
    /// Always [`POSITION_SCHEMA`].
    pub schema: &'static str,
    /// The ahb version that computed it.
    pub engine: &'static str,
    /// The audit date.
    pub as_of: NaiveDate,
    /// The rule set and knob values used.
    pub rule_set: RuleSet,
    /// Whether every pool covers today's claims and no ineligible resource claims.
    pub compliant: bool,
    /// Per pool, in pool order.
    pub pools: Vec<PoolPosition>,
    /// Claims the licences do not cover, and claims on ineligible resources.
    pub over_claimed: Vec<OverClaim>,
    /// Eligible resources without the benefit, most savings first.
    pub under_claimed: Vec<UnderClaim>,
    /// Money totals.
    pub totals: Totals,
    /// Per resource, in input order.
    pub resources: Vec<Assessment>,
}

impl Position {
    /// The position as pretty JSON; byte-identical for identical input.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a position always serialises")
    }
}

/// Audits `estate` on `as_of` under `rules`.
pub fn audit(estate: &Estate, rules: &RuleSet, as_of: NaiveDate) -> Result<Position> {
    estate.validate()?;
    let k = &rules.knobs;
    let tree = ScopeTree::new(&estate.scopes);
    let assessments = assess_all(estate, rules, &tree);

    let mut supply = supply_by_pool(estate, rules, as_of)?;

    let mut pools = Vec::new();
    let mut over_claimed = Vec::new();
    let mut totals = Totals::default();
    for pool in [Pool::WindowsServer, Pool::SqlServer, Pool::Rhel, Pool::Sles] {
        let lines = supply.remove(&pool).unwrap_or_default();
        let mut claims = Vec::new();
        let mut eligible_demand = 0;
        let mut additive_demand = 0;
        for (a, r) in assessments.iter().zip(&estate.resources) {
            for q in a
                .requirements
                .iter()
                .filter(|q| q.pool == pool && q.eligible)
            {
                if q.draw == Draw::Additive {
                    additive_demand += if q.claimed { q.units } else { 0 };
                    continue;
                }
                eligible_demand += q.units;
                if q.claimed {
                    claims.push(Claim {
                        resource: &a.resource,
                        scope: r.scope.as_deref(),
                        units: q.units,
                        draw: q.draw,
                        monthly_savings: q.monthly_savings,
                    });
                }
            }
        }
        if lines.is_empty() && claims.is_empty() && eligible_demand == 0 && additive_demand == 0 {
            continue;
        }
        let additive = (pool == Pool::WindowsServer && additive_demand > 0).then(|| {
            let held: u64 = lines.iter().map(|l| l.additive).sum();
            AdditiveCheck {
                demand: additive_demand,
                supply: held,
                shortfall: additive_demand.saturating_sub(held),
            }
        });
        let claimed_units: u64 = claims.iter().map(|c| c.units).sum();
        let minimum = u64::from(k.estate_minimum_core_licences);
        let topup = if pool == Pool::WindowsServer && claimed_units > 0 {
            minimum.saturating_sub(claimed_units)
        } else {
            0
        };
        let (mut position, uncovered) = pool_position::check(
            pool,
            lines,
            &claims,
            topup,
            eligible_demand,
            additive,
            &tree,
        );
        if pool == Pool::WindowsServer {
            windows_knobs(&mut position, &claims, k);
        }
        let mut short_ids = HashMap::new();
        for u in uncovered {
            short_ids.insert(u.resource, u.short);
            let savings = claims
                .iter()
                .find(|c| c.resource == u.resource)
                .and_then(|c| c.monthly_savings);
            over_claimed.push(OverClaim {
                resource: u.resource.to_string(),
                pool,
                units: u.units,
                uncovered: u.short,
                monthly_savings: savings,
                reason: Reason::new(
                    pool.shortfall_rule(),
                    format!(
                        "the {} pool is short by {} {}: remove the benefit, buy licences or deallocate",
                        pool.display_name(),
                        position.shortfall,
                        pool.unit()
                    ),
                ),
            });
        }
        for c in &claims {
            let s = c.monthly_savings.unwrap_or_default();
            if short_ids.contains_key(c.resource) {
                totals.at_risk_monthly_savings += s;
            } else {
                totals.claimed_monthly_savings += s;
            }
        }
        pools.push(position);
    }

    // Claims on ineligible resources.
    for a in &assessments {
        for q in a.requirements.iter().filter(|q| q.claimed && !q.eligible) {
            let why = q.reasons.last().cloned().unwrap_or_else(|| {
                Reason::new("GEN-7", "the benefit is claimed on an ineligible resource")
            });
            over_claimed.push(OverClaim {
                resource: a.resource.clone(),
                pool: q.pool,
                units: 0,
                uncovered: 0,
                monthly_savings: None,
                reason: why,
            });
        }
    }
    over_claimed.sort_by(|a, b| a.resource.cmp(&b.resource).then(a.pool.cmp(&b.pool)));

    let mut under_claimed: Vec<UnderClaim> = assessments
        .iter()
        .flat_map(|a| {
            a.requirements
                .iter()
                .filter(|q| q.eligible && !q.claimed && q.units > 0)
                .map(|q| UnderClaim {
                    resource: a.resource.clone(),
                    pool: q.pool,
                    units: q.units,
                    monthly_savings: q.monthly_savings,
                    yearly_savings: q.monthly_savings.map(|m| m * Decimal::from(12)),
                })
        })
        .collect();
    under_claimed.sort_by(|a, b| {
        b.monthly_savings
            .cmp(&a.monthly_savings)
            .then_with(|| a.resource.cmp(&b.resource))
            .then(a.pool.cmp(&b.pool))
    });
    totals.unclaimed_monthly_savings = under_claimed.iter().filter_map(|u| u.monthly_savings).sum();
    totals.unclaimed_yearly_savings = totals.unclaimed_monthly_savings * Decimal::from(12);

    let compliant = pools.iter().all(|p| p.compliant) && over_claimed.is_empty();
    Ok(Position {
        schema: POSITION_SCHEMA,
        engine: env!("CARGO_PKG_VERSION"),
        as_of,
        rule_set: rules.clone(),
        compliant,
        pools,
        over_claimed,
        under_claimed,
        totals,
        resources: assessments,
    })
}

/// The Windows knobs that act on a pool's totals: whole VMs from one edition (OQ-10), packs
/// for display (OQ-8), reassignment spacing (OQ-16).
fn windows_knobs(position: &mut PoolPosition, claims: &[Claim], k: &crate::rules::Knobs) {
    use crate::model::Edition;
    if k.ws_single_edition_per_vm {
        // Host-level claims take Datacenter first; what Datacenter has left goes to VMs.
        let vm_claims: Vec<u64> = claims
            .iter()
            .filter(|c| c.draw == Draw::Any)
            .map(|c| c.units)
            .collect();
        let host_claimed: u64 = claims
            .iter()
            .filter(|c| c.draw != Draw::Any)
            .map(|c| c.units)
            .sum();
        let host_short: u64 = position
            .shortfall_by_draw
            .iter()
            .filter(|(d, _)| **d != Draw::Any)
            .map(|(_, s)| *s)
            .sum();
        let lines = position
            .lines
            .iter()
            .map(|l| &l.supply)
            .filter(|l| l.eligible);
        let (mut standard, mut dc_vm, mut dc_total) = (0, 0, 0);
        for l in lines {
            if l.edition == Some(Edition::Datacenter) {
                dc_vm += l.for_vms;
                dc_total += l.for_vms.max(l.for_hosts);
            } else {
                standard += l.for_vms;
            }
        }
        let dc_left = dc_vm.min(dc_total.saturating_sub(host_claimed - host_short));
        let flow_short = position
            .shortfall_by_draw
            .get(&Draw::Any)
            .copied()
            .unwrap_or(0);
        match single_edition::shortfall(&vm_claims, standard, dc_left) {
            Some(strict) if strict > flow_short => {
                let extra = strict - flow_short;
                position.shortfall += extra;
                position.covered = position.covered.saturating_sub(extra);
                *position.shortfall_by_draw.entry(Draw::Any).or_insert(0) += extra;
                position.compliant = false;
                position.reasons.push(Reason::new(
                    "OQ-10",
                    format!(
                        "each VM from one edition: {extra} more core licences are needed than                          when VMs may mix Standard and Datacenter"
                    ),
                ));
            }
            Some(_) => position.reasons.push(Reason::new(
                "OQ-10",
                "each VM can be covered from one edition",
            )),
            None => position.reasons.push(Reason::new(
                "OQ-10",
                "the Standard supply is too large to check whole-VM editions exactly; not checked",
            )),
        }
    }
    let pack = u64::from(k.display_pack_size.max(1));
    if position.shortfall > 0 {
        position.reasons.push(Reason::new(
            "OQ-8",
            format!(
                "short {} core licences = {} packs of {pack} (packs are for purchasing only)",
                position.shortfall,
                position.shortfall.div_ceil(pack)
            ),
        ));
    }
    if let Some(days) = k.reassignment_min_days {
        position.reasons.push(Reason::new(
            "OQ-16",
            format!(
                "reassignment_min_days = {days} is recorded, but the estate holds no history of                  licence moves to check it against"
            ),
        ));
    }
}
