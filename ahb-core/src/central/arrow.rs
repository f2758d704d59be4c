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
    CellError, ColumnBuilder, Hour, HourlyUsage, MAX_USAGE_HOURS, NO_PRICE, Price, Resource,
    RowCheck, fast_micro, hour_from_text, hour_in_range, price_from_text, vcores_from_text,
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
/// values, each value's resource index remembered once known, else [`UNKNOWN`]).
enum ResourceCol<'a> {
    Plain(Strs<'a>),
    Dict {
        keys: Keys<'a>,
        array: &'a dyn Array,
        values: Strs<'a>,
        known: Vec<u32>,
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
            float_count(v).ok_or_else(|| not_count(&v))
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
            if let Some(m) = float_micro(f) {
                return Ok(Price::Micro(m));
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

/// A float vCores count: a whole number within `u32`.
#[inline]
fn float_count(v: f64) -> Option<u32> {
    (v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v)).then_some(v as u32)
}

/// A float price in exact micro-units, when a whole number of micro-units below 10⁹ gives the
/// float back: then that is the float's shortest decimal (two decimals of at most six places
/// differ by a micro-unit, more than the float's precision below 10⁹).
#[inline]
fn float_micro(f: f64) -> Option<i64> {
    let x = f * 1e6;
    if (0.0..1e15).contains(&x) {
        // Rounded to the nearest micro-unit (without a call to libm's `round`).
        let m = (x + 0.5) as i64;
        if m as f64 / 1e6 == f {
            return Some(m);
        }
    }
    None
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
        HourlyUsage::from_arrow_rows(reader, 0)
    }

    /// [`HourlyUsage::from_arrow`] of a stream that is expected to hold `rows` rows (a table
    /// already in memory knows its length): the columns are reserved for them at once instead
    /// of grown, and copied, as the batches arrive. `rows` is a hint: believed up to 2²⁶ rows,
    /// and a stream with more or fewer rows reads all the same.
    ///
    /// # Errors
    ///
    /// As [`HourlyUsage::from_arrow`].
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
    ///     Arc::new(StringArray::from(vec!["db1"])),
    ///     Arc::new(StringArray::from(vec!["2026-01-01T00:00:00"])),
    ///     Arc::new(Int32Array::from(vec![4])),
    /// ];
    /// let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    /// let stream = || RecordBatchIterator::new([Ok(batch.clone())], schema.clone());
    /// let usage = HourlyUsage::from_arrow_rows(stream(), batch.num_rows()).unwrap();
    /// assert_eq!(usage, HourlyUsage::from_arrow(stream()).unwrap());
    /// ```
    pub fn from_arrow_rows(reader: impl RecordBatchReader, rows: usize) -> Result<HourlyUsage> {
        let schema = reader.schema();
        from_batches(&schema, reader, crate::arrow::at_most_reserved(rows))
    }

    /// Reads usage from a Parquet file's bytes: the columns and types of
    /// [`HourlyUsage::from_arrow`]; only those columns are decoded.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Parse`] when the bytes are not a Parquet file ahb reads (corrupt, or
    /// compressed with Brotli); otherwise as [`HourlyUsage::from_arrow`].
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
            from_batches(&schema, reader, rows)
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
            let (reader, rows) = open_parquet(file, |n| usage_column(n).is_some())?;
            let schema = reader.schema();
            from_batches(&schema, reader, rows)
        };
        crate::arrow::guarded(read).map_err(|e| e.in_file(shown))
    }
}

/// No resource index known yet for a dictionary key.
const UNKNOWN: u32 = u32::MAX;

/// Rows converted at most at a time by the column-wise path ([`Reader::columns`]): its
/// columns' slices stay in the cache between its passes.
const MAX_CHUNK: usize = 4096;

/// Hour 0 in a timestamp column's units, and the end of the year 2199: known once the first
/// row has given hour 0, on the hour. Then a timestamp's hour is exact integer arithmetic.
#[derive(Clone, Copy)]
struct Span {
    unit: TimeUnit,
    start: i64,
    end: i64,
}

/// One batch's columns, as read.
struct Columns<'a> {
    res: ResourceCol<'a>,
    hour: HourCol<'a>,
    vcores: VcoresCol<'a>,
    price: PriceCol<'a>,
}

/// The state of a read across batches.
struct Reader {
    b: ColumnBuilder,
    /// As in the CSV reader: a row's cells must read (else the error is immediate); the errors
    /// of the builder come after, the first kept for the end.
    deferred: Option<Error>,
    /// The checks of [`HourlyUsage::check`], made as rows are appended; the first error kept
    /// for the end, after `deferred` (as `check` would run after the builder).
    check: RowCheck,
    check_error: Option<Error>,
    span: Option<Span>,
    /// The end of the year 2199 in seconds since 1970.
    end_of_range: Option<i64>,
    /// The last dictionary of the resource column and its keys' resource indices: the Parquet
    /// reader gives a row group's batches the same dictionary, mapped once.
    dict: Option<(Arc<dyn Array>, Vec<u32>)>,
    scratch: Scratch,
}

/// The reader: each batch's columns converted, rows appended to the CSV reader's builder with
/// its checks. Where a batch's columns allow ([`Reader::columns`]), runs of rows are converted
/// column by column; the row the column-wise path does not take (a null, a value out of
/// bounds, any cell that may be an error) goes through the row-by-row path ([`Reader::row`]),
/// so that errors are the same, at the same row. `capacity` is a hint (rows), already bounded
/// by the size of the input.
fn from_batches(
    schema: &Schema,
    batches: impl Iterator<Item = std::result::Result<RecordBatch, arrow_schema::ArrowError>>,
    capacity: usize,
) -> Result<HourlyUsage> {
    read_batches(schema, batches, capacity, true)
}

/// [`from_batches`], the column-wise path used when `by_columns` (the tests compare it with
/// the row-by-row path alone).
fn read_batches(
    schema: &Schema,
    batches: impl Iterator<Item = std::result::Result<RecordBatch, arrow_schema::ArrowError>>,
    capacity: usize,
    by_columns: bool,
) -> Result<HourlyUsage> {
    positions(schema)?;
    let mut r = Reader {
        b: ColumnBuilder::with_capacity(capacity),
        deferred: None,
        check: RowCheck::new(0),
        check_error: None,
        span: None,
        end_of_range: chrono::NaiveDate::from_ymd_opt(2200, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp()),
        dict: None,
        scratch: Scratch::new(),
    };
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
        let res = match res.as_any_dictionary_opt() {
            Some(d) => {
                let known = match r.dict.take() {
                    Some((values, known)) if same_values(&values, d.values()) => known,
                    _ => vec![UNKNOWN; d.values().len()],
                };
                r.dict = Some((d.values().clone(), Vec::new()));
                ResourceCol::Dict {
                    keys: match res.as_dictionary_opt::<Int32Type>() {
                        Some(d) => Keys::I32(d.keys().values()),
                        None => Keys::Other(d.normalized_keys()),
                    },
                    array: res.as_ref(),
                    values: Strs::of(d.values().as_ref()).expect("checked: a dictionary of text"),
                    known,
                }
            }
            None => ResourceCol::Plain(Strs::of(res.as_ref()).expect("checked: text")),
        };
        let hour = match unit {
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
                nulls: hour.nulls().filter(|n| n.null_count() > 0),
                unit,
            },
            None => HourCol::Text(Strs::of(hour.as_ref()).expect("checked: text")),
        };
        let vcores = match vcores.data_type() {
            DataType::Int32 => VcoresCol::Signed32(vcores.as_primitive()),
            DataType::Int64 => VcoresCol::Signed(vcores.as_primitive()),
            DataType::UInt64 => VcoresCol::Unsigned(vcores.as_primitive()),
            DataType::Float64 => VcoresCol::Float(vcores.as_primitive()),
            _ => VcoresCol::Text(Strs::of(vcores.as_ref()).expect("checked")),
        };
        let price = match &price {
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
        let mut cols = Columns {
            res,
            hour,
            vcores,
            price,
        };
        let by_columns = by_columns && cols.by_columns();
        let n = batch.num_rows();
        let mut i = 0;
        // Rows the column-wise path tries at once: doubled while it takes them all, cut to
        // about twice what it took when it stops, so that a table whose rows it mostly leaves
        // to the row-by-row path does not pay for long tries.
        let mut size = 256;
        while i < n {
            if by_columns && let Some(span) = r.span.filter(|_| r.deferred.is_none()) {
                let to = n.min(i + size);
                let done = r.columns(&mut cols, span, i, to);
                i += done;
                if i == to {
                    size = (size * 2).min(MAX_CHUNK);
                    continue;
                }
                size = (done * 2).clamp(8, MAX_CHUNK);
            }
            r.row(&mut cols, i)?;
            i += 1;
        }
        if let (ResourceCol::Dict { known, .. }, Some((_, slot))) = (cols.res, &mut r.dict) {
            *slot = known;
        }
    }
    if let Some(e) = r.deferred.or(r.check_error) {
        return Err(e);
    }
    r.b.unchecked()
}

/// Whether two dictionaries have the same values, so that one's keys map to the other's
/// resources: the Parquet reader gives each batch of a row group a new array, over the same
/// buffers (compared by address) or equal ones (compared by value, a few microseconds for 10³
/// ids against a hash lookup per id).
fn same_values(a: &Arc<dyn Array>, b: &Arc<dyn Array>) -> bool {
    Arc::ptr_eq(a, b) || a.to_data().ptr_eq(&b.to_data()) || a.as_ref() == b.as_ref()
}

impl Columns<'_> {
    /// Whether the column-wise path reads this batch: timestamps for the hour, typed vCores,
    /// and a price absent, a float, an integer or a decimal of at most six places.
    fn by_columns(&self) -> bool {
        matches!(self.hour, HourCol::Stamp { .. })
            && !matches!(self.vcores, VcoresCol::Text(_))
            && match self.price {
                PriceCol::Text(_) => false,
                PriceCol::Decimal(_, scale) => (0..=6).contains(&scale),
                _ => true,
            }
    }
}

impl Reader {
    /// Row `i` of a batch by the row-by-row path: an unreadable cell is an error at once;
    /// the row is appended (unless an earlier row's error is deferred) and checked.
    fn row(&mut self, cols: &mut Columns<'_>, i: usize) -> Result<()> {
        let b = &mut self.b;
        let row = b.rows;
        let at = |e: CellError| e.at_row(row);
        let hour = match &cols.hour {
            HourCol::Stamp {
                values,
                nulls,
                unit,
            } => {
                if nulls.is_some_and(|n| n.is_null(i)) {
                    return Err(at(null("hour")));
                }
                let v = values[i];
                match self.span {
                    Some(Span {
                        unit: u,
                        start,
                        end,
                    }) if u == *unit && v >= start && v < end => {
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
        let v = vcores_at(&cols.vcores, i).map_err(at)?;
        let p = price_at(&cols.price, i).map_err(at)?;
        let resource = match &mut cols.res {
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
                match known.get(k).copied() {
                    Some(r) if r != UNKNOWN => Resource::Known(r),
                    None => {
                        return Err(at(CellError::parse(
                            "resource",
                            "a dictionary key is out of range".into(),
                        )));
                    }
                    Some(_) => Resource::New(
                        values
                            .get(k)
                            .ok_or_else(|| at(null("resource")))?
                            .trim_ascii(),
                    ),
                }
            }
        };
        if self.deferred.is_none() {
            match b.push(resource, hour, v, p) {
                Err(e) => self.deferred = Some(e),
                Ok(()) => {
                    if let ResourceCol::Dict { keys, known, .. } = &mut cols.res
                        && let Some(slot) = known.get_mut(keys.get(i))
                    {
                        *slot = b.previous;
                    }
                    let u = b.usage.as_ref().expect("a row was appended");
                    if self.check_error.is_none()
                        && let Err(e) = self.check.row(
                            &u.resources,
                            row,
                            b.previous,
                            *u.hour.last().expect("appended"),
                            v,
                        )
                    {
                        self.check_error = Some(e);
                    }
                }
            }
        }
        if self.span.is_none()
            && let (HourCol::Stamp { unit, .. }, Some(u), Some(end)) =
                (&cols.hour, &b.usage, self.end_of_range)
        {
            let s = u.start;
            if s.minute() == 0 && s.second() == 0 && s.nanosecond() == 0 {
                let per = units_per_second(*unit);
                let start = s.and_utc().timestamp().checked_mul(per);
                self.span = start.zip(end.checked_mul(per)).map(|(start, end)| Span {
                    unit: *unit,
                    start,
                    end,
                });
            }
        }
        b.rows += 1;
        Ok(())
    }

    /// Rows `from..to` of a batch by the column-wise path (a batch [`Columns::by_columns`]
    /// takes, after a first row has started the usage at hour 0 `span.start`, and no error
    /// deferred): each column converted in turn into the scratch columns, as long as its cells
    /// are ones the row-by-row path reads without error into the same values; then the rows
    /// taken are checked and appended. Returns how many rows it appended (from `from`): the
    /// next row is the row-by-row path's.
    fn columns(&mut self, cols: &mut Columns<'_>, span: Span, from: usize, to: usize) -> usize {
        let HourCol::Stamp {
            values,
            nulls,
            unit,
        } = cols.hour
        else {
            return 0;
        };
        if unit != span.unit {
            return 0;
        }
        // Rows with a null hour, vCores or resource are the row-by-row path's (an error).
        let mut end = first_null(nulls, from, to);
        end = first_null(cols.vcores.nulls(), from, end);
        if let ResourceCol::Dict { array, .. } = &cols.res {
            end = first_null(array.nulls(), from, end);
        }
        // At most `MAX_CHUNK` rows: the scratch columns' length.
        let s = &mut self.scratch;
        let values = &values[from..end];
        let mut taken = match unit {
            TimeUnit::Second => hours::<3600>(&mut s.hour, values, span),
            TimeUnit::Millisecond => hours::<3_600_000>(&mut s.hour, values, span),
            TimeUnit::Microsecond => hours::<3_600_000_000>(&mut s.hour, values, span),
            TimeUnit::Nanosecond => hours::<3_600_000_000_000>(&mut s.hour, values, span),
        };
        let range = from..from + taken;
        taken = match &cols.vcores {
            VcoresCol::Signed32(a) => {
                each(&mut s.vcores, &a.values()[range], |v| u32::try_from(v).ok())
            }
            VcoresCol::Signed(a) => {
                each(&mut s.vcores, &a.values()[range], |v| u32::try_from(v).ok())
            }
            VcoresCol::Unsigned(a) => {
                each(&mut s.vcores, &a.values()[range], |v| u32::try_from(v).ok())
            }
            VcoresCol::Float(a) => each(&mut s.vcores, &a.values()[range], float_count),
            VcoresCol::Text(_) => 0,
        };
        let range = from..from + taken;
        taken = match &cols.price {
            PriceCol::Absent => {
                s.price[..taken].fill(NO_PRICE);
                taken
            }
            PriceCol::Decimal(a, scale) => {
                let f = 10i128.pow(6 - u32::from(scale.unsigned_abs()));
                prices(&mut s.price, a, range, |m| {
                    m.checked_mul(f)
                        .filter(|&u| (0..i128::from(MICRO_LIMIT)).contains(&u))
                        .map(|u| u as i64)
                })
            }
            PriceCol::Signed(a) => prices(&mut s.price, a, range, |v| {
                (0..=WHOLE_LIMIT).contains(&v).then(|| v * 1_000_000)
            }),
            PriceCol::Unsigned(a) => prices(&mut s.price, a, range, |v| {
                (v <= WHOLE_LIMIT as u64).then(|| v as i64 * 1_000_000)
            }),
            PriceCol::Float(a) => {
                // Prices repeat (a few per resource): each distinct float converted once.
                let cache = &mut s.micro;
                prices(&mut s.price, a, range, |f| {
                    let bits = f.to_bits();
                    let slot = (bits.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize;
                    let (key, micro) = &mut cache[slot];
                    if *key != bits {
                        (*key, *micro) = (bits, float_micro(f));
                    }
                    *micro
                })
            }
            PriceCol::Text(_) => 0,
        };
        // Resources last: ids new to the usage are added only for rows taken.
        let b = &mut self.b;
        taken = match &mut cols.res {
            ResourceCol::Plain(strs) => {
                let mut n = taken;
                for (j, r) in s.resource[..taken].iter_mut().enumerate() {
                    let Some(id) = strs.get(from + j) else {
                        n = j;
                        break;
                    };
                    *r = b.resource_of(id.trim_ascii());
                }
                n
            }
            ResourceCol::Dict {
                keys,
                values,
                known,
                ..
            } => {
                let mut resolve = |known: &mut Vec<u32>, k: usize| -> Option<u32> {
                    let r = *known.get(k)?;
                    if r != UNKNOWN {
                        return Some(r);
                    }
                    let r = b.resource_of(values.get(k)?.trim_ascii());
                    known[k] = r;
                    Some(r)
                };
                let out = &mut s.resource[..taken];
                let mut n = taken;
                match keys {
                    Keys::I32(k) => {
                        for (j, (r, &k)) in out.iter_mut().zip(&k[from..]).enumerate() {
                            // A negative key is out of range.
                            let k = usize::try_from(k).unwrap_or(usize::MAX);
                            // The common case, a key already mapped, without a call.
                            if let Some(&x) = known.get(k)
                                && x != UNKNOWN
                            {
                                *r = x;
                                continue;
                            }
                            match resolve(known, k) {
                                Some(x) => *r = x,
                                None => {
                                    n = j;
                                    break;
                                }
                            }
                        }
                    }
                    Keys::Other(k) => {
                        for (j, (r, &k)) in out.iter_mut().zip(&k[from..]).enumerate() {
                            match resolve(known, k) {
                                Some(x) => *r = x,
                                None => {
                                    n = j;
                                    break;
                                }
                            }
                        }
                    }
                }
                n
            }
        };
        let u = b.usage.as_mut().expect("the first row started the usage");
        if self.check_error.is_none()
            && let Err(e) = self.check.rows(
                &u.resources,
                b.rows,
                &s.resource[..taken],
                &s.hour[..taken],
                &s.vcores[..taken],
            )
        {
            self.check_error = Some(e);
        }
        u.resource.extend_from_slice(&s.resource[..taken]);
        u.hour.extend_from_slice(&s.hour[..taken]);
        u.vcores.extend_from_slice(&s.vcores[..taken]);
        u.price_micro.extend_from_slice(&s.price[..taken]);
        b.rows += taken;
        taken
    }
}

/// The columns of rows converted by [`Reader::columns`] before they are appended, kept
/// between calls ([`MAX_CHUNK`] rows, allocated once).
struct Scratch {
    resource: Vec<u32>,
    hour: Vec<u32>,
    vcores: Vec<u32>,
    price: Vec<i64>,
    /// Float prices in micro-units by their bits, in slots by a hash of the bits: each entry
    /// is a float and [`float_micro`] of it.
    micro: Vec<(u64, Option<i64>)>,
}

impl Scratch {
    fn new() -> Scratch {
        // Every slot holds a float (a NaN) and its conversion from the start.
        let nan = u64::MAX;
        Scratch {
            resource: vec![0; MAX_CHUNK],
            hour: vec![0; MAX_CHUNK],
            vcores: vec![0; MAX_CHUNK],
            price: vec![0; MAX_CHUNK],
            micro: vec![(nan, float_micro(f64::from_bits(nan))); 64],
        }
    }
}

impl VcoresCol<'_> {
    fn nulls(&self) -> Option<&NullBuffer> {
        match self {
            VcoresCol::Signed32(a) => a.nulls(),
            VcoresCol::Signed(a) => a.nulls(),
            VcoresCol::Unsigned(a) => a.nulls(),
            VcoresCol::Float(a) => a.nulls(),
            VcoresCol::Text(_) => None,
        }
    }
}

/// The first null of rows `from..to` (`to` when none).
fn first_null(nulls: Option<&NullBuffer>, from: usize, to: usize) -> usize {
    match nulls {
        Some(n) if n.null_count() > 0 => (from..to).find(|&i| n.is_null(i)).unwrap_or(to),
        _ => to,
    }
}

/// Prices below 10⁹ in micro-units: those the row-by-row path takes as exact micro-units.
const MICRO_LIMIT: i64 = 1_000_000_000_000_000;

/// Whole prices the row-by-row path accepts (it reads them as decimals, within
/// [`crate::money::MAX_AMOUNT`]).
const WHOLE_LIMIT: i64 = 1_000_000_000;

/// The hours since `span.start` of (non-null) timestamps (in units of which `PER_HOUR` make
/// an hour: a constant, so the division is a multiplication), written to `out` while they are
/// on the hour and within the span (what the row-by-row path reads as `Hour::Since`); returns
/// how many. A run of equal timestamps (usage is in hour order, a resource per row) is
/// converted once.
fn hours<const PER_HOUR: i64>(out: &mut [u32], values: &[i64], span: Span) -> usize {
    // Hour 0 is `span.start`.
    let (mut last, mut hour) = (span.start, 0u32);
    for (j, (o, &v)) in out.iter_mut().zip(values).enumerate() {
        if v != last {
            if v < span.start || v >= span.end {
                return j;
            }
            let d = v - span.start;
            match u32::try_from(d / PER_HOUR) {
                Ok(h) if d % PER_HOUR == 0 && h < MAX_USAGE_HOURS => (last, hour) = (v, h),
                _ => return j,
            }
        }
        *o = hour;
    }
    values.len().min(out.len())
}

/// (Non-null) values through `f`, written to `out` while `f` takes them; returns how many.
fn each<T: Copy>(out: &mut [u32], values: &[T], f: impl Fn(T) -> Option<u32>) -> usize {
    for (j, (o, &v)) in out.iter_mut().zip(values).enumerate() {
        match f(v) {
            Some(x) => *o = x,
            None => return j,
        }
    }
    values.len().min(out.len())
}

/// Prices of rows `range` in micro-units through `f` (a null: [`NO_PRICE`]), written to `out`
/// while `f` takes them; returns how many.
fn prices<T: arrow_array::ArrowPrimitiveType>(
    out: &mut [i64],
    a: &PrimitiveArray<T>,
    range: std::ops::Range<usize>,
    mut f: impl FnMut(T::Native) -> Option<i64>,
) -> usize {
    let from = range.start;
    let values = &a.values()[range];
    let nulls = a.nulls().filter(|n| n.null_count() > 0);
    for (j, (o, &v)) in out.iter_mut().zip(values).enumerate() {
        if nulls.is_some_and(|n| n.is_null(from + j)) {
            *o = NO_PRICE;
            continue;
        }
        match f(v) {
            Some(x) => *o = x,
            None => return j,
        }
    }
    values.len().min(out.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::types::Int64Type;
    use arrow_array::{
        ArrayRef, Decimal128Array, DictionaryArray, Float64Array, Int32Array, Int64Array,
        StringArray, TimestampMicrosecondArray, TimestampMillisecondArray,
        TimestampNanosecondArray, TimestampSecondArray, UInt64Array,
    };
    use arrow_schema::Field;

    /// A small random generator (a linear congruential one: the cases are the same every run).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self, m: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % m
        }

        /// Mostly `usual`, one time in `odds` one of `odd`.
        fn mostly<T: Clone>(&mut self, odds: u64, usual: T, odd: &[T]) -> T {
            if self.next(odds) == 0 {
                odd[self.next(odd.len() as u64) as usize].clone()
            } else {
                usual
            }
        }
    }

    /// A random usage table: mostly valid rows in hour order (so that the column-wise path
    /// takes long runs), with odd cells now and then: nulls, hours off the hour, out of order,
    /// before the first, beyond the span or the years, a resource twice in an hour,
    /// negative, fractional or implausible vCores, prices negative, tiny, huge, NaN, of
    /// more than six places. Columns of varied types; one to four batches (a dictionary shared
    /// by batches or not); the price column present or not.
    fn table(rng: &mut Rng) -> (Arc<Schema>, Vec<RecordBatch>) {
        let unit = [
            TimeUnit::Second,
            TimeUnit::Millisecond,
            TimeUnit::Microsecond,
            TimeUnit::Nanosecond,
        ][rng.next(4) as usize];
        let per_hour = 3600 * units_per_second(unit);
        let start = 1_767_225_600 * units_per_second(unit); // 2026-01-01T00:00:00Z
        let text_hours = rng.next(12) == 0;
        let vcores_type = rng.next(4);
        let price_type = rng.next(6);
        let dict = rng.next(3) != 0;
        let wide_keys = rng.next(6) == 0;
        let ids: Vec<Option<&str>> = {
            let mut v = vec![
                Some("a"),
                Some("b"),
                Some("c"),
                Some(" d"),
                Some("d"),
                Some("e"),
            ];
            if rng.next(8) == 0 {
                v.push(None);
            }
            v
        };
        let shared: ArrayRef = Arc::new(StringArray::from(ids.clone()));
        let price_field = match price_type {
            0 => None,
            1 => Some(DataType::Float64),
            2 => Some(DataType::Int64),
            3 => Some(DataType::Decimal128(
                18,
                [0, 2, 4, 6, 6, 8][rng.next(6) as usize],
            )),
            4 => Some(DataType::UInt64),
            _ => Some(DataType::Float64),
        };
        let (mut hour, mut cycle) = (0i64, 0i32);
        let mut batches = Vec::new();
        let mut schema = None;
        for _ in 0..1 + rng.next(4) {
            let n = rng.next(40) as usize;
            let (mut res, mut hours, mut vcores, mut prices) = (vec![], vec![], vec![], vec![]);
            for _ in 0..n {
                // Resources a, b, c and d in turn, each hour some of them; now and then an odd
                // hour, or another key (" d" is d, e is new, 6 a null value or the last).
                cycle += 1 + rng.next(2) as i32;
                if cycle > 3 {
                    (cycle, hour) = (cycle % 4, hour + 1);
                }
                let mut stamp = Some(start + hour * per_hour);
                stamp = rng.mostly(
                    80,
                    stamp,
                    &[
                        None,
                        Some(start + hour * per_hour + 1),
                        Some(start + hour * per_hour + per_hour / 2),
                        Some(start + (hour - 2) * per_hour),
                        Some(start - per_hour),
                        Some(start + i64::from(MAX_USAGE_HOURS) * per_hour),
                        Some(start + 200 * 366 * 24 * per_hour),
                        Some(i64::MIN),
                        Some(i64::MAX),
                    ],
                );
                hours.push(stamp);
                let k = [0, 1, 2, 4][cycle as usize];
                res.push(rng.mostly(60, Some(k), &[None, Some(3), Some(5), Some(6)]));
                let v = 1 + rng.next(64) as i64;
                vcores.push(rng.mostly(
                    60,
                    Some(v),
                    &[
                        None,
                        Some(0),
                        Some(-1),
                        Some(4096),
                        Some(4097),
                        Some(1 << 33),
                    ],
                ));
                let p = [0.0963, 0.1, 0.25, 0.086][rng.next(4) as usize];
                prices.push(rng.mostly(
                    15,
                    Some(p),
                    &[
                        None,
                        Some(0.0),
                        Some(-0.0),
                        Some(-0.1),
                        Some(1e-7),
                        Some(0.1234567),
                        Some(999_999_999.999_999),
                        Some(1e9),
                        Some(2e9),
                        Some(1e15),
                        Some(f64::NAN),
                        Some(f64::INFINITY),
                        Some(5.0),
                    ],
                ));
            }
            let resource: ArrayRef = if dict {
                // The same array as another batch's, an equal one, or other values (the
                // ids in reverse: the keys' mapping made again).
                let values = match rng.next(4) {
                    0 | 1 => shared.clone(),
                    2 => Arc::new(StringArray::from(ids.clone())) as ArrayRef,
                    _ => Arc::new(StringArray::from(
                        ids.iter().rev().copied().collect::<Vec<_>>(),
                    )) as ArrayRef,
                };
                // Keys within the values (a null key now and then).
                let keys: Vec<Option<i32>> = res
                    .iter()
                    .map(|k| k.map(|k| k.min(values.len() as i32 - 1)))
                    .collect();
                if wide_keys {
                    let keys =
                        Int64Array::from(keys.iter().map(|k| k.map(i64::from)).collect::<Vec<_>>());
                    Arc::new(DictionaryArray::<Int64Type>::try_new(keys, values).unwrap())
                } else {
                    Arc::new(
                        DictionaryArray::<Int32Type>::try_new(Int32Array::from(keys), values)
                            .unwrap(),
                    )
                }
            } else {
                Arc::new(StringArray::from(
                    res.iter()
                        .map(|k| k.and_then(|k| ids.get(k as usize).copied().flatten()))
                        .collect::<Vec<_>>(),
                ))
            };
            let hour_col: ArrayRef = if text_hours {
                Arc::new(StringArray::from(
                    hours
                        .iter()
                        .map(|h| {
                            h.and_then(|h| stamp_time(h, unit))
                                .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
                        })
                        .collect::<Vec<_>>(),
                ))
            } else {
                match unit {
                    TimeUnit::Second => Arc::new(TimestampSecondArray::from(hours)),
                    TimeUnit::Millisecond => Arc::new(TimestampMillisecondArray::from(hours)),
                    TimeUnit::Microsecond => Arc::new(TimestampMicrosecondArray::from(hours)),
                    TimeUnit::Nanosecond => Arc::new(TimestampNanosecondArray::from(hours)),
                }
            };
            let vcores_col: ArrayRef = match vcores_type {
                0 => Arc::new(Int32Array::from(
                    vcores
                        .iter()
                        .map(|v| v.map(|v| v as i32))
                        .collect::<Vec<_>>(),
                )),
                1 => Arc::new(Int64Array::from(vcores)),
                2 => Arc::new(UInt64Array::from(
                    vcores
                        .iter()
                        .map(|v| v.map(|v| v as u64))
                        .collect::<Vec<_>>(),
                )),
                _ => Arc::new(Float64Array::from(
                    vcores
                        .iter()
                        .map(|v| v.map(|v| if v == 3 { 2.5 } else { v as f64 }))
                        .collect::<Vec<_>>(),
                )),
            };
            let mut fields = vec![
                Field::new("resource", resource.data_type().clone(), true),
                Field::new("hour", hour_col.data_type().clone(), true),
                Field::new("vcores", vcores_col.data_type().clone(), true),
            ];
            let mut columns = vec![resource, hour_col, vcores_col];
            if let Some(t) = &price_field {
                let col: ArrayRef = match t {
                    DataType::Float64 => Arc::new(Float64Array::from(prices)),
                    DataType::Int64 => Arc::new(Int64Array::from(
                        prices
                            .iter()
                            .map(|p| p.map(|p| p as i64))
                            .collect::<Vec<_>>(),
                    )),
                    DataType::UInt64 => Arc::new(UInt64Array::from(
                        prices
                            .iter()
                            .map(|p| p.map(|p| p.abs() as u64))
                            .collect::<Vec<_>>(),
                    )),
                    DataType::Decimal128(p, s) => Arc::new(
                        Decimal128Array::from(
                            prices
                                .iter()
                                .map(|v| {
                                    v.filter(|v| v.is_finite())
                                        .map(|v| (v * 10f64.powi(i32::from(*s))) as i128)
                                })
                                .collect::<Vec<_>>(),
                        )
                        .with_precision_and_scale(*p, *s)
                        .unwrap(),
                    ),
                    _ => unreachable!(),
                };
                fields.push(Field::new("licence_price_per_vcore_hour", t.clone(), true));
                columns.push(col);
            }
            let sch = Arc::new(Schema::new(fields));
            batches.push(RecordBatch::try_new(sch.clone(), columns).unwrap());
            schema = Some(sch);
        }
        (schema.unwrap(), batches)
    }

    #[test]
    fn the_column_wise_path_reads_what_the_row_by_row_path_reads() {
        let mut rng = Rng(7);
        let (mut oks, mut errors) = (0, std::collections::BTreeMap::new());
        for case in 0..20_000 {
            let (schema, batches) = table(&mut rng);
            let read =
                |by_columns| read_batches(&schema, batches.iter().cloned().map(Ok), 0, by_columns);
            let (want, got) = (read(false), read(true));
            assert_eq!(got, want, "case {case}: {batches:?}");
            match got {
                Ok(u) => {
                    // Each row's resource is its id (not a stale mapping of another
                    // dictionary's keys, which both paths share).
                    let mut row = 0;
                    for b in &batches {
                        let ids = arrow_cast::cast(b.column(0), &DataType::Utf8).unwrap();
                        let ids = Strs::of(ids.as_ref()).unwrap();
                        for i in 0..b.num_rows() {
                            let id = &u.resources[u.resource[row] as usize];
                            assert_eq!(Some(id.as_str()), ids.get(i).map(str::trim_ascii));
                            row += 1;
                        }
                    }
                    assert_eq!(row, u.resource.len());
                    oks += 1;
                }
                Err(e) => *errors.entry(e.location().field.clone()).or_insert(0) += 1,
            }
        }
        // Both outcomes, and errors of each column, are exercised.
        assert!(oks > 2000, "{oks} read");
        for field in ["resource", "hour", "vcores", "licence_price_per_vcore_hour"] {
            assert!(
                errors
                    .get(&Some(field.to_string()))
                    .is_some_and(|&n| n > 50),
                "{errors:?}"
            );
        }
    }

    /// The row hint changes nothing but the reservation: a hint of none, too few, exact, too
    /// many or absurd reads every table (and refuses every bad one) alike.
    #[test]
    fn the_row_hint_is_only_a_hint() {
        let mut rng = Rng(11);
        for case in 0..2_000 {
            let (schema, batches) = table(&mut rng);
            let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
            let read = |hint| {
                let stream = arrow_array::RecordBatchIterator::new(
                    batches.iter().cloned().map(Ok),
                    schema.clone(),
                );
                HourlyUsage::from_arrow_rows(stream, hint)
            };
            let want = read(0);
            for hint in [rows / 2, rows, rows * 3, usize::MAX] {
                assert_eq!(read(hint), want, "case {case}, hint {hint}");
            }
        }
    }
}
