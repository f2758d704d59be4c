//! Licence lines: what an organisation owns, as its SAM tool or licence statement records it.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The licensed product.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Product {
    /// Windows Server (core or two-processor licences).
    WindowsServer,
    /// SQL Server (core licences; server + CAL is ineligible, GEN-5).
    SqlServer,
    /// Red Hat Enterprise Linux subscriptions (LNX-*).
    Rhel,
    /// SUSE Linux Enterprise Server subscriptions (LNX-*).
    Sles,
}

/// The edition of a Windows Server or SQL Server licence.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    /// Windows Server Standard or SQL Server Standard.
    Standard,
    /// Windows Server Datacenter.
    Datacenter,
    /// SQL Server Enterprise.
    Enterprise,
}

/// How the quantity of a licence line is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Core licences (the unit of WS-1 and SQL-1).
    Core,
    /// Legacy Windows Server two-processor licences: each equals 16 core licences (WS-2).
    TwoProcessor,
    /// Vendor subscriptions (RHEL, SLES), counted in the line's `unit` (LNX-6, OQ-17).
    Subscription,
    /// Server + CAL licences: never eligible for AHB (GEN-5).
    ServerCal,
}

/// The licensing programme (agreement type) a licence line was bought under (GEN-4).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Programme {
    /// Enterprise Agreement.
    Ea,
    /// Enterprise Agreement Subscription.
    Eas,
    /// Microsoft Products and Services Agreement.
    Mpsa,
    /// Select.
    Select,
    /// Select Plus.
    SelectPlus,
    /// Open (SA optional).
    Open,
    /// Open Value Subscription.
    Ovs,
    /// Open Value (non-subscription).
    OpenValue,
    /// Cloud Solution Provider software subscription.
    Csp,
    /// Server and Cloud Enrollment.
    Sce,
    /// OEM (pre-installed).
    Oem,
    /// Retail / FPP.
    Retail,
    /// A vendor programme (Red Hat, SUSE) or anything else.
    Other,
}

/// The unit a Linux subscription is counted in (LNX-6, OQ-17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinuxUnit {
    /// One unit per virtual machine or scale-set instance ("Virtual Node/Guest").
    Vm,
    /// One unit per vCPU.
    Vcpu,
}

/// A Software Assurance or subscription term. Both dates are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// First day of cover.
    pub start: NaiveDate,
    /// Last day of cover.
    pub end: NaiveDate,
}

impl Term {
    /// Whether the term covers `date` (GEN-3).
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// One line of a licence ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenceLine {
    /// Unique id of the line.
    pub id: String,
    /// The product.
    pub product: Product,
    /// The edition; required for Windows Server and SQL Server, absent for RHEL and SLES.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<Edition>,
    /// How `quantity` is counted.
    pub metric: Metric,
    /// How many licences (core licences, two-processor licences or subscription units).
    pub quantity: u32,
    /// The programme it was bought under.
    pub programme: Programme,
    /// The Software Assurance or subscription term; absent means no SA (ineligible, GEN-3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sa: Option<Term>,
    /// How many of the line's units are in use on premises (WS-7, SQL-11, LNX-2).
    #[serde(default)]
    pub on_premises_in_use: u32,
    /// When the line was first allocated to Azure for a migration; opens the 180-day dual-use
    /// window (WS-7, WS-10, HCI-4, SQL-11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration_start: Option<NaiveDate>,
    /// The scope the line is assigned to; it then covers only resources in that scope's subtree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The agreement (enrolment) number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<String>,
    /// Linux only: the unit the subscriptions count (OQ-17); absent means the rule set's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<LinuxUnit>,
    /// RHEL only: the subscription is "RHEL for Virtual Datacenters", never eligible (LNX-4).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub virtual_datacenters: bool,
}

impl LicenceLine {
    /// Core licences (or subscription units) the line holds: two-processor licences count 16
    /// core licences each (WS-2).
    pub fn units(&self) -> u64 {
        let per = if self.metric == Metric::TwoProcessor {
            16
        } else {
            1
        };
        u64::from(self.quantity) * per
    }

    /// Units in use on premises, in the same unit as [`LicenceLine::units`].
    pub fn on_premises_units(&self) -> u64 {
        let per = if self.metric == Metric::TwoProcessor {
            16
        } else {
            1
        };
        u64::from(self.on_premises_in_use) * per
    }
}
