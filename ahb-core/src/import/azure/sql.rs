//! SQL Server: SQL IaaS Agent VMs, databases, elastic pools, managed instances and instance
//! pools (API-2, API-3).

use serde_json::Value;

use super::{Ctx, R, Row, bad, count, license_text, missing, typed_str};
use super::{Pending, Spec};
use crate::error::ErrorCode;
use crate::import::json::{self, fact, fact_str};
use crate::model::{
    PaasLicenseType, ResourceSpec as S, SqlCompute, SqlTier, SqlVmEdition, SqlVmLicenseType,
};

/// A SQL IaaS Agent resource: edition and licence type; vCPUs come from its compute VM.
pub(super) fn sql_vm(row: &Value, cx: &Ctx) -> R<Row> {
    let id = cx.id.clone();
    let name = cx.name.clone();
    Ok({
        let (ed, at) = typed_str(row, "sqlImageSku")?
            .ok_or_else(|| missing("properties.sqlImageSku", "SQL edition (sqlImageSku)"))?;
        let edition = match ed.to_ascii_lowercase().as_str() {
            "enterprise" => SqlVmEdition::Enterprise,
            "standard" => SqlVmEdition::Standard,
            "developer" => SqlVmEdition::Developer,
            "express" => SqlVmEdition::Express,
            "web" => SqlVmEdition::Web,
            "evaluation" => SqlVmEdition::Evaluation,
            _ => {
                return Err(bad(
                    ErrorCode::UnknownVariant,
                    at,
                    format!("unknown sqlImageSku {ed:?}"),
                ));
            }
        };
        let license = match license_text(row, "sqlServerLicenseType")? {
            None => SqlVmLicenseType::Payg,
            Some((s, at)) => match s.to_ascii_uppercase().as_str() {
                "PAYG" => SqlVmLicenseType::Payg,
                "AHUB" => SqlVmLicenseType::Ahub,
                "DR" => SqlVmLicenseType::Dr,
                _ => {
                    return Err(bad(
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
    })
}

/// A single SQL database (a pooled one is carried by its elastic pool).
pub(super) fn database(row: &Value, cx: &Ctx) -> R<Row> {
    let ready = |spec| cx.ready(spec);
    Ok({
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
            .and_then(|(s, _)| crate::text::parse_datetime(s, None).ok())
            .map(|d| d.date());
        // A secondary says so (`secondaryType`: `Geo`, `Named`, `Standby`); a standby is the
        // licence-free DR replica of SQL-14. Its primary is named by the failover group or
        // replication link, or by `sourceDatabaseId` where the row carries it.
        let secondary = typed_str(row, "secondaryType")?;
        let standby = secondary
            .as_ref()
            .is_some_and(|(s, _)| s.eq_ignore_ascii_case("standby"));
        let replica_of = match secondary {
            Some(_) => typed_str(row, "sourceDatabaseId")?.map(|(s, _)| s.to_string()),
            None => None,
        };
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
            standby,
            // Checked and resolved against the import in `Importer::finish`.
            replica_of,
        })
    })
}

/// A SQL elastic pool.
pub(super) fn elastic_pool(row: &Value, cx: &Ctx) -> R<Row> {
    let ready = |spec| cx.ready(spec);
    Ok({
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
    })
}

/// A SQL managed instance (one in an instance pool is carried by the pool).
pub(super) fn managed_instance(row: &Value, cx: &Ctx) -> R<Row> {
    let ready = |spec| cx.ready(spec);
    Ok({
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
    })
}

/// A SQL managed instance pool.
pub(super) fn instance_pool(row: &Value, cx: &Ctx) -> R<Row> {
    let ready = |spec| cx.ready(spec);
    Ok({
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
    })
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
                return Err(bad(
                    ErrorCode::UnknownVariant,
                    "sku.tier".into(),
                    format!("unknown SQL tier {tier:?}"),
                ));
            }
        },
    ))
}

fn capacity(row: &Value) -> R<u32> {
    count(
        json::get(row, "sku").and_then(|s| json::get(s, "capacity")),
        "sku.capacity",
    )?
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
                bad(
                    ErrorCode::InvalidValue,
                    at,
                    format!("vCores {v} is not a positive whole number"),
                )
            });
    }
    capacity(row)
}

fn paas_license(row: &Value) -> R<PaasLicenseType> {
    Ok(match license_text(row, "licenseType")? {
        None => PaasLicenseType::LicenseIncluded,
        Some((s, at)) => match s.to_ascii_lowercase().as_str() {
            "licenseincluded" => PaasLicenseType::LicenseIncluded,
            "baseprice" => PaasLicenseType::BasePrice,
            _ => {
                return Err(bad(
                    ErrorCode::UnknownVariant,
                    at,
                    format!("unknown licenseType {s:?}"),
                ));
            }
        },
    })
}
