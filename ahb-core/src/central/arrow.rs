//! Hourly usage from Parquet files and Arrow record batches (cargo feature `parquet`).
//!
//! A second front end to the reader of [`HourlyUsage::from_csv`]: typed cells are converted
//! here, text cells through the CSV reader's own cell parsers, and every row goes through the
//! same builder with the same checks, so a table and its CSV are accepted or refused alike,
//! with the same error codes; where the CSV reader names a line, this one names the
//! zero-based row (`usage[row]`).

use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt64Type,
};
use arrow_array::{Array, PrimitiveArray, RecordBatch, RecordBatchReader};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, Schema, TimeUnit};
use chrono::{NaiveDateTime, Timelike};
use rust_decimal::Decimal;

use super::usage::{
    CellError, ColumnBuilder, Hour, HourlyUsage, MAX_USAGE_HOURS, Price, Resource, fast_micro,
    hour_from_text, hour_in_range, price_from_text, vcores_from_text,
};
use crate::arrow::{Strs, arrow_error, open_parquet, parquet_bytes};
use crate::error::{Error, ErrorCode, Result};

const COLUMNS: &str = "resource, hour, vcores and optionally licence_price_per_vcore_hour";

/// Whether a column name is one of usage's (as the CSV header: any case, the price column
/// spelled *licence* or *license*).
fn usage_column(name: &str) -> Option<usize> {
    let n = name.trim().to_ascii_lowercase();
    match n.as_str() {
        "resource" => Some(0),
        "hour" => Some(1),
        "vcores" => Some(2),
        "licence_price_per_vcore_hour" | "license_price_per_vcore_hour" => Some(3),
        _ => None,
    }
}

/// The positions of usage's columns in `schema`, their types checked.
fn positions(schema: &Schema) -> Result<[Option<usize>; 4]> {
    let mut at = [None; 4];
    for (i, f) in schema.fields().iter().enumerate() {
        if let Some(k) = usage_column(f.name()) {
            if at[k].is_some() {
                return Err(Error::new(
                    ErrorCode::Parse,
                    format!("the usage table has two `{}` columns", f.name().trim()),
                )
                .with_field(f.name().trim().to_string()));
            }
            at[k] = Some(i);
        }
    }
    for (k, name) in ["resource", "hour", "vcores"].into_iter().enumerate() {
        if at[k].is_none() {
            return Err(Error::new(
                ErrorCode::Parse,
                format!("the usage table has no `{name}` column (it needs {COLUMNS})"),
            )
            .with_field(name));
        }
    }
    for (k, i) in at.iter().enumerate() {
        if let Some(i) = *i {
            let t = schema.field(i).data_type();
            let ok = match k {
                0 => crate::arrow::is_text(t),
                1 => matches!(t, DataType::Timestamp(..)) || crate::arrow::is_text(t),
                2 => t.is_integer() || t.is_floating() || crate::arrow::is_text(t),
                _ => t.is_numeric() || crate::arrow::is_text(t) || matches!(t, DataType::Null),
            };
            if !ok {
                let name = ["resource", "hour", "vcores", "licence_price_per_vcore_hour"][k];
                let want = [
                    "text",
                    "a timestamp or text",
                    "integers, whole floats or text",
                    "decimals, floats, integers or text",
                ][k];
                return Err(Error::new(
                    ErrorCode::Parse,
                    format!("the `{name}` column is of type {t}, not {want}"),
                )
                .with_field(name));
            }
        }
    }
    Ok(at)
}

/// The keys of a dictionary: 32-bit (pyarrow's and polars' choice) read in place, others
/// normalised.
enum Keys<'a> {
    I32(&'a [i32]),
    Other(Vec<usize>),
}

impl Keys<'_> {
    fn get(&self, i: usize) -> usize {
        match self {
            // A negative key is out of range, as a key beyond the values is.
            Keys::I32(k) => usize::try_from(k[i]).unwrap_or(usize::MAX),
            Keys::Other(k) => k[i],
        }
    }
}

/// The resource column of a batch: plain strings, or a dictionary of strings (its keys and its
/// values, each value's resource index remembered once known).
enum ResourceCol<'a> {
    Plain(Strs<'a>),
    Dict {
        keys: Keys<'a>,
        array: &'a dyn Array,
        values: Strs<'a>,
        known: Vec<Option<u32>>,
    },
}

/// The hour column of a batch: timestamps (in `unit`s since 1970, UTC) or text.
enum HourCol<'a> {
    Stamp {
        values: &'a [i64],
        nulls: Option<&'a NullBuffer>,
        unit: TimeUnit,
    },
    Text(Strs<'a>),
}

/// The vCores column of a batch.
enum VcoresCol<'a> {
    Signed32(&'a PrimitiveArray<Int32Type>),
    Signed(&'a PrimitiveArray<Int64Type>),
    Unsigned(&'a PrimitiveArray<UInt64Type>),
    Float(&'a PrimitiveArray<Float64Type>),
    Text(Strs<'a>),
}

/// The price column of a batch.
enum PriceCol<'a> {
    Absent,
    Decimal(&'a PrimitiveArray<Decimal128Type>, i8),
    Signed(&'a PrimitiveArray<Int64Type>),
    Unsigned(&'a PrimitiveArray<UInt64Type>),
    Float(&'a PrimitiveArray<Float64Type>),
    Text(Strs<'a>),
}

fn units_per_second(unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    }
}

/// A timestamp as the date-time (UTC) it is; `None` outside chrono's range.
fn stamp_time(v: i64, unit: TimeUnit) -> Option<NaiveDateTime> {
    let per = units_per_second(unit);
    let secs = v.div_euclid(per);
    let nanos = u32::try_from(v.rem_euclid(per) * (1_000_000_000 / per)).ok()?;
    chrono::DateTime::from_timestamp(secs, nanos).map(|t| t.naive_utc())
}

/// Widens a numeric column to the type it is read as; casts between Arrow types that lose
/// nothing (all integers to i64 but u64, floats to f64, decimals to decimal128).
fn widened(a: &Arc<dyn Array>) -> Result<Arc<dyn Array>> {
    let to = match a.data_type() {
        DataType::Int8
        | DataType::Int16
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => DataType::Int64,
        DataType::Float16 | DataType::Float32 => DataType::Float64,
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => DataType::Decimal128(*p, *s),
        DataType::Decimal256(_, s) => DataType::Decimal128(38, *s),
        DataType::Dictionary(_, v) if crate::arrow::is_text(v) => DataType::Utf8,
        _ => return Ok(a.clone()),
    };
    arrow_cast::cast(a, &to).map_err(arrow_error)
}

/// The hour of a timestamp: a date-time in the years 1900–2199.
fn stamp_hour(v: i64, unit: TimeUnit) -> std::result::Result<NaiveDateTime, CellError> {
    match stamp_time(v, unit) {
        Some(t) => hour_in_range(t),
        None => Err(CellError::value(
            "hour",
            format!("`hour` {v} ({unit:?}s since 1970) is outside the years 1900–2199"),
        )),
    }
}

/// The vCores of row `i`: a count (a float must hold a whole number).
#[inline]
fn vcores_at(c: &VcoresCol<'_>, i: usize) -> std::result::Result<u32, CellError> {
    let not_count = |v: &dyn std::fmt::Display| {
        CellError::parse("vcores", format!("`vcores` {v} is not a count of vCores"))
    };
    match c {
        VcoresCol::Signed32(a) => {
            if a.is_null(i) {
                return Err(null("vcores"));
            }
            let v = a.value(i);
            u32::try_from(v).map_err(|_| not_count(&v))
        }
        VcoresCol::Signed(a) => {
            if a.is_null(i) {
                return Err(null("vcores"));
            }
            let v = a.value(i);
            u32::try_from(v).map_err(|_| not_count(&v))
        }
        VcoresCol::Unsigned(a) => {
            if a.is_null(i) {
                return Err(null("vcores"));
            }
            let v = a.value(i);
            u32::try_from(v).map_err(|_| not_count(&v))
        }
        VcoresCol::Float(a) => {
            if a.is_null(i) {
                return Err(null("vcores"));
            }
            let v = a.value(i);
            if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                Ok(v as u32)
            } else {
                Err(not_count(&v))
            }
        }
        VcoresCol::Text(s) => vcores_from_text(s.get(i).ok_or_else(|| null("vcores"))?.trim()),
    }
}

/// The price of row `i`: absent when null; in micro-units when that is exact and within the
/// bounds (as the CSV reader's fast path), else a decimal the builder checks.
#[inline]
fn price_at(c: &PriceCol<'_>, i: usize) -> std::result::Result<Price, CellError> {
    const FIELD: &str = "licence_price_per_vcore_hour";
    match c {
        PriceCol::Absent => Ok(Price::Absent),
        PriceCol::Decimal(a, scale) => {
            if a.is_null(i) {
                return Ok(Price::Absent);
            }
            let m = a.value(i);
            // Exact micro-units within the bounds, as the CSV reader's fast path.
            if (0..=6).contains(scale)
                && let Some(micro) = 10i128
                    .checked_pow(6 - *scale as u32)
                    .and_then(|f| m.checked_mul(f))
                    .filter(|&u| (0..1_000_000_000_000_000).contains(&u))
            {
                return Ok(Price::Micro(micro as i64));
            }
            let d = if *scale >= 0 {
                Decimal::try_from_i128_with_scale(m, u32::from(scale.unsigned_abs())).ok()
            } else {
                10i128
                    .checked_pow(u32::from(scale.unsigned_abs()))
                    .and_then(|f| m.checked_mul(f))
                    .and_then(|m| Decimal::try_from_i128_with_scale(m, 0).ok())
            };
            d.map(Price::Decimal).ok_or_else(|| {
                CellError::value(FIELD, format!("price {m}e{} is out of range", -scale))
            })
        }
        PriceCol::Signed(a) => Ok(if a.is_null(i) {
            Price::Absent
        } else {
            Price::Decimal(Decimal::from(a.value(i)))
        }),
        PriceCol::Unsigned(a) => Ok(if a.is_null(i) {
            Price::Absent
        } else {
            Price::Decimal(Decimal::from(a.value(i)))
        }),
        PriceCol::Float(a) => {
            if a.is_null(i) {
                return Ok(Price::Absent);
            }
            let f = a.value(i);
            // Exact when a whole number of micro-units gives the float back: then that is the
            // float's shortest decimal (two decimals of at most six places differ by a
            // micro-unit, more than the float's precision below 10⁹).
            let x = f * 1e6;
            if (0.0..1e15).contains(&x) {
                // Rounded to the nearest micro-unit (without a call to libm's `round`).
                let m = (x + 0.5) as i64;
                if m as f64 / 1e6 == f {
                    return Ok(Price::Micro(m));
                }
            }
            if !f.is_finite() {
                return Err(CellError::parse(
                    FIELD,
                    format!("`licence_price_per_vcore_hour` {f} is not an amount"),
                ));
            }
            if f.abs() >= 1e15 {
                return Err(CellError::value(
                    FIELD,
                    format!("amount {f} is implausibly large"),
                ));
            }
            // Rust writes a float as its shortest round-tripping decimal, without exponent.
            price_from_text(&f.to_string()).map(Price::Decimal)
        }
        PriceCol::Text(s) => match s.get(i).map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(Price::Absent),
            Some(t) => match fast_micro(t.as_bytes()) {
                Some(m) => Ok(Price::Micro(m)),
                None => price_from_text(t).map(Price::Decimal),
            },
        },
    }
}

/// A cell that is null where a value is needed.
fn null(field: &'static str) -> CellError {
    CellError::parse(field, format!("`{field}` is missing (null)"))
}

impl HourlyUsage {
    /// Reads usage from Arrow record batches with the columns `resource`, `hour`, `vcores` and
    /// optionally `licence_price_per_vcore_hour` (found by name, in any case and order; the
    /// price may be spelled `license_…`; other columns are ignored). Accepted types:
    ///
    /// - `resource`: string, large string, string view, or a dictionary of strings;
    /// - `hour`: a timestamp of any unit (with a time zone, the instant is taken in UTC, as
    ///   Arrow stores it), or text as in [`HourlyUsage::from_csv`];
    /// - `vcores`: any integer type, a float holding a whole number, or text;
    /// - the price: a decimal, an integer, a float (read as the shortest decimal that gives the
    ///   float back, as Python prints it: `0.0963`, never `0.09629999…`), or text;
    ///   a null price means the estate's prices for the resource.
    ///
    /// Rows go through the checks of the CSV reader (order, span, duplicates, bounds).
    ///
    /// # Errors
    ///
    /// As [`HourlyUsage::from_csv`], located at the zero-based row (`usage[row]`) and the
    /// column rather than a line: [`ErrorCode::Parse`] for a missing column, a column of
    /// another type, a null `resource`, `hour` or `vcores`, a fractional or negative vCores
    /// count, unreadable text, or a stream that fails; [`ErrorCode::InvalidValue`] for values
    /// out of bounds (an hour outside the years 1900–2199 or out of order, a negative price…).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use ahb_core::arrow::{DataType, Field, RecordBatch, RecordBatchIterator, Schema};
    /// use ahb_core::central::HourlyUsage;
    /// use ahb_core::arrow::array::{ArrayRef, Int32Array, StringArray};
    ///
    /// let schema = Arc::new(Schema::new(vec![
    ///     Field::new("resource", DataType::Utf8, false),
    ///     Field::new("hour", DataType::Utf8, false),
    ///     Field::new("vcores", DataType::Int32, false),
    /// ]));
    /// let columns: Vec<ArrayRef> = vec![
    ///     Arc::new(StringArray::from(vec!["db1", "db1"])),
    ///     Arc::new(StringArray::from(vec!["2026-01-01T00:00:00", "2026-01-01T01:00:00"])),
    ///     Arc::new(Int32Array::from(vec![4, 8])),
    /// ];
    /// let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    /// let usage =
    ///     HourlyUsage::from_arrow(RecordBatchIterator::new([Ok(batch)], schema)).unwrap();
    /// assert_eq!(usage.hours(), 2);
    /// ```
    pub fn from_arrow(reader: impl RecordBatchReader) -> Result<HourlyUsage> {
        let schema = reader.schema();
        from_batches(&schema, reader, 0)
    }

    /// Reads usage from a Parquet file's bytes: the columns and types of
    /// [`HourlyUsage::from_arrow`]; only those columns are decoded.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Parse`] when the bytes are not a Parquet file ahb reads (corrupt, or
    /// compressed with gzip or Brotli); otherwise as [`HourlyUsage::from_arrow`].
    ///
    /// # Examples
    ///
    /// ```
    /// use ahb_core::central::HourlyUsage;
    /// use ahb_core::ErrorCode;
    /// let e = HourlyUsage::from_parquet(b"resource,hour,vcores\n").unwrap_err();
    /// assert_eq!(e.code(), ErrorCode::Parse);
    /// ```
    pub fn from_parquet(bytes: &[u8]) -> Result<HourlyUsage> {
        crate::arrow::guarded(|| {
            let (reader, rows) = open_parquet(parquet_bytes(bytes), |n| usage_column(n).is_some())?;
            let schema = reader.schema();
            from_batches(&schema, reader, rows.min(bytes.len()))
        })
    }

    /// Reads usage from a Parquet file, as [`HourlyUsage::from_parquet`]; errors name the file.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Io`] when the file cannot be opened; otherwise as
    /// [`HourlyUsage::from_parquet`].
    ///
    /// # Examples
    ///
    /// ```
    /// use ahb_core::central::HourlyUsage;
    /// let e = HourlyUsage::from_parquet_path("no/such/usage.parquet").unwrap_err();
    /// assert_eq!(e.code(), ahb_core::ErrorCode::Io);
    /// ```
    pub fn from_parquet_path(path: impl AsRef<Path>) -> Result<HourlyUsage> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let read = || {
            let file =
                std::fs::File::open(path).map_err(|e| Error::new(ErrorCode::Io, e.to_string()))?;
            let size = file
                .metadata()
                .map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX));
            let (reader, rows) = open_parquet(file, |n| usage_column(n).is_some())?;
            let schema = reader.schema();
            from_batches(&schema, reader, rows.min(size))
        };
        crate::arrow::guarded(read).map_err(|e| e.in_file(shown))
    }
}

/// The reader: each batch's columns converted, each row through the CSV reader's builder.
/// `capacity` is a hint (rows), already bounded by the size of the input.
fn from_batches(
    schema: &Schema,
    batches: impl Iterator<Item = std::result::Result<RecordBatch, arrow_schema::ArrowError>>,
    capacity: usize,
) -> Result<HourlyUsage> {
    positions(schema)?;
    let mut b = ColumnBuilder::with_capacity(capacity);
    // As in the CSV reader: a row's cells must read (else the error is immediate); the checks
    // of the builder come after, the first of their errors kept for the end.
    let mut deferred: Option<Error> = None;
    // Hour 0 in the timestamp column's units, and the end of the year 2199, once hour 0 is
    // known and on the hour: then a timestamp's hour is exact integer arithmetic.
    let mut fast: Option<(TimeUnit, i64, i64)> = None;
    let end_of_range = chrono::NaiveDate::from_ymd_opt(2200, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp());
    for batch in batches {
        let batch = batch.map_err(arrow_error)?;
        let [res, hour, vcores, price] = positions(&batch.schema())?;
        let (Some(res), Some(hour), Some(vcores)) = (res, hour, vcores) else {
            unreachable!("positions checks the required columns");
        };
        let res = batch.column(res);
        let unit = match batch.column(hour).data_type() {
            DataType::Timestamp(unit, _) => Some(*unit),
            _ => None,
        };
        let hour = batch.column(hour);
        let vcores = widened(batch.column(vcores))?;
        let price = price.map(|p| widened(batch.column(p))).transpose()?;
        let mut res = match res.as_any_dictionary_opt() {
            Some(d) => ResourceCol::Dict {
                keys: match res.as_dictionary_opt::<Int32Type>() {
                    Some(d) => Keys::I32(d.keys().values()),
                    None => Keys::Other(d.normalized_keys()),
                },
                array: res.as_ref(),
                values: Strs::of(d.values().as_ref()).expect("checked: a dictionary of text"),
                known: vec![None; d.values().len()],
            },
            None => ResourceCol::Plain(Strs::of(res.as_ref()).expect("checked: text")),
        };
        let hour_col = match unit {
            Some(unit) => HourCol::Stamp {
                values: match unit {
                    TimeUnit::Second => hour.as_primitive::<TimestampSecondType>().values(),
                    TimeUnit::Millisecond => {
                        hour.as_primitive::<TimestampMillisecondType>().values()
                    }
                    TimeUnit::Microsecond => {
                        hour.as_primitive::<TimestampMicrosecondType>().values()
                    }
                    TimeUnit::Nanosecond => hour.as_primitive::<TimestampNanosecondType>().values(),
                },
                nulls: hour.nulls(),
                unit,
            },
            None => HourCol::Text(Strs::of(hour.as_ref()).expect("checked: text")),
        };
        let vcores_col = match vcores.data_type() {
            DataType::Int32 => VcoresCol::Signed32(vcores.as_primitive()),
            DataType::Int64 => VcoresCol::Signed(vcores.as_primitive()),
            DataType::UInt64 => VcoresCol::Unsigned(vcores.as_primitive()),
            DataType::Float64 => VcoresCol::Float(vcores.as_primitive()),
            _ => VcoresCol::Text(Strs::of(vcores.as_ref()).expect("checked")),
        };
        let price_col = match &price {
            None => PriceCol::Absent,
            Some(p) => match p.data_type() {
                DataType::Null => PriceCol::Absent,
                DataType::Decimal128(_, s) => PriceCol::Decimal(p.as_primitive(), *s),
                DataType::Int64 => PriceCol::Signed(p.as_primitive()),
                DataType::UInt64 => PriceCol::Unsigned(p.as_primitive()),
                DataType::Float64 => PriceCol::Float(p.as_primitive()),
                _ => PriceCol::Text(Strs::of(p.as_ref()).expect("checked")),
            },
        };
        for i in 0..batch.num_rows() {
            let row = b.rows;
            let at = |e: CellError| e.at_row(row);
            let hour = match &hour_col {
                HourCol::Stamp {
                    values,
                    nulls,
                    unit,
                } => {
                    if nulls.is_some_and(|n| n.is_null(i)) {
                        return Err(at(null("hour")));
                    }
                    let v = values[i];
                    match fast {
                        Some((u, start, end)) if u == *unit && v >= start && v < end => {
                            let per_hour = 3600 * units_per_second(u);
                            let d = v - start;
                            match u32::try_from(d / per_hour) {
                                Ok(h) if d % per_hour == 0 && h < MAX_USAGE_HOURS => Hour::Since(h),
                                _ => Hour::At(stamp_hour(v, *unit).map_err(at)?),
                            }
                        }
                        _ => Hour::At(stamp_hour(v, *unit).map_err(at)?),
                    }
                }
                HourCol::Text(s) => {
                    let text = s.get(i).ok_or_else(|| at(null("hour")))?;
                    match b.fast_hour(text.trim().as_bytes()) {
                        Some(h) => h,
                        None => Hour::At(hour_from_text(text.trim()).map_err(at)?),
                    }
                }
            };
            let v = vcores_at(&vcores_col, i).map_err(at)?;
            let p = price_at(&price_col, i).map_err(at)?;
            let resource = match &mut res {
                ResourceCol::Plain(s) => {
                    let id = s.get(i).ok_or_else(|| at(null("resource")))?.trim_ascii();
                    match b.known_resource(id.as_bytes()) {
                        Some(r) => Resource::Known(r),
                        None => Resource::New(id),
                    }
                }
                ResourceCol::Dict {
                    keys,
                    array,
                    values,
                    known,
                } => {
                    if array.is_null(i) {
                        return Err(at(null("resource")));
                    }
                    let k = keys.get(i);
                    match known.get(k).copied().flatten() {
                        Some(r) => Resource::Known(r),
                        None if k >= known.len() => {
                            return Err(at(CellError::parse(
                                "resource",
                                "a dictionary key is out of range".into(),
                            )));
                        }
                        None => Resource::New(
                            values
                                .get(k)
                                .ok_or_else(|| at(null("resource")))?
                                .trim_ascii(),
                        ),
                    }
                }
            };
            if deferred.is_none() {
                match b.push(resource, hour, v, p) {
                    Err(e) => deferred = Some(e),
                    Ok(()) => {
                        if let ResourceCol::Dict { keys, known, .. } = &mut res
                            && let Some(slot) = known.get_mut(keys.get(i))
                        {
                            *slot = Some(b.previous);
                        }
                    }
                }
            }
            if fast.is_none()
                && let (HourCol::Stamp { unit, .. }, Some(u), Some(end)) =
                    (&hour_col, &b.usage, end_of_range)
            {
                let s = u.start;
                if s.minute() == 0 && s.second() == 0 && s.nanosecond() == 0 {
                    let per = units_per_second(*unit);
                    let start = s.and_utc().timestamp().checked_mul(per);
                    fast = start.zip(end.checked_mul(per)).map(|(s, e)| (*unit, s, e));
                }
            }
            b.rows += 1;
        }
    }
    if let Some(e) = deferred {
        return Err(e);
    }
    b.finish()
}
