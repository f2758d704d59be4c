//! The open questions of RULES.md §11 (OQ-1…OQ-17), each a named knob with the §11 default.
//! Every result records the knob values it was computed with.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{LinuxUnit, Programme};

/// OQ-1: which per-VM Windows Server rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WsRule {
    /// `max(8, vcores)` per VM (WS-1), April 2023 onwards.
    Current2023,
    /// `8·ceil(vcores/8)` per VM (WS-3), before April 2023.
    LegacyGroupsOf8,
}

/// OQ-2: which vCPU count of a constrained-vCPU size is licensed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoreBasis {
    /// The vCPUs of the original size (E16-4s_v5 → 16).
    OriginalSizeVcpus,
    /// The active (constrained) vCPUs (E16-4s_v5 → 4).
    ActiveVcpus,
}

/// OQ-3: Datacenter dual use for Azure VMs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatacenterDualUse {
    /// Simultaneous use on premises and in Azure, without limit (2023 doc).
    Unconditional,
    /// Simultaneous use only for a migrated workload (the PR #8008 reading): a line in use on
    /// premises counts for Azure only when it has a `migration_start`.
    MigrationOnly,
    /// No dual use beyond the 180-day window, as for Standard.
    None,
}

/// OQ-5: what the SQL Server VM minimum counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SqlVmMinBasis {
    /// A minimum of 4 vCores per VM (S3): an Enterprise VM needs at least 16 NC.
    Vcores,
    /// A minimum of 4 core licences per VM (S19): at least 4 NC whatever the edition.
    CoreLicences,
}

/// OQ-6: how centrally assigned NCs are spread over an hour's usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CentralStrategy {
    /// Use as many NCs as possible (Azure's documented behaviour).
    MaxNcUtilization,
    /// Cover the NCs that save the most money first.
    MaxCostSavings,
    /// Cover resources in id order, for reproducible attribution.
    DeterministicOrder,
}

impl CentralStrategy {
    /// The strategy as people read it (`maximum NC utilisation`, `maximum cost savings`,
    /// `deterministic order`).
    pub fn display_name(self) -> &'static str {
        match self {
            CentralStrategy::MaxNcUtilization => "maximum NC utilisation",
            CentralStrategy::MaxCostSavings => "maximum cost savings",
            CentralStrategy::DeterministicOrder => "deterministic order",
        }
    }
}

/// OQ-6, SQL-18: which of the assignments a resource can reach (its scope's and its
/// ancestors') it draws on first. The sources say only that "the system ensures the maximum
/// usage of the assigned SQL licenses"; they are silent on the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CentralDrawOrder {
    /// The nearest scope's assignments first; what they leave uncovered draws on the next
    /// enclosing scope with assignments, and so on up. An enclosing scope's licences can
    /// cover everything a nested scope's can, so this order never covers less than another
    /// (the maximum usage of SQL-18), and it never depends on scope ids or names.
    NearestFirst,
}

/// OQ-7: Hyperscale AHB after the December 2023 change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HyperscaleAhb {
    /// No Hyperscale database is eligible.
    None,
    /// Single databases with provisioned compute created before the cutoff keep 1 NC per vCore
    /// until the grandfathering end; newer ones, elastic pools and serverless are not eligible.
    LegacyGrandfathered,
}

/// OQ-11: which demand a compliance check compares with supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceBasis {
    /// The peak of concurrent requirements (every running resource at once).
    Peak,
}

/// OQ-12: which AKS hybrid vCPUs count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AksVcpuBasis {
    /// Every node VM of the cluster, control plane included.
    AllNodes,
    /// Worker nodes only.
    WorkersOnly,
}

/// The knobs. `Default` gives the §11 recommendations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Knobs {
    /// OQ-1: per-VM Windows rule.
    pub ws_rule: WsRule,
    /// OQ-1: estate-wide minimum of Windows core licences once any VM claims AHB (legacy 16).
    /// Also read as `estate_minimum_core_licenses`.
    #[serde(alias = "estate_minimum_core_licenses")]
    pub estate_minimum_core_licences: u32,
    /// OQ-2: vCPU basis for Windows on constrained sizes.
    pub ws_core_basis: CoreBasis,
    /// OQ-2: vCPU basis for SQL Server on constrained sizes (S20 documents active vCPUs).
    pub sql_core_basis: CoreBasis,
    /// OQ-3: Datacenter dual use for VM licensing.
    pub ws_datacenter_dual_use: DatacenterDualUse,
    /// OQ-4: days of dual use for host-level Datacenter licences (Dedicated Host; also applied to
    /// Azure Local, whose HCI-4 window is 180 days).
    pub ws_dh_dual_use_days: u32,
    /// OQ-5: what the SQL VM minimum counts.
    pub sql_vm_min_basis: SqlVmMinBasis,
    /// OQ-6: central SQL allocation strategy.
    pub central_strategy: CentralStrategy,
    /// OQ-6, SQL-18: which reachable assignments a resource draws on first.
    pub central_draw_order: CentralDrawOrder,
    /// OQ-7: Hyperscale eligibility.
    pub sql_hyperscale_ahb: HyperscaleAhb,
    /// OQ-7: Hyperscale databases created on or after this date are not eligible.
    pub hyperscale_cutoff: NaiveDate,
    /// OQ-7 (verified 2026-12): existing Hyperscale single databases with provisioned compute
    /// keep AHB "until December 2026"; from this date on they do not. Default 2026-12-01, the
    /// first day of the month the sources name (a user can set the exact day).
    pub hyperscale_grandfathering_end: NaiveDate,
    /// OQ-8: licences are reported in packs of this size for display only (math is per core).
    pub display_pack_size: u32,
    /// OQ-9: programmes whose lines are never eligible, even with SA (default: none; the SA
    /// requirement of GEN-3 already excludes OEM and retail without SA).
    pub ineligible_programmes: Vec<Programme>,
    /// OQ-9: programmes whose Datacenter lines may license Azure Local (HCI-1 2025: EA or CSP).
    pub azure_local_programmes: Vec<Programme>,
    /// OQ-10: a Windows VM must be covered by one edition only (checked by the audit exactly,
    /// ignoring scope assignments; the optimiser lets VMs mix editions).
    pub ws_single_edition_per_vm: bool,
    /// OQ-11: demand basis of the compliance check (peak: every running resource at once).
    pub compliance_basis: ComplianceBasis,
    /// OQ-11: deallocated VMs need licences too.
    pub deallocated_vms_count: bool,
    /// OQ-12: which AKS hybrid vCPUs count.
    pub aks_vcpu_basis: AksVcpuBasis,
    /// OQ-12: AKS hybrid use is deducted from the exclusive pool (default: additive, AKS-4).
    pub aks_exclusive: bool,
    /// OQ-13: warn when Linux AHB is combined with a dedicated host or SQL AHB.
    pub linux_combination_warning: bool,
    /// OQ-14: apply the on-premises minimums (16 per host) to Dedicated Host licensing.
    pub dh_apply_onprem_minimums: bool,
    /// OQ-15(c): accept `SLES_STANDARD` as the SLES pay-as-you-go type (always on in parsing;
    /// recorded here so results say so).
    pub sles_standard_alias: bool,
    /// OQ-16: minimum days between reassignments of a licence (unenforced when absent; when
    /// set it is recorded in the audit, which has no history of licence moves to check).
    pub reassignment_min_days: Option<u32>,
    /// OQ-17: the unit RHEL subscriptions count when a line does not say.
    pub rhel_unit: LinuxUnit,
    /// OQ-17: the unit SLES subscriptions count when a line does not say.
    pub sles_unit: LinuxUnit,
    /// SQL-4: editions must match for VMs, SSIS and Business Critical (pre-August-2020 rights).
    pub sql_strict_edition_match: bool,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            ws_rule: WsRule::Current2023,
            estate_minimum_core_licences: 0,
            ws_core_basis: CoreBasis::OriginalSizeVcpus,
            sql_core_basis: CoreBasis::ActiveVcpus,
            ws_datacenter_dual_use: DatacenterDualUse::Unconditional,
            ws_dh_dual_use_days: 180,
            sql_vm_min_basis: SqlVmMinBasis::Vcores,
            central_strategy: CentralStrategy::MaxNcUtilization,
            central_draw_order: CentralDrawOrder::NearestFirst,
            sql_hyperscale_ahb: HyperscaleAhb::LegacyGrandfathered,
            hyperscale_cutoff: NaiveDate::from_ymd_opt(2023, 12, 1).expect("valid date"),
            hyperscale_grandfathering_end: NaiveDate::from_ymd_opt(2026, 12, 1)
                .expect("valid date"),
            display_pack_size: 2,
            ineligible_programmes: Vec::new(),
            azure_local_programmes: vec![Programme::Ea, Programme::Eas, Programme::Csp],
            ws_single_edition_per_vm: false,
            compliance_basis: ComplianceBasis::Peak,
            deallocated_vms_count: false,
            aks_vcpu_basis: AksVcpuBasis::AllNodes,
            aks_exclusive: false,
            linux_combination_warning: true,
            dh_apply_onprem_minimums: false,
            sles_standard_alias: true,
            reassignment_min_days: None,
            rhel_unit: LinuxUnit::Vm,
            sles_unit: LinuxUnit::Vm,
            sql_strict_edition_match: false,
        }
    }
}
