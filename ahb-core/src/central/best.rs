//! How many SQL core licences to assign to a scope (the load-duration-curve optimum): for every
//! number of normalised cores the savings over the usage are computed hour by hour, exactly as
//! the simulation covers them, scaled to a year and set against the licences' yearly price.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::cover::{Ladder, cover};
use super::{HourlyUsage, checked_hours, default_threads, from_micro, setup, usage_first, walk};
use crate::error::{Error, Result};
use crate::model::{Estate, ValidEstate};
use crate::rules::{CentralStrategy, RuleSet};

/// The most (NC count × hour) steps one savings curve computes.
pub const MAX_CURVE_WORK: u64 = 200_000_000;

/// Yearly prices of SQL Server core licences with SA or subscription, per core licence. The keys
/// are those of [`crate::solve::LicencePrices`] (`…_per_core_year`); the older names
/// `enterprise_core` and `standard_core` are still read (deprecated). Giving a price under both
/// names is an error that names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicencePricesPerYear {
    /// One Enterprise core licence (4 NC), per year (deprecated name: `enterprise_core`).
    #[serde(
        alias = "enterprise_core",
        deserialize_with = "crate::money::de_opt",
        default
    )]
    pub sql_enterprise_per_core_year: Option<Decimal>,
    /// One Standard core licence (1 NC), per year (deprecated name: `standard_core`).
    #[serde(
        alias = "standard_core",
        deserialize_with = "crate::money::de_opt",
        default
    )]
    pub sql_standard_per_core_year: Option<Decimal>,
}

/// One point of the savings curve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CurvePoint {
    /// NC assigned.
    pub nc: u64,
    /// Savings per year at that assignment.
    pub yearly_savings: Decimal,
    /// The cheapest yearly licence cost of that many NC.
    pub yearly_cost: Decimal,
    /// Savings minus cost.
    pub net: Decimal,
}

/// The best assignment for a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BestAssignment {
    /// The scope.
    pub scope: String,
    /// Hours of usage the estimate rests on.
    pub hours: u32,
    /// How NCs are spread over each hour (OQ-6).
    pub strategy: CentralStrategy,
    /// Enterprise core licences to assign.
    pub enterprise_cores: u64,
    /// Standard core licences to assign.
    pub standard_cores: u64,
    /// NC they provide.
    pub assigned_nc: u64,
    /// Savings per year with them.
    pub yearly_savings: Decimal,
    /// Their yearly price.
    pub yearly_licence_cost: Decimal,
    /// Savings minus price.
    pub net_yearly_savings: Decimal,
    /// Extra savings per year of one more Enterprise core (4 NC) beyond the optimum.
    pub marginal_enterprise_core: Decimal,
    /// Extra savings per year of one more Standard core (1 NC) beyond the optimum.
    pub marginal_standard_core: Decimal,
    /// Hours of the usage in which the demand exceeds k NC, for k = 0, 1, … (the load-duration
    /// curve).
    pub load_duration: Vec<u32>,
    /// A licence is worth assigning for a demand level exceeded at least this many hours a
    /// year; shorter spikes are cheaper pay-as-you-go.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_even_hours_per_year: Option<Decimal>,
    /// The savings curve for every NC count from 0 to the peak.
    pub curve: Vec<CurvePoint>,
}

/// The cheapest (Enterprise, Standard) cores giving exactly `nc` NC, and their price. Exactly,
/// because under maximum NC utilisation more NC can save less (SQL-18 covers the most NC, not
/// the dearest), so each count is valued as itself.
fn cheapest(nc: u64, prices: &LicencePricesPerYear) -> Option<(u64, u64, Decimal)> {
    let mut best: Option<(u64, u64, Decimal)> = None;
    for e in 0..=nc / 4 {
        let s = nc - 4 * e;
        let cost = match (
            prices.sql_enterprise_per_core_year,
            prices.sql_standard_per_core_year,
        ) {
            (Some(pe), Some(ps)) => pe * Decimal::from(e) + ps * Decimal::from(s),
            (Some(pe), None) if s == 0 => pe * Decimal::from(e),
            (None, Some(ps)) if e == 0 => ps * Decimal::from(s),
            _ => continue,
        };
        if best.as_ref().is_none_or(|b| cost < b.2) {
            best = Some((e, s, cost));
        }
    }
    best
}

/// The best number of Enterprise and Standard core licences to assign to `scope`, given its
/// hourly usage and the licences' yearly prices: the load-duration curve of the scope's
/// demand against the price of a licence, with the marginal value of each further licence.
///
/// # Errors
///
/// [`crate::ErrorCode::InvalidOption`] when neither price is given (field `prices`) or the
/// scope is not in the estate; the validation errors of the estate and the usage.
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
/// let prices = ahb_core::central::LicencePricesPerYear {
///     sql_enterprise_per_core_year: None,
///     sql_standard_per_core_year: Some("100".parse().unwrap()),
/// };
/// let best = ahb_core::central::best_assignment(
///     &estate, &ahb_core::RuleSet::current(), &usage, "sub1", &prices)?;
/// assert!(!best.to_json().is_empty());
/// # Ok(())
/// # }
/// ```
pub fn best_assignment(
    estate: &Estate,
    rules: &RuleSet,
    usage: &HourlyUsage,
    scope: &str,
    prices: &LicencePricesPerYear,
) -> Result<BestAssignment> {
    estate.validate()?;
    best_assignment_threads(estate, rules, usage, scope, prices, default_threads(usage))
}

impl ValidEstate {
    /// [`best_assignment`] of this estate, which is not validated again.
    ///
    /// # Errors
    ///
    /// Those of [`best_assignment`] but the estate's validation errors.
    pub fn best_assignment(
        &self,
        rules: &RuleSet,
        usage: &HourlyUsage,
        scope: &str,
        prices: &LicencePricesPerYear,
    ) -> Result<BestAssignment> {
        best_assignment_threads(self, rules, usage, scope, prices, default_threads(usage))
    }
}

/// [`best_assignment`] of a validated estate with the hours split over `threads` threads; the
/// result does not depend on `threads`.
pub(crate) fn best_assignment_threads(
    estate: &Estate,
    rules: &RuleSet,
    usage: &HourlyUsage,
    scope: &str,
    prices: &LicencePricesPerYear,
    threads: usize,
) -> Result<BestAssignment> {
    // The rows are checked by the walk; an error found before it is the usage's own first
    // error if it has one, as when the usage was checked first.
    let hours = checked_hours(usage)?;
    let first = |e: Error| usage_first(usage, e);
    if prices.sql_enterprise_per_core_year.is_none() && prices.sql_standard_per_core_year.is_none()
    {
        return Err(first(Error::option(
            "prices",
            "give `sql_enterprise_per_core_year` or `sql_standard_per_core_year` (the yearly price of one core licence)",
        )));
    }
    for (name, p) in [
        (
            "prices.sql_enterprise_per_core_year",
            prices.sql_enterprise_per_core_year,
        ),
        (
            "prices.sql_standard_per_core_year",
            prices.sql_standard_per_core_year,
        ),
    ] {
        if p.is_some_and(|p| p.is_sign_negative() && !p.is_zero()) {
            return Err(first(Error::option(name, "must not be negative")));
        }
        if let Some(p) = p {
            crate::money::check_amount(p).map_err(|m| first(Error::option(name, m)))?;
        }
    }
    let mut st = setup(estate, rules, usage).map_err(first)?;
    // Consider the scope as if it had an assignment, so its resources' usage is counted.
    let x = match st.scopes.iter().position(|s| s == scope) {
        Some(x) => x,
        None => {
            if !estate.scopes.iter().any(|s| s.id == scope) {
                return Err(first(Error::option(
                    "scope",
                    format!("no scope has id {scope:?}"),
                )));
            }
            let mut with = estate.clone();
            with.central_assignments
                .push(crate::model::CentralAssignment {
                    id: "(candidate)".into(),
                    scope: scope.into(),
                    edition: crate::model::Edition::Standard,
                    cores: 1,
                    start: usage.start.date(),
                    review_date: None,
                });
            st = setup(&with, rules, usage).map_err(first)?;
            st.scopes.iter().position(|s| s == scope).unwrap_or(0)
        }
    };
    let strategy = rules.knobs.central_strategy;
    // The scope's own resources, as if no other scope's overflow reached it.
    let (_, parts) = walk(
        usage,
        &st,
        hours,
        false,
        threads,
        |range| Vec::with_capacity(range.len()),
        |hours: &mut Vec<(Ladder, Ladder)>, _, s, ones, fours, _| {
            let covered = (ones.total(), fours.total());
            if s == x {
                hours.push((std::mem::take(ones), std::mem::take(fours)));
            }
            covered
        },
    )?;
    let mut hours: Vec<(Ladder, Ladder)> = parts.into_iter().flatten().collect();
    let demand: Vec<u64> = hours
        .iter()
        .map(|(o, f)| o.total() + 4 * f.total())
        .collect();
    let peak = demand.iter().copied().max().unwrap_or(0);
    // The curve values every NC count in every hour: bound the work before doing it.
    let work = (peak.saturating_add(1)).saturating_mul(hours.len().max(1) as u64);
    if work > MAX_CURVE_WORK {
        return Err(Error::new(
            crate::error::ErrorCode::InvalidValue,
            format!(
                "a peak of {peak} NC over {} hours needs {work} hour-steps of the savings curve; \
                 at most {MAX_CURVE_WORK} are computed (use fewer hours)",
                hours.len()
            ),
        )
        .with_field("hour"));
    }
    let scale = Decimal::from(8760) / Decimal::from(usage.hours().max(1));
    let mut value = vec![0i128; peak as usize + 1];
    for (ones, fours) in &mut hours {
        for (a, v) in value.iter_mut().enumerate() {
            *v += cover(ones, fours, a as u64, strategy).1;
        }
    }
    let at = |a: u64| value.get(a as usize).or(value.last()).copied().unwrap_or(0);
    let mut curve = Vec::with_capacity(value.len() + 3);
    // Up to three NC past the peak: an Enterprise core may be the cheapest way to reach it.
    for a in 0..=peak + 3 {
        let Some((_, _, cost)) = cheapest(a, prices) else {
            continue;
        };
        let yearly = from_micro(at(a)) * scale;
        curve.push(CurvePoint {
            nc: a,
            yearly_savings: yearly.round_dp(2),
            yearly_cost: cost,
            net: (yearly - cost).round_dp(2),
        });
    }
    let best = curve
        .iter()
        .max_by(|p, q| p.net.cmp(&q.net).then(q.nc.cmp(&p.nc)))
        .cloned()
        .unwrap_or(CurvePoint {
            nc: 0,
            yearly_savings: Decimal::ZERO,
            yearly_cost: Decimal::ZERO,
            net: Decimal::ZERO,
        });
    let (e, s, cost) = cheapest(best.nc, prices).unwrap_or((0, 0, Decimal::ZERO));
    let assigned = 4 * e + s;
    let marginal = |k: u64| (from_micro(at(assigned + k) - at(assigned)) * scale).round_dp(2);
    let load_duration = (0..=peak)
        .map(|k| demand.iter().filter(|&&d| d > k).count() as u32)
        .collect();
    let nc_hours: u64 = demand.iter().sum();
    let total_value = value.last().copied().unwrap_or(0);
    let per_nc_year = [
        prices.sql_standard_per_core_year,
        prices
            .sql_enterprise_per_core_year
            .map(|p| p / Decimal::from(4)),
    ]
    .into_iter()
    .flatten()
    .min();
    let break_even = (nc_hours > 0 && total_value > 0)
        .then(|| from_micro(total_value) / Decimal::from(nc_hours))
        .zip(per_nc_year)
        .map(|(per_nc_hour, year)| (year / per_nc_hour).round_dp(1));
    Ok(BestAssignment {
        scope: scope.to_string(),
        hours: usage.hours(),
        strategy,
        enterprise_cores: e,
        standard_cores: s,
        assigned_nc: assigned,
        yearly_savings: (from_micro(at(assigned)) * scale).round_dp(2),
        yearly_licence_cost: cost,
        net_yearly_savings: ((from_micro(at(assigned)) * scale) - cost).round_dp(2),
        marginal_enterprise_core: marginal(4),
        marginal_standard_core: marginal(1),
        load_duration,
        break_even_hours_per_year: break_even,
        curve,
    })
}

impl BestAssignment {
    /// As JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("always serialises")
    }
}

impl BestAssignment {
    /// A plain-text summary.
    pub fn to_text(&self) -> String {
        format!(
            "best assignment for {} over {} hours: {} Enterprise + {} Standard cores ({} NC); \
             saves {} a year for {} of licences, net {}; one more Enterprise core would add {}, \
             one more Standard core {}; demand levels exceeded under {} hours a year are cheaper \
             pay-as-you-go\n",
            self.scope,
            self.hours,
            self.enterprise_cores,
            self.standard_cores,
            self.assigned_nc,
            self.yearly_savings,
            self.yearly_licence_cost,
            self.net_yearly_savings,
            self.marginal_enterprise_core,
            self.marginal_standard_core,
            self.break_even_hours_per_year
                .map_or("(no prices)".to_string(), |h| h.to_string())
        )
    }
}
