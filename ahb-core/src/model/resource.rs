//! Azure resources that can carry Azure Hybrid Benefit, each with its current AHB setting.
//!
//! The setting fields use Azure's own strings (`Windows_Server`, `AHUB`, `BasePrice`, …) so that
//! what ahb reads and writes is what the Azure APIs read and write (API-1…API-7). The setting is
//! the field `license_type`, Azure's spelling; `licence_type` is read as an alias.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A resource: common facts plus the kind-specific ones.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Resource {
    /// Unique id (the ARM resource id, or any stable id).
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The scope (subscription or resource group id) the resource lives in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Hourly prices with and without the benefit, for the savings at stake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prices: Option<Prices>,
    /// Running hours per month (default 730); zero for a resource that is stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub hours_per_month: Option<Decimal>,
    /// Whether the resource is running (a deallocated VM needs no licence, OQ-11).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub running: bool,
    /// The kind and its facts.
    #[serde(flatten)]
    pub spec: ResourceSpec,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// Field names of [`Resource`] that are common to every kind.
pub(crate) const COMMON_FIELDS: [&str; 6] = [
    "id",
    "name",
    "scope",
    "prices",
    "hours_per_month",
    "running",
];

/// The common part of a resource, read on its own so that the kind-specific part can reject
/// unknown fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Common {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub prices: Option<Prices>,
    #[serde(default, deserialize_with = "crate::money::de_opt")]
    pub hours_per_month: Option<Decimal>,
    #[serde(default = "yes")]
    pub running: bool,
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        crate::model::load::resource_from_value(value, 0)
            .map_err(|e| serde::de::Error::custom(e.to_string()))
    }
}

/// Hourly prices of a resource, in one currency, per instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    /// Pay-as-you-go (licence-included) price per hour.
    #[serde(deserialize_with = "crate::money::de")]
    #[schemars(with = "String")]
    pub payg_per_hour: Decimal,
    /// Price per hour with the benefit (base compute rate, GEN-11).
    #[serde(deserialize_with = "crate::money::de")]
    #[schemars(with = "String")]
    pub ahb_per_hour: Decimal,
    /// ISO currency code, for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// Operating system of a VM or scale set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Os {
    /// Windows Server.
    Windows,
    /// Windows 10/11 client (multitenant hosting, WC-1; no core-based AHB).
    WindowsClient,
    /// Red Hat Enterprise Linux.
    Rhel,
    /// SUSE Linux Enterprise Server.
    Sles,
    /// Any other Linux (Ubuntu, …): no AHB.
    OtherLinux,
}

/// `licenseType` of a VM or scale set (API-1), with Azure's strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub enum VmLicenseType {
    /// No benefit (`None`, absent or empty in Azure).
    #[default]
    None,
    /// Windows Server AHB.
    #[serde(rename = "Windows_Server")]
    WindowsServer,
    /// Windows client multitenant hosting (WC-1).
    #[serde(rename = "Windows_Client")]
    WindowsClient,
    /// RHEL bring-your-own-subscription (Linux AHB).
    #[serde(rename = "RHEL_BYOS")]
    RhelByos,
    /// SLES bring-your-own-subscription (Linux AHB).
    #[serde(rename = "SLES_BYOS")]
    SlesByos,
    /// A RHEL pay-as-you-go plan (`RHEL_BASE`, `RHEL_EUS`, `RHEL_SAPAPPS`, …).
    #[serde(
        rename = "RHEL_BASE",
        alias = "RHEL_EUS",
        alias = "RHEL_SAPAPPS",
        alias = "RHEL_SAPHA",
        alias = "RHEL_BASESAPAPPS",
        alias = "RHEL_BASESAPHA",
        alias = "RHEL_ELS_6"
    )]
    RhelPayg,
    /// A SLES pay-as-you-go plan (`SLES`, `SLES_STANDARD` per OQ-15(c), `SLES_SAP`, `SLES_HPC`).
    #[serde(
        rename = "SLES",
        alias = "SLES_STANDARD",
        alias = "SLES_SAP",
        alias = "SLES_HPC"
    )]
    SlesPayg,
    /// Ubuntu Pro (not an AHB benefit).
    #[serde(rename = "UBUNTU_PRO", alias = "UBUNTU")]
    UbuntuPro,
}

/// `licenseType` of a dedicated host (API-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub enum HostLicenseType {
    /// No host-level Windows licensing.
    #[default]
    None,
    /// Host-level Windows Server AHB: Datacenter for every physical core (WS-9).
    #[serde(rename = "Windows_Server_Hybrid")]
    WindowsServerHybrid,
    /// Perpetual licences without SA acquired before 1 Oct 2019 (API-4, inferred): not AHB.
    #[serde(rename = "Windows_Server_Perpetual")]
    WindowsServerPerpetual,
}

/// `sqlServerLicenseType` of a SQL Server VM (API-2, SQL-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub enum SqlVmLicenseType {
    /// Pay-as-you-go.
    #[default]
    #[serde(rename = "PAYG")]
    Payg,
    /// Azure Hybrid Benefit.
    #[serde(rename = "AHUB")]
    Ahub,
    /// Free passive HA/DR replica (SQL-6, SQL-9).
    #[serde(rename = "DR")]
    Dr,
}

/// `licenseType` of SQL PaaS resources and SSIS (API-3, SQL-13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub enum PaasLicenseType {
    /// Pay for the licence.
    #[default]
    LicenseIncluded,
    /// Azure Hybrid Benefit.
    BasePrice,
}

/// Edition of SQL Server installed on a VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SqlVmEdition {
    /// Enterprise: 4 NC per vCPU (SQL-2).
    Enterprise,
    /// Standard: 1 NC per vCPU (SQL-2).
    Standard,
    /// Developer: free, cannot change licence model (GEN-5).
    Developer,
    /// Express: free (GEN-5).
    Express,
    /// Web: SPLA only (GEN-5).
    Web,
    /// Evaluation (GEN-5).
    Evaluation,
}

/// Edition of an SSIS integration runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SsisEdition {
    /// Enterprise: 4 NC per vCore.
    Enterprise,
    /// Standard: 1 NC per vCore.
    Standard,
}

/// Service tier of Azure SQL Database, elastic pools, Managed Instance and instance pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SqlTier {
    /// vCore General Purpose: 1 NC per vCore.
    GeneralPurpose,
    /// vCore Business Critical: 4 NC per vCore.
    BusinessCritical,
    /// vCore Hyperscale: 1 NC per vCore where still eligible (SQL-5, OQ-7).
    Hyperscale,
    /// DTU Basic: not eligible (SQL-5).
    Basic,
    /// DTU Standard: not eligible (SQL-5).
    Standard,
    /// DTU Premium: not eligible (SQL-5).
    Premium,
}

impl SqlTier {
    /// Whether the tier belongs to the DTU purchasing model.
    pub fn is_dtu(self) -> bool {
        matches!(self, SqlTier::Basic | SqlTier::Standard | SqlTier::Premium)
    }
}

/// Compute model of a vCore SQL database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SqlCompute {
    /// Provisioned compute.
    #[default]
    Provisioned,
    /// Serverless: not eligible (SQL-5).
    Serverless,
}

/// Where an AKS hybrid cluster runs (AKS-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AksHost {
    /// Windows Server 2019 or later, Datacenter: eligible.
    WindowsServerDatacenter,
    /// Windows Server Standard: not eligible.
    WindowsServerStandard,
    /// Azure Local: eligible.
    AzureLocal,
}

/// The kind of a resource and the facts its rules need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ResourceSpec {
    /// A virtual machine.
    Vm {
        /// Operating system.
        os: Os,
        /// vCPUs of the size (the original count for constrained-vCPU sizes).
        vcpus: u32,
        /// Active vCPUs of a constrained-vCPU size (S20, OQ-2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        active_vcpus: Option<u32>,
        /// The VM size, for reports.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<String>,
        /// `licenseType` (API-1).
        #[serde(default, alias = "licence_type")]
        license_type: VmLicenseType,
        /// The dedicated host the VM runs on, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        host: Option<String>,
        /// The VM runs a SQL Server Marketplace image on Linux (LNX-4).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        sql_image: bool,
    },
    /// A uniform virtual machine scale set (or an AKS Windows node pool, WS-6).
    ScaleSet {
        /// Operating system.
        os: Os,
        /// vCPUs per instance.
        vcpus: u32,
        /// Active vCPUs per instance for constrained sizes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        active_vcpus: Option<u32>,
        /// The instance size.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<String>,
        /// Instance count (`sku.capacity`).
        instances: u32,
        /// `virtualMachineProfile.licenseType`.
        #[serde(default, alias = "licence_type")]
        license_type: VmLicenseType,
    },
    /// An Azure Dedicated Host.
    DedicatedHost {
        /// Physical cores of the host.
        physical_cores: u32,
        /// vCPUs the host can expose (SQL-10: up to the host's maximum).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vcpus: Option<u32>,
        /// Host SKU (`DSv3-Type1`, …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sku: Option<String>,
        /// Windows host-level licensing (API-4).
        #[serde(default, alias = "licence_type")]
        license_type: HostLicenseType,
        /// SQL Server Enterprise host-level AHB is selected (SQL-10).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        sql_host_level: bool,
        /// Prices of the SQL host-level benefit (the Windows prices are the resource's `prices`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sql_prices: Option<Prices>,
    },
    /// SQL Server on an Azure VM (`Microsoft.SqlVirtualMachine/sqlVirtualMachines`).
    SqlVm {
        /// Installed edition.
        edition: SqlVmEdition,
        /// vCPUs of the VM size.
        vcpus: u32,
        /// Active vCPUs of a constrained size (SQL is charged on these, S20).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        active_vcpus: Option<u32>,
        /// `sqlServerLicenseType` (API-2).
        #[serde(default, alias = "licence_type")]
        license_type: SqlVmLicenseType,
        /// The compute VM's id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vm: Option<String>,
        /// The dedicated host the VM runs on, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        host: Option<String>,
        /// For a passive replica (`DR`): the id of the primary SQL VM of its availability group
        /// or failover cluster (SQL-9). The importers fill it from availability group listeners;
        /// an id that is not in the estate (a primary outside the import) leaves the replica
        /// licensed as usual.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replica_of: Option<String>,
        /// For a passive replica (`DR`): its primary runs on premises, licensed with SA (the
        /// hybrid case of SQL-9: one free passive DR replica in Azure per primary). `replica_of`
        /// may name it for grouping.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        primary_on_premises: bool,
    },
    /// A single Azure SQL database.
    SqlDatabase {
        /// Service tier.
        tier: SqlTier,
        /// vCores (vCore model).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vcores: Option<u32>,
        /// DTUs (DTU model).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dtu: Option<u32>,
        /// Provisioned or serverless.
        #[serde(default)]
        compute: SqlCompute,
        /// Creation date (Hyperscale eligibility, OQ-7).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        created: Option<NaiveDate>,
        /// `licenseType` (API-3).
        #[serde(default, alias = "licence_type")]
        license_type: PaasLicenseType,
        /// A licence-free standby replica (SQL-14).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        standby: bool,
        /// For a standby (or geo-secondary) replica: the id of its primary database (SQL-14:
        /// one standby per primary).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replica_of: Option<String>,
    },
    /// An Azure SQL elastic pool.
    SqlElasticPool {
        /// Service tier.
        tier: SqlTier,
        /// vCores (vCore model).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vcores: Option<u32>,
        /// eDTUs (DTU model).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dtu: Option<u32>,
        /// `licenseType` (API-3).
        #[serde(default, alias = "licence_type")]
        license_type: PaasLicenseType,
    },
    /// An Azure SQL Managed Instance.
    SqlManagedInstance {
        /// Service tier (General Purpose or Business Critical).
        tier: SqlTier,
        /// vCores.
        vcores: u32,
        /// `licenseType` (API-3).
        #[serde(default, alias = "licence_type")]
        license_type: PaasLicenseType,
        /// `hybridSecondaryUsage = Passive`: a free passive DR secondary (SQL-9, SQL-14).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        passive_dr: bool,
        /// For a failover-group secondary: the id of its primary managed instance (one free
        /// passive DR secondary per primary, SQL-9/SQL-14).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replica_of: Option<String>,
    },
    /// A SQL Managed Instance pool.
    SqlInstancePool {
        /// Service tier (General Purpose or Business Critical).
        tier: SqlTier,
        /// vCores.
        vcores: u32,
        /// `licenseType` (API-3).
        #[serde(default, alias = "licence_type")]
        license_type: PaasLicenseType,
    },
    /// An Azure Data Factory SSIS integration runtime.
    SsisRuntime {
        /// SSIS edition.
        edition: SsisEdition,
        /// Total vCores (nodes × vCores per node).
        vcores: u32,
        /// `licenseType` (API-3).
        #[serde(default, alias = "licence_type")]
        license_type: PaasLicenseType,
    },
    /// AKS enabled by Azure Arc on Azure Local or Windows Server.
    AksHybrid {
        /// What the cluster runs on (AKS-2).
        host: AksHost,
        /// vCPUs of the worker nodes.
        worker_vcpus: u32,
        /// vCPUs of the control-plane nodes (counted per OQ-12).
        #[serde(default)]
        control_plane_vcpus: u32,
        /// `azureHybridBenefit = True` (API-6).
        #[serde(default)]
        ahb: bool,
        /// Runs on a bundled OEM partner SKU, where the setting has no effect (AKS-2).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        oem_bundled: bool,
    },
    /// An Azure Local (formerly Azure Stack HCI) cluster.
    AzureLocalCluster {
        /// Physical cores of each node.
        node_cores: Vec<u32>,
        /// `softwareAssuranceStatus = Enabled` (API-7).
        #[serde(default)]
        ahb: bool,
    },
}

impl ResourceSpec {
    /// The `kind` string of the JSON form.
    pub fn kind(&self) -> &'static str {
        match self {
            ResourceSpec::Vm { .. } => "vm",
            ResourceSpec::ScaleSet { .. } => "scale_set",
            ResourceSpec::DedicatedHost { .. } => "dedicated_host",
            ResourceSpec::SqlVm { .. } => "sql_vm",
            ResourceSpec::SqlDatabase { .. } => "sql_database",
            ResourceSpec::SqlElasticPool { .. } => "sql_elastic_pool",
            ResourceSpec::SqlManagedInstance { .. } => "sql_managed_instance",
            ResourceSpec::SqlInstancePool { .. } => "sql_instance_pool",
            ResourceSpec::SsisRuntime { .. } => "ssis_runtime",
            ResourceSpec::AksHybrid { .. } => "aks_hybrid",
            ResourceSpec::AzureLocalCluster { .. } => "azure_local_cluster",
        }
    }
}
