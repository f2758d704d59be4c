//! The audit: per-resource requirements, per-pool supply on a date, compliance of today's AHB
//! settings, and the eligible resources that do not claim the benefit yet.

mod pool_position;
mod report;
mod single_edition;
mod unpriced;

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

pub use pool_position::{AdditiveCheck, LineUse, PoolPosition, ShortfallLicences};
pub use unpriced::{UnpricedPool, UnpricedSummary};
pub(crate) use unpriced::{is_unpriced, summarise as summarise_unpriced};

use crate::engine::{assess_all_as, central, reassess_respecified, supply_by_pool};
use crate::error::Result;
use crate::model::{Estate, Id, Product, ResourceSpec, ScopeTree, ValidEstate};
use crate::rules::{Assessment, Draw, LineSupply, Pool, Reason, RuleSet};
use pool_position::Claim;

/// The `schema` value of a serialised [`Position`].
pub const POSITION_SCHEMA: &str = "ahb.position/1";

/// A claim the licences do not cover, or a claim on an ineligible resource.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct OverClaim {
    /// The resource.
    pub resource: Id,
    /// The pool.
    pub pool: Pool,
    /// Units the claim needs.
    pub units: u64,
    /// Units of it left uncovered.
    pub uncovered: u64,
    /// Savings per month at risk if the benefit must be removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::money::ser_opt")]
    pub monthly_savings: Option<Decimal>,
    /// Why.
    pub reason: Reason,
}

/// An eligible resource that does not claim the benefit.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UnderClaim {
    /// The resource.
    pub resource: Id,
    /// The pool.
    pub pool: Pool,
    /// Units the benefit would need.
    pub units: u64,
    /// Savings per month the benefit would bring, where prices are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::money::ser_opt")]
    pub monthly_savings: Option<Decimal>,
    /// Savings per year (12 months).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::money::ser_opt")]
    pub yearly_savings: Option<Decimal>,
}

/// Money totals of the position, exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Totals {
    /// Savings per month of today's covered claims.
    #[serde(serialize_with = "crate::money::ser")]
    pub claimed_monthly_savings: Decimal,
    /// Savings per month of claims that the licences do not cover (at risk).
    #[serde(serialize_with = "crate::money::ser")]
    pub at_risk_monthly_savings: Decimal,
    /// Savings per month that eligible, unclaimed resources would bring.
    #[serde(serialize_with = "crate::money::ser")]
    pub unclaimed_monthly_savings: Decimal,
    /// The same per year.
    #[serde(serialize_with = "crate::money::ser")]
    pub unclaimed_yearly_savings: Decimal,
}

/// The position of an estate on a date under a rule set.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
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
    /// Eligible resources that need licences but have no price, and the units at stake: their
    /// savings count as zero in `totals` and rank last in `under_claimed`.
    pub unpriced_summary: UnpricedSummary,
    /// Per resource, in input order.
    pub resources: Vec<Assessment>,
}

impl Position {
    /// The position as pretty JSON; byte-identical for identical input.
    pub fn to_json(&self) -> String {
        crate::text::pretty_json(self)
    }

    /// Writes [`Position::to_json`]'s text to `out` as it is produced, without holding it in
    /// memory (at 10⁶ resources the text is about a gigabyte).
    ///
    /// # Errors
    ///
    /// The writer's I/O error.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> ahb_core::Result<()> {
    /// let estate = ahb_core::Estate::from_json(r#"{"schema": "ahb.estate/1"}"#)?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    /// let position = ahb_core::audit(&estate, &ahb_core::RuleSet::current(), date)?;
    /// let mut out = Vec::new();
    /// position.write_json(&mut out).unwrap();
    /// assert_eq!(out, position.to_json().into_bytes());
    /// # Ok(())
    /// # }
    /// ```
    pub fn write_json(&self, out: impl std::io::Write) -> std::io::Result<()> {
        crate::text::write_pretty_json(self, out)
    }
}

/// Audits `estate` on `as_of` under `rules`: what every resource needs and why, what every
/// licence line supplies on that date, whether today's AHB settings are covered (the
/// over-claimed resources when not) and which eligible resources do not claim the benefit.
///
/// # Errors
///
/// [`crate::ErrorCode::InvalidOption`] when the estate and the rule set disagree (a Linux line
/// counted in another unit than the rule set's, OQ-17), located at the licence line;
/// arithmetic past the documented bounds of amounts and counts is an error, never a panic.
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
/// let position = ahb_core::audit(&estate, &ahb_core::RuleSet::current(), date)?;
/// assert!(position.compliant);
/// // vm1 could carry the benefit: 8 core licences (WS-1) are free for it.
/// assert_eq!(position.under_claimed[0].resource, "vm1");
/// # Ok(())
/// # }
/// ```
pub fn audit(estate: &Estate, rules: &RuleSet, as_of: NaiveDate) -> Result<Position> {
    crate::text::check_option_date("as_of", as_of)?;
    estate.validate()?;
    audit_valid(estate, rules, as_of)
}

impl ValidEstate {
    /// [`audit`] of this estate, which is not validated again.
    ///
    /// # Errors
    ///
    /// Those of [`audit`] but the estate's validation errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> ahb_core::Result<()> {
    /// let estate = ahb_core::ValidEstate::from_json(r#"{"schema": "ahb.estate/1",
    ///   "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
    ///                  "license_type": "Windows_Server"}]}"#)?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    /// let rules = ahb_core::RuleSet::current();
    /// let position = estate.audit(&rules, date)?;
    /// assert!(!position.compliant); // a claim and no licence
    /// assert_eq!(position, ahb_core::audit(&estate, &rules, date)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn audit(&self, rules: &RuleSet, as_of: NaiveDate) -> Result<Position> {
        crate::text::check_option_date("as_of", as_of)?;
        audit_valid(self, rules, as_of)
    }
}

/// [`audit`] of an estate already validated, on a date already checked.
pub(crate) fn audit_valid(estate: &Estate, rules: &RuleSet, as_of: NaiveDate) -> Result<Position> {
    let assessed = assess(estate, rules, as_of)?;
    let checked = assessed.check(estate, rules, as_of);
    conclude(estate, rules, as_of, assessed, checked)
}

/// The audit's first half, which the optimiser shares: each resource assessed, and each
/// pool's supply on the date.
pub(crate) struct Assessed<'a> {
    pub tree: ScopeTree<'a>,
    pub assessments: Vec<Assessment>,
    pub supply: HashMap<Pool, Vec<LineSupply>>,
}

/// Today's claims checked against the supply: what [`check_pools`] returns for every pool.
pub(crate) type Checked = (Vec<PoolPosition>, Vec<OverClaim>, Totals);

/// Assesses every resource of a valid estate on `as_of` (SQL-20: central management marked)
/// and finds each pool's supply.
pub(crate) fn assess<'a>(
    estate: &'a Estate,
    rules: &RuleSet,
    as_of: NaiveDate,
) -> Result<Assessed<'a>> {
    assess_as(estate, rules, as_of, &[])
}

/// [`assess`] as if the resources at the indices of `respecified` (sorted) had those specs.
fn assess_as<'a>(
    estate: &'a Estate,
    rules: &RuleSet,
    as_of: NaiveDate,
    respecified: &'a [(usize, ResourceSpec)],
) -> Result<Assessed<'a>> {
    let tree = ScopeTree::new(&estate.scopes);
    let mut assessments = assess_all_as(estate, rules, &tree, Some(as_of), respecified);
    central::mark(estate, as_of, &mut assessments);
    let supply = supply_by_pool(estate, rules, as_of)?;
    Ok(Assessed {
        tree,
        assessments,
        supply,
    })
}

impl<'a> Assessed<'a> {
    /// Today's claims against every pool's supply.
    pub(crate) fn check(&self, estate: &'a Estate, rules: &RuleSet, as_of: NaiveDate) -> Checked {
        check_pools(
            estate,
            rules,
            as_of,
            &self.assessments,
            self.supply.clone(),
            &self.tree,
            &ALL_POOLS,
        )
    }
}

/// The audit's second half: the position from the assessments and today's pool checks
/// (claims on ineligible resources, unclaimed savings, hosts short, OQ-3).
pub(crate) fn conclude<'a>(
    estate: &'a Estate,
    rules: &RuleSet,
    as_of: NaiveDate,
    assessed: Assessed<'a>,
    checked: Checked,
) -> Result<Position> {
    let Assessed {
        tree,
        mut assessments,
        ..
    } = assessed;
    let (mut pools, mut over_claimed, mut totals) = checked;

    ineligible_claims(&assessments, &mut over_claimed);

    let mut under_claimed: Vec<UnderClaim> = assessments
        .iter()
        .flat_map(|a| {
            a.requirements
                .iter()
                .filter(|q| q.eligible && !q.claimed && q.units > 0 && q.central.is_none())
                .map(|q| UnderClaim {
                    resource: a.resource.clone(),
                    pool: q.pool,
                    units: q.units,
                    monthly_savings: q.monthly_savings,
                    yearly_savings: q.monthly_savings.map(|m| m * Decimal::from(12)),
                })
        })
        .collect();
    sort_rows(&mut under_claimed, |a, b| {
        b.monthly_savings
            .cmp(&a.monthly_savings)
            .then_with(|| a.resource.cmp(&b.resource))
            .then(a.pool.cmp(&b.pool))
    });
    totals.unclaimed_monthly_savings = under_claimed.iter().filter_map(|u| u.monthly_savings).sum();
    totals.unclaimed_yearly_savings = totals.unclaimed_monthly_savings * Decimal::from(12);

    host_shortfalls(estate, &over_claimed, &mut assessments);
    dual_use_dependence(estate, rules, as_of, &assessments, &tree, &mut pools)?;

    let compliant = is_compliant(&pools, &over_claimed);
    let unpriced_summary = unpriced::summarise(&assessments, None);
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
        unpriced_summary,
        resources: assessments,
    })
}

/// Adds the claims on ineligible resources to `over_claimed` and sorts it by resource, then
/// pool: the over-claims of the position.
fn ineligible_claims<A: std::borrow::Borrow<Assessment>>(
    assessments: &[A],
    over_claimed: &mut Vec<OverClaim>,
) {
    // Claims on ineligible resources.
    for a in assessments.iter().map(A::borrow) {
        for q in a
            .requirements
            .iter()
            .filter(|q| q.claimed && !q.eligible && q.central.is_none())
        {
            // The rule that made it ineligible (SQL-5, OQ-7, …), with its facts; GEN-7 (the
            // claim itself) only when nothing more specific was recorded.
            let why = q
                .reasons
                .iter()
                .rev()
                .find(|r| r.rule != "GEN-7")
                .map(|r| {
                    Reason::new(
                        r.rule,
                        format!("claimed on a resource that is not eligible: {}", r.text),
                    )
                })
                .unwrap_or_else(|| {
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
    sort_rows_by_id(
        over_claimed,
        |o| &o.resource,
        |a, b| a.resource.cmp(&b.resource).then(a.pool.cmp(&b.pool)),
    );
}

/// What the audit decides about compliance, and no more: the pool positions (before OQ-3's
/// statement) and the over-claims, exactly as the position has them. The optimiser's re-audit
/// of its plan needs only this, not the unclaimed savings, hosts' statements and summaries.
pub(crate) struct Verdict {
    pub compliant: bool,
    pub pools: Vec<PoolPosition>,
    pub over_claimed: Vec<OverClaim>,
}

/// [`audit`]'s verdict on an estate already validated, on a date already checked, as if the
/// resources at the indices of `respecified` (sorted) had those specs: the re-audit of a plan,
/// whose settings change only specs (which validation does not look at).
///
/// `before`: the estate's own assessments on the same date, when known. Only the resources
/// whose assessment the new specs can change are then assessed again
/// ([`crate::engine::reassess_respecified`]); the others' are the same function of the same
/// facts, so they are taken from `before` (unless the estate has replicas: then every
/// resource is assessed again).
pub(crate) fn verdict(
    estate: &Estate,
    rules: &RuleSet,
    as_of: NaiveDate,
    respecified: &[(usize, ResourceSpec)],
    before: Option<&[Assessment]>,
) -> Result<Verdict> {
    if let Some(before) = before {
        let tree = ScopeTree::new(&estate.scopes);
        if let Some(mut fresh) =
            reassess_respecified(estate, rules, &tree, Some(as_of), respecified)
        {
            central::mark_each(
                estate,
                as_of,
                fresh.iter_mut().map(|(i, a)| (a, &estate.resources[*i])),
            );
            let mut view: Vec<&Assessment> = before.iter().collect();
            for (i, a) in &fresh {
                view[*i] = a;
            }
            let supply = supply_by_pool(estate, rules, as_of)?;
            let (pools, over_claimed, _) =
                check_pools(estate, rules, as_of, &view, supply, &tree, &ALL_POOLS);
            return Ok(judge(&view, pools, over_claimed));
        }
    }
    let assessed = assess_as(estate, rules, as_of, respecified)?;
    let (pools, over_claimed, _) = assessed.check(estate, rules, as_of);
    Ok(judge(&assessed.assessments, pools, over_claimed))
}

/// The verdict from the pool checks and the assessments (for the claims on ineligible
/// resources).
fn judge<A: std::borrow::Borrow<Assessment>>(
    assessments: &[A],
    pools: Vec<PoolPosition>,
    mut over_claimed: Vec<OverClaim>,
) -> Verdict {
    ineligible_claims(assessments, &mut over_claimed);
    Verdict {
        compliant: is_compliant(&pools, &over_claimed),
        pools,
        over_claimed,
    }
}

/// Every pool covers today's claims and no ineligible resource claims.
fn is_compliant(pools: &[PoolPosition], over_claimed: &[OverClaim]) -> bool {
    pools.iter().all(|p| p.compliant) && over_claimed.is_empty()
}

/// VMs "covered by the host" (WS-9, SQL-10) are covered only when the host's own claim is:
/// their reasons say so when the host is short.
///
/// `over` is sorted by resource, then pool, so a host's shortfall is found by binary search
/// (the last of its uncovered claims in the pool), without hashing every uncovered claim.
fn host_shortfalls(estate: &Estate, over: &[OverClaim], assessments: &mut [Assessment]) {
    if !over.iter().any(|o| o.uncovered > 0) {
        return;
    }
    let short = |host: &str, pool: Pool| -> Option<u64> {
        let key = (host, pool);
        let start = over.partition_point(|o| (&*o.resource, o.pool) < key);
        let end = over.partition_point(|o| (&*o.resource, o.pool) <= key);
        over[start..end]
            .iter()
            .rev()
            .find(|o| o.uncovered > 0)
            .map(|o| o.uncovered)
    };
    for (a, r) in assessments.iter_mut().zip(&estate.resources) {
        let (host, pool, rule) = match &r.spec {
            ResourceSpec::Vm { host: Some(h), .. } => (h, Pool::WindowsServer, "WS-9"),
            ResourceSpec::SqlVm { host: Some(h), .. } => (h, Pool::SqlServer, "SQL-10"),
            _ => continue,
        };
        let Some(n) = short(host, pool) else {
            continue;
        };
        for q in a
            .requirements
            .iter_mut()
            .filter(|q| q.pool == pool && q.units == 0 && q.reasons.iter().any(|x| x.rule == rule))
        {
            q.reasons.push(Reason::new(
                rule,
                format!(
                    "but the host {host:?} is itself short by {n} {}: this VM is covered only \
                     once the host is",
                    pool.unit()
                ),
            ));
        }
    }
}

/// OQ-3: when Datacenter licences in use on premises count for Azure VMs only because of the
/// default `ws_datacenter_dual_use = unconditional`, the Windows pool says so and by how much
/// (the shortfall without dual use).
///
/// Only the supply depends on the knob, so the Windows pool is checked again with the strict
/// supply and the same assessments, not audited again.
fn dual_use_dependence<'a>(
    estate: &'a Estate,
    rules: &RuleSet,
    as_of: NaiveDate,
    assessments: &'a [Assessment],
    tree: &ScopeTree<'a>,
    pools: &mut [PoolPosition],
) -> Result<()> {
    use crate::model::Edition;
    use crate::rules::DatacenterDualUse;
    if rules.knobs.ws_datacenter_dual_use == DatacenterDualUse::None {
        return Ok(());
    }
    let on_premises: u64 = estate
        .licences
        .iter()
        .filter(|l| l.product == Product::WindowsServer && l.edition == Some(Edition::Datacenter))
        .map(crate::model::LicenceLine::on_premises_units)
        .sum();
    let Some(ws) = pools.iter_mut().find(|p| p.pool == Pool::WindowsServer) else {
        return Ok(());
    };
    if on_premises == 0 {
        return Ok(());
    }
    let mut strict = rules.clone();
    strict.knobs.ws_datacenter_dual_use = DatacenterDualUse::None;
    let mut supply = supply_by_pool(estate, &strict, as_of)?;
    supply.retain(|p, _| *p == Pool::WindowsServer);
    let (alt, _, _) = check_pools(
        estate,
        &strict,
        as_of,
        assessments,
        supply,
        tree,
        &[Pool::WindowsServer],
    );
    let alt_short = alt
        .iter()
        .find(|p| p.pool == Pool::WindowsServer)
        .map_or(0, |p| p.shortfall);
    let knob = format!("{:?}", rules.knobs.ws_datacenter_dual_use).to_lowercase();
    ws.reasons.push(Reason::new(
        "OQ-3",
        if alt_short == ws.shortfall {
            format!(
                "{on_premises} Datacenter core licences are in use on premises; the result does \
                 not depend on ws_datacenter_dual_use ({knob}): short {} either way",
                ws.shortfall
            )
        } else {
            format!(
                "depends on ws_datacenter_dual_use = {knob}: {on_premises} Datacenter core \
                 licences in use on premises also count for Azure VMs; without dual use the \
                 shortfall would be {alt_short}, not {}",
                ws.shortfall
            )
        },
    ));
    Ok(())
}

/// Sorts `rows` as a stable sort by `cmp` would, moving each row once: the order is found on
/// their positions (a report row is about a hundred bytes, and a sort moves its elements many
/// times), ties by position.
fn sort_rows<T>(rows: &mut Vec<T>, cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    sort_rows_by_id(rows, |_| "", cmp);
}

/// [`sort_rows`] for an order whose first key is an id (`id`): each row's id prefix
/// ([`crate::text::id_prefix`]) is read once and compared first, so most comparisons do not
/// reach the ids. The order is the same.
fn sort_rows_by_id<T>(
    rows: &mut Vec<T>,
    id: impl Fn(&T) -> &str,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering,
) {
    let mut order: Vec<(u128, usize)> = (rows.iter().enumerate())
        .map(|(i, r)| (crate::text::id_prefix(id(r)), i))
        .collect();
    order.sort_unstable_by(|&(ka, a), &(kb, b)| {
        ka.cmp(&kb)
            .then_with(|| cmp(&rows[a], &rows[b]))
            .then(a.cmp(&b))
    });
    let mut slots: Vec<Option<T>> = rows.drain(..).map(Some).collect();
    rows.extend(order.into_iter().filter_map(|(_, i)| slots[i].take()));
}

/// The pools, in the order positions and plans list them.
pub(crate) const ALL_POOLS: [Pool; 4] =
    [Pool::WindowsServer, Pool::SqlServer, Pool::Rhel, Pool::Sles];

/// Today's claims against each pool's supply: the pool positions, the uncovered claims and
/// the claimed / at-risk totals. Shared by the audit and the optimiser (which reports today's
/// savings without auditing again). Only the pools in `which` are checked ([`ALL_POOLS`]).
pub(crate) fn check_pools<'a, A: std::borrow::Borrow<Assessment>>(
    estate: &'a Estate,
    rules: &RuleSet,
    as_of: NaiveDate,
    assessments: &'a [A],
    mut supply: HashMap<Pool, Vec<LineSupply>>,
    tree: &ScopeTree<'a>,
    which: &[Pool],
) -> (Vec<PoolPosition>, Vec<OverClaim>, Totals) {
    let k = &rules.knobs;
    let assignments = central::active(estate, as_of);
    // By id, once: an uncovered assignment claim finds its assignment without a scan.
    let assignment_by_id: HashMap<&str, &crate::model::CentralAssignment> =
        assignments.iter().map(|a| (a.id.as_str(), *a)).collect();
    let mut pools = Vec::new();
    let mut over_claimed = Vec::new();
    let mut totals = Totals::default();
    // Each pool's claims (in resource order), eligible demand and claimed additive demand,
    // gathered in one pass over the assessments.
    let mut gathered: [(Vec<Claim>, u64, u64); 4] = Default::default();
    let slot = |pool: Pool| ALL_POOLS.iter().position(|&p| p == pool);
    for (a, r) in assessments.iter().map(A::borrow).zip(&estate.resources) {
        for q in a
            .requirements
            .iter()
            .filter(|q| q.eligible && q.central.is_none() && which.contains(&q.pool))
        {
            let Some(at) = slot(q.pool) else { continue };
            let (claims, eligible_demand, additive_demand) = &mut gathered[at];
            if q.draw == Draw::Additive {
                *additive_demand += if q.claimed { q.units } else { 0 };
                continue;
            }
            *eligible_demand += q.units;
            if q.claimed {
                claims.push(Claim {
                    resource: &a.resource,
                    shared: Some(&a.resource),
                    scope: r.scope.as_deref(),
                    units: q.units,
                    draw: q.draw,
                    monthly_savings: q.monthly_savings,
                    assignment: false,
                });
            }
        }
    }
    for &pool in which {
        let lines = supply.remove(&pool).unwrap_or_default();
        let Some(at) = slot(pool) else { continue };
        let (mut claims, eligible_demand, additive_demand) = std::mem::take(&mut gathered[at]);
        // SQL-23: each central assignment draws on the SQL licences of the date.
        if pool == Pool::SqlServer {
            for a in &assignments {
                claims.push(Claim {
                    resource: &a.id,
                    shared: None,
                    scope: Some(&a.scope),
                    units: a.normalised_cores(),
                    draw: central::draw_of(a, rules),
                    monthly_savings: None,
                    assignment: true,
                });
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
        let (mut position, uncovered) =
            pool_position::check(pool, lines, &claims, topup, eligible_demand, additive, tree);
        if pool == Pool::WindowsServer {
            windows_knobs(&mut position, &claims, k);
        }
        // A resource's claims in a pool are adjacent (they are gathered resource by resource),
        // so each claim's first claim of the same resource is found in one pass, without
        // hashing ids; an uncovered claim reports its resource's first claim's savings.
        let mut first_claim = Vec::with_capacity(claims.len());
        for (i, c) in claims.iter().enumerate() {
            // Claims of one resource borrow the same id, so the pointers settle most cases.
            let same = i > 0
                && (std::ptr::eq(claims[i - 1].resource, c.resource)
                    || claims[i - 1].resource == c.resource)
                && claims[i - 1].assignment == c.assignment;
            first_claim.push(if same { first_claim[i - 1] } else { i });
        }
        let mut short_resource = vec![false; claims.len()];
        // Every uncovered claim of the pool gives the same reason (written once, copied).
        let short_text = (!uncovered.is_empty()).then(|| {
            format!(
                "the {} pool is short by {} {}: remove the benefit, buy licences or deallocate",
                pool.display_name(),
                position.shortfall,
                pool.unit()
            )
        });
        for u in uncovered {
            short_resource[first_claim[u.claim]] = true;
            let savings = claims[first_claim[u.claim]].monthly_savings;
            over_claimed.push(OverClaim {
                resource: claims[u.claim]
                    .shared
                    .map_or_else(|| Id::from(u.resource), Id::clone),
                pool,
                units: u.units,
                uncovered: u.short,
                monthly_savings: savings,
                reason: match claims[u.claim]
                    .assignment
                    .then(|| assignment_by_id.get(u.resource))
                    .flatten()
                {
                    Some(a) => central::shortfall_reason(a, u.short),
                    None => Reason::new(
                        pool.shortfall_rule(),
                        short_text.clone().unwrap_or_default(),
                    ),
                },
            });
        }
        for (i, c) in claims.iter().enumerate() {
            let s = c.monthly_savings.unwrap_or_default();
            if short_resource[first_claim[i]] {
                totals.at_risk_monthly_savings += s;
            } else {
                totals.claimed_monthly_savings += s;
            }
        }
        pools.push(position);
    }

    (pools, over_claimed, totals)
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
                        "each VM from one edition: {extra} more core licences are needed than when VMs may mix Standard and Datacenter"
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
                "reassignment_min_days = {days} is recorded, but the estate holds no history of licence moves to check it against"
            ),
        ));
    }
}
