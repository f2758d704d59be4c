//! Versioned rule sets: what each resource needs and what each licence line supplies, citing
//! the rule IDs of RULES.md. One file per product family.

mod hybrid;
mod knobs;
mod linux;
mod reason;
mod sql;
mod supply;
mod windows;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use knobs::{
    AksVcpuBasis, CentralDrawOrder, CentralStrategy, ComplianceBasis, CoreBasis, DatacenterDualUse,
    HyperscaleAhb, Knobs, SqlVmMinBasis, WsRule,
};
pub use linux::units_per_instance;
pub use reason::Reason;
pub use sql::{nc_per_vcore, normalised_cores};
pub use supply::{LineSupply, MIGRATION_WINDOW_DAYS, line_supply, pool_of};
pub use windows::core_licences_per_vm;

use crate::error::{Error, Result};
use crate::model::{Id, Prices, Resource, ResourceSpec};
use crate::money::HOURS_PER_MONTH;

/// The released rule-set versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RuleSetVersion {
    /// April 2023 Product Terms onwards: `max(8, vcores)` per VM, no estate minimum (WS-1, WS-4).
    #[serde(rename = "2023-04")]
    Current2023,
    /// November 2021 documentation: groups of 8 and a 16-licence estate minimum (WS-3).
    #[serde(rename = "2021-11")]
    Legacy2021,
}

/// A rule-set version and the knob values that settle its open questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// The version.
    pub version: RuleSetVersion,
    /// The open-question settings.
    pub knobs: Knobs,
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet::current()
    }
}

impl RuleSet {
    /// The current rules (`2023-04`) with the §11 defaults.
    pub fn current() -> RuleSet {
        RuleSet {
            version: RuleSetVersion::Current2023,
            knobs: Knobs::default(),
        }
    }

    /// The pre-April-2023 rules (`2021-11`): groups of 8 per VM and the 16-licence estate
    /// minimum (WS-3, OQ-1); the 2019 Product Terms' 180-day Dedicated Host window (WS-10).
    pub fn legacy_2021() -> RuleSet {
        RuleSet {
            version: RuleSetVersion::Legacy2021,
            knobs: Knobs {
                ws_rule: WsRule::LegacyGroupsOf8,
                estate_minimum_core_licences: 16,
                ..Knobs::default()
            },
        }
    }

    /// The rule set named `version` (`"2023-04"` or `"2021-11"`).
    pub fn by_version(version: &str) -> Result<RuleSet> {
        match version {
            "2023-04" | "current" => Ok(RuleSet::current()),
            "2021-11" | "legacy" => Ok(RuleSet::legacy_2021()),
            other => Err(Error::option(
                "version",
                format!("unknown rule set {other:?}; known: \"2023-04\", \"2021-11\""),
            )),
        }
    }

    /// Reads a rule set from JSON: `{"version": "2023-04", "knobs": {...}}`; knobs absent from
    /// `knobs` take the defaults of docs/RULES.md §11.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorCode::Parse`] with line and column for malformed JSON;
    /// [`crate::ErrorCode::InvalidOption`] naming the knob (`knobs.ws_rule`) for an unknown
    /// version, knob or value.
    ///
    /// # Examples
    ///
    /// ```
    /// let rules = ahb_core::RuleSet::from_json(r#"{"version": "2021-11", "knobs": {}}"#).unwrap();
    /// assert_eq!(rules, ahb_core::RuleSet::legacy_2021());
    /// let bad = ahb_core::RuleSet::from_json(r#"{"version": "2023-04", "knobs": {"nope": 1}}"#);
    /// assert_eq!(bad.unwrap_err().code(), ahb_core::ErrorCode::InvalidOption);
    /// ```
    pub fn from_json(text: &str) -> Result<RuleSet> {
        /// The document as written: the knobs given, over the version's own defaults.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Given {
            version: RuleSetVersion,
            #[serde(default)]
            knobs: serde_json::Map<String, serde_json::Value>,
        }
        let given: Given = crate::options::from_json(text)?;
        let base = match given.version {
            RuleSetVersion::Current2023 => RuleSet::current(),
            RuleSetVersion::Legacy2021 => RuleSet::legacy_2021(),
        };
        // A version's defaults differ (WS-3 under 2021-11): a knob not given keeps the value of
        // the version named, never the other version's.
        base.with_knobs(given.knobs)
    }

    /// This rule set with the knobs in `changes` (JSON names and values, as in
    /// [`RuleSet::from_json`]) changed and the others kept. A knob with *licence* in its name
    /// may be spelled *license* (`estate_minimum_core_licenses`); one knob given under both
    /// spellings is an error.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorCode::InvalidOption`] naming the knob (`knobs.ws_rule`) for an unknown
    /// knob, a wrong value or a knob given twice.
    ///
    /// # Examples
    ///
    /// ```
    /// let changes = serde_json::json!({"estate_minimum_core_licenses": 16});
    /// let rules = ahb_core::RuleSet::current()
    ///     .with_knobs(changes.as_object().unwrap().clone())
    ///     .unwrap();
    /// assert_eq!(rules.knobs.estate_minimum_core_licences, 16);
    /// ```
    pub fn with_knobs(
        &self,
        changes: serde_json::Map<String, serde_json::Value>,
    ) -> Result<RuleSet> {
        let mut canonical = serde_json::Map::new();
        for (name, value) in changes {
            let canon = name.replace("license", "licence");
            if canonical.contains_key(&canon) {
                return Err(Error::option(
                    format!("knobs.{canon}"),
                    format!("duplicate field `{canon}` (also given as `{name}`)"),
                ));
            }
            canonical.insert(canon, value);
        }
        let mut knobs = match serde_json::to_value(&self.knobs) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        knobs.extend(canonical);
        let merged = serde_json::json!({ "version": self.version, "knobs": knobs });
        let rules: RuleSet = crate::options::from_json(&merged.to_string())?;
        crate::text::check_option_date("knobs.hyperscale_cutoff", rules.knobs.hyperscale_cutoff)?;
        crate::text::check_option_date(
            "knobs.hyperscale_grandfathering_end",
            rules.knobs.hyperscale_grandfathering_end,
        )?;
        Ok(rules)
    }
}

/// The licence pools. Windows and SQL pools each hold two editions; Linux pools one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Pool {
    /// Windows Server core licences (Standard and Datacenter).
    WindowsServer,
    /// SQL Server normalised cores (Enterprise core = 4 NC, Standard core = 1 NC; SQL-1).
    SqlServer,
    /// RHEL subscriptions, in the rule set's RHEL unit.
    Rhel,
    /// SLES subscriptions, in the rule set's SLES unit.
    Sles,
}

impl Pool {
    /// The pool as people name it (`Windows Server`, `SQL Server`, `RHEL`, `SLES`).
    pub fn display_name(self) -> &'static str {
        match self {
            Pool::WindowsServer => "Windows Server",
            Pool::SqlServer => "SQL Server",
            Pool::Rhel => "RHEL",
            Pool::Sles => "SLES",
        }
    }

    /// The unit the pool counts.
    pub fn unit(self) -> &'static str {
        match self {
            Pool::WindowsServer => "core licences",
            Pool::SqlServer => "normalised cores",
            Pool::Rhel | Pool::Sles => "subscription units",
        }
    }

    /// The rule a claim the pool cannot cover falls foul of: WS-14 (Windows shortfall and its
    /// remedies), GEN-2 (SQL needs qualifying core licences with SA or subscription), LNX-2
    /// (RHEL and SLES need subscriptions enabled for Azure). WS-14 is Windows-only, so SQL and
    /// Linux shortfalls must not cite it.
    pub(crate) fn shortfall_rule(self) -> &'static str {
        match self {
            Pool::WindowsServer => "WS-14",
            Pool::SqlServer => "GEN-2",
            Pool::Rhel | Pool::Sles => "LNX-2",
        }
    }
}

/// Which licence lines of a pool may cover a requirement.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Draw {
    /// Any edition, as assigned to Azure VMs (Windows WS-1; SQL NC after SQL-4; Linux).
    Any,
    /// Windows Datacenter allocated to a whole Dedicated Host (WS-9; dual use per OQ-4).
    DatacenterHost,
    /// Windows Datacenter for an Azure Local cluster (HCI-1, HCI-4; programme per OQ-9).
    DatacenterAzureLocal,
    /// SQL Enterprise only (host-level SQL-10, or strict edition match SQL-4).
    EnterpriseOnly,
    /// SQL Standard only (strict edition match SQL-4).
    StandardOnly,
    /// Windows licences used additively by AKS hybrid: counted, not deducted (AKS-4, OQ-12).
    Additive,
}

/// What one resource needs from one pool.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Requirement {
    /// The pool.
    pub pool: Pool,
    /// Units needed when the benefit is claimed (0 when ineligible or free).
    pub units: u64,
    /// Which lines may cover it.
    pub draw: Draw,
    /// Whether today's setting claims the benefit.
    pub claimed: bool,
    /// Whether the resource may carry the benefit at all.
    pub eligible: bool,
    /// Savings per month when the benefit is carried, where prices are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::money::ser_opt")]
    pub monthly_savings: Option<Decimal>,
    /// Savings per running hour when the benefit is carried, where prices are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::money::ser_opt")]
    pub hourly_savings: Option<Decimal>,
    /// Why: rule IDs and facts.
    pub reasons: Vec<Reason>,
    /// Under central management on the audit date (SQL-20): the nearest scope whose SQL
    /// licence assignments apply. The resource-level setting then has no effect: the
    /// requirement is neither a claim nor an under-claim, the assignment is the claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub central: Option<String>,
}

/// What the rules say about one resource.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Assessment {
    /// The resource id.
    pub resource: Id,
    /// Its kind.
    pub kind: &'static str,
    /// Its scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Id>,
    /// One entry per pool the resource can draw on; empty when no benefit applies.
    pub requirements: Vec<Requirement>,
    /// Facts that do not belong to one requirement (no benefit applies, warnings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Reason>,
}

/// Facts about the rest of the estate that one resource's rules need.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The resource's scope or an ancestor is a Dev/Test subscription.
    pub dev_test: bool,
    /// The VM's dedicated host has Windows host-level licensing (`Windows_Server_Hybrid`).
    pub host_windows_licensed: bool,
    /// The VM's dedicated host has SQL host-level licensing.
    pub host_sql_licensed: bool,
    /// For a dedicated host: Windows VMs run on it.
    pub windows_vms_on_host: usize,
    /// For a dedicated host: SQL Server VMs run on it.
    pub sql_vms_on_host: usize,
    /// The date the assessment is for, when known: rules that end on a date (OQ-7 Hyperscale
    /// grandfathering) apply on it. Without a date they are assessed as still in force, and
    /// their reasons name the end date.
    pub as_of: Option<chrono::NaiveDate>,
    /// SQL Server core-licence editions the estate holds: (Enterprise, Standard). The OQ-5
    /// alternative minimum depends on the covering edition; `(false, false)` means unknown.
    pub sql_editions_held: (bool, bool),
}

impl RuleSet {
    /// What the rules say about `resource`.
    pub fn assess(&self, resource: &Resource, ctx: &Context) -> Assessment {
        let scope = resource.scope.as_deref().map(Id::from);
        self.assess_as(resource, &resource.spec, ctx, scope)
    }

    /// [`RuleSet::assess`] of `resource` as if its spec were `spec`: the re-audit of a plan
    /// reads the plan's AHB settings this way, without copying the estate. `scope` is the
    /// resource's scope as a string the caller shares between the resources of one scope.
    pub(crate) fn assess_as(
        &self,
        resource: &Resource,
        spec: &ResourceSpec,
        ctx: &Context,
        scope: Option<Id>,
    ) -> Assessment {
        debug_assert_eq!(scope.as_deref(), resource.scope.as_deref());
        let k = &self.knobs;
        let mut notes = Vec::new();
        let mut requirements = match spec {
            ResourceSpec::Vm { .. } | ResourceSpec::ScaleSet { .. } => {
                let Some(vm) = windows::VmFacts::of(spec) else {
                    return Assessment::empty(resource, spec, scope);
                };
                let windows = windows::vm(&vm, ctx, k, &mut notes);
                let linux = linux::vm(&vm, k, &mut notes);
                // Collected at their exact number (a push would reserve room for four): at
                // 10⁶ VMs the unused room was a third of a gigabyte per set of assessments.
                let reqs: Vec<Requirement> = windows.into_iter().chain(linux).collect();
                if reqs.is_empty() && notes.is_empty() {
                    notes.push(Reason::new(
                        "API-1",
                        format!("no core-based benefit applies to a {:?} VM", vm.os),
                    ));
                }
                reqs
            }
            ResourceSpec::DedicatedHost { .. } => windows::dedicated_host(spec, ctx, k)
                .into_iter()
                .chain(sql::dedicated_host(spec, ctx))
                .collect(),
            ResourceSpec::AzureLocalCluster { node_cores, ahb } => {
                vec![hybrid::azure_local(node_cores, *ahb)]
            }
            ResourceSpec::AksHybrid { .. } => vec![hybrid::aks(spec, k)],
            _ => sql::paas_or_vm(spec, ctx, k).into_iter().collect(),
        };
        if !resource.running && !k.deallocated_vms_count && is_vm_like(spec) {
            for r in &mut requirements {
                r.units = 0;
                r.reasons.push(Reason::new(
                    "OQ-11",
                    "deallocated: needs no licence while stopped (deallocated_vms_count = false)",
                ));
            }
        }
        let multiplier = instance_multiplier(spec);
        let sql_prices = match spec {
            ResourceSpec::DedicatedHost { sql_prices, .. } => sql_prices.as_ref(),
            _ => None,
        };
        for r in requirements.iter_mut().filter(|r| r.eligible) {
            // A dedicated host's SQL benefit has its own prices (SQL-10).
            let (prices, n) = if r.pool == Pool::SqlServer && is_host(spec) {
                (sql_prices, 1)
            } else {
                (resource.prices.as_ref(), multiplier)
            };
            r.hourly_savings =
                prices.map(|p| (p.payg_per_hour - p.ahb_per_hour) * Decimal::from(n));
            r.monthly_savings = monthly_savings(prices, resource, n);
            // GEN-13: Dev/Test already bills Windows at the Linux rate; the benefit saves nothing.
            if r.reasons.iter().any(|x| x.rule == "GEN-13") {
                r.hourly_savings = r.hourly_savings.map(|_| Decimal::ZERO);
                r.monthly_savings = r.monthly_savings.map(|_| Decimal::ZERO);
            }
        }
        Assessment {
            resource: Id::from(&resource.id),
            kind: spec.kind(),
            scope,
            requirements,
            notes,
        }
    }
}

impl Assessment {
    fn empty(resource: &Resource, spec: &ResourceSpec, scope: Option<Id>) -> Assessment {
        Assessment {
            resource: Id::from(&resource.id),
            kind: spec.kind(),
            scope,
            requirements: Vec::new(),
            notes: Vec::new(),
        }
    }
}

fn is_host(spec: &ResourceSpec) -> bool {
    matches!(spec, ResourceSpec::DedicatedHost { .. })
}

fn is_vm_like(spec: &ResourceSpec) -> bool {
    matches!(
        spec,
        ResourceSpec::Vm { .. } | ResourceSpec::ScaleSet { .. } | ResourceSpec::SqlVm { .. }
    )
}

fn instance_multiplier(spec: &ResourceSpec) -> u32 {
    match spec {
        ResourceSpec::ScaleSet { instances, .. } => *instances,
        _ => 1,
    }
}

/// (pay-as-you-go − AHB) × hours per month × instances.
fn monthly_savings(prices: Option<&Prices>, r: &Resource, instances: u32) -> Option<Decimal> {
    let p = prices?;
    let hours = if r.running {
        r.hours_per_month.unwrap_or(HOURS_PER_MONTH)
    } else {
        Decimal::ZERO
    };
    Some((p.payg_per_hour - p.ahb_per_hour) * hours * Decimal::from(instances))
}

/// A requirement with no prices yet; the common constructor of the family modules.
pub(crate) fn requirement(
    pool: Pool,
    units: u64,
    draw: Draw,
    claimed: bool,
    eligible: bool,
    mut reasons: Vec<Reason>,
) -> Requirement {
    // Most requirements end with two reasons, in room for four: the room left is given back
    // (in place), a sixth of an assessment's memory. The few reasons added later grow it again.
    reasons.shrink_to_fit();
    Requirement {
        pool,
        units: if eligible { units } else { 0 },
        draw,
        claimed,
        eligible,
        monthly_savings: None,
        hourly_savings: None,
        reasons,
        central: None,
    }
}
