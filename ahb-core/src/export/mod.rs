//! Actions out: a [`Plan`]'s changes as an `az` CLI script and as ARM/JSON patches, each with its
//! rollback, and the [`Position`] and the [`Plan`] as JSON and CSV.
//!
//! The exporters translate a change (resource, pool, enable or disable) into Azure's own setting
//! for that resource kind (API-1…API-7): `licenseType` `Windows_Server` / `None`, `RHEL_BYOS` /
//! `RHEL_BASE`, `SLES_BYOS` / `SLES`, `sqlServerLicenseType` `AHUB` / `PAYG`, `licenseType`
//! `BasePrice` / `LicenseIncluded`, host `Windows_Server_Hybrid` / `None`, AKS Arc
//! `azureHybridBenefit`, Azure Local software assurance. The rollback restores the value the
//! estate records today, so running it returns every resource to where it was.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Value, json};

use crate::error::{Error, ErrorCode, Result};
use crate::model::{Estate, Resource, ResourceSpec};
use crate::position::Position;
use crate::rules::Pool;
use crate::solve::{Action, Plan};

/// The `schema` value of [`arm_patches`] output.
pub const PATCHES_SCHEMA: &str = "ahb.patches/1";

/// An `az` script and the script that undoes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzScript {
    /// Applies the plan's changes.
    pub apply: String,
    /// Restores today's settings, in reverse order.
    pub rollback: String,
}

/// One ARM request that applies a change, with the request that undoes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmPatch {
    /// The resource.
    pub resource: String,
    /// Its kind.
    pub kind: &'static str,
    /// The pool of the change.
    pub pool: Pool,
    /// Enable or disable.
    pub action: Action,
    /// HTTP method: `PATCH`, or `PUT` where the resource's PATCH does not accept the setting
    /// (SQL VMs: read the resource, merge `body`, PUT it back), or `POST` for an action.
    pub method: &'static str,
    /// Path and query below `https://management.azure.com`.
    pub url: String,
    /// The body to send (a JSON merge patch for `PATCH` and `PUT`).
    pub body: Value,
    /// The method of the rollback request.
    pub rollback_method: &'static str,
    /// The body of the rollback request (today's setting), `null` for a `DELETE`.
    pub rollback_body: Value,
}

#[derive(Serialize)]
struct Patches<'a> {
    schema: &'static str,
    as_of: chrono::NaiveDate,
    patches: &'a [ArmPatch],
}

/// What one change sets, in the `az` and the ARM form.
struct Setting {
    az: String,
    az_back: String,
    patch: ArmPatch,
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn find<'a>(
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

fn serde_str<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The setting a change makes, or an error for a change no Azure setting expresses.
fn setting(r: &Resource, pool: Pool, action: Action) -> Result<Setting> {
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
                "no Azure setting changes the {pool:?} benefit of {} {id}",
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
            // the host (data.md §1.5), created to enable and deleted to disable.
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

fn settings(estate: &Estate, plan: &Plan) -> Result<Vec<Setting>> {
    // Resources by id, once: one lookup per change (the first of a duplicated id wins, as a
    // scan would find it).
    let mut by_id = std::collections::HashMap::with_capacity(estate.resources.len());
    for r in &estate.resources {
        by_id.entry(r.id.as_str()).or_insert(r);
    }
    plan.changes
        .iter()
        .map(|c| setting(find(&by_id, &c.resource)?, c.pool, c.action))
        .collect()
}

/// The plan's changes as a bash script of `az` commands, and its rollback. Commands run in the
/// plan's order; `set -euo pipefail` stops at the first failure so the rollback of the changes
/// made so far can be run.
pub fn az_script(estate: &Estate, plan: &Plan) -> Result<AzScript> {
    let s = settings(estate, plan)?;
    let header = |what: &str| {
        format!(
            "#!/usr/bin/env bash\n# ahb {}: {what} for the plan of {} ({} changes, {} per month)\nset -euo pipefail\n",
            plan.engine,
            plan.as_of,
            plan.changes.len(),
            plan.totals.monthly_savings
        )
    };
    let mut apply = header("apply");
    let mut rollback = header("rollback");
    for (c, st) in plan.changes.iter().zip(&s) {
        let _ = writeln!(
            apply,
            "# {} {}: {} units, savings {} per month",
            serde_str(&c.action),
            serde_str(&c.pool),
            c.units,
            c.monthly_savings_delta
                .map_or_else(|| "unpriced".to_string(), |d| d.to_string())
        );
        let _ = writeln!(apply, "{}", st.az);
    }
    for (c, st) in plan.changes.iter().zip(&s).rev() {
        let _ = writeln!(
            rollback,
            "# undo {} {} of {}",
            serde_str(&c.action),
            serde_str(&c.pool),
            c.resource
        );
        let _ = writeln!(rollback, "{}", st.az_back);
    }
    Ok(AzScript { apply, rollback })
}

/// The plan's changes as ARM requests with their rollbacks.
pub fn arm_patches(estate: &Estate, plan: &Plan) -> Result<Vec<ArmPatch>> {
    Ok(settings(estate, plan)?
        .into_iter()
        .map(|s| s.patch)
        .collect())
}

/// [`arm_patches`] as versioned JSON (`ahb.patches/1`).
pub fn arm_patches_json(estate: &Estate, plan: &Plan) -> Result<String> {
    let patches = arm_patches(estate, plan)?;
    Ok(serde_json::to_string_pretty(&Patches {
        schema: PATCHES_SCHEMA,
        as_of: plan.as_of,
        patches: &patches,
    })
    .expect("patches always serialise"))
}

/// The position as JSON (`ahb.position/1`).
pub fn position_json(position: &Position) -> String {
    position.to_json()
}

/// The plan as JSON (`ahb.plan/1`).
pub fn plan_json(plan: &Plan) -> String {
    plan.to_json()
}

/// RFC 4180 quoting: only when needed.
fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The position as CSV: one row per requirement of each resource (a resource without any
/// requirement gets one row with an empty pool), with the rule IDs of its reasons.
pub fn position_csv(position: &Position) -> String {
    let mut o = String::from(
        "resource,kind,scope,pool,units,eligible,claimed,monthly_savings,hourly_savings,rules\n",
    );
    for a in &position.resources {
        let scope = a.scope.clone().unwrap_or_default();
        if a.requirements.is_empty() {
            let rules: Vec<&str> = a.notes.iter().map(|r| r.rule).collect();
            let _ = writeln!(
                o,
                "{},{},{},,,,,,,{}",
                cell(&a.resource),
                a.kind,
                cell(&scope),
                cell(&rules.join(" "))
            );
        }
        for r in &a.requirements {
            let rules: Vec<&str> = r.reasons.iter().map(|x| x.rule).collect();
            let _ = writeln!(
                o,
                "{},{},{},{},{},{},{},{},{},{}",
                cell(&a.resource),
                a.kind,
                cell(&scope),
                serde_str(&r.pool),
                r.units,
                r.eligible,
                r.claimed,
                opt(r.monthly_savings),
                opt(r.hourly_savings),
                cell(&rules.join(" "))
            );
        }
    }
    o
}

/// The plan as CSV: one row per assignment, with the licence lines that cover it.
pub fn plan_csv(plan: &Plan) -> String {
    let mut o = String::from(
        "resource,kind,pool,action,carry,claimed_today,units,lines,monthly_savings,rules\n",
    );
    for a in &plan.assignments {
        let lines: Vec<String> = a
            .lines
            .iter()
            .map(|l| format!("{}:{}", l.line, l.units))
            .collect();
        let rules: Vec<&str> = a.reasons.iter().map(|x| x.rule).collect();
        let _ = writeln!(
            o,
            "{},{},{},{},{},{},{},{},{},{}",
            cell(&a.resource),
            a.kind,
            serde_str(&a.pool),
            serde_str(&a.action),
            a.carry,
            a.claimed_today,
            a.units,
            cell(&lines.join(" ")),
            opt(a.monthly_savings),
            cell(&rules.join(" "))
        );
    }
    o
}
