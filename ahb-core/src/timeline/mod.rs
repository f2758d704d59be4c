//! The position over time: every date between two dates where something changes — an SA or
//! subscription term starts or ends (GEN-3), a 180-day dual-use window closes (WS-7, WS-10,
//! HCI-4, SQL-11), a central SQL assignment lapses 90 days after its review date (SQL-21) —
//! with the cliff in money at each step.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Edition, Estate, Product, ValidEstate};
use crate::rules::{MIGRATION_WINDOW_DAYS, Pool, Reason, RuleSet};
use crate::solve::{OptimizeOptions, audit_and_optimize_valid};

/// What changes on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Event {
    /// The licence line or assignment.
    pub id: String,
    /// What happens, with its rule.
    pub reason: Reason,
}

/// A pool's numbers at one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PoolStep {
    /// The pool.
    pub pool: Pool,
    /// Units available to VMs and PaaS.
    pub supply_for_vms: u64,
    /// Today's claims the supply cannot cover.
    pub shortfall: u64,
    /// Change in shortfall since the previous step.
    pub shortfall_change: i64,
}

/// The position from one date until the next step.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// The date.
    pub date: NaiveDate,
    /// What changes on it (empty for the first date).
    pub events: Vec<Event>,
    /// Whether today's AHB settings are covered.
    pub compliant: bool,
    /// Per pool.
    pub pools: Vec<PoolStep>,
    /// NC assigned centrally on the date, over all scopes.
    pub central_assigned_nc: u64,
    /// Resources under central management on the date (SQL-20: their resource-level setting
    /// has no effect; the assignments are the claims, SQL-23).
    pub centrally_managed: usize,
    /// Savings per month of today's settings that the licences still cover.
    pub covered_monthly_savings: Decimal,
    /// Savings per month of the optimal plan on the date.
    pub optimal_monthly_savings: Decimal,
    /// The cliff: change in the optimal savings per month since the previous step (negative
    /// when savings are lost).
    pub cliff_monthly: Decimal,
}

/// The timeline.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Timeline {
    /// Always `ahb.timeline/1`.
    pub schema: &'static str,
    /// First date.
    pub from: NaiveDate,
    /// Last date.
    pub to: NaiveDate,
    /// The rule set.
    pub rule_set: RuleSet,
    /// One step per date where something changes.
    pub steps: Vec<Step>,
}

impl Timeline {
    /// As JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a timeline always serialises")
    }
}

fn plus(d: NaiveDate, days: u64) -> Option<NaiveDate> {
    d.checked_add_days(Days::new(days))
}

/// The dates in `[from, to]` where the estate's supply changes, with what changes.
fn events(
    estate: &Estate,
    rules: &RuleSet,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<NaiveDate, Vec<Event>> {
    let mut out: BTreeMap<NaiveDate, Vec<Event>> = BTreeMap::new();
    let mut add = |date: Option<NaiveDate>, id: &str, rule: &'static str, text: String| {
        if let Some(d) = date.filter(|d| *d > from && *d <= to) {
            out.entry(d).or_default().push(Event {
                id: id.to_string(),
                reason: Reason::new(rule, text),
            });
        }
    };
    // Lines that never qualify (server + CAL, GEN-5; RHEL for Virtual Datacenters, LNX-4)
    // change nothing when their terms start or end.
    let qualifying = estate
        .licences
        .iter()
        .filter(|l| l.metric != crate::model::Metric::ServerCal && !l.virtual_datacenters);
    for l in qualifying {
        if let Some(t) = l.sa {
            add(
                Some(t.start),
                &l.id,
                "GEN-3",
                format!("SA/subscription starts ({} units)", l.units()),
            );
            add(
                plus(t.end, 1),
                &l.id,
                "GEN-3",
                format!(
                    "SA/subscription ended {}: {} units lose the benefit",
                    t.end,
                    l.units()
                ),
            );
        }
        if let (Some(m), true) = (l.migration_start, l.on_premises_in_use > 0) {
            let rule = match l.product {
                Product::SqlServer => "SQL-11",
                Product::WindowsServer => "WS-7",
                _ => "LNX-2",
            };
            add(
                plus(m, MIGRATION_WINDOW_DAYS),
                &l.id,
                rule,
                "the 180-day dual-use window closes".into(),
            );
            if l.product == Product::WindowsServer && l.edition == Some(Edition::Datacenter) {
                let days = u64::from(rules.knobs.ws_dh_dual_use_days);
                if days != MIGRATION_WINDOW_DAYS {
                    add(
                        plus(m, days),
                        &l.id,
                        "WS-10",
                        format!("the {days}-day host-level dual-use window closes"),
                    );
                }
            }
        }
    }
    // OQ-7: grandfathered Hyperscale single databases lose AHB when grandfathering ends.
    let k = &rules.knobs;
    if k.sql_hyperscale_ahb == crate::rules::HyperscaleAhb::LegacyGrandfathered {
        let tree = crate::model::ScopeTree::new(&estate.scopes);
        for r in &estate.resources {
            if let crate::model::ResourceSpec::SqlDatabase {
                tier: crate::model::SqlTier::Hyperscale,
                compute: crate::model::SqlCompute::Provisioned,
                created: Some(created),
                ..
            } = r.spec
                && created < k.hyperscale_cutoff
                && !tree.is_dev_test(r.scope.as_deref())
            {
                add(
                    Some(k.hyperscale_grandfathering_end),
                    &r.id,
                    "OQ-7",
                    format!(
                        "Hyperscale grandfathering ends on {} (hyperscale_grandfathering_end): \
                         the database, created {created} before {}, loses AHB",
                        k.hyperscale_grandfathering_end, k.hyperscale_cutoff
                    ),
                );
            }
        }
    }
    for a in &estate.central_assignments {
        add(
            Some(a.start),
            &a.id,
            "SQL-15",
            format!("{} cores assigned to {}", a.cores, a.scope),
        );
        add(
            Some(a.expires()),
            &a.id,
            "SQL-21",
            format!(
                "expires 90 days after its review date {}: usage is billed pay-as-you-go",
                a.review()
            ),
        );
    }
    out
}

/// The position at `from` and at every date up to `to` where something changes: SA terms
/// end, 180-day migration windows close, central assignments lapse, rules end (OQ-7), each
/// with the optimal savings and the cliff in money.
///
/// # Errors
///
/// [`crate::ErrorCode::InvalidOption`] for `to` before `from` (field `to`); the errors of
/// [`crate::audit`] and [`crate::optimize`] at any step.
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
/// let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let t = ahb_core::timeline(&estate, &ahb_core::RuleSet::current(), d(2026, 11, 25), d(2028, 6, 30))?;
/// // The SA term ends on 2027-12-31: the licences no longer count from the next day.
/// assert!(t.to_json().contains("2028-01-01"));
/// # Ok(())
/// # }
/// ```
pub fn timeline(
    estate: &Estate,
    rules: &RuleSet,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Timeline> {
    check_dates(from, to)?;
    estate.validate()?;
    timeline_valid(estate, rules, from, to)
}

impl ValidEstate {
    /// [`timeline`] of this estate, which is not validated again.
    ///
    /// # Errors
    ///
    /// Those of [`timeline`] but the estate's validation errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> ahb_core::Result<()> {
    /// let estate = ahb_core::ValidEstate::from_json(r#"{
    ///   "schema": "ahb.estate/1",
    ///   "licences": [{"id": "ws", "product": "windows_server", "edition": "datacenter",
    ///                 "metric": "core", "quantity": 16, "programme": "ea",
    ///                 "sa": {"start": "2025-01-01", "end": "2027-12-31"}}]
    /// }"#)?;
    /// let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let t = estate.timeline(&ahb_core::RuleSet::current(), d(2026, 11, 25), d(2028, 6, 30))?;
    /// assert_eq!(t.steps.len(), 2); // today, and the day after the SA term ends
    /// # Ok(())
    /// # }
    /// ```
    pub fn timeline(&self, rules: &RuleSet, from: NaiveDate, to: NaiveDate) -> Result<Timeline> {
        check_dates(from, to)?;
        timeline_valid(self, rules, from, to)
    }
}

/// Both dates plausible, and `to` not before `from`.
fn check_dates(from: NaiveDate, to: NaiveDate) -> Result<()> {
    crate::text::check_option_date("from", from)?;
    crate::text::check_option_date("to", to)?;
    if to < from {
        return Err(Error::option("to", format!("{to} is before {from}")));
    }
    Ok(())
}

/// [`timeline`] of a validated estate between dates already checked. Each step's position
/// and plan come from one assessment ([`crate::audit_and_optimize`]'s), as [`crate::audit`]
/// and [`crate::optimize`] would give them.
fn timeline_valid(
    estate: &Estate,
    rules: &RuleSet,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Timeline> {
    let mut dates = events(estate, rules, from, to);
    dates.entry(from).or_default();
    let mut steps: Vec<Step> = Vec::with_capacity(dates.len());
    for (date, events) in dates {
        let mut options = OptimizeOptions::new(date);
        options.recommendations = false;
        let (position, plan) = audit_and_optimize_valid(estate, rules, &options)?;
        let previous = steps.last();
        let pools = position
            .pools
            .iter()
            .map(|p| {
                let before = previous
                    .and_then(|s| s.pools.iter().find(|q| q.pool == p.pool))
                    .map_or(p.shortfall, |q| q.shortfall);
                PoolStep {
                    pool: p.pool,
                    supply_for_vms: p.supply_for_vms,
                    shortfall: p.shortfall,
                    shortfall_change: p.shortfall as i64 - before as i64,
                }
            })
            .collect();
        let optimal = plan.totals.monthly_savings;
        let cliff = previous.map_or(Decimal::ZERO, |s| optimal - s.optimal_monthly_savings);
        let central = estate
            .central_assignments
            .iter()
            .filter(|a| a.active_on(date))
            .map(|a| a.normalised_cores())
            .sum();
        steps.push(Step {
            date,
            events,
            compliant: position.compliant,
            pools,
            central_assigned_nc: central,
            centrally_managed: position
                .resources
                .iter()
                .filter(|a| a.requirements.iter().any(|q| q.central.is_some()))
                .count(),
            covered_monthly_savings: position.totals.claimed_monthly_savings,
            optimal_monthly_savings: optimal,
            cliff_monthly: cliff,
        });
    }
    Ok(Timeline {
        schema: "ahb.timeline/1",
        from,
        to,
        rule_set: rules.clone(),
        steps,
    })
}

impl Timeline {
    /// A plain-text table: one line per step with the shortfall per pool, the optimal savings
    /// and the cliff, then what changed.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut o = String::new();
        let _ = writeln!(o, "ahb timeline {} to {}", self.from, self.to);
        for s in &self.steps {
            let shortfalls: Vec<String> = s
                .pools
                .iter()
                .map(|p| format!("{} {}", p.pool.display_name(), p.shortfall))
                .collect();
            let _ = writeln!(
                o,
                "{}  {:<13} short: {}; central {} NC; optimal {} / month (cliff {})",
                s.date,
                if s.compliant {
                    "compliant"
                } else {
                    "NOT compliant"
                },
                shortfalls.join(", "),
                s.central_assigned_nc,
                s.optimal_monthly_savings.round_dp(2),
                s.cliff_monthly.round_dp(2)
            );
            for e in &s.events {
                let _ = writeln!(o, "            {}: {}", e.id, e.reason);
            }
        }
        o
    }
}
