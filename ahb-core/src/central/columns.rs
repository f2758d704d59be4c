//! Hourly usage from columns: the path behind data frames (pandas `usage_from_frame` in
//! Python). The face decodes its buffers; the checks are the core's, as for the CSV.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde_json::Value;

use super::usage::{HourlyUsage, NO_PRICE};
use crate::error::{Error, ErrorCode, RecordRef, Result};
use crate::model::columns::Column;

fn row_error(row: usize, column: &str, message: impl Into<String>) -> Error {
    Error::at_record(
        ErrorCode::InvalidValue,
        RecordRef {
            collection: "usage",
            index: row,
            id: None,
        },
        column,
        message,
    )
}

const PRICE: &str = "licence_price_per_vcore_hour";

impl HourlyUsage {
    /// Builds hourly usage from columns: hour 0 (`start`), the distinct resource ids, then per
    /// row the index of the resource, the seconds since hour 0, the vCores and (optionally)
    /// the licence price per vCore-hour (an amount column; a missing cell means the estate's
    /// prices).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidValue`] naming the row and the column: columns of different lengths,
    /// a resource index out of range, a time that is not the start of an hour at or after
    /// `start`, vCores out of range, a negative or unreadable price; and the checks of
    /// [`HourlyUsage::check`] (order, duplicates).
    ///
    /// # Examples
    ///
    /// ```
    /// use ahb_core::central::HourlyUsage;
    /// let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    /// let usage =
    ///     HourlyUsage::from_columns(start, vec!["db1".into()], &[0, 0], &[0, 3600], &[4, 8], None)
    ///         .unwrap();
    /// assert_eq!(usage.hours(), 2);
    /// ```
    pub fn from_columns(
        start: NaiveDateTime,
        resources: Vec<String>,
        resource: &[i64],
        seconds: &[i64],
        vcores: &[i64],
        price: Option<&Column>,
    ) -> Result<HourlyUsage> {
        let n = resource.len();
        for (name, len) in [("hour", seconds.len()), ("vcores", vcores.len())] {
            if len != n {
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    format!("column {name:?} has {len} rows, `resource` {n}"),
                )
                .with_field(name));
            }
        }
        let mut u = HourlyUsage {
            start,
            resource: Vec::with_capacity(n),
            hour: Vec::with_capacity(n),
            vcores: Vec::with_capacity(n),
            price_micro: Vec::with_capacity(n),
            resources,
        };
        for i in 0..n {
            let r = u32::try_from(resource[i])
                .ok()
                .filter(|&r| (r as usize) < u.resources.len())
                .ok_or_else(|| row_error(i, "resource", "missing resource"))?;
            let s = seconds[i];
            if s < 0 || s % 3600 != 0 {
                return Err(row_error(
                    i,
                    "hour",
                    "not the start of an hour at or after the first row's hour",
                ));
            }
            let hour = u32::try_from(s / 3600)
                .map_err(|_| row_error(i, "hour", "too far after the first row's hour"))?;
            let v = u32::try_from(vcores[i])
                .map_err(|_| row_error(i, "vcores", format!("{} vCores", vcores[i])))?;
            let p = match price
                .map(|c| c.value(i, "usage", true))
                .transpose()?
                .flatten()
            {
                None => NO_PRICE,
                Some(Value::String(text)) => micro_price(i, &text)?,
                Some(other) => return Err(row_error(i, PRICE, format!("invalid amount {other}"))),
            };
            u.resource.push(r);
            u.hour.push(hour);
            u.vcores.push(v);
            u.price_micro.push(p);
        }
        u.check()?;
        Ok(u)
    }
}

/// A non-negative price per vCore-hour in micro-units.
fn micro_price(row: usize, text: &str) -> Result<i64> {
    let d = crate::text::parse_decimal(text)
        .ok_or_else(|| row_error(row, PRICE, format!("invalid amount {text:?}")))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(row_error(row, PRICE, format!("price {d} is negative")));
    }
    d.checked_mul(Decimal::from(1_000_000))
        .and_then(|m| i64::try_from(m.round().mantissa()).ok())
        .filter(|&m| m != NO_PRICE)
        .ok_or_else(|| row_error(row, PRICE, format!("price {d} is too large")))
}
