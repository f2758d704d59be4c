//! Hourly SQL usage, as cost exports give it (one row per resource and hour) and in a columnar
//! form for a year of data: struct-of-arrays, rows in hour order.

use chrono::{NaiveDateTime, Timelike};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, RecordRef, Result};

/// One resource's usage in one hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageRecord {
    /// The resource id (as in the estate).
    pub resource: String,
    /// The start of the hour (minutes and seconds zero).
    pub hour: NaiveDateTime,
    /// vCores (or vCPUs of a SQL VM) used in the hour.
    pub vcores: u32,
    /// Licence price per vCore-hour saved when covered (pay-as-you-go minus AHB meter);
    /// absent means the estate's prices for the resource.
    #[serde(
        default,
        deserialize_with = "crate::money::de_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub licence_price_per_vcore_hour: Option<Decimal>,
}

/// Columnar hourly usage: `resource[i]`, `hour[i]`, `vcores[i]`, `price_micro[i]` describe
/// row `i`; hours are counted from `start`; rows are in non-decreasing hour order and a
/// resource appears at most once per hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourlyUsage {
    /// Hour 0.
    pub start: NaiveDateTime,
    /// The resource ids rows refer to by index.
    pub resources: Vec<String>,
    /// Index into `resources`, per row.
    pub resource: Vec<u32>,
    /// Hours since `start`, per row.
    pub hour: Vec<u32>,
    /// vCores, per row.
    pub vcores: Vec<u32>,
    /// Licence price per vCore-hour in micro-units, or `i64::MIN` for "from the estate".
    pub price_micro: Vec<i64>,
}

/// The longest usage ahb simulates: ten years of hours (10 × 366 × 24). The per-hour series are
/// allocated only after the span is checked against it, so rows at years 0001 and 9999 are an
/// error, not an allocation of 87 million hours.
pub const MAX_USAGE_HOURS: u32 = 87_840;

/// Marks an absent price in [`HourlyUsage::price_micro`].
pub const NO_PRICE: i64 = i64::MIN;

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

fn span_error(row: usize, hour: u32) -> Error {
    row_error(
        row,
        "hour",
        format!(
            "the row is {hour} hours after the first row: the usage may span at most \
             {MAX_USAGE_HOURS} hours (ten years)"
        ),
    )
}

impl HourlyUsage {
    /// Builds the columnar form from rows, checking order and duplicates; errors name the row
    /// (zero-based) and the column.
    pub fn from_records(records: &[UsageRecord]) -> Result<HourlyUsage> {
        let Some(first) = records.first() else {
            return Err(Error::new(ErrorCode::InvalidValue, "the usage has no rows"));
        };
        let start = first.hour;
        let mut index = std::collections::HashMap::new();
        let mut u = HourlyUsage {
            start,
            resources: Vec::new(),
            resource: Vec::with_capacity(records.len()),
            hour: Vec::with_capacity(records.len()),
            vcores: Vec::with_capacity(records.len()),
            price_micro: Vec::with_capacity(records.len()),
        };
        for (row, r) in records.iter().enumerate() {
            if r.hour.minute() != 0 || r.hour.second() != 0 {
                return Err(row_error(
                    row,
                    "hour",
                    format!("{} is not the start of an hour", r.hour),
                ));
            }
            let hours = (r.hour - start).num_hours();
            let hour = u32::try_from(hours).map_err(|_| {
                row_error(
                    row,
                    "hour",
                    format!("{} is before the first row's hour {start}", r.hour),
                )
            })?;
            if hour >= MAX_USAGE_HOURS {
                return Err(span_error(row, hour));
            }
            let next = index.len() as u32;
            let res = *index.entry(r.resource.clone()).or_insert(next);
            if res == next {
                u.resources.push(r.resource.clone());
            }
            let price = match r.licence_price_per_vcore_hour {
                None => NO_PRICE,
                Some(p) if p.is_sign_negative() && !p.is_zero() => {
                    return Err(row_error(
                        row,
                        "licence_price_per_vcore_hour",
                        format!("price {p} is negative"),
                    ));
                }
                Some(p) => {
                    crate::money::check_amount(p)
                        .map_err(|m| row_error(row, "licence_price_per_vcore_hour", m))?;
                    i64::try_from(super::micro(p)).map_err(|_| {
                        row_error(row, "licence_price_per_vcore_hour", "price is too large")
                    })?
                }
            };
            u.resource.push(res);
            u.hour.push(hour);
            u.vcores.push(r.vcores);
            u.price_micro.push(price);
        }
        u.check()?;
        Ok(u)
    }

    /// Checks the columnar invariants: equal lengths, known resource indices, hours in order,
    /// no resource twice in an hour, plausible vCores.
    pub fn check(&self) -> Result<()> {
        let n = self.resource.len();
        for (name, len) in [
            ("hour", self.hour.len()),
            ("vcores", self.vcores.len()),
            ("price_micro", self.price_micro.len()),
        ] {
            if len != n {
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    format!("column `{name}` has {len} rows, column `resource` has {n}"),
                )
                .with_field(name));
            }
        }
        let mut last_hour = vec![u32::MAX; self.resources.len()];
        let mut previous = 0;
        for row in 0..n {
            let (res, hour) = (self.resource[row], self.hour[row]);
            let Some(seen) = last_hour.get_mut(res as usize) else {
                return Err(row_error(
                    row,
                    "resource",
                    format!("resource index {res} is out of range"),
                ));
            };
            if hour < previous {
                return Err(row_error(
                    row,
                    "hour",
                    format!("hour {hour} comes after hour {previous}: rows must be in hour order"),
                ));
            }
            if hour >= MAX_USAGE_HOURS {
                return Err(span_error(row, hour));
            }
            if *seen == hour {
                return Err(row_error(
                    row,
                    "hour",
                    format!(
                        "{:?} appears twice in hour {hour}",
                        self.resources[res as usize]
                    ),
                ));
            }
            if self.vcores[row] > 4096 {
                return Err(row_error(
                    row,
                    "vcores",
                    format!("{} vCores is implausible", self.vcores[row]),
                ));
            }
            *seen = hour;
            previous = hour;
        }
        Ok(())
    }

    /// Number of hours covered (the last row's hour + 1).
    pub fn hours(&self) -> u32 {
        self.hour.last().map_or(0, |h| h + 1)
    }
}

impl HourlyUsage {
    /// Reads usage from CSV text with the header `resource,hour,vcores,licence_price_per_vcore_hour`
    /// (hour as `YYYY-MM-DDTHH:00:00` or `YYYY-MM-DD HH:00`, price optional; the price column
    /// may be spelled `license_price_per_vcore_hour`). Fields are not
    /// quoted; a UTF-8 byte-order mark and CRLF line ends are accepted. Errors give the line and
    /// the column.
    pub fn from_csv(text: &str) -> Result<HourlyUsage> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let expected = ["resource", "hour", "vcores", "licence_price_per_vcore_hour"];
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut row = csv::ByteRecord::new();
        let csv_error = |e: csv::Error| {
            let line = e.position().map_or(1, |p| p.line() as usize);
            Error::parse(line, 1, format!("the usage CSV does not read: {e}"))
        };
        if !reader.read_byte_record(&mut row).map_err(csv_error)? {
            return Err(Error::parse(1, 1, "the usage CSV is empty"));
        }
        let header: Vec<String> = row
            .iter()
            .map(|c| String::from_utf8_lossy(c).to_ascii_lowercase())
            .collect();
        // The price column's name may spell *licence* the American way.
        let price_header = |c: &String| c == expected[3] || c == "license_price_per_vcore_hour";
        if header.len() < 3
            || header[..3] != expected[..3]
            || header.get(3).is_some_and(|c| !price_header(c))
        {
            return Err(Error::parse(
                1,
                1,
                format!("the header must be {}", expected.join(",")),
            ));
        }
        let mut records = Vec::new();
        while reader.read_byte_record(&mut row).map_err(csv_error)? {
            let n = row.position().map_or(0, |p| p.line() as usize);
            if row.iter().all(<[u8]>::is_empty) {
                continue;
            }
            if row.len() < 3 || row.len() > header.len() {
                return Err(Error::parse(
                    n,
                    1,
                    format!("expected {} fields, found {}", header.len(), row.len()),
                ));
            }
            // The column where field `k` starts (fields as written, one comma between them).
            let col = |k: usize| row.iter().take(k).map(|c| c.len() + 1).sum::<usize>() + 1;
            let cell = |k: usize| {
                std::str::from_utf8(&row[k]).map_err(|_| {
                    Error::parse(n, col(k), "the field is not valid UTF-8").with_field(expected[k])
                })
            };
            let hour_text = cell(1)?;
            let hour = crate::text::parse_datetime(hour_text, None).map_err(|e| match e {
                // A date, but not one to compute with: a value error, at its line.
                crate::text::DateError::OutOfRange => Error::new(
                    ErrorCode::InvalidValue,
                    format!("`hour` {hour_text:?} is outside the years 1900–2199"),
                )
                .with_line(n, Some(col(1)))
                .with_field("hour"),
                _ => Error::parse(
                    n,
                    col(1),
                    format!("`hour` {hour_text:?} is not a date and hour"),
                )
                .with_field("hour"),
            })?;
            let vcores_text = cell(2)?;
            let vcores = vcores_text.parse::<u32>().map_err(|_| {
                Error::parse(
                    n,
                    col(2),
                    format!("`vcores` {vcores_text:?} is not a count of vCores"),
                )
                .with_field("vcores")
            })?;
            let price = match row.get(3).filter(|c| !c.is_empty()) {
                None => None,
                Some(_) => {
                    let c = cell(3)?;
                    // The syntax of every reader here; the bounds with the row's other checks.
                    Some(crate::text::parse_decimal(c).ok_or_else(|| {
                        Error::parse(
                            n,
                            col(3),
                            format!("`licence_price_per_vcore_hour` {c:?} is not an amount"),
                        )
                        .with_field("licence_price_per_vcore_hour")
                    })?)
                }
            };
            records.push(UsageRecord {
                resource: cell(0)?.to_string(),
                hour,
                vcores,
                licence_price_per_vcore_hour: price,
            });
        }
        HourlyUsage::from_records(&records)
    }
}
