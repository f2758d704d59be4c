//! What the user asks of the optimiser, read from JSON with errors that name the option.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::knapsack::DEFAULT_BUDGET;
use crate::error::{Error, Result};
use crate::model::Estate;

/// What the plan optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// The most savings, from scratch; among equal savings, the fewest changes to today's
    /// settings (less `change_penalty_per_month` per change, when set).
    #[default]
    MaxSavings,
    /// The fewest changes to today's settings that make them compliant, then the most savings:
    /// nothing is enabled, the fewest claims are removed.
    MinChange,
    /// Repair a shortfall at the least lost savings: nothing is enabled, the claims kept save
    /// the most.
    ComplianceFirst,
}

/// How the optimiser values eligible resources that have no price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnpricedValuation {
    /// Their savings count as zero (today's behaviour): a claim is kept only while licences
    /// are left over, nothing unpriced is enabled, and the certificate's `scope` says the
    /// optimum covers the priced resources only.
    #[default]
    Ignore,
    /// A unit-based proxy, not money: each unpriced requirement is worth the licence units it
    /// would use, below any priced saving. Priced savings come first and are never given up for
    /// unpriced units; the licences they leave go to the unpriced resources that use the most
    /// units. An estate imported without prices so still gets a plan of which resources should
    /// carry the benefit; its money totals stay those of the priced resources.
    ByUnits,
}

impl UnpricedValuation {
    /// The option's JSON value (`ignore`, `by_units`).
    pub fn as_str(self) -> &'static str {
        match self {
            UnpricedValuation::Ignore => "ignore",
            UnpricedValuation::ByUnits => "by_units",
        }
    }
}

/// The largest reserve ahb accepts for one pool: more units than any estate's licences can
/// hold (licence lines have at most 100,000,000 licences), so sums of reserves and demands never
/// overflow.
pub const MAX_RESERVE: u64 = 1_000_000_000_000;

/// The largest `exact_work_budget` ahb accepts (25 times the default): the budget bounds the
/// exact programme's work, so an unbounded one could run for hours.
pub const MAX_WORK_BUDGET: u64 = 10_000_000_000;

impl Objective {
    /// The objective as people read it (`maximum savings`, `minimum change`,
    /// `compliance first`).
    pub fn display_name(self) -> &'static str {
        match self {
            Objective::MaxSavings => "maximum savings",
            Objective::MinChange => "minimum change",
            Objective::ComplianceFirst => "compliance first",
        }
    }
}

/// Units of each pool held back, uncovered by any resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Reserve {
    /// Windows Server core licences.
    pub windows_server: u64,
    /// SQL Server normalised cores.
    pub sql_server: u64,
    /// RHEL subscription units.
    pub rhel: u64,
    /// SLES subscription units.
    pub sles: u64,
}

/// Yearly prices of one more licence with SA (or subscription), per core licence, for the purchase
/// and renewal recommendations. The keys end in `_per_core_year`, as do the prices of the best
/// central assignment; the older names `windows_server_core`, `sql_enterprise_core` and
/// `sql_standard_core` are still read (deprecated) and never written. Giving a price under both
/// names is an error that names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LicencePrices {
    /// One Windows Server core licence with SA, per year (deprecated name:
    /// `windows_server_core`).
    #[serde(
        alias = "windows_server_core",
        deserialize_with = "crate::money::de_opt",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>")]
    pub windows_server_per_core_year: Option<Decimal>,
    /// One SQL Server Enterprise core licence with SA (4 NC), per year (deprecated name:
    /// `sql_enterprise_core`).
    #[serde(
        alias = "sql_enterprise_core",
        deserialize_with = "crate::money::de_opt",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>")]
    pub sql_enterprise_per_core_year: Option<Decimal>,
    /// One SQL Server Standard core licence with SA (1 NC), per year (deprecated name:
    /// `sql_standard_core`).
    #[serde(
        alias = "sql_standard_core",
        deserialize_with = "crate::money::de_opt",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>")]
    pub sql_standard_per_core_year: Option<Decimal>,
}

/// Options of [`crate::solve::optimize`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptimizeOptions {
    /// The date whose licences (SA terms, dual-use windows) the plan uses.
    pub as_of: NaiveDate,
    /// What to optimise.
    #[serde(default)]
    pub objective: Objective,
    /// With `max_savings`: savings per month a change must beat to be worth making.
    #[serde(
        default,
        deserialize_with = "crate::money::de_opt",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>")]
    pub change_penalty_per_month: Option<Decimal>,
    /// Resources that must carry the benefit (every eligible requirement of each).
    #[serde(default)]
    pub pin: Vec<String>,
    /// Resources that must not carry the benefit.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Units per pool kept in reserve.
    #[serde(default)]
    pub reserve: Reserve,
    /// Draw on licence lines whose SA ends later first (otherwise by line id).
    #[serde(default = "yes")]
    pub prefer_later_expiry: bool,
    /// Yearly licence prices for the purchase and renewal recommendations (also read as
    /// `license_prices_per_year`).
    #[serde(default, alias = "license_prices_per_year")]
    pub licence_prices_per_year: LicencePrices,
    /// Lines whose SA ends within this many days of `as_of` get a renewal recommendation.
    #[serde(default = "renewal_horizon")]
    pub renewal_horizon_days: u32,
    /// Compute the purchase and renewal recommendations (each re-solves a pool).
    #[serde(default = "yes")]
    pub recommendations: bool,
    /// Work budget of the exact knapsack programme; beyond it the plan reports its gap.
    #[serde(default = "budget")]
    pub exact_work_budget: u64,
    /// How eligible resources without prices are valued: `ignore` (zero, the default) or
    /// `by_units` (by the licence units they would use, after every priced saving).
    #[serde(default)]
    pub unpriced: UnpricedValuation,
}

fn yes() -> bool {
    true
}

fn renewal_horizon() -> u32 {
    365
}

fn budget() -> u64 {
    DEFAULT_BUDGET
}

impl OptimizeOptions {
    /// The defaults for `as_of`.
    pub fn new(as_of: NaiveDate) -> OptimizeOptions {
        OptimizeOptions {
            as_of,
            objective: Objective::MaxSavings,
            change_penalty_per_month: None,
            pin: Vec::new(),
            exclude: Vec::new(),
            reserve: Reserve::default(),
            prefer_later_expiry: true,
            licence_prices_per_year: LicencePrices::default(),
            renewal_horizon_days: renewal_horizon(),
            recommendations: true,
            exact_work_budget: budget(),
            unpriced: UnpricedValuation::Ignore,
        }
    }

    /// Reads options from JSON; errors name the option.
    pub fn from_json(text: &str) -> Result<OptimizeOptions> {
        crate::options::from_json(text)
    }

    /// Checks the options against the estate: pins and exclusions name known resources and do
    /// not conflict, amounts are not negative.
    pub fn validate(&self, estate: &Estate) -> Result<()> {
        crate::text::check_option_date("as_of", self.as_of)?;
        let known: std::collections::HashSet<&str> =
            estate.resources.iter().map(|r| r.id.as_str()).collect();
        for (list, name) in [(&self.pin, "pin"), (&self.exclude, "exclude")] {
            for (i, id) in list.iter().enumerate() {
                if !known.contains(id.as_str()) {
                    return Err(Error::option(
                        format!("{name}[{i}]"),
                        format!("no resource has id {id:?}"),
                    ));
                }
            }
        }
        if let Some((i, id)) = self
            .pin
            .iter()
            .enumerate()
            .find(|(_, p)| self.exclude.contains(p))
        {
            return Err(Error::option(
                format!("pin[{i}]"),
                format!("{id:?} is both pinned and excluded"),
            ));
        }
        let p = &self.licence_prices_per_year;
        let amounts = [
            ("change_penalty_per_month", self.change_penalty_per_month),
            (
                "licence_prices_per_year.windows_server_per_core_year",
                p.windows_server_per_core_year,
            ),
            (
                "licence_prices_per_year.sql_enterprise_per_core_year",
                p.sql_enterprise_per_core_year,
            ),
            (
                "licence_prices_per_year.sql_standard_per_core_year",
                p.sql_standard_per_core_year,
            ),
        ];
        for (name, v) in amounts {
            if v.is_some_and(|v| v.is_sign_negative() && !v.is_zero()) {
                return Err(Error::option(name, "must not be negative"));
            }
            if let Some(v) = v {
                crate::money::check_amount(v).map_err(|m| Error::option(name, m))?;
            }
        }
        if self.exact_work_budget > MAX_WORK_BUDGET {
            return Err(Error::option(
                "exact_work_budget",
                format!(
                    "{} is more work than ahb does for one plan (at most {MAX_WORK_BUDGET})",
                    self.exact_work_budget
                ),
            ));
        }
        let r = &self.reserve;
        for (name, v) in [
            ("reserve.windows_server", r.windows_server),
            ("reserve.sql_server", r.sql_server),
            ("reserve.rhel", r.rhel),
            ("reserve.sles", r.sles),
        ] {
            if v > MAX_RESERVE {
                return Err(Error::option(
                    name,
                    format!("{v} is implausibly large (at most {MAX_RESERVE})"),
                ));
            }
        }
        Ok(())
    }
}
