//! The setting table: what each change (resource kind, pool, enable or disable) sets in Azure,
//! in the `az` form and the ARM form, with the value that undoes it (API-1…API-7).

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Value, json};

use super::ArmPatch;
use crate::error::{Error, ErrorCode, Result};
use crate::model::{Resource, ResourceSpec};
use crate::rules::Pool;
use crate::solve::Action;

/// What one change sets, in the `az` and the ARM form.
pub(super) struct Setting {
    pub az: String,
    pub az_back: String,
    pub patch: ArmPatch,
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

pub(super) fn find<'a>(
    by_id: &std::collections::HashMap<&str, &'a Resource>,
    id: &str,
) -> Result<&'a Resource> {
    by_id.get(id).copied().ok_or_else(|| {
        Error::new(
            ErrorCode::UnknownReference,
            format!("the plan changes resource {id:?}, which the estate does not hold"),
        )
        .with_field("changes.resource")
    })
}

pub(super) fn serde_str<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The setting a change makes, or an error for a change no Azure setting expresses.
pub(super) fn setting(r: &Resource, pool: Pool, action: Action) -> Result<Setting> {
    let on = match action {
        Action::Enable => true,
        Action::Disable => false,
        Action::Keep | Action::KeepOff => {
            return Err(Error::new(
                ErrorCode::InvalidValue,
                format!("{}: keep is not a change", r.id),
            ));
        }
    };
    let id = &r.id;
    let unsupported = || {
        Error::new(
            ErrorCode::InvalidValue,
            format!(
                "no Azure setting changes the {} benefit of {} {id}",
                pool.display_name(),
                r.spec.kind()
            ),
        )
        .with_field("changes.pool")
    };
    // (az command group, ARM api-version, JSON path of the setting, new value, today's value)
    let (group, api, path, new, old): (&str, &str, &[&str], String, String) = match (&r.spec, pool)
    {
        (
            ResourceSpec::Vm { license_type, .. } | ResourceSpec::ScaleSet { license_type, .. },
            Pool::WindowsServer | Pool::Rhel | Pool::Sles,
        ) => {
            let new = match (pool, on) {
                (Pool::WindowsServer, true) => "Windows_Server",
                (Pool::WindowsServer, false) => "None",
                (Pool::Rhel, true) => "RHEL_BYOS",
                (Pool::Rhel, false) => "RHEL_BASE",
                (_, true) => "SLES_BYOS",
                (_, false) => "SLES",
            };
            let vmss = matches!(r.spec, ResourceSpec::ScaleSet { .. });
            (
                if vmss { "vmss" } else { "vm" },
                "2024-07-01",
                if vmss {
                    &["properties", "virtualMachineProfile", "licenseType"]
                } else {
                    &["properties", "licenseType"]
                },
                new.to_string(),
                serde_str(license_type),
            )
        }
        (ResourceSpec::DedicatedHost { license_type, .. }, Pool::WindowsServer) => (
            "vm host",
            "2024-07-01",
            &["properties", "licenseType"],
            if on { "Windows_Server_Hybrid" } else { "None" }.to_string(),
            serde_str(license_type),
        ),
        (ResourceSpec::DedicatedHost { .. }, Pool::SqlServer) => {
            // SQL Server host-level AHB is a Microsoft.SoftwarePlan/hybridUseBenefits child of
            // the host (docs/IMPORT-FORMATS.md §1.2), created to enable and deleted to disable.
            let url = format!(
                "{id}/providers/Microsoft.SoftwarePlan/hybridUseBenefits/SQL_Server_Perpetual?api-version=2019-12-01"
            );
            let body = json!({"sku": {"name": "SQL_Server_Perpetual"}});
            let put = format!(
                "az rest --method put --url {} --body {}",
                q(&format!("https://management.azure.com{url}")),
                q(&body.to_string())
            );
            let del = format!(
                "az rest --method delete --url {}",
                q(&format!("https://management.azure.com{url}"))
            );
            let (az, az_back) = if on { (put, del) } else { (del, put) };
            return Ok(Setting {
                az,
                az_back,
                patch: ArmPatch {
                    resource: id.clone(),
                    kind: r.spec.kind(),
                    pool,
                    action,
                    method: if on { "PUT" } else { "DELETE" },
                    url,
                    body: if on { body.clone() } else { Value::Null },
                    rollback_method: if on { "DELETE" } else { "PUT" },
                    rollback_body: if on { Value::Null } else { body },
                },
            });
        }
        (ResourceSpec::SqlVm { license_type, .. }, Pool::SqlServer) => (
            "sql vm",
            "2023-10-01",
            &["properties", "sqlServerLicenseType"],
            if on { "AHUB" } else { "PAYG" }.to_string(),
            serde_str(license_type),
        ),
        (
            ResourceSpec::SqlDatabase { license_type, .. }
            | ResourceSpec::SqlElasticPool { license_type, .. }
            | ResourceSpec::SqlManagedInstance { license_type, .. }
            | ResourceSpec::SqlInstancePool { license_type, .. }
            | ResourceSpec::SsisRuntime { license_type, .. },
            Pool::SqlServer,
        ) => {
            let (group, api, path): (&str, &str, &[&str]) = match r.spec {
                ResourceSpec::SqlDatabase { .. } => {
                    ("sql db", "2021-11-01", &["properties", "licenseType"])
                }
                ResourceSpec::SqlElasticPool { .. } => (
                    "sql elastic-pool",
                    "2021-11-01",
                    &["properties", "licenseType"],
                ),
                ResourceSpec::SqlManagedInstance { .. } => {
                    ("sql mi", "2021-11-01", &["properties", "licenseType"])
                }
                ResourceSpec::SqlInstancePool { .. } => (
                    "sql instance-pool",
                    "2021-11-01",
                    &["properties", "licenseType"],
                ),
                _ => (
                    "resource",
                    "2018-06-01",
                    &[
                        "properties",
                        "typeProperties",
                        "ssisProperties",
                        "licenseType",
                    ],
                ),
            };
            (
                group,
                api,
                path,
                if on { "BasePrice" } else { "LicenseIncluded" }.to_string(),
                serde_str(license_type),
            )
        }
        (ResourceSpec::AksHybrid { ahb, .. }, Pool::WindowsServer) => (
            "resource",
            "2024-01-01",
            &["properties", "licenseProfile", "azureHybridBenefit"],
            if on { "True" } else { "False" }.to_string(),
            if *ahb { "True" } else { "False" }.to_string(),
        ),
        (ResourceSpec::AzureLocalCluster { ahb, .. }, Pool::WindowsServer) => {
            let intent = |b: bool| if b { "Enable" } else { "Disable" };
            let cmd = |b: bool| {
                format!(
                    "az stack-hci cluster extend-software-assurance-benefit --ids {} --software-assurance-intent {}",
                    q(id),
                    intent(b)
                )
            };
            return Ok(Setting {
                az: cmd(on),
                az_back: cmd(*ahb),
                patch: ArmPatch {
                    resource: id.clone(),
                    kind: r.spec.kind(),
                    pool,
                    action,
                    method: "POST",
                    url: format!("{id}/extendSoftwareAssuranceBenefit?api-version=2024-04-01"),
                    body: json!({"softwareAssuranceIntent": intent(on)}),
                    rollback_method: "POST",
                    rollback_body: json!({"softwareAssuranceIntent": intent(*ahb)}),
                },
            });
        }
        _ => return Err(unsupported()),
    };
    let az_line = |value: &str| {
        if group == "resource" {
            format!(
                "az resource update --ids {} --set {}={}",
                q(id),
                path.join("."),
                q(value)
            )
        } else {
            let mut s = format!(
                "az {group} update --ids {} --license-type {}",
                q(id),
                q(value)
            );
            if group == "vmss" {
                // Instances of a manual-upgrade scale set keep the old setting until upgraded.
                let _ = write!(
                    s,
                    " && az vmss update-instances --ids {} --instance-ids '*'",
                    q(id)
                );
            }
            s
        }
    };
    let nest = |value: &str| {
        let mut v = Value::String(value.to_string());
        for key in path.iter().rev() {
            v = json!({ *key: v });
        }
        v
    };
    let method = if group == "sql vm" { "PUT" } else { "PATCH" };
    Ok(Setting {
        az: az_line(&new),
        az_back: az_line(&old),
        patch: ArmPatch {
            resource: id.clone(),
            kind: r.spec.kind(),
            pool,
            action,
            method,
            url: format!("{id}?api-version={api}"),
            body: nest(&new),
            rollback_method: method,
            rollback_body: nest(&old),
        },
    })
}
