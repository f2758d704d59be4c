//! Cost rows → hourly SQL usage: the conversion from what a cost export says ([`UsageRow`]) to
//! the columnar [`HourlyUsage`] the central-SQL simulation reads. It lives with the importers so
//! that `central/` never depends on an importer type.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::Serialize;

use super::usage::UsageRow;
use crate::central::{HourlyUsage, UsageRecord};
use crate::error::{Error, ErrorCode, Result};

/// How the rows of a cost export were used to build hourly SQL usage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CostRowsUsed {
    /// Rows that became usage.
    pub used: usize,
    /// Rows that are not usage charges (purchases, refunds, taxes…).
    pub not_usage: usize,
    /// Usage rows of other services (no SQL meter).
    pub not_sql: usize,
}

impl HourlyUsage {
    /// Builds hourly SQL usage from cost-export or FOCUS rows ([`UsageRow`]):
    /// usage rows whose meter category names SQL, one hour long, matched to the estate's
    /// resources by ARM id (case-insensitively). The vCores are the row's `vCores`, else its
    /// quantity; the licence price per vCore-hour is the "SQL License" meter's charge for the
    /// hour (unit price × quantity, else cost) divided by the vCores. Several rows of
    /// one resource and hour (compute and licence meters) merge. Errors name the row's line.
    pub fn from_cost_rows(
        estate: &crate::model::Estate,
        rows: &[UsageRow],
    ) -> Result<(HourlyUsage, CostRowsUsed)> {
        let ids: std::collections::HashMap<String, &str> = estate
            .resources
            .iter()
            .map(|r| (r.id.to_ascii_lowercase(), r.id.as_str()))
            .collect();
        let mut report = CostRowsUsed::default();
        let mut merged: std::collections::BTreeMap<
            (NaiveDateTime, String),
            (u32, Option<Decimal>, usize),
        > = std::collections::BTreeMap::new();
        for r in rows {
            let at = |field: &str, message: String| {
                Error::new(ErrorCode::InvalidValue, message)
                    .with_line(r.line, None)
                    .with_field(field)
            };
            if !r
                .charge_type
                .as_deref()
                .is_none_or(|c| c.eq_ignore_ascii_case("usage"))
            {
                report.not_usage += 1;
                continue;
            }
            let sql = r
                .meter_category
                .as_deref()
                .is_some_and(|c| c.to_ascii_lowercase().contains("sql"))
                || r.meter_subcategory
                    .as_deref()
                    .is_some_and(|c| c.to_ascii_lowercase().contains("sql"));
            if !sql {
                report.not_sql += 1;
                continue;
            }
            if r.end - r.start != chrono::Duration::hours(1) {
                return Err(at(
                    "start",
                    format!(
                        "the row covers {} to {}: the hourly simulation needs hourly rows",
                        r.start, r.end
                    ),
                ));
            }
            let Some(id) = r.resource_id.as_deref() else {
                return Err(at(
                    "resource_id",
                    "a SQL usage row without a resource id".into(),
                ));
            };
            let Some(&known) = ids.get(&id.to_ascii_lowercase()) else {
                return Err(Error::new(
                    ErrorCode::UnknownReference,
                    format!("no resource of the estate has id {id:?}"),
                )
                .with_line(r.line, None)
                .with_field("resource_id"));
            };
            let vcores = match (r.vcores, r.quantity) {
                (Some(v), _) => v,
                (None, Some(q)) if q.is_sign_negative() && !q.is_zero() => {
                    return Err(at("quantity", format!("quantity {q} is negative")));
                }
                (None, Some(q)) => rust_decimal::prelude::ToPrimitive::to_u32(&q.ceil())
                    .ok_or_else(|| at("quantity", format!("quantity {q} is implausible")))?,
                (None, None) => {
                    return Err(at("quantity", "a usage row without a quantity".into()));
                }
            };
            let licence = r
                .meter_subcategory
                .as_deref()
                .is_some_and(|m| m.to_ascii_lowercase().contains("license"));
            let e = merged
                .entry((r.start, known.to_string()))
                .or_insert((0, None, r.line));
            e.0 = e.0.max(vcores);
            if licence && vcores > 0 {
                // The licence meter's charge for the hour, per vCore.
                let charge =
                    match (r.unit_price, r.quantity) {
                        (Some(p), Some(q)) => Some(p.checked_mul(q).ok_or_else(|| {
                            at("unit_price", format!("{p} × {q} is out of range"))
                        })?),
                        _ => r.cost,
                    };
                e.1 = charge.map(|c| c / Decimal::from(vcores));
            }
            report.used += 1;
        }
        let records: Vec<UsageRecord> = merged
            .into_iter()
            .map(|((hour, resource), (vcores, price, _))| UsageRecord {
                resource,
                hour,
                vcores,
                licence_price_per_vcore_hour: price,
            })
            .collect();
        Ok((HourlyUsage::from_records(&records)?, report))
    }
}
