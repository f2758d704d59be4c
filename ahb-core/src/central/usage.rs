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

/// The most vCores a row may have ([`HourlyUsage::check`]).
pub(super) const MAX_VCORES: u32 = 4096;

/// Marks an absent price in [`HourlyUsage::price_micro`].
pub const NO_PRICE: i64 = i64::MIN;

/// A row's price per vCore-hour in micro-units: not negative, within the amounts ahb accepts.
fn price_micro(row: usize, p: Decimal) -> Result<i64> {
    if p.is_sign_negative() && !p.is_zero() {
        return Err(row_error(
            row,
            "licence_price_per_vcore_hour",
            format!("price {p} is negative"),
        ));
    }
    crate::money::check_amount(p).map_err(|m| row_error(row, "licence_price_per_vcore_hour", m))?;
    i64::try_from(super::micro(p))
        .map_err(|_| row_error(row, "licence_price_per_vcore_hour", "price is too large"))
}

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
                Some(p) => price_micro(row, p)?,
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
        self.check_lengths()?;
        RowCheck::new(self.resources.len()).rows(
            &self.resources,
            0,
            &self.resource,
            &self.hour,
            &self.vcores,
        )
    }

    /// The first check of [`HourlyUsage::check`]: the columns have equal lengths. The
    /// simulation makes it before walking the rows, which checks the rest.
    pub(super) fn check_lengths(&self) -> Result<()> {
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
        Ok(())
    }

    /// Number of hours covered (the last row's hour + 1).
    pub fn hours(&self) -> u32 {
        self.hour.last().map_or(0, |h| h + 1)
    }
}

/// The per-row checks of [`HourlyUsage::check`], one row after another: a reader that builds
/// the columns makes them as it appends rows (the Arrow reader) instead of walking the columns
/// again at the end, with the same first error.
pub(super) struct RowCheck {
    /// Per resource, the hour of its last row (`u32::MAX` before its first).
    last_hour: Vec<u32>,
    /// The hour of the previous row.
    previous: u32,
}

impl RowCheck {
    pub(super) fn new(resources: usize) -> RowCheck {
        RowCheck {
            last_hour: vec![u32::MAX; resources],
            previous: 0,
        }
    }

    /// Checks rows `first..` (resources `res`, `hours`, `vcores`, of equal lengths) after
    /// the rows before them, as [`RowCheck::row`] one by one: the common case (each row
    /// valid) in a tight loop, the first row that is not through [`RowCheck::row`] for its
    /// error.
    pub(super) fn rows(
        &mut self,
        resources: &[String],
        first: usize,
        res: &[u32],
        hours: &[u32],
        vcores: &[u32],
    ) -> Result<()> {
        if self.last_hour.len() < resources.len() {
            self.last_hour.resize(resources.len(), u32::MAX);
        }
        let mut previous = self.previous;
        for (k, ((&r, &hour), &v)) in res.iter().zip(hours).zip(vcores).enumerate() {
            match self.last_hour.get_mut(r as usize) {
                Some(seen)
                    if hour >= previous
                        && hour < MAX_USAGE_HOURS
                        && *seen != hour
                        && v <= MAX_VCORES =>
                {
                    *seen = hour;
                    previous = hour;
                }
                _ => {
                    self.previous = previous;
                    self.row(resources, first + k, r, hour, v)?;
                    previous = self.previous;
                }
            }
        }
        self.previous = previous;
        Ok(())
    }

    /// Checks row `row` (resource `res`, `hour`, `vcores`) after the rows before it;
    /// `resources` are the ids known so far (more may come with later rows).
    #[inline]
    pub(super) fn row(
        &mut self,
        resources: &[String],
        row: usize,
        res: u32,
        hour: u32,
        vcores: u32,
    ) -> Result<()> {
        let r = res as usize;
        if r >= self.last_hour.len() && r < resources.len() {
            self.last_hour.resize(resources.len(), u32::MAX);
        }
        let Some(seen) = self.last_hour.get_mut(r) else {
            return Err(row_error(
                row,
                "resource",
                format!("resource index {res} is out of range"),
            ));
        };
        if hour < self.previous {
            return Err(row_error(
                row,
                "hour",
                format!(
                    "hour {hour} comes after hour {}: rows must be in hour order",
                    self.previous
                ),
            ));
        }
        if hour >= MAX_USAGE_HOURS {
            return Err(span_error(row, hour));
        }
        if *seen == hour {
            return Err(row_error(
                row,
                "hour",
                format!("{:?} appears twice in hour {hour}", resources[r]),
            ));
        }
        if vcores > MAX_VCORES {
            return Err(row_error(
                row,
                "vcores",
                format!("{vcores} vCores is implausible"),
            ));
        }
        *seen = hour;
        self.previous = hour;
        Ok(())
    }
}

impl HourlyUsage {
    /// Reads usage given as a file's bytes: Parquet when they start with its magic `PAR1`
    /// ([`crate::text::is_parquet`]; `HourlyUsage::from_parquet`, cargo feature `parquet`),
    /// else CSV as [`HourlyUsage::from_csv`] reads it. The faces read usage files through this.
    ///
    /// # Errors
    ///
    /// Those of [`HourlyUsage::from_csv`] and `from_parquet`; CSV that is not UTF-8 is an
    /// [`ErrorCode::Parse`] error at the line and column of the first bad byte; without the
    /// feature `parquet`, a Parquet file is an [`ErrorCode::Parse`] error that says so.
    ///
    /// # Examples
    ///
    /// ```
    /// use ahb_core::central::HourlyUsage;
    /// let csv = b"resource,hour,vcores\ndb1,2026-01-01T00:00:00,4\n";
    /// assert_eq!(HourlyUsage::from_bytes(csv).unwrap().hours(), 1);
    /// let e = HourlyUsage::from_bytes(b"resource,hour,vcores\n\xc0").unwrap_err();
    /// assert_eq!((e.code(), e.location().line), (ahb_core::ErrorCode::Parse, Some(2)));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<HourlyUsage> {
        if crate::text::is_parquet(bytes) {
            #[cfg(feature = "parquet")]
            return HourlyUsage::from_parquet(bytes);
            #[cfg(not(feature = "parquet"))]
            return Err(crate::text::parquet_not_built("usage"));
        }
        let text = crate::text::utf8(bytes).map_err(|(at, line, column)| {
            Error::parse(
                line,
                column,
                format!("the usage CSV is not valid UTF-8: invalid byte at offset {at}"),
            )
        })?;
        HourlyUsage::from_csv(text)
    }

    /// Reads usage from CSV text with the header `resource,hour,vcores,licence_price_per_vcore_hour`
    /// (hour as `YYYY-MM-DDTHH:00:00` or `YYYY-MM-DD HH:00`, price optional; the price column
    /// may be spelled `license_price_per_vcore_hour`). Fields are not
    /// quoted; a UTF-8 byte-order mark and CRLF line ends are accepted. Errors give the line and
    /// the column.
    pub fn from_csv(text: &str) -> Result<HourlyUsage> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let expected = ["resource", "hour", "vcores", "licence_price_per_vcore_hour"];
        // Rows go straight into the columns. The checks `from_records` makes (hour on the hour,
        // order, span, price bounds) come after every line has parsed, as if the rows had been
        // collected first: the first such error is kept and returned at the end.
        let mut b = ColumnBuilder::with_capacity(rows_estimate(text));
        let mut deferred: Option<Error> = None;
        let mut header: Option<Vec<String>> = None;
        each_record(text, |n, row| {
            let Some(header) = &header else {
                let h: Vec<String> = row
                    .iter()
                    .map(|c| String::from_utf8_lossy(c).to_ascii_lowercase())
                    .collect();
                // The price column's name may spell *licence* the American way.
                let price_header =
                    |c: &String| c == expected[3] || c == "license_price_per_vcore_hour";
                if row.len < 3
                    || h[..3] != expected[..3]
                    || h.get(3).is_some_and(|c| !price_header(c))
                {
                    return Err(Error::parse(
                        1,
                        1,
                        format!("the header must be {}", expected.join(",")),
                    ));
                }
                header = Some(h);
                return Ok(());
            };
            if row.iter().all(<[u8]>::is_empty) {
                return Ok(());
            }
            if row.len < 3 || row.len > header.len() {
                return Err(Error::parse(
                    n,
                    1,
                    format!("expected {} fields, found {}", header.len(), row.len),
                ));
            }
            // The column where field `k` starts (fields as written, one comma between them).
            let col = |k: usize| row.iter().take(k).map(|c| c.len() + 1).sum::<usize>() + 1;
            let cell = |k: usize| {
                std::str::from_utf8(row.f[k]).map_err(|_| {
                    Error::parse(n, col(k), "the field is not valid UTF-8").with_field(expected[k])
                })
            };
            let hour = match b.fast_hour(row.f[1]) {
                Some(hour) => hour,
                None => Hour::At(hour_from_text(cell(1)?).map_err(|e| e.at_line(n, col(1)))?),
            };
            let vcores = match fast_u32(row.f[2]) {
                Some(v) => v,
                None => vcores_from_text(cell(2)?).map_err(|e| e.at_line(n, col(2)))?,
            };
            let price = match (row.len > 3).then_some(row.f[3]).filter(|c| !c.is_empty()) {
                None => Price::Absent,
                Some(bytes) => match fast_micro(bytes) {
                    Some(m) => Price::Micro(m),
                    None => {
                        Price::Decimal(price_from_text(cell(3)?).map_err(|e| e.at_line(n, col(3)))?)
                    }
                },
            };
            let resource = match b.known_resource(row.f[0]) {
                Some(r) => Resource::Known(r),
                None => Resource::New(cell(0)?),
            };
            if deferred.is_none()
                && let Err(e) = b.push(resource, hour, vcores, price)
            {
                deferred = Some(e);
            }
            b.rows += 1;
            Ok(())
        })?;
        if header.is_none() {
            return Err(Error::parse(1, 1, "the usage CSV is empty"));
        }
        if let Some(e) = deferred {
            return Err(e);
        }
        b.finish()
    }
}

/// Why one cell of usage does not read: its syntax (a parse error) or its value (out of the
/// bounds ahb computes with). The front ends (CSV text, Arrow columns) say where.
pub(super) struct CellError {
    code: ErrorCode,
    field: &'static str,
    message: String,
}

impl CellError {
    pub(super) fn parse(field: &'static str, message: String) -> CellError {
        CellError {
            code: ErrorCode::Parse,
            field,
            message,
        }
    }

    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(super) fn value(field: &'static str, message: String) -> CellError {
        CellError {
            code: ErrorCode::InvalidValue,
            field,
            message,
        }
    }

    /// At a one-based line and column of a CSV text.
    fn at_line(self, line: usize, column: usize) -> Error {
        Error::new(self.code, self.message)
            .with_line(line, Some(column))
            .with_field(self.field)
    }

    /// At a zero-based row of a table (Arrow, Parquet).
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(super) fn at_row(self, row: usize) -> Error {
        Error::at_record(
            self.code,
            RecordRef {
                collection: "usage",
                index: row,
                id: None,
            },
            self.field,
            self.message,
        )
    }
}

/// The `hour` of a row written as text (`YYYY-MM-DDTHH:00:00`, `YYYY-MM-DD HH:00`, …).
pub(super) fn hour_from_text(text: &str) -> std::result::Result<NaiveDateTime, CellError> {
    crate::text::parse_datetime(text, None).map_err(|e| match e {
        // A date, but not one to compute with: a value error.
        crate::text::DateError::OutOfRange => CellError {
            code: ErrorCode::InvalidValue,
            field: "hour",
            message: format!("`hour` {text:?} is outside the years 1900–2199"),
        },
        _ => CellError::parse("hour", format!("`hour` {text:?} is not a date and hour")),
    })
}

/// The `hour` of a row given as a date-time: within the years 1900–2199 as text must be.
#[cfg_attr(not(feature = "parquet"), allow(dead_code))]
pub(super) fn hour_in_range(t: NaiveDateTime) -> std::result::Result<NaiveDateTime, CellError> {
    if crate::text::plausible(t.date()) {
        Ok(t)
    } else {
        Err(CellError {
            code: ErrorCode::InvalidValue,
            field: "hour",
            message: format!("`hour` {t} is outside the years 1900–2199"),
        })
    }
}

/// The `vcores` of a row written as text: a plain count.
pub(super) fn vcores_from_text(text: &str) -> std::result::Result<u32, CellError> {
    text.parse::<u32>().map_err(|_| {
        CellError::parse(
            "vcores",
            format!("`vcores` {text:?} is not a count of vCores"),
        )
    })
}

/// The price of a row written as text: the syntax of every reader here (the bounds are checked
/// with the row's other checks).
pub(super) fn price_from_text(text: &str) -> std::result::Result<Decimal, CellError> {
    crate::text::parse_decimal(text).ok_or_else(|| {
        CellError::parse(
            PRICE,
            format!("`licence_price_per_vcore_hour` {text:?} is not an amount"),
        )
    })
}

const PRICE: &str = "licence_price_per_vcore_hour";

/// About how many rows `text` has, from the length of its first lines: the columns are
/// allocated once.
fn rows_estimate(text: &str) -> usize {
    let head = &text.as_bytes()[..text.len().min(1 << 16)];
    let lines = memchr::memchr_iter(b'\n', head).count().max(1);
    text.len() / (head.len() / lines).max(1) * 17 / 16 + 16
}

/// One record's fields, trimmed: the first [`Fields::KEPT`] of them, and how many there are.
struct Fields<'a> {
    f: [&'a [u8]; Fields::KEPT],
    len: usize,
}

impl<'a> Fields<'a> {
    const KEPT: usize = 5;

    fn new() -> Fields<'a> {
        Fields {
            f: [&[]; Fields::KEPT],
            len: 0,
        }
    }

    fn push(&mut self, field: &'a [u8]) {
        if let Some(slot) = self.f.get_mut(self.len) {
            *slot = field.trim_ascii();
        }
        self.len += 1;
    }

    fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.f[..self.len.min(Fields::KEPT)].iter().copied()
    }
}

/// Calls `f(line, fields)` for each record of `text`, fields trimmed of ASCII white space, as
/// the `csv` reader gives them (empty lines skipped). Text without quotes or carriage returns
/// is split at line ends and commas directly; any other text goes through the `csv` reader.
fn each_record(text: &str, mut f: impl FnMut(usize, &Fields<'_>) -> Result<()>) -> Result<()> {
    let bytes = text.as_bytes();
    if memchr::memchr2(b'"', b'\r', bytes).is_none() {
        // A record's line is the `csv` reader's: the line after the previous record, the empty
        // lines it skips just before the record not counted.
        let (mut n, mut line_no, mut from) = (1, 0, 0);
        let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
        for end in ends {
            let line = &bytes[from..end];
            from = end + 1;
            line_no += 1;
            if line.is_empty() {
                continue;
            }
            let mut fields = Fields::new();
            let mut rest = line;
            while let Some(i) = memchr::memchr(b',', rest) {
                fields.push(&rest[..i]);
                rest = &rest[i + 1..];
            }
            fields.push(rest);
            f(n, &fields)?;
            n = line_no + 1;
        }
        return Ok(());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut row = csv::ByteRecord::new();
    let csv_error = |e: csv::Error| {
        let line = e.position().map_or(1, |p| p.line() as usize);
        Error::parse(line, 1, format!("the usage CSV does not read: {e}"))
    };
    while reader.read_byte_record(&mut row).map_err(csv_error)? {
        let n = row.position().map_or(0, |p| p.line() as usize);
        let mut fields = Fields::new();
        for field in &row {
            fields.push(field);
        }
        f(n, &fields)?;
    }
    Ok(())
}

/// A row's price as read: absent, in micro-units by the fast path, or a decimal to check.
pub(super) enum Price {
    Absent,
    Micro(i64),
    Decimal(Decimal),
}

/// A row's resource: one already seen (its index), or a new id.
pub(super) enum Resource<'a> {
    Known(u32),
    New(&'a str),
}

/// The hour of a row: on the fast path, the hours since the start; otherwise the date-time.
#[derive(Clone, Copy)]
pub(super) enum Hour {
    Since(u32),
    At(NaiveDateTime),
}

/// Builds the columns row by row, with the checks of [`HourlyUsage::from_records`].
pub(super) struct ColumnBuilder {
    capacity: usize,
    pub(super) usage: Option<HourlyUsage>,
    pub(super) rows: usize,
    index: std::collections::HashMap<String, u32>,
    /// The resource of the previous row, and the one that followed each resource last time:
    /// usage repeats the same resource (by resource) or the same sequence (by hour).
    pub(super) previous: u32,
    next: Vec<u32>,
    /// The last date read on the fast path (its text, the date, and its hour 0 since the start).
    date: Option<([u8; 10], i64)>,
}

/// `HH` of `YYYY-MM-DDTHH:00:00` when `b` has exactly that shape, a real date and `HH` < 24.
fn hour_shape(b: &[u8]) -> Option<u32> {
    if b.len() != 19 {
        return None;
    }
    let shaped = b.iter().enumerate().all(|(i, &c)| match i {
        4 | 7 => c == b'-',
        10 => c == b'T',
        13 | 16 => c == b':',
        _ => c.is_ascii_digit(),
    });
    if !shaped || &b[14..16] != b"00" || &b[17..19] != b"00" {
        return None;
    }
    let hh = u32::from(b[11] - b'0') * 10 + u32::from(b[12] - b'0');
    (hh < 24).then_some(hh)
}

/// A plain count of at most nine digits.
fn fast_u32(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |v, &c| v * 10 + u32::from(c - b'0')))
}

/// A plain amount (`123`, `0.0963`: at most nine digits before the point, one to six after) in
/// micro-units: exact, and within [`crate::money::MAX_AMOUNT`] and above one micro-unit when
/// not zero, so it passes the checks the general path makes.
pub(super) fn fast_micro(b: &[u8]) -> Option<i64> {
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => (b, &b[..0]),
    };
    let point = int.len() < b.len();
    if int.is_empty()
        || int.len() > 9
        || (point && (frac.is_empty() || frac.len() > 6))
        || !int.iter().chain(frac).all(u8::is_ascii_digit)
    {
        return None;
    }
    let whole = int.iter().fold(0i64, |v, &c| v * 10 + i64::from(c - b'0'));
    let part = frac.iter().fold(0i64, |v, &c| v * 10 + i64::from(c - b'0'))
        * 10i64.pow(6 - frac.len() as u32);
    Some(whole * 1_000_000 + part)
}

impl ColumnBuilder {
    pub(super) fn with_capacity(capacity: usize) -> ColumnBuilder {
        ColumnBuilder {
            capacity,
            usage: None,
            rows: 0,
            index: std::collections::HashMap::new(),
            previous: u32::MAX,
            next: Vec::new(),
            date: None,
        }
    }

    /// The usage built, with the checks of [`HourlyUsage::check`].
    pub(super) fn finish(self) -> Result<HourlyUsage> {
        let u = self.unchecked()?;
        u.check()?;
        Ok(u)
    }

    /// The usage built, without the checks of [`HourlyUsage::check`]: for a reader that made
    /// them row by row ([`RowCheck`]).
    pub(super) fn unchecked(self) -> Result<HourlyUsage> {
        self.usage
            .ok_or_else(|| Error::new(ErrorCode::InvalidValue, "the usage has no rows"))
    }

    /// The hour of `YYYY-MM-DDTHH:00:00` without parsing the date again when it is the last
    /// one's; `None` for any other text (the general parser reads it, with its errors).
    pub(super) fn fast_hour(&mut self, b: &[u8]) -> Option<Hour> {
        let hh = hour_shape(b)?;
        let start = self.usage.as_ref()?.start;
        // Only from a start on the hour: then the hours since it are exact.
        if start.nanosecond() != 0 || start.minute() != 0 || start.second() != 0 {
            return None;
        }
        let day0 = match self.date {
            Some((text, day0)) if text[..] == b[..10] => day0,
            _ => {
                let text = std::str::from_utf8(&b[..10]).ok()?;
                let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
                if !crate::text::plausible(date) {
                    return None;
                }
                let day0 = (date.and_hms_opt(0, 0, 0)? - start).num_hours();
                self.date = Some((b[..10].try_into().ok()?, day0));
                day0
            }
        };
        let hours = day0 + i64::from(hh);
        // Before the start, or beyond the span: the general path gives the error.
        u32::try_from(hours)
            .ok()
            .filter(|&h| h < MAX_USAGE_HOURS)
            .map(Hour::Since)
    }

    /// The index of a resource already seen whose id is `b`, by the previous row's resource or
    /// its successor last time, else by the index.
    pub(super) fn known_resource(&self, b: &[u8]) -> Option<u32> {
        let u = self.usage.as_ref()?;
        let is = |r: u32| {
            u.resources
                .get(r as usize)
                .is_some_and(|id| id.as_bytes() == b)
        };
        if is(self.previous) {
            return Some(self.previous);
        }
        let after = self
            .next
            .get(self.previous as usize)
            .copied()
            .unwrap_or(u32::MAX);
        if is(after) {
            return Some(after);
        }
        let text = std::str::from_utf8(b).ok()?;
        self.index.get(text).copied()
    }

    /// The index of resource `id`, a new one (the next) when `id` is not yet known. The usage
    /// must have been started by a first row.
    pub(super) fn intern(&mut self, id: &str) -> u32 {
        let Some(u) = &mut self.usage else {
            unreachable!("resources are named after the first row starts the usage")
        };
        let next = u.resources.len() as u32;
        let res = *self.index.entry(id.to_string()).or_insert(next);
        if res == next {
            u.resources.push(id.to_string());
            self.next.push(u32::MAX);
        }
        res
    }

    /// The index of resource `id` (a new one when not yet known), remembered as the previous
    /// row's as [`ColumnBuilder::push`] does: for a reader that appends the other columns
    /// itself.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(super) fn resource_of(&mut self, id: &str) -> u32 {
        let res = match self.known_resource(id.as_bytes()) {
            Some(r) => r,
            None => self.intern(id),
        };
        if let Some(n) = self.next.get_mut(self.previous as usize) {
            *n = res;
        }
        self.previous = res;
        res
    }

    /// Appends a row, with the checks of [`HourlyUsage::from_records`] (the row index is
    /// `self.rows`).
    pub(super) fn push(
        &mut self,
        resource: Resource,
        hour: Hour,
        vcores: u32,
        price: Price,
    ) -> Result<()> {
        let row = self.rows;
        let u = match &mut self.usage {
            Some(u) => u,
            None => {
                let Hour::At(start) = hour else {
                    unreachable!("the first row's hour is read by the general path")
                };
                self.usage.insert(HourlyUsage {
                    start,
                    resources: Vec::new(),
                    resource: Vec::with_capacity(self.capacity),
                    hour: Vec::with_capacity(self.capacity),
                    vcores: Vec::with_capacity(self.capacity),
                    price_micro: Vec::with_capacity(self.capacity),
                })
            }
        };
        let hour = match hour {
            Hour::Since(h) => h,
            Hour::At(t) => {
                let start = u.start;
                if t.minute() != 0 || t.second() != 0 {
                    return Err(row_error(
                        row,
                        "hour",
                        format!("{t} is not the start of an hour"),
                    ));
                }
                let hours = (t - start).num_hours();
                let hour = u32::try_from(hours).map_err(|_| {
                    row_error(
                        row,
                        "hour",
                        format!("{t} is before the first row's hour {start}"),
                    )
                })?;
                if hour >= MAX_USAGE_HOURS {
                    return Err(span_error(row, hour));
                }
                hour
            }
        };
        let price = match price {
            Price::Absent => NO_PRICE,
            Price::Micro(m) => m,
            Price::Decimal(p) => price_micro(row, p)?,
        };
        let res = match resource {
            Resource::Known(r) => r,
            Resource::New(id) => self.intern(id),
        };
        if let Some(n) = self.next.get_mut(self.previous as usize) {
            *n = res;
        }
        self.previous = res;
        let Some(u) = &mut self.usage else {
            unreachable!("made above")
        };
        u.resource.push(res);
        u.hour.push(hour);
        u.vcores.push(vcores);
        u.price_micro.push(price);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loader before the fast paths: every row through the general parsers into records,
    /// then [`HourlyUsage::from_records`].
    fn reference(text: &str) -> Result<HourlyUsage> {
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

    /// `check` as it was before [`RowCheck`]: one loop over the rows.
    fn reference_check(u: &HourlyUsage) -> Result<()> {
        u.check_lengths()?;
        let mut last_hour = vec![u32::MAX; u.resources.len()];
        let mut previous = 0;
        for row in 0..u.resource.len() {
            let (res, hour) = (u.resource[row], u.hour[row]);
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
                        u.resources[res as usize]
                    ),
                ));
            }
            if u.vcores[row] > MAX_VCORES {
                return Err(row_error(
                    row,
                    "vcores",
                    format!("{} vCores is implausible", u.vcores[row]),
                ));
            }
            *seen = hour;
            previous = hour;
        }
        Ok(())
    }

    #[test]
    fn check_by_row_check_is_the_row_loop() {
        let mut x: u64 = 11;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let mut oks = 0;
        for _ in 0..20_000 {
            let resources: Vec<String> = (0..1 + next(4)).map(|i| format!("r{i}")).collect();
            let rows = next(30) as usize;
            let mut u = HourlyUsage {
                start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
                resources,
                resource: Vec::new(),
                hour: Vec::new(),
                vcores: Vec::new(),
                price_micro: Vec::new(),
            };
            let mut hour = 0u32;
            for k in 0..rows {
                let odd = next(40);
                hour += u32::from(next(3) == 0);
                u.resource.push(if odd == 0 {
                    4
                } else {
                    (k % u.resources.len()) as u32
                });
                u.hour.push(match odd {
                    1 => hour.saturating_sub(1),
                    2 => MAX_USAGE_HOURS,
                    _ => hour,
                });
                u.vcores.push(match odd {
                    3 => MAX_VCORES + 1,
                    4 => MAX_VCORES,
                    _ => 4,
                });
                u.price_micro.push(NO_PRICE);
            }
            if next(50) == 0 {
                u.vcores.pop();
            }
            let want = reference_check(&u);
            assert_eq!(u.check(), want, "{u:?}");
            oks += usize::from(want.is_ok());
        }
        assert!((2000..18_000).contains(&oks), "{oks} pass");
    }

    #[test]
    fn the_fast_paths_read_what_the_general_parsers_read() {
        let mut x: u64 = 5;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let hours = [
            "2026-03-01T00:00:00",
            "2026-03-01T05:00:00",
            "2026-03-01 06:00",
            "2026-03-01T07:00:00Z",
            "2026-03-02T23:00:00",
            "2026-02-28T23:00:00",
            "2026-02-30T01:00:00",
            "2026-03-01T24:00:00",
            "2026-03-01T05:30:00",
            "2026-03-01T05:00:07",
            "1899-12-31T05:00:00",
            "2200-01-01T00:00:00",
            "2027-03-01T00:00:00",
            "2036-03-01T00:00:00",
            "2026-03-01T05:00:00.5",
            "01/03/2026 05:00",
            "x",
        ];
        let vcores = [
            "4",
            "0",
            "16",
            "+8",
            "0012",
            "4097",
            "-1",
            "",
            "1234567890",
            "4x",
        ];
        let prices = [
            "",
            "0.10",
            "0.0963",
            "0",
            "5",
            "00.5",
            "1.",
            ".5",
            "-0.1",
            "-0",
            "1e-3",
            "0.0000001",
            "0.1234567",
            "999999999.999999",
            "1000000000",
            "2000000000",
            "abc",
        ];
        let ids = ["a", "b", "c", "d", "é", "e"];
        let mut oks = 0;
        for case in 0..3000 {
            let mut text = String::from(["", "\n", "\n\n"][next(3) as usize]);
            text += "resource,hour,vcores,licence_price_per_vcore_hour\n";
            let rows = 1 + next(12);
            // Mostly well-formed rows in order, with a rare odd value.
            let odd = |k: u64, n: u64| if k == 0 { 1 + n } else { 0 };
            for r in 0..rows {
                let h = if next(8) == 0 {
                    hours[next(hours.len() as u64) as usize].to_string()
                } else {
                    format!(
                        "2026-03-0{}T{:02}:00:00",
                        1 + (r / 6).min(8),
                        (r % 6) * 3 + case % 3
                    )
                };
                let v = vcores[odd(next(10), next(vcores.len() as u64 - 1)) as usize];
                let p = prices[if next(2) == 0 {
                    next(prices.len() as u64)
                } else {
                    1 + next(2)
                } as usize];
                let many = if next(20) == 0 { 6 } else { 4 };
                let id = ids[next(many) as usize];
                let sep = [",", ",", ",", ",", " , ", ",\t", ","][next(7) as usize];
                let quoted = if next(60) == 0 {
                    format!("\"{id}\"")
                } else {
                    id.to_string()
                };
                let end = if next(80) == 0 { "\r\n" } else { "\n" };
                let extra = if next(150) == 0 { ",x" } else { "" };
                text += &format!("{quoted}{sep}{h},{v},{p}{extra}{end}");
                match next(60) {
                    0 => text += "\n",
                    1 => text += "  \n",
                    2 => text += ",,\n",
                    3 => text += "a,b\n",
                    _ => {}
                }
            }
            if next(3) == 0 {
                // No line end after the last row.
                text.truncate(text.trim_end_matches(['\r', '\n']).len());
            }
            let want = reference(&text).map_err(|e| e.to_string());
            let got = HourlyUsage::from_csv(&text).map_err(|e| e.to_string());
            assert_eq!(got, want, "{text}");
            oks += usize::from(got.is_ok());
        }
        // Both outcomes are exercised.
        assert!((300..2700).contains(&oks), "{oks} of 3000 read");
    }
}
