//! Azure inventory JSON → resources: Resource Graph rows (`az graph query` output), `az … list`
//! and `az … show`, ARM GET bodies (also the REST spec examples' `responses.200.body`),
//! `{"value": [...]}` list responses and PowerShell `Get-AzVM | ConvertTo-Json`.
//!
//! This module only converts: it reads the facts (size, OS, edition, tier, vCores, the current
//! AHB setting) into the model; what they mean for licensing is decided in `rules/`.

use serde_json::Value;

use super::json::{self, fact, fact_str};
use crate::catalogue::Catalogue;
use crate::error::{Error, ErrorCode, RecordRef};
use crate::model::{
    AksHost, HostLicenseType, Os, PaasLicenseType, SqlCompute, SqlTier, SqlVmEdition,
    SqlVmLicenseType, VmLicenseType,
};

/// One resource read from a file, before the SQL VM → VM and VM → host joins.
#[derive(Debug, Clone)]
pub(crate) enum Row {
    /// A resource ready for the estate.
    Resource(Pending),
    /// A resource of a kind that carries no AHB setting, or whose licence is carried elsewhere.
    Skip(String),
    /// A VM size or host SKU the catalogue does not know.
    Unknown {
        /// The size or SKU.
        size: String,
        /// The field it was read from.
        field: String,
    },
}

/// A converted resource; `vm` and `host` references still need joining.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub id: String,
    pub name: Option<String>,
    pub running: bool,
    pub spec: Spec,
}

#[derive(Debug, Clone)]
pub(crate) enum Spec {
    Vm {
        os: Os,
        vcpus: u32,
        active: Option<u32>,
        size: String,
        license: VmLicenseType,
        host: Option<(String, String)>,
        sql_image: bool,
    },
    Ready(crate::model::ResourceSpec),
    SqlVm {
        edition: SqlVmEdition,
        license: SqlVmLicenseType,
        vm: (String, String),
    },
}

/// The resource rows of a parsed inventory document, whatever its envelope.
pub(crate) fn rows(doc: &Value) -> std::result::Result<Vec<&Value>, String> {
    match doc {
        Value::Array(a) => Ok(a.iter().collect()),
        Value::Object(_) => {
            if let Some(resp) = json::get(doc, "responses") {
                for code in ["200", "201", "202"] {
                    if let Some(body) = json::get(resp, code).and_then(|r| json::get(r, "body")) {
                        return rows(body);
                    }
                }
                return Err("a REST example without a 200/201/202 response body".into());
            }
            for key in ["value", "data"] {
                match json::get(doc, key) {
                    Some(Value::Array(a)) => return Ok(a.iter().collect()),
                    Some(Value::Object(t)) if t.contains_key("columns") => {
                        return Err("Resource Graph table output: query with --output json (objectArray result format)".into());
                    }
                    _ => {}
                }
            }
            if json::get(doc, "id").is_some() || json::get(doc, "type").is_some() {
                Ok(vec![doc])
            } else {
                Err("not an Azure resource, an array of resources or {\"value\": [...]}".into())
            }
        }
        _ => Err("expected a JSON object or array of Azure resources".into()),
    }
}

type R<T> = std::result::Result<T, (ErrorCode, String, String)>;

fn missing(field: &str, what: &str) -> (ErrorCode, String, String) {
    (
        ErrorCode::MissingField,
        field.to_string(),
        format!("missing {what}"),
    )
}

/// Converts one row; an `Err` carries (code, field, message) for the caller to locate.
pub(crate) fn convert(row: &Value, cat: &Catalogue) -> R<Row> {
    if !row.is_object() {
        return Err((
            ErrorCode::InvalidValue,
            String::new(),
            "a resource must be a JSON object".into(),
        ));
    }
    let ty = json::get_str(row, "type")
        .or_else(|| json::get_str(row, "resourceType"))
        .map(str::to_ascii_lowercase);
    let ty = match ty.or_else(|| json::get_str(row, "id").and_then(type_from_id)) {
        Some(t) => t,
        None if fact(row, "hardwareProfile").is_some() => {
            "microsoft.compute/virtualmachines".into()
        }
        None => return Err(missing("type", "resource `type`")),
    };
    let id = json::get_str(row, "id")
        .or_else(|| json::get_str(row, "resourceId"))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("id", "resource `id`"))?
        .to_string();
    let name = json::get_str(row, "name").map(str::to_string);
    let ready = |spec| {
        Row::Resource(Pending {
            id: id.clone(),
            name: name.clone(),
            running: true,
            spec: Spec::Ready(spec),
        })
    };
    use crate::model::ResourceSpec as S;
    Ok(match ty.as_str() {
        "microsoft.compute/virtualmachines" => {
            let (size, at) = fact_str(row, "hardwareProfile.vmSize")
                .ok_or_else(|| missing("properties.hardwareProfile.vmSize", "VM size"))?;
            let Some(facts) = cat.vm_size(size) else {
                return Ok(Row::Unknown {
                    size: size.to_string(),
                    field: at,
                });
            };
            let mut active = facts.active_vcpus;
            if let Some((v, at)) = fact(row, "hardwareProfile.vmSizeProperties.vCPUsAvailable") {
                let n = v
                    .as_u64()
                    .filter(|&n| n > 0 && n <= u64::from(facts.vcpus))
                    .ok_or_else(|| {
                        (
                            ErrorCode::InvalidValue,
                            at.clone(),
                            format!(
                                "vCPUsAvailable {v} is not between 1 and the size's {} vCPUs",
                                facts.vcpus
                            ),
                        )
                    })?;
                active = (n as u32 != facts.vcpus).then_some(n as u32);
            }
            let license = vm_license(row, "licenseType")?;
            let (os, sql_image) = os_of(row, "storageProfile", license)?;
            let host = fact_str(row, "host.id").map(|(h, at)| (h.to_string(), at));
            Row::Resource(Pending {
                id,
                name,
                running: running(row),
                spec: Spec::Vm {
                    os,
                    vcpus: facts.vcpus,
                    active,
                    size: size.to_string(),
                    license,
                    host,
                    sql_image,
                },
            })
        }
        "microsoft.compute/virtualmachinescalesets" => {
            if fact(row, "virtualMachineProfile").is_none() {
                return Ok(Row::Skip("a flexible scale set without a VM profile: its instances are VMs and are imported as VMs".into()));
            }
            let sku = json::get(row, "sku").ok_or_else(|| missing("sku", "scale set `sku`"))?;
            let size =
                json::get_str(sku, "name").ok_or_else(|| missing("sku.name", "instance size"))?;
            let instances = json::get(sku, "capacity")
                .and_then(Value::as_u64)
                .ok_or_else(|| missing("sku.capacity", "instance count"))?;
            if instances == 0 {
                return Ok(Row::Skip("a scale set with no instances".into()));
            }
            let instances = u32::try_from(instances).map_err(|_| {
                (
                    ErrorCode::InvalidValue,
                    "sku.capacity".into(),
                    "instance count too large".into(),
                )
            })?;
            let Some(facts) = cat.vm_size(size) else {
                return Ok(Row::Unknown {
                    size: size.to_string(),
                    field: "sku.name".into(),
                });
            };
            let license = vm_license(row, "virtualMachineProfile.licenseType")?;
            let (os, _) = os_of(row, "virtualMachineProfile.storageProfile", license)?;
            ready(S::ScaleSet {
                os,
                vcpus: facts.vcpus,
                active_vcpus: facts.active_vcpus,
                size: Some(size.to_string()),
                instances,
                license_type: license,
            })
        }
        "microsoft.compute/hostgroups/hosts" => {
            let sku = json::get(row, "sku")
                .and_then(|s| json::get_str(s, "name"))
                .ok_or_else(|| missing("sku.name", "host SKU"))?;
            let Some(facts) = cat.host_sku(sku) else {
                return Ok(Row::Unknown {
                    size: sku.to_string(),
                    field: "sku.name".into(),
                });
            };
            let license = match license_text(row, "licenseType") {
                None => HostLicenseType::None,
                Some((s, at)) => match s.to_ascii_lowercase().as_str() {
                    "windows_server_hybrid" => HostLicenseType::WindowsServerHybrid,
                    "windows_server_perpetual" => HostLicenseType::WindowsServerPerpetual,
                    _ => {
                        return Err((
                            ErrorCode::UnknownVariant,
                            at,
                            format!("unknown host licenseType {s:?}"),
                        ));
                    }
                },
            };
            ready(S::DedicatedHost {
                physical_cores: facts.physical_cores,
                vcpus: Some(facts.vcpus),
                sku: Some(sku.to_string()),
                license_type: license,
                sql_host_level: false,
                sql_prices: None,
            })
        }
        "microsoft.sqlvirtualmachine/sqlvirtualmachines" => {
            let (ed, at) = fact_str(row, "sqlImageSku")
                .ok_or_else(|| missing("properties.sqlImageSku", "SQL edition (sqlImageSku)"))?;
            let edition = match ed.to_ascii_lowercase().as_str() {
                "enterprise" => SqlVmEdition::Enterprise,
                "standard" => SqlVmEdition::Standard,
                "developer" => SqlVmEdition::Developer,
                "express" => SqlVmEdition::Express,
                "web" => SqlVmEdition::Web,
                "evaluation" => SqlVmEdition::Evaluation,
                _ => {
                    return Err((
                        ErrorCode::UnknownVariant,
                        at,
                        format!("unknown sqlImageSku {ed:?}"),
                    ));
                }
            };
            let license = match license_text(row, "sqlServerLicenseType") {
                None => SqlVmLicenseType::Payg,
                Some((s, at)) => match s.to_ascii_uppercase().as_str() {
                    "PAYG" => SqlVmLicenseType::Payg,
                    "AHUB" => SqlVmLicenseType::Ahub,
                    "DR" => SqlVmLicenseType::Dr,
                    _ => {
                        return Err((
                            ErrorCode::UnknownVariant,
                            at,
                            format!("unknown sqlServerLicenseType {s:?}"),
                        ));
                    }
                },
            };
            let (vm, at) = fact_str(row, "virtualMachineResourceId").ok_or_else(|| {
                missing(
                    "properties.virtualMachineResourceId",
                    "the compute VM's id (virtualMachineResourceId)",
                )
            })?;
            Row::Resource(Pending {
                id,
                name,
                running: true,
                spec: Spec::SqlVm {
                    edition,
                    license,
                    vm: (vm.to_string(), at),
                },
            })
        }
        "microsoft.sql/servers/databases" => {
            if fact_str(row, "elasticPoolId").is_some() {
                return Ok(Row::Skip(
                    "a database in an elastic pool: the pool carries the licence".into(),
                ));
            }
            let Some((tier, vcore)) = sql_tier(row)? else {
                return Ok(Row::Skip(
                    "a system, data warehouse or free database: no SQL Server licence".into(),
                ));
            };
            let cap = capacity(row)?;
            let sku_name = json::get(row, "sku")
                .and_then(|s| json::get_str(s, "name"))
                .unwrap_or("");
            let serverless = sku_name.to_ascii_uppercase().contains("_S_")
                || json::get_str(row, "kind")
                    .is_some_and(|k| k.to_ascii_lowercase().contains("serverless"));
            let created = fact_str(row, "creationDate")
                .and_then(|(s, _)| super::table::parse_datetime(s))
                .map(|d| d.date());
            ready(S::SqlDatabase {
                tier,
                vcores: vcore.then_some(cap),
                dtu: (!vcore).then_some(cap),
                compute: if serverless {
                    SqlCompute::Serverless
                } else {
                    SqlCompute::Provisioned
                },
                created,
                license_type: paas_license(row)?,
                standby: false,
                // Importers fill the primary where Azure's data carries it (issue 11 D2).
                replica_of: None,
            })
        }
        "microsoft.sql/servers/elasticpools" => {
            let Some((tier, vcore)) = sql_tier(row)? else {
                return Ok(Row::Skip(
                    "an elastic pool of a tier without SQL Server licence".into(),
                ));
            };
            let cap = capacity(row)?;
            ready(S::SqlElasticPool {
                tier,
                vcores: vcore.then_some(cap),
                dtu: (!vcore).then_some(cap),
                license_type: paas_license(row)?,
            })
        }
        "microsoft.sql/managedinstances" => {
            if fact_str(row, "instancePoolId").is_some() {
                return Ok(Row::Skip(
                    "a managed instance in an instance pool: the pool carries the licence".into(),
                ));
            }
            let Some((tier, _)) = sql_tier(row)? else {
                return Ok(Row::Skip(
                    "a managed instance tier without SQL Server licence".into(),
                ));
            };
            let vcores = vcores(row)?;
            let passive = fact_str(row, "hybridSecondaryUsage")
                .is_some_and(|(s, _)| s.eq_ignore_ascii_case("passive"));
            ready(S::SqlManagedInstance {
                tier,
                vcores,
                license_type: paas_license(row)?,
                passive_dr: passive,
                replica_of: None,
            })
        }
        "microsoft.sql/instancepools" => {
            let Some((tier, _)) = sql_tier(row)? else {
                return Ok(Row::Skip(
                    "an instance pool tier without SQL Server licence".into(),
                ));
            };
            ready(S::SqlInstancePool {
                tier,
                vcores: vcores(row)?,
                license_type: paas_license(row)?,
            })
        }
        "microsoft.hybridcontainerservice/provisionedclusterinstances" => aks(row, cat, ready)?,
        "microsoft.azurestackhci/clusters" => {
            let (nodes, at) = fact(row, "reportedProperties.nodes").ok_or_else(|| {
                missing(
                    "properties.reportedProperties.nodes",
                    "the cluster's nodes (reportedProperties.nodes): register the cluster first",
                )
            })?;
            let Value::Array(nodes) = nodes else {
                return Err((ErrorCode::InvalidValue, at, "nodes must be an array".into()));
            };
            let mut cores = Vec::new();
            for (i, n) in nodes.iter().enumerate() {
                let c = json::get(n, "coreCount")
                    .and_then(Value::as_u64)
                    .filter(|&c| c > 0 && c < 100_000)
                    .ok_or_else(|| {
                        (
                            ErrorCode::InvalidValue,
                            format!("{at}[{i}].coreCount"),
                            "a node needs a positive coreCount".into(),
                        )
                    })?;
                cores.push(c as u32);
            }
            if cores.is_empty() {
                return Err((
                    ErrorCode::InvalidValue,
                    at,
                    "a cluster without nodes".into(),
                ));
            }
            let ahb = match fact_str(row, "softwareAssuranceProperties.softwareAssuranceStatus") {
                None => false,
                Some((s, at)) => match s.to_ascii_lowercase().as_str() {
                    "enabled" => true,
                    "disabled" => false,
                    _ => {
                        return Err((
                            ErrorCode::UnknownVariant,
                            at,
                            format!("unknown softwareAssuranceStatus {s:?}"),
                        ));
                    }
                },
            };
            ready(S::AzureLocalCluster {
                node_cores: cores,
                ahb,
            })
        }
        other => Row::Skip(format!(
            "type {other} carries no Azure Hybrid Benefit setting"
        )),
    })
}

/// The resource type named by an ARM id, for bodies that omit `type` (some REST examples):
/// `…/providers/Microsoft.Compute/hostGroups/g/hosts/h` → `microsoft.compute/hostgroups/hosts`.
fn type_from_id(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    let rest = &lower[lower.rfind("/providers/")? + "/providers/".len()..];
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() < 3 || parts.len() % 2 == 0 {
        return None;
    }
    let mut t = parts[0].to_string();
    for name in parts[1..].iter().step_by(2) {
        t.push('/');
        t.push_str(name);
    }
    Some(t)
}

/// AKS enabled by Azure Arc (`provisionedClusterInstances`): these run on Azure Local, the only
/// host of that resource type (AKS on Windows Server is not an ARM resource).
fn aks(row: &Value, cat: &Catalogue, ready: impl Fn(crate::model::ResourceSpec) -> Row) -> R<Row> {
    let pool_vcpus = |v: &Value, at: &str| -> R<std::result::Result<u32, Row>> {
        let count = json::get(v, "count").and_then(Value::as_u64).unwrap_or(1);
        let Some(size) = json::get_str(v, "vmSize") else {
            return Err(missing(&format!("{at}.vmSize"), "node size"));
        };
        match cat.vm_size(size) {
            None => Ok(Err(Row::Unknown {
                size: size.to_string(),
                field: format!("{at}.vmSize"),
            })),
            Some(f) => Ok(Ok(u32::try_from(count)
                .unwrap_or(u32::MAX)
                .saturating_mul(f.vcpus))),
        }
    };
    let mut worker = 0u32;
    if let Some((Value::Array(pools), at)) = fact(row, "agentPoolProfiles") {
        for (i, p) in pools.iter().enumerate() {
            match pool_vcpus(p, &format!("{at}[{i}]"))? {
                Ok(n) => worker = worker.saturating_add(n),
                Err(u) => return Ok(u),
            }
        }
    }
    let mut control = 0u32;
    if let Some((cp, at)) = fact(row, "controlPlane") {
        match pool_vcpus(cp, &at)? {
            Ok(n) => control = n,
            Err(u) => return Ok(u),
        }
    }
    if worker == 0 {
        return Err(missing("properties.agentPoolProfiles", "worker node pools"));
    }
    let ahb = match fact_str(row, "licenseProfile.azureHybridBenefit") {
        None => false,
        Some((s, at)) => match s.to_ascii_lowercase().as_str() {
            "true" => true,
            "false" | "notapplicable" => false,
            _ => {
                return Err((
                    ErrorCode::UnknownVariant,
                    at,
                    format!("unknown azureHybridBenefit {s:?}"),
                ));
            }
        },
    };
    Ok(ready(crate::model::ResourceSpec::AksHybrid {
        host: AksHost::AzureLocal,
        worker_vcpus: worker,
        control_plane_vcpus: control,
        ahb,
        oem_bundled: false,
    }))
}

/// A licence-type string; absent, `null`, `""` and `"None"` all mean "not set" (data.md §1.1).
fn license_text<'a>(row: &'a Value, dotted: &str) -> Option<(&'a str, String)> {
    fact_str(row, dotted).filter(|(s, _)| !s.eq_ignore_ascii_case("none"))
}

fn vm_license(row: &Value, dotted: &str) -> R<VmLicenseType> {
    let Some((s, at)) = license_text(row, dotted) else {
        return Ok(VmLicenseType::None);
    };
    let canonical = [
        "Windows_Server",
        "Windows_Client",
        "RHEL_BYOS",
        "SLES_BYOS",
        "RHEL_BASE",
        "RHEL_EUS",
        "RHEL_SAPAPPS",
        "RHEL_SAPHA",
        "RHEL_BASESAPAPPS",
        "RHEL_BASESAPHA",
        "RHEL_ELS_6",
        "SLES",
        "SLES_STANDARD",
        "SLES_SAP",
        "SLES_HPC",
        "UBUNTU_PRO",
        "UBUNTU",
    ]
    .into_iter()
    .find(|c| c.eq_ignore_ascii_case(s))
    .ok_or_else(|| {
        (
            ErrorCode::UnknownVariant,
            at.clone(),
            format!("unknown licenseType {s:?}"),
        )
    })?;
    serde_json::from_value(Value::String(canonical.into()))
        .map_err(|e| (ErrorCode::UnknownVariant, at, e.to_string()))
}

/// The OS from `osDisk.osType` and the image publisher; the licence type disambiguates RHEL and
/// SLES images that were imported without a Marketplace reference. PowerShell writes the
/// `OsType` enum as a number (0 Windows, 1 Linux).
fn os_of(row: &Value, storage: &str, license: VmLicenseType) -> R<(Os, bool)> {
    let os_at = format!("{storage}.osDisk.osType");
    let windows = match fact(row, &os_at) {
        Some((Value::String(s), at)) => match s.to_ascii_lowercase().as_str() {
            "windows" => true,
            "linux" => false,
            _ => {
                return Err((
                    ErrorCode::UnknownVariant,
                    at,
                    format!("unknown osType {s:?}"),
                ));
            }
        },
        Some((Value::Number(n), at)) => match n.as_u64() {
            Some(0) => true,
            Some(1) => false,
            _ => return Err((ErrorCode::UnknownVariant, at, format!("unknown osType {n}"))),
        },
        _ => match license {
            VmLicenseType::WindowsServer | VmLicenseType::WindowsClient => true,
            VmLicenseType::None | VmLicenseType::UbuntuPro => {
                return Err(missing(&format!("properties.{os_at}"), "the OS type"));
            }
            _ => false,
        },
    };
    let image = |k: &str| {
        fact_str(row, &format!("{storage}.imageReference.{k}"))
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default()
    };
    let (publisher, offer) = (image("publisher"), image("offer"));
    let os = if windows {
        if license == VmLicenseType::WindowsClient
            || publisher == "microsoftwindowsdesktop"
            || offer.starts_with("windows-1")
        {
            Os::WindowsClient
        } else {
            Os::Windows
        }
    } else if matches!(license, VmLicenseType::RhelByos | VmLicenseType::RhelPayg)
        || publisher == "redhat"
    {
        Os::Rhel
    } else if matches!(license, VmLicenseType::SlesByos | VmLicenseType::SlesPayg)
        || publisher == "suse"
    {
        Os::Sles
    } else {
        Os::OtherLinux
    };
    let sql_image = !windows && publisher == "microsoftsqlserver";
    Ok((os, sql_image))
}

/// Whether the VM is running, from `az vm list -d` (`VM deallocated`), Resource Graph
/// (`extended.instanceView.powerState.code`) or an ARM instance view; unknown means running.
fn running(row: &Value) -> bool {
    let mut states: Vec<String> = Vec::new();
    for p in [
        "powerState",
        "extended.instanceView.powerState.code",
        "instanceView.powerState.code",
    ] {
        if let Some((s, _)) = fact_str(row, p) {
            states.push(s.to_ascii_lowercase());
        }
    }
    if let Some((Value::Array(st), _)) = fact(row, "instanceView.statuses") {
        for s in st {
            if let Some(c) = json::get_str(s, "code") {
                states.push(c.to_ascii_lowercase());
            }
        }
    }
    !states
        .iter()
        .any(|s| s.contains("deallocat") || s.contains("stopped"))
}

/// `sku.tier` → the tier and whether it is a vCore tier; `None` for tiers with no licence.
fn sql_tier(row: &Value) -> R<Option<(SqlTier, bool)>> {
    let sku = json::get(row, "sku").ok_or_else(|| missing("sku", "`sku`"))?;
    let tier = json::get_str(sku, "tier").ok_or_else(|| missing("sku.tier", "service tier"))?;
    Ok(Some(
        match tier.to_ascii_lowercase().replace([' ', '_'], "").as_str() {
            "generalpurpose" => (SqlTier::GeneralPurpose, true),
            "businesscritical" => (SqlTier::BusinessCritical, true),
            "hyperscale" => (SqlTier::Hyperscale, true),
            "basic" => (SqlTier::Basic, false),
            "standard" => (SqlTier::Standard, false),
            "premium" => (SqlTier::Premium, false),
            "system" | "datawarehouse" | "stretch" | "free" => return Ok(None),
            _ => {
                return Err((
                    ErrorCode::UnknownVariant,
                    "sku.tier".into(),
                    format!("unknown SQL tier {tier:?}"),
                ));
            }
        },
    ))
}

fn capacity(row: &Value) -> R<u32> {
    json::get(row, "sku")
        .and_then(|s| json::get(s, "capacity"))
        .and_then(Value::as_u64)
        .filter(|&c| c > 0)
        .and_then(|c| u32::try_from(c).ok())
        .ok_or_else(|| missing("sku.capacity", "a positive sku.capacity (vCores or DTUs)"))
}

fn vcores(row: &Value) -> R<u32> {
    if let Some((v, at)) = fact(row, "vCores") {
        return v
            .as_u64()
            .filter(|&c| c > 0)
            .and_then(|c| u32::try_from(c).ok())
            .ok_or_else(|| {
                (
                    ErrorCode::InvalidValue,
                    at,
                    format!("vCores {v} is not a positive whole number"),
                )
            });
    }
    capacity(row)
}

fn paas_license(row: &Value) -> R<PaasLicenseType> {
    Ok(match license_text(row, "licenseType") {
        None => PaasLicenseType::LicenseIncluded,
        Some((s, at)) => match s.to_ascii_lowercase().as_str() {
            "licenseincluded" => PaasLicenseType::LicenseIncluded,
            "baseprice" => PaasLicenseType::BasePrice,
            _ => {
                return Err((
                    ErrorCode::UnknownVariant,
                    at,
                    format!("unknown licenseType {s:?}"),
                ));
            }
        },
    })
}

/// Locates a conversion error at `index` of `file`.
pub(crate) fn locate(
    file: &str,
    index: usize,
    row: &Value,
    (code, field, msg): (ErrorCode, String, String),
) -> Error {
    Error::at_record(
        code,
        RecordRef {
            collection: "resources",
            index,
            id: json::get_str(row, "id").map(str::to_string),
        },
        field,
        msg,
    )
    .in_file(file)
}
