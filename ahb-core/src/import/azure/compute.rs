//! Compute: virtual machines, scale sets and dedicated hosts (API-1, API-6).

use serde_json::Value;

use super::{Ctx, R, Row, bad, count, license_text, missing, typed_str};
use super::{Pending, Spec, running};
use crate::catalogue::Catalogue;
use crate::error::ErrorCode;
use crate::import::json::{self, fact, fact_str};
use crate::model::{HostLicenseType, Os, ResourceSpec as S, VmLicenseType};

/// A virtual machine: size from the catalogue (or `vmSizeProperties.vCPUsAvailable`), OS, AHB
/// setting, dedicated host and power state.
pub(super) fn vm(row: &Value, cat: &Catalogue, cx: &Ctx) -> R<Row> {
    let id = cx.id.clone();
    let name = cx.name.clone();
    Ok({
        let (size, at) = typed_str(row, "hardwareProfile.vmSize")?
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
                    bad(
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
    })
}

/// A uniform scale set (a flexible one without a VM profile has its instances listed as VMs).
pub(super) fn scale_set(row: &Value, cat: &Catalogue, cx: &Ctx) -> R<Row> {
    let ready = |spec| cx.ready(spec);
    Ok({
        if fact(row, "virtualMachineProfile").is_none() {
            return Ok(Row::Skip("a flexible scale set without a VM profile: its instances are VMs and are imported as VMs".into()));
        }
        let sku = json::get(row, "sku").ok_or_else(|| missing("sku", "scale set `sku`"))?;
        let size =
            json::get_str(sku, "name").ok_or_else(|| missing("sku.name", "instance size"))?;
        let instances = count(json::get(sku, "capacity"), "sku.capacity")?
            .ok_or_else(|| missing("sku.capacity", "instance count"))?;
        if instances == 0 {
            return Ok(Row::Skip("a scale set with no instances".into()));
        }
        let instances = u32::try_from(instances).map_err(|_| {
            bad(
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
    })
}

/// A dedicated host: physical cores of its SKU and its host-level licence type.
pub(super) fn host(row: &Value, cat: &Catalogue, cx: &Ctx) -> R<Row> {
    let ready = |spec| cx.ready(spec);
    Ok({
        let sku = json::get(row, "sku")
            .and_then(|s| json::get_str(s, "name"))
            .ok_or_else(|| missing("sku.name", "host SKU"))?;
        let Some(facts) = cat.host_sku(sku) else {
            return Ok(Row::Unknown {
                size: sku.to_string(),
                field: "sku.name".into(),
            });
        };
        let license = match license_text(row, "licenseType")? {
            None => HostLicenseType::None,
            Some((s, at)) => match s.to_ascii_lowercase().as_str() {
                "windows_server_hybrid" => HostLicenseType::WindowsServerHybrid,
                "windows_server_perpetual" => HostLicenseType::WindowsServerPerpetual,
                _ => {
                    return Err(bad(
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
    })
}

fn vm_license(row: &Value, dotted: &str) -> R<VmLicenseType> {
    let Some((s, at)) = license_text(row, dotted)? else {
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
        bad(
            ErrorCode::UnknownVariant,
            at.clone(),
            format!("unknown licenseType {s:?}"),
        )
    })?;
    serde_json::from_value(Value::String(canonical.into()))
        .map_err(|e| bad(ErrorCode::UnknownVariant, at, e.to_string()))
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
                return Err(bad(
                    ErrorCode::UnknownVariant,
                    at,
                    format!("unknown osType {s:?}"),
                ));
            }
        },
        Some((Value::Number(n), at)) => match n.as_u64() {
            Some(0) => true,
            Some(1) => false,
            _ => {
                return Err(bad(
                    ErrorCode::UnknownVariant,
                    at,
                    format!("unknown osType {n}"),
                ));
            }
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
