//! Centrally managed SQL AHB, hour by hour (SQL-15…SQL-21): which normalised cores the
//! licences assigned to a scope cover each hour, the pay-as-you-go overage, utilisation, and
//! how many licences a scope should be assigned.

#[cfg(feature = "parquet")]
mod arrow;
mod best;
mod columns;
mod cover;
mod usage;
mod walk;

use std::collections::HashMap;
use std::ops::Range;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Serialize;

#[cfg(test)]
use best::best_assignment_threads;
pub use best::{BestAssignment, LicencePricesPerYear, best_assignment};
pub use usage::{HourlyUsage, MAX_USAGE_HOURS, NO_PRICE, UsageRecord};

use crate::error::{Error, ErrorCode, RecordRef, Result};
use crate::model::ScopeTree;
use crate::model::{Estate, ResourceSpec, SqlVmEdition, SqlVmLicenseType, ValidEstate};
use crate::rules::{CentralStrategy, Pool, RuleSet, nc_per_vcore};
use cover::{Ladder, cover_split};
use walk::{checked_hours, usage_first, walk};

pub(crate) use crate::money::{from_micro, to_micro as micro};

/// The most hourly values (scopes × hours) one simulation computes: the series are allocated
/// only after this bound is checked.
pub const MAX_SERIES_CELLS: u64 = 10_000_000;

/// How the hourly usage of one resource is billed under central management.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Billing {
    /// Covered from the scope's NCs at `ratio` NC per vCore (SQL-2, SQL-17), with the SQL VM
    /// 4-vCore minimum when `min4` (SQL-8).
    Pool {
        scope: usize,
        ratio: u64,
        min4: bool,
    },
    /// A HA/DR replica on the $0 HADR meter (SQL-19), `ratio` NC per vCore.
    Hadr { scope: usize, ratio: u64 },
    /// Not centrally covered: no assignment above it, Dev/Test, SSIS or dedicated host
    /// (SQL-16), or not eligible (SQL-5).
    Outside,
}

/// The assignment scopes and each resource's billing.
struct Setup {
    /// Scopes with assignments, deepest first (then by id: scopes of one depth are disjoint,
    /// so their order changes nothing).
    scopes: Vec<String>,
    /// For each scope, the nearest enclosing scope with assignments (SQL-18, OQ-6).
    up: Vec<Option<usize>>,
    billing: Vec<Billing>,
    /// Licence price per vCore-hour from the estate's prices, per usage resource.
    estate_price: Vec<i64>,
}

fn setup(estate: &Estate, rules: &RuleSet, usage: &HourlyUsage) -> Result<Setup> {
    let tree = ScopeTree::new(&estate.scopes);
    // A resource draws on the assignments of its scope and of its ancestors: first its
    // nearest assigned scope, and what that leaves uncovered on the next one above
    // (`central_draw_order = nearest_first`). Scope ids play no part (SQL-18).
    let parent: HashMap<&str, Option<&str>> = estate
        .scopes
        .iter()
        .map(|s| (s.id.as_str(), s.parent.as_deref()))
        .collect();
    let chain = |scope: Option<&str>| -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        std::iter::successors(scope, |s| parent.get(s).copied().flatten())
            .take_while(|s| seen.insert(*s))
            .map(str::to_string)
            .collect()
    };
    let mut scopes: Vec<String> = estate
        .central_assignments
        .iter()
        .map(|a| a.scope.clone())
        .collect();
    scopes.sort();
    scopes.dedup();
    let depth: HashMap<String, usize> = scopes
        .iter()
        .map(|s| (s.clone(), chain(Some(s)).len()))
        .collect();
    scopes.sort_by(|a, b| depth[b].cmp(&depth[a]).then_with(|| a.cmp(b)));
    let index: HashMap<&str, usize> = scopes
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let nearest = |scope: Option<&str>, skip_self: bool| -> Option<usize> {
        chain(scope)
            .iter()
            .skip(usize::from(skip_self))
            .find_map(|s| index.get(s.as_str()).copied())
    };
    let up: Vec<Option<usize>> = scopes.iter().map(|s| nearest(Some(s), true)).collect();
    let by_id: HashMap<&str, usize> = estate
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let assessments = crate::engine::assess_all(estate, rules, &tree);
    let mut billing = Vec::with_capacity(usage.resources.len());
    let mut estate_price = Vec::with_capacity(usage.resources.len());
    for (k, id) in usage.resources.iter().enumerate() {
        let Some(&ri) = by_id.get(id.as_str()) else {
            let row = usage
                .resource
                .iter()
                .position(|&r| r as usize == k)
                .unwrap_or(0);
            return Err(Error::at_record(
                ErrorCode::UnknownReference,
                RecordRef {
                    collection: "usage",
                    index: row,
                    id: Some(id.clone()),
                },
                "resource",
                format!("no resource of the estate has id {id:?}"),
            ));
        };
        let r = &estate.resources[ri];
        // The nearest scope at or above the resource that has assignments.
        let scope = nearest(r.scope.as_deref(), false);
        let eligible = assessments[ri]
            .requirements
            .iter()
            .any(|q| q.pool == Pool::SqlServer && q.eligible);
        let dev_test = tree.is_dev_test(r.scope.as_deref());
        let (ratio, min4, hadr, vcores) = match &r.spec {
            ResourceSpec::SqlVm {
                edition,
                license_type,
                vcpus,
                host,
                ..
            } => (
                if *edition == SqlVmEdition::Enterprise {
                    4
                } else {
                    1
                },
                true,
                *license_type == SqlVmLicenseType::Dr,
                if host.is_some() { 0 } else { *vcpus },
            ),
            ResourceSpec::SqlDatabase {
                tier,
                vcores,
                standby,
                ..
            } => (nc_per_vcore(*tier), false, *standby, vcores.unwrap_or(0)),
            ResourceSpec::SqlElasticPool { tier, vcores, .. } => {
                (nc_per_vcore(*tier), false, false, vcores.unwrap_or(0))
            }
            ResourceSpec::SqlManagedInstance {
                tier,
                vcores,
                passive_dr,
                ..
            } => (nc_per_vcore(*tier), false, *passive_dr, *vcores),
            ResourceSpec::SqlInstancePool { tier, vcores, .. } => {
                (nc_per_vcore(*tier), false, false, *vcores)
            }
            _ => (0, false, false, 0),
        };
        let b = match scope {
            Some(s) if hadr && ratio > 0 => Billing::Hadr { scope: s, ratio },
            Some(s) if ratio > 0 && vcores > 0 && eligible && !dev_test => Billing::Pool {
                scope: s,
                ratio,
                min4,
            },
            _ => Billing::Outside,
        };
        billing.push(b);
        let price = r.prices.as_ref().filter(|_| vcores > 0).map_or(0, |p| {
            i64::try_from(micro(
                (p.payg_per_hour - p.ahb_per_hour) / Decimal::from(vcores),
            ))
            .unwrap_or(0)
        });
        estate_price.push(price);
    }
    Ok(Setup {
        scopes,
        up,
        billing,
        estate_price,
    })
}

/// NC assigned to each scope on `date` (SQL-21: assignments lapse 90 days after review).
fn assigned_on(estate: &Estate, scopes: &[String], date: NaiveDate) -> Vec<u64> {
    let mut out = vec![0u64; scopes.len()];
    for a in estate
        .central_assignments
        .iter()
        .filter(|a| a.active_on(date))
    {
        if let Some(i) = scopes.iter().position(|s| *s == a.scope) {
            out[i] += a.normalised_cores();
        }
    }
    out
}

/// One scope's hourly series and totals.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ScopeSeries {
    /// The scope the licences are assigned to.
    pub scope: String,
    /// NC assigned, per hour.
    pub assigned_nc: Vec<u64>,
    /// NC the eligible usage needs, per hour (HA/DR excluded), including what nested scopes'
    /// assignments left uncovered (SQL-18: resources draw on their ancestors' assignments).
    pub demand_nc: Vec<u64>,
    /// NC covered, per hour.
    pub covered_nc: Vec<u64>,
    /// NC-equivalents of HA/DR replicas on the $0 HADR meter, per hour (SQL-19).
    pub hadr_nc: Vec<u64>,
    /// Pay-as-you-go licence charges of uncovered vCores, per hour. A scope nested in another
    /// scope with assignments passes its uncovered vCores up and shows no overage itself.
    pub overage: Vec<Decimal>,
    /// Licence charges avoided by the covered vCores, over the whole period.
    pub total_savings: Decimal,
    /// Pay-as-you-go overage over the whole period.
    pub total_overage: Decimal,
    /// Covered ÷ assigned NC over the last 24 hours, in percent (the portal's "Last Day").
    pub utilization_last_day: Decimal,
    /// Covered ÷ assigned NC over the last 168 hours, in percent (the portal's "7-day").
    pub utilization_7_day: Decimal,
    /// Hours in which every assigned NC was used: some usage was probably billed pay-as-you-go.
    pub saturated_hours: u32,
}

/// The simulation of central assignments over hourly usage.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CentralSimulation {
    /// Always `ahb.central/1`.
    pub schema: &'static str,
    /// How NCs were spread over each hour's usage (OQ-6).
    pub strategy: CentralStrategy,
    /// The first hour.
    pub start: NaiveDateTime,
    /// Number of hours.
    pub hours: u32,
    /// Per assignment scope.
    pub scopes: Vec<ScopeSeries>,
    /// Usage rows of resources that central management does not cover (no assignment above
    /// them, Dev/Test, SSIS, dedicated hosts, ineligible tiers).
    pub rows_outside: usize,
}

fn percent(covered: u64, assigned: u64) -> Decimal {
    if assigned == 0 {
        Decimal::ZERO
    } else {
        (Decimal::from(covered) * Decimal::from(100) / Decimal::from(assigned)).round_dp(2)
    }
}

/// The most threads the hourly passes use.
const MAX_THREADS: usize = 8;

/// Below this many rows the hourly passes run on the calling thread only.
const PARALLEL_ROWS: usize = 1 << 18;

/// How many threads the hourly passes over `usage` use: the available cores (at most
/// [`MAX_THREADS`]) for large usage, one for small.
pub(crate) fn default_threads(usage: &HourlyUsage) -> usize {
    if usage.resource.len() < PARALLEL_ROWS {
        return 1;
    }
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(MAX_THREADS)
}

/// Simulates the estate's central assignments over `usage`, hour by hour, with the rule set's
/// OQ-6 strategy: which vCores the assigned licences cover each hour, the pay-as-you-go overage
/// and the utilisation of each scope (SQL-15…SQL-21).
///
/// # Errors
///
/// The estate's validation errors; [`crate::ErrorCode::InvalidValue`] for usage that is out of
/// order, repeats a resource in an hour, names a resource the estate does not have, or spans
/// more hours than the documented bound.
///
/// # Examples
///
/// ```
/// # fn main() -> ahb_core::Result<()> {
/// let estate = ahb_core::Estate::from_json(r#"{
///   "schema": "ahb.estate/1",
///   "scopes": [{"id": "sub1", "kind": "subscription"}],
///   "central_assignments": [{"id": "a1", "scope": "sub1", "edition": "standard", "cores": 4,
///                            "start": "2026-01-01", "review_date": "2026-12-31"}],
///   "resources": [{"id": "db1", "kind": "sql_database", "scope": "sub1", "tier": "general_purpose",
///                  "vcores": 8, "license_type": "LicenseIncluded"}]
/// }"#)?;
/// let usage = ahb_core::central::HourlyUsage::from_csv(
///     "resource,hour,vcores,licence_price_per_vcore_hour\n\
///      db1,2026-06-01T00:00:00,8,0.10\n\
///      db1,2026-06-01T01:00:00,2,0.10\n",
/// )?;
/// let sim = ahb_core::central::simulate_central(&estate, &ahb_core::RuleSet::current(), &usage)?;
/// assert_eq!(sim.to_json().is_empty(), false);
/// # Ok(())
/// # }
/// ```
pub fn simulate_central(
    estate: &Estate,
    rules: &RuleSet,
    usage: &HourlyUsage,
) -> Result<CentralSimulation> {
    estate.validate()?;
    simulate_central_threads(estate, rules, usage, default_threads(usage))
}

impl ValidEstate {
    /// [`simulate_central`] of this estate, which is not validated again.
    ///
    /// # Errors
    ///
    /// Those of [`simulate_central`] but the estate's validation errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> ahb_core::Result<()> {
    /// let estate = ahb_core::ValidEstate::from_json(r#"{
    ///   "schema": "ahb.estate/1",
    ///   "scopes": [{"id": "sub1", "kind": "subscription"}],
    ///   "central_assignments": [{"id": "a1", "scope": "sub1", "edition": "standard", "cores": 4,
    ///                            "start": "2026-01-01", "review_date": "2026-12-31"}],
    ///   "resources": [{"id": "db1", "kind": "sql_database", "scope": "sub1", "tier": "general_purpose",
    ///                  "vcores": 8, "license_type": "LicenseIncluded"}]
    /// }"#)?;
    /// let usage = ahb_core::central::HourlyUsage::from_csv(
    ///     "resource,hour,vcores,licence_price_per_vcore_hour\n\
    ///      db1,2026-06-01T00:00:00,8,0.10\n",
    /// )?;
    /// let rules = ahb_core::RuleSet::current();
    /// let sim = estate.simulate_central(&rules, &usage)?;
    /// assert_eq!(sim, ahb_core::central::simulate_central(&estate, &rules, &usage)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn simulate_central(
        &self,
        rules: &RuleSet,
        usage: &HourlyUsage,
    ) -> Result<CentralSimulation> {
        simulate_central_threads(self, rules, usage, default_threads(usage))
    }
}

/// One range of hours of one scope's series, as a thread computes it.
#[derive(Default)]
struct Part {
    assigned_nc: Vec<u64>,
    demand_nc: Vec<u64>,
    covered_nc: Vec<u64>,
    hadr_nc: Vec<u64>,
    overage: Vec<Decimal>,
    saved: i128,
    over: i128,
    saturated_hours: u32,
}

/// [`simulate_central`] of a validated estate with the hours split over `threads` threads; the
/// result does not depend on `threads`.
pub(crate) fn simulate_central_threads(
    estate: &Estate,
    rules: &RuleSet,
    usage: &HourlyUsage,
    threads: usize,
) -> Result<CentralSimulation> {
    // The rows are checked by the walk, as it reads them; an error found before it is the
    // usage's own first error if it has one, as when the usage was checked first.
    let hours = checked_hours(usage)?;
    let setup = setup(estate, rules, usage).map_err(|e| usage_first(usage, e))?;
    let strategy = rules.knobs.central_strategy;
    let cells = u64::from(hours).saturating_mul(setup.scopes.len() as u64);
    if cells > MAX_SERIES_CELLS {
        return Err(usage_first(
            usage,
            Error::new(
                ErrorCode::InvalidValue,
                format!(
                    "{} assignment scopes over {hours} hours make {cells} hourly values; \
                 at most {MAX_SERIES_CELLS} are simulated at once (simulate fewer hours or scopes)",
                    setup.scopes.len()
                ),
            )
            .with_field("hour"),
        ));
    }
    struct State {
        day: Option<NaiveDate>,
        assigned: Vec<u64>,
        parts: Vec<Part>,
    }
    let init = |range: Range<u32>| {
        let n = range.len();
        State {
            day: None,
            assigned: Vec::new(),
            parts: (0..setup.scopes.len())
                .map(|_| Part {
                    assigned_nc: Vec::with_capacity(n),
                    demand_nc: Vec::with_capacity(n),
                    covered_nc: Vec::with_capacity(n),
                    hadr_nc: Vec::with_capacity(n),
                    overage: Vec::with_capacity(n),
                    ..Part::default()
                })
                .collect(),
        }
    };
    let each =
        |st: &mut State, hour: u32, x: usize, ones: &mut Ladder, fours: &mut Ladder, hadr: u64| {
            let at = usage.start + chrono::Duration::hours(i64::from(hour));
            if st.day != Some(at.date()) {
                st.day = Some(at.date());
                st.assigned = assigned_on(estate, &setup.scopes, at.date());
            }
            let a = st.assigned[x];
            let demand = ones.total() + 4 * fours.total();
            let full = ones.value() + fours.value();
            let (covered, saved, c1, c4) = cover_split(ones, fours, a, strategy);
            // What a nested scope leaves uncovered goes on to the scope above (SQL-18): it is
            // billed, or covered, there.
            let over = if setup.up[x].is_some() {
                0
            } else {
                full - saved
            };
            let s = &mut st.parts[x];
            s.assigned_nc.push(a);
            s.demand_nc.push(demand);
            s.covered_nc.push(covered);
            s.hadr_nc.push(hadr);
            s.overage.push(from_micro(over));
            if a > 0 && covered == a {
                s.saturated_hours += 1;
            }
            s.saved += saved;
            s.over += over;
            (c1, c4)
        };
    let (outside, states) = walk(usage, &setup, hours, true, threads, init, each)?;
    let mut series: Vec<ScopeSeries> = setup
        .scopes
        .iter()
        .map(|s| ScopeSeries {
            scope: s.clone(),
            assigned_nc: Vec::with_capacity(hours as usize),
            demand_nc: Vec::with_capacity(hours as usize),
            covered_nc: Vec::with_capacity(hours as usize),
            hadr_nc: Vec::with_capacity(hours as usize),
            overage: Vec::with_capacity(hours as usize),
            total_savings: Decimal::ZERO,
            total_overage: Decimal::ZERO,
            utilization_last_day: Decimal::ZERO,
            utilization_7_day: Decimal::ZERO,
            saturated_hours: 0,
        })
        .collect();
    let mut totals = vec![(0i128, 0i128); setup.scopes.len()];
    // The ranges in hour order: the series concatenate, the integer totals add up.
    for state in states {
        for ((s, t), p) in series.iter_mut().zip(&mut totals).zip(state.parts) {
            s.assigned_nc.extend(p.assigned_nc);
            s.demand_nc.extend(p.demand_nc);
            s.covered_nc.extend(p.covered_nc);
            s.hadr_nc.extend(p.hadr_nc);
            s.overage.extend(p.overage);
            s.saturated_hours += p.saturated_hours;
            t.0 += p.saved;
            t.1 += p.over;
        }
    }
    for (s, (saved, over)) in series.iter_mut().zip(totals) {
        s.total_savings = from_micro(saved);
        s.total_overage = from_micro(over);
        let tail = |h: usize| {
            let from = s.covered_nc.len().saturating_sub(h);
            percent(
                s.covered_nc[from..].iter().sum(),
                s.assigned_nc[from..].iter().sum(),
            )
        };
        s.utilization_last_day = tail(24);
        s.utilization_7_day = tail(168);
    }
    Ok(CentralSimulation {
        schema: "ahb.central/1",
        strategy,
        start: usage.start,
        hours,
        scopes: series,
        rows_outside: outside,
    })
}

impl CentralSimulation {
    /// The simulation as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a simulation always serialises")
    }
}

impl CentralSimulation {
    /// A plain-text summary per scope.
    pub fn to_text(&self) -> String {
        let mut o = format!(
            "central SQL AHB from {} over {} hours ({}, OQ-6)\n",
            self.start,
            self.hours,
            self.strategy.display_name()
        );
        for s in &self.scopes {
            let peak = s.demand_nc.iter().max().copied().unwrap_or(0);
            o += &format!(
                "  {}: assigned {} NC (last hour), peak demand {} NC; saved {}, pay-as-you-go overage {}; \
                 utilisation last day {}%, 7-day {}%; {} saturated hours\n",
                s.scope,
                s.assigned_nc.last().copied().unwrap_or(0),
                peak,
                s.total_savings.round_dp(2),
                s.total_overage.round_dp(2),
                s.utilization_last_day,
                s.utilization_7_day,
                s.saturated_hours
            );
        }
        if self.rows_outside > 0 {
            o += &format!(
                "  {} usage rows are outside central management\n",
                self.rows_outside
            );
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Nested scopes, 1-NC and 4-NC tiers, SQL VMs, a HA/DR replica, resources outside central
    /// management, an assignment lapsing mid-way, per-row and estate prices, missing hours.
    fn fixture() -> (Estate, HourlyUsage) {
        let scopes = json!([
            {"id": "ea", "kind": "billing_account"},
            {"id": "eb", "kind": "billing_account"},
            {"id": "s1", "kind": "subscription", "parent": "ea"},
            {"id": "s2", "kind": "subscription", "parent": "ea"},
            {"id": "rg", "kind": "resource_group", "parent": "s1"},
            {"id": "s3", "kind": "subscription", "parent": "eb"}
        ]);
        let places = ["rg", "s1", "s2", "s3"];
        let tiers = ["general_purpose", "business_critical", "hyperscale"];
        let mut resources = Vec::new();
        for r in 0..40u32 {
            let scope = places[r as usize % 4];
            let v = [2, 4, 8, 16][(r as usize / 4) % 4];
            let mut x = if r % 7 == 3 {
                json!({"id": format!("r{r}"), "kind": "sql_vm", "scope": scope, "vcpus": v,
                       "edition": if r % 2 == 0 { "enterprise" } else { "standard" },
                       "license_type": if r == 10 { "DR" } else { "PAYG" }})
            } else {
                json!({"id": format!("r{r}"), "kind": "sql_database", "scope": scope,
                       "tier": tiers[r as usize % 3], "vcores": v})
            };
            x["prices"] = json!({"payg_per_hour": format!("{}.{:02}", 1 + r % 3, r % 97),
                                 "ahb_per_hour": "0.25"});
            resources.push(x);
        }
        let assignments = json!([
            {"id": "A1", "scope": "ea", "edition": "enterprise", "cores": 16,
             "start": "2026-01-01"},
            {"id": "A2", "scope": "s1", "edition": "standard", "cores": 20,
             "start": "2026-01-01", "review_date": "2026-01-01"},
            {"id": "A3", "scope": "rg", "edition": "standard", "cores": 12,
             "start": "2026-01-01"},
            {"id": "A4", "scope": "s2", "edition": "enterprise", "cores": 8,
             "start": "2026-03-01"}
        ]);
        let estate = Estate::from_json(
            &json!({"schema": "ahb.estate/1", "scopes": scopes, "resources": resources,
                    "central_assignments": assignments})
            .to_string(),
        )
        .unwrap();
        let start = NaiveDate::from_ymd_opt(2026, 3, 25)
            .unwrap()
            .and_hms_opt(5, 0, 0)
            .unwrap();
        let mut usage = HourlyUsage {
            start,
            resources: (0..40).map(|r| format!("r{r}")).collect(),
            resource: Vec::new(),
            hour: Vec::new(),
            vcores: Vec::new(),
            price_micro: Vec::new(),
        };
        let mut x: u64 = 11;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 33
        };
        // Past 90 days after A2's review, so it lapses mid-way (SQL-21).
        for h in 0..(24 * 20 + 7) {
            if h % 37 == 5 {
                continue;
            }
            for r in 0..40u32 {
                if next() % 5 == 0 {
                    continue;
                }
                usage.resource.push(r);
                usage.hour.push(h);
                usage.vcores.push((next() % 20) as u32);
                usage.price_micro.push(match next() % 4 {
                    0 => NO_PRICE,
                    k => 50_000 * k as i64 + i64::from(r % 3) * 7_000,
                });
            }
        }
        (estate, usage)
    }

    /// FNV-1a: a digest of a text that does not depend on the Rust version.
    fn fnv(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// The fixture's simulations and best assignments, as JSON, are those of the three-pass
    /// walk (check, distinct prices, walk) the fused walk replaced: digests taken with it.
    #[test]
    fn the_fixture_simulates_as_before_the_fused_walk() {
        let (estate, usage) = fixture();
        let prices = LicencePricesPerYear {
            sql_enterprise_per_core_year: Some("2000".parse().unwrap()),
            sql_standard_per_core_year: Some("600".parse().unwrap()),
        };
        let want = [
            (
                CentralStrategy::MaxNcUtilization,
                "781cbd7ab882beed 63299871e85dbcc4 bd265591e7b48d36 09f80ce4013d05f8",
            ),
            (
                CentralStrategy::MaxCostSavings,
                "af8f0fcfd533032e d514232beb0a59d8 2550feb7d584f9f4 7b732c2114a90a00",
            ),
        ];
        for (strategy, want) in want {
            let mut rules = RuleSet::current();
            rules.knobs.central_strategy = strategy;
            for threads in [1, 2, 5] {
                let sim = simulate_central_threads(&estate, &rules, &usage, threads).unwrap();
                let mut digests = vec![format!("{:016x}", fnv(&sim.to_json()))];
                for scope in ["s1", "rg", "s3"] {
                    let best =
                        best_assignment_threads(&estate, &rules, &usage, scope, &prices, threads)
                            .unwrap();
                    digests.push(format!("{:016x}", fnv(&best.to_json())));
                }
                assert_eq!(digests.join(" "), want, "{strategy:?}, {threads} threads");
            }
        }
    }

    /// Usage that breaks the columnar invariants in several places at once, each place in a
    /// different thread's hours for some thread counts: the simulation and the best assignment
    /// refuse it with the error of [`HourlyUsage::check`] (the first bad row), whatever the
    /// number of threads, and before an error of the estate's side (an unknown resource).
    #[test]
    fn bad_usage_is_refused_as_check_refuses_it_whatever_the_threads() {
        let (estate, usage) = fixture();
        let n = usage.resource.len();
        let prices = LicencePricesPerYear {
            sql_enterprise_per_core_year: None,
            sql_standard_per_core_year: Some("600".parse().unwrap()),
        };
        // Row `at` of the usage spoilt in one way.
        type Spoil = fn(&mut HourlyUsage, usize);
        let spoils: [(&str, Spoil); 9] = [
            ("hour back", |u, at| {
                u.hour[at] = u.hour[at].saturating_sub(1)
            }),
            ("hour far back", |u, at| u.hour[at] = 0),
            ("hour ahead", |u, at| u.hour[at] += 1),
            ("beyond the span", |u, at| u.hour[at] = MAX_USAGE_HOURS),
            ("the last hour", |u, at| u.hour[at] = u32::MAX),
            ("twice in an hour", |u, at| {
                if at > 0 {
                    u.resource[at] = u.resource[at - 1];
                }
            }),
            ("no such resource", |u, at| u.resource[at] = 40),
            ("far out of range", |u, at| u.resource[at] = u32::MAX),
            ("implausible vCores", |u, at| u.vcores[at] = 4097),
        ];
        let places = [
            0,
            1,
            2,
            n / 3,
            n / 2 - 1,
            n / 2,
            n / 2 + 1,
            2 * n / 3,
            n - 2,
            n - 1,
        ];
        let rules = RuleSet::current();
        let mut refused = 0;
        for (what, spoil) in spoils {
            for (k, &first) in places.iter().enumerate() {
                // One spoilt row, or two: then the earlier one is reported.
                for second in [None, Some(places[(k * 7 + 3) % places.len()])] {
                    let mut u = usage.clone();
                    spoil(&mut u, first);
                    if let Some(second) = second {
                        spoils[(k + 4) % spoils.len()].1(&mut u, second);
                    }
                    let Err(want) = u.check() else {
                        continue;
                    };
                    refused += 1;
                    for threads in [1, 2, 3, 8] {
                        let got = simulate_central_threads(&estate, &rules, &u, threads);
                        assert_eq!(
                            got.err(),
                            Some(want.clone()),
                            "{what} at {first}, {threads}"
                        );
                        let got =
                            best_assignment_threads(&estate, &rules, &u, "s1", &prices, threads);
                        assert_eq!(
                            got.err(),
                            Some(want.clone()),
                            "{what} at {first}, {threads}"
                        );
                    }
                    // Errors of the estate's side come after the usage's.
                    let mut ghost = u.clone();
                    ghost.resources[7] = "ghost".into();
                    let got = simulate_central_threads(&estate, &rules, &ghost, 2);
                    assert_eq!(got.err(), ghost.check().err(), "{what} at {first}, ghost");
                }
            }
        }
        assert!(refused > 100, "{refused}");
        // Columns of different lengths.
        let mut u = usage.clone();
        u.vcores.pop();
        let want = u.check().unwrap_err();
        assert!(want.message().contains("column `vcores`"), "{want}");
        for threads in [1, 2] {
            let got = simulate_central_threads(&estate, &rules, &u, threads);
            assert_eq!(got.err(), Some(want.clone()));
        }
    }

    /// Per scope: assigned, demand, covered and HA/DR NC per hour, overage per hour in
    /// micro-units, savings, saturated hours; and the rows outside.
    type Plain = (Vec<(Vec<[u64; 4]>, Vec<i128>, i128, u32)>, usize);

    /// The simulation written plainly: each hour's rows gathered as (price, vCores) lists per
    /// scope, ladders built from them, the cheapest uncovered vCores passed up by sorting.
    fn plain_simulation(estate: &Estate, rules: &RuleSet, usage: &HourlyUsage) -> Plain {
        usage.check().unwrap();
        let st = setup(estate, rules, usage).unwrap();
        let s = st.scopes.len();
        let mut out = vec![(Vec::new(), Vec::new(), 0i128, 0u32); s];
        let mut outside = 0;
        let mut row = 0;
        for h in 0..usage.hours() {
            let mut ones = vec![Vec::new(); s];
            let mut fours = vec![Vec::new(); s];
            let mut hadr = vec![0u64; s];
            while row < usage.hour.len() && usage.hour[row] == h {
                let res = usage.resource[row] as usize;
                let v = u64::from(usage.vcores[row]);
                match st.billing[res] {
                    Billing::Pool { scope, ratio, min4 } => {
                        let v = if min4 && v > 0 { v.max(4) } else { v };
                        let p = match usage.price_micro[row] {
                            NO_PRICE => st.estate_price[res],
                            p => p,
                        };
                        let into = if ratio == 4 { &mut fours } else { &mut ones };
                        into[scope].push((p, v));
                    }
                    Billing::Hadr { scope, ratio } => hadr[scope] += v * ratio,
                    Billing::Outside => outside += 1,
                }
                row += 1;
            }
            let at = usage.start + chrono::Duration::hours(i64::from(h));
            let assigned = assigned_on(estate, &st.scopes, at.date());
            for x in 0..s {
                let ladder = |items: &[(i64, u64)]| {
                    let mut l = Ladder::default();
                    for &(p, v) in items {
                        l.push(p, v);
                    }
                    l
                };
                let (mut l1, mut l4) = (ladder(&ones[x]), ladder(&fours[x]));
                let (n1, n4) = (l1.total(), l4.total());
                let full = l1.value() + l4.value();
                let a = assigned[x];
                let (covered, saved, c1, c4) =
                    cover_split(&mut l1, &mut l4, a, rules.knobs.central_strategy);
                let over = if st.up[x].is_some() { 0 } else { full - saved };
                if let Some(p) = st.up[x] {
                    for (items, keep, total) in [(&mut ones, c1, n1), (&mut fours, c4, n4)] {
                        let mut mine = std::mem::take(&mut items[x]);
                        mine.sort_by_key(|&(p, _)| p);
                        let mut left = total - keep;
                        for (price, v) in mine {
                            let take = v.min(left);
                            if take > 0 {
                                items[p].push((price, take));
                            }
                            left -= take;
                        }
                    }
                }
                let o = &mut out[x];
                o.0.push([a, n1 + 4 * n4, covered, hadr[x]]);
                o.1.push(over);
                o.2 += saved;
                o.3 += u32::from(a > 0 && covered == a);
            }
        }
        (out, outside)
    }

    /// Random estates (nested scopes, 1-NC and 4-NC tiers, SQL VMs, HA/DR replicas, Dev/Test
    /// and unassigned resources) and usage (gaps, 0 vCores, prices per row, from the estate,
    /// changing over time, or new on most rows): every thread count gives the plain
    /// simulation.
    #[test]
    fn the_walk_gives_the_plain_simulation() {
        let mut x: u64 = 99;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let places = ["ea", "s1", "s2", "rg", "s3", "dev", "lone"];
        let tiers = ["general_purpose", "business_critical", "hyperscale"];
        let mut seen = [0usize; 6];
        for case in 0..300 {
            let n = 1 + next(14) as u32;
            let resources: Vec<_> = (0..n)
                .map(|r| {
                    let scope = places[next(places.len() as u64) as usize];
                    let v = 1 + next(16);
                    let mut x = match next(5) {
                        0 => json!({"id": format!("r{r}"), "kind": "sql_vm", "scope": scope,
                                    "vcpus": v, "license_type": if next(4) == 0 { "DR" } else { "PAYG" },
                                    "edition": if next(2) == 0 { "enterprise" } else { "standard" }}),
                        _ => json!({"id": format!("r{r}"), "kind": "sql_database", "scope": scope,
                                    "tier": tiers[next(3) as usize], "vcores": v,
                                    "standby": next(9) == 0}),
                    };
                    if next(3) > 0 {
                        x["prices"] = json!({"payg_per_hour": format!("{}.{:02}", 1 + next(3), next(100)),
                                             "ahb_per_hour": "0.25"});
                    }
                    x
                })
                .collect();
            let assignments: Vec<_> = (0..next(5))
                .map(|k| {
                    let scope = ["ea", "s1", "s2", "rg", "eb"][next(5) as usize];
                    json!({"id": format!("A{k}"), "scope": scope,
                           "edition": if next(2) == 0 { "enterprise" } else { "standard" },
                           "cores": 1 + next(24), "start": "2025-10-01",
                           "review_date": if next(3) == 0 { "2025-12-20" } else { "2027-01-01" }})
                })
                .collect();
            let estate = Estate::from_json(
                &json!({"schema": "ahb.estate/1",
                        "scopes": [{"id": "ea", "kind": "billing_account"},
                                   {"id": "eb", "kind": "billing_account"},
                                   {"id": "s1", "kind": "subscription", "parent": "ea"},
                                   {"id": "s2", "kind": "subscription", "parent": "ea"},
                                   {"id": "rg", "kind": "resource_group", "parent": "s1"},
                                   {"id": "s3", "kind": "subscription", "parent": "eb"},
                                   {"id": "dev", "kind": "subscription", "parent": "ea", "dev_test": true},
                                   {"id": "lone", "kind": "subscription"}],
                        "resources": resources, "central_assignments": assignments})
                .to_string(),
            )
            .unwrap();
            let mut usage = HourlyUsage {
                start: NaiveDate::from_ymd_opt(2026, 3, 18)
                    .unwrap()
                    .and_hms_opt(next(24) as u32, 0, 0)
                    .unwrap(),
                resources: (0..n).map(|r| format!("r{r}")).collect(),
                resource: Vec::new(),
                hour: Vec::new(),
                vcores: Vec::new(),
                price_micro: Vec::new(),
            };
            let mut price: Vec<i64> = (0..n).map(|_| 50_000 * next(4) as i64).collect();
            // A price on most rows of its own in some cases (a cost export's charges over
            // fractional quantities).
            let wild = next(4) == 0;
            let mut h = 0;
            for _ in 0..1 + next(60) {
                h += u32::from(next(6) == 0) * next(30) as u32;
                let mut order: Vec<u32> = (0..n).filter(|_| next(4) > 0).collect();
                for k in (1..order.len()).rev() {
                    order.swap(k, next(k as u64 + 1) as usize);
                }
                for r in order {
                    if next(12) == 0 {
                        price[r as usize] = 10_000 * next(12) as i64;
                    }
                    if wild && next(8) > 0 {
                        price[r as usize] = 1 + next(1 << 20) as i64;
                    }
                    usage.resource.push(r);
                    usage.hour.push(h);
                    usage.vcores.push([0, 1, 2, 3, 4, 8, 17][next(7) as usize]);
                    usage.price_micro.push(if price[r as usize] == 0 {
                        NO_PRICE
                    } else {
                        price[r as usize]
                    });
                }
                h += 1;
            }
            if usage.resource.is_empty() {
                continue;
            }
            for strategy in [
                CentralStrategy::MaxNcUtilization,
                CentralStrategy::MaxCostSavings,
            ] {
                let mut rules = RuleSet::current();
                rules.knobs.central_strategy = strategy;
                let (want, outside) = plain_simulation(&estate, &rules, &usage);
                let st = setup(&estate, &rules, &usage).unwrap();
                seen[0] += usize::from(outside > 0);
                seen[1] += usize::from(st.up.iter().any(Option::is_some));
                for (x, (hours, _, _, _)) in want.iter().enumerate() {
                    for [a, d, c, hadr] in hours {
                        seen[2] += usize::from(*c > 0 && c < d);
                        seen[3] += usize::from(*a == 0 && *d > 0);
                        seen[4] += usize::from(*hadr > 0);
                        seen[5] += usize::from(st.up[x].is_some() && *c < *d);
                    }
                }
                for threads in [1, 2, 3, 7] {
                    let sim = simulate_central_threads(&estate, &rules, &usage, threads).unwrap();
                    assert_eq!(sim.rows_outside, outside, "case {case}");
                    assert_eq!(sim.scopes.len(), want.len());
                    for (got, (hours, over, saved, saturated)) in sim.scopes.iter().zip(&want) {
                        let at = format!(
                            "case {case}, {strategy:?}, {threads} threads, {}",
                            got.scope
                        );
                        let series: Vec<[u64; 4]> = (0..hours.len())
                            .map(|h| {
                                [
                                    got.assigned_nc[h],
                                    got.demand_nc[h],
                                    got.covered_nc[h],
                                    got.hadr_nc[h],
                                ]
                            })
                            .collect();
                        assert_eq!(&series, hours, "{at}");
                        let over: Vec<Decimal> = over.iter().map(|&o| from_micro(o)).collect();
                        assert_eq!(got.overage, over, "{at}");
                        assert_eq!(got.total_savings, from_micro(*saved), "{at}");
                        assert_eq!(got.saturated_hours, *saturated, "{at}");
                    }
                }
            }
        }
        // Rows outside, nested scopes, partly covered hours, lapsed assignments, HA/DR, nested
        // scopes passing vCores up: all exercised.
        assert!(seen.iter().all(|&k| k > 100), "{seen:?}");
    }

    #[test]
    fn any_number_of_threads_gives_the_same_simulation() {
        let (estate, usage) = fixture();
        for strategy in [
            CentralStrategy::MaxNcUtilization,
            CentralStrategy::MaxCostSavings,
        ] {
            let mut rules = RuleSet::current();
            rules.knobs.central_strategy = strategy;
            let one = simulate_central_threads(&estate, &rules, &usage, 1).unwrap();
            assert!(one.scopes.len() >= 3 && one.rows_outside > 0);
            assert!(one.scopes.iter().any(|s| s.saturated_hours > 0));
            for threads in [2, 3, 5, 8, 1000] {
                let many = simulate_central_threads(&estate, &rules, &usage, threads).unwrap();
                assert_eq!(one, many, "{threads} threads");
                assert_eq!(one.to_json(), many.to_json());
            }
            let prices = LicencePricesPerYear {
                sql_enterprise_per_core_year: Some("2000".parse().unwrap()),
                sql_standard_per_core_year: Some("600".parse().unwrap()),
            };
            for scope in ["s1", "rg", "s3"] {
                let one = best_assignment_threads(&estate, &rules, &usage, scope, &prices, 1)
                    .unwrap()
                    .to_json();
                for threads in [2, 7] {
                    let many =
                        best_assignment_threads(&estate, &rules, &usage, scope, &prices, threads)
                            .unwrap()
                            .to_json();
                    assert_eq!(one, many, "{scope}, {threads} threads");
                }
            }
        }
    }
}
