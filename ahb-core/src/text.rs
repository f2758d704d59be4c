//! Text that several layers read: amounts, dates and date-times, and positions in UTF-8 input.
//!
//! One rule per kind of value, so that the same text is accepted or rejected the same way
//! whether it arrives in estate JSON, a CSV export, a pandas column or a C argument.
//!
//! **Amounts** ([`parse_decimal`]): an optional sign, digits with an optional `.` fraction, and
//! an optional exponent (`1.5`, `-2`, `.25`, `1.0E-4`, `2e3`). Scientific notation is accepted
//! everywhere because Azure's own exports and JSON number printers write it (`1.0E-4` in cost
//! exports, `1e-5` from float printers). Underscores, thousands separators, spaces inside the
//! number, `NaN`, `inf` and hexadecimal are rejected: a price is never guessed.
//!
//! **Dates** ([`parse_date`], [`parse_datetime`]): ISO 8601 `YYYY-MM-DD`, optionally followed by
//! a time (`T` or a space, `HH:MM` or `HH:MM:SS`, an optional fraction, an optional `Z`), and
//! slash dates `DD/MM/YYYY` or `MM/DD/YYYY` with an optional time (`HH:MM[:SS]`, or
//! `hh:MM:SS AM`). A slash date is read in the [`DateOrder`] the caller states; an order can be
//! inferred from a whole column with [`infer_order`] (any first field above 12 means day-first,
//! any second field above 12 means month-first). No time zone: Azure exports are UTC. Every
//! date must fall in [`PLAUSIBLE_YEARS`] (1900–2199): licence terms, usage exports and audit
//! dates all do, and a year such as 0001 or 9999 is a typo or a placeholder, never a date to
//! compute with (it would also make an hourly span of millions of hours).
//!
//! **Positions** ([`line_col`]): the one-based line and column of a byte offset, for errors
//! about text that is not UTF-8 or does not parse.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, de};

/// The order of day and month in a slash date (`01/07/2025`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Day first: `01/07/2025` is 1 July 2025 (most of the world).
    Dmy,
    /// Month first: `01/07/2025` is 7 January 2025 (the United States, EA portal exports).
    Mdy,
}

impl DateOrder {
    /// Reads `dmy` or `mdy` (any case).
    pub fn parse(s: &str) -> Option<DateOrder> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" => Some(DateOrder::Dmy),
            "mdy" => Some(DateOrder::Mdy),
            _ => None,
        }
    }
}

/// Why a date did not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not a date in any accepted format.
    Invalid,
    /// A date outside [`PLAUSIBLE_YEARS`].
    OutOfRange,
    /// A slash date whose day and month could be either way round, and no order was given.
    Ambiguous,
}

/// Whether `s` is a plain or scientific decimal number as [`parse_decimal`] accepts it.
fn decimal_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// An amount: the one decimal rule of ahb (see the module documentation). Surrounding spaces
/// are ignored; `None` for anything else, including a value out of `Decimal`'s range.
///
/// ```
/// use ahb_core::text::parse_decimal;
/// use rust_decimal::Decimal;
/// assert_eq!(parse_decimal("1.0E-4"), Some(Decimal::new(1, 4)));
/// assert_eq!(parse_decimal(" 0.25 "), Some(Decimal::new(25, 2)));
/// assert_eq!(parse_decimal("1_000"), None);
/// assert_eq!(parse_decimal("1,000"), None);
/// ```
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = s.trim();
    if !decimal_shaped(t) {
        return None;
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.contains(['e', 'E']) {
        // `from_scientific` wants digits before the point.
        let fixed;
        let t = if let Some(rest) = t.strip_prefix("-.") {
            fixed = format!("-0.{rest}");
            fixed.as_str()
        } else if let Some(rest) = t.strip_prefix('.') {
            fixed = format!("0.{rest}");
            fixed.as_str()
        } else {
            t
        };
        Decimal::from_scientific(t).ok()
    } else {
        t.parse::<Decimal>().ok()
    }
}

/// Serde: a required amount from a JSON string (numbers are refused: they may have been rounded
/// by a float parser), read with [`parse_decimal`].
pub fn de_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    crate::money::de(d)
}

/// A time of day: `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff`, or `hh:MM:SS AM|PM`.
fn parse_time(s: &str) -> Option<NaiveTime> {
    ["%H:%M:%S%.f", "%H:%M", "%I:%M:%S %p", "%I:%M %p"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(s, f).ok())
}

/// The years a date may fall in.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Whether `date` falls in [`PLAUSIBLE_YEARS`].
pub fn plausible(date: NaiveDate) -> bool {
    PLAUSIBLE_YEARS.contains(&date.year())
}

/// Why a date outside [`PLAUSIBLE_YEARS`] is refused, for error messages.
pub fn implausible_message(date: NaiveDate) -> String {
    format!(
        "{date} is outside the years {}–{} that ahb accepts (a typo or a placeholder date?)",
        PLAUSIBLE_YEARS.start(),
        PLAUSIBLE_YEARS.end()
    )
}

/// An [`InvalidOption`](crate::error::ErrorCode::InvalidOption) error naming `field` when
/// `date` is outside [`PLAUSIBLE_YEARS`].
pub(crate) fn check_option_date(field: &str, date: NaiveDate) -> crate::error::Result<()> {
    if plausible(date) {
        Ok(())
    } else {
        Err(crate::error::Error::option(
            field,
            implausible_message(date),
        ))
    }
}

/// `YYYY-MM-DD`, exactly.
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The two leading fields of a slash date (`a/b/YYYY`) and the year.
fn slash_fields(s: &str) -> Option<(u32, u32, i32)> {
    let mut parts = s.split('/');
    let a = parts.next()?;
    let b = parts.next()?;
    let y = parts.next()?;
    if parts.next().is_some()
        || !(1..=2).contains(&a.len())
        || !(1..=2).contains(&b.len())
        || y.len() != 4
        || !a
            .bytes()
            .chain(b.bytes())
            .chain(y.bytes())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, y.parse().ok()?))
}

/// Splits a date-time into its date text and optional time text.
fn split_time(s: &str) -> (&str, Option<&str>) {
    let s = s.strip_suffix('Z').unwrap_or(s);
    match s.find(['T', ' ']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    }
}

/// A date, as [`parse_datetime`] reads it, without the time.
pub fn parse_date(s: &str, order: Option<DateOrder>) -> Result<NaiveDate, DateError> {
    parse_datetime(s, order).map(|d| d.date())
}

/// A date or date-time in the accepted formats (see the module documentation); a date alone is
/// midnight. A slash date needs `order` unless its fields show it (a first field above 12 is a
/// day, a second above 12 is a day); otherwise [`DateError::Ambiguous`].
///
/// ```
/// use ahb_core::text::{DateError, DateOrder, parse_datetime};
/// let d = parse_datetime("2026-11-25T10:00:00Z", None).unwrap();
/// assert_eq!(d.to_string(), "2026-11-25 10:00:00");
/// assert_eq!(parse_datetime("25/11/2026", None).unwrap().to_string(), "2026-11-25 00:00:00");
/// assert_eq!(parse_datetime("01/07/2025", None), Err(DateError::Ambiguous));
/// let july = parse_datetime("01/07/2025", Some(DateOrder::Dmy)).unwrap();
/// assert_eq!(july.to_string(), "2025-07-01 00:00:00");
/// ```
pub fn parse_datetime(s: &str, order: Option<DateOrder>) -> Result<NaiveDateTime, DateError> {
    let (date, time) = split_time(s.trim());
    let time = match time {
        None => NaiveTime::MIN,
        Some(t) => parse_time(t).ok_or(DateError::Invalid)?,
    };
    if let Some(d) = parse_iso_date(date) {
        if !plausible(d) {
            return Err(DateError::OutOfRange);
        }
        return Ok(d.and_time(time));
    }
    let (a, b, y) = slash_fields(date).ok_or(DateError::Invalid)?;
    let order = match order {
        Some(o) => o,
        None if a > 12 && b <= 12 => DateOrder::Dmy,
        None if b > 12 && a <= 12 => DateOrder::Mdy,
        None if a == b && a <= 12 => DateOrder::Dmy,
        None if a <= 12 && b <= 12 => return Err(DateError::Ambiguous),
        None => return Err(DateError::Invalid),
    };
    let (day, month) = match order {
        DateOrder::Dmy => (a, b),
        DateOrder::Mdy => (b, a),
    };
    let d = NaiveDate::from_ymd_opt(y, month, day).ok_or(DateError::Invalid)?;
    if !plausible(d) {
        return Err(DateError::OutOfRange);
    }
    Ok(d.and_time(time))
}

/// What a column of slash dates says about its order: `Some` when a value shows it (a first
/// field above 12 means day-first, a second field above 12 month-first), `None` when every value
/// could be read either way. A column that shows both orders is [`DateError::Invalid`]. Values
/// that are not slash dates are passed over (ISO dates need no order).
pub fn infer_order<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Option<DateOrder>, DateError> {
    let mut found = None;
    for v in values {
        let (date, _) = split_time(v.trim());
        let Some((a, b, _)) = slash_fields(date) else {
            continue;
        };
        let this = if a > 12 && b <= 12 {
            DateOrder::Dmy
        } else if b > 12 && a <= 12 {
            DateOrder::Mdy
        } else {
            continue;
        };
        match found {
            None => found = Some(this),
            Some(o) if o == this => {}
            Some(_) => return Err(DateError::Invalid),
        }
    }
    Ok(found)
}

/// The order one value shows: `Some` for a slash date whose first field (day-first) or second
/// field (month-first) is above 12; `None` for anything else.
pub fn order_shown(s: &str) -> Option<DateOrder> {
    let (date, _) = split_time(s.trim());
    let (a, b, _) = slash_fields(date)?;
    if a > 12 && b <= 12 {
        Some(DateOrder::Dmy)
    } else if b > 12 && a <= 12 {
        Some(DateOrder::Mdy)
    } else {
        None
    }
}

/// Whether `s` is a slash date whose day and month could be either way round.
pub fn is_ambiguous_slash_date(s: &str) -> bool {
    let (date, _) = split_time(s.trim());
    slash_fields(date).is_some_and(|(a, b, _)| a <= 12 && b <= 12 && a != b)
}

/// Serde: a `YYYY-MM-DD` date (the only date form of ahb's own JSON).
pub fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = String::deserialize(d)?;
    let date = parse_iso_date(s.trim())
        .ok_or_else(|| de::Error::custom(format!("{s:?} is not a YYYY-MM-DD date")))?;
    if plausible(date) {
        Ok(date)
    } else {
        Err(de::Error::custom(implausible_message(date)))
    }
}

/// A `YYYY-MM-DD` date, exactly ten characters (the form of ahb's own JSON and C arguments),
/// in [`PLAUSIBLE_YEARS`].
///
/// ```
/// use ahb_core::text::parse_ymd;
/// assert!(parse_ymd("2026-11-25").is_some());
/// assert!(parse_ymd("0001-01-01").is_none());
/// ```
pub fn parse_ymd(s: &str) -> Option<NaiveDate> {
    parse_iso_date(s).filter(|d| plausible(*d))
}

/// One-based line and column of a byte offset in `bytes` (the column counts bytes).
pub fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// Text from bytes that must be UTF-8, or the one-based line and column of the first bad byte.
pub fn utf8(bytes: &[u8]) -> Result<&str, (usize, usize, usize)> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let (line, column) = line_col(bytes, at);
        (at, line, column)
    })
}

/// A report as pretty JSON (`to_json` of the position and the plan): serde_json's pretty
/// text, written by [`crate::pretty`].
pub(crate) fn pretty_json<T: serde::Serialize>(value: &T) -> String {
    crate::pretty::to_string(value).expect("reports always serialise")
}

/// [`pretty_json`]'s text written to `out` as it is produced (in 64 KiB pieces), so that a
/// large report is never held in memory whole.
pub(crate) fn write_pretty_json<T: serde::Serialize>(
    value: &T,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    crate::pretty::write(value, &mut out)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn pretty_json_is_serde_jsons_pretty_text() {
        // Empty and nested containers, deeper than the precomputed indentation.
        let mut deep = serde_json::json!({"x": [], "y": {}, "z": [1, {"a": null}]});
        for i in 0..40 {
            deep = serde_json::json!({"level": i, "inner": [deep, "s\n\"q\""], "e": []});
        }
        for v in [
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!(1),
            deep,
        ] {
            let expected = serde_json::to_string_pretty(&v).unwrap();
            assert_eq!(super::pretty_json(&v), expected);
            let mut out = Vec::new();
            super::write_pretty_json(&v, &mut out).unwrap();
            assert_eq!(out, expected.into_bytes());
        }
    }

    use super::*;

    fn d(s: &str) -> Option<Decimal> {
        parse_decimal(s)
    }

    #[test]
    fn decimals_one_rule() {
        assert_eq!(d("1.5"), Some(Decimal::new(15, 1)));
        assert_eq!(d("-2"), Some(Decimal::from(-2)));
        assert_eq!(d("+2"), Some(Decimal::from(2)));
        assert_eq!(d(".25"), Some(Decimal::new(25, 2)));
        assert_eq!(d("1."), Some(Decimal::from(1)));
        assert_eq!(d("1.0E-4"), Some(Decimal::new(1, 4)));
        assert_eq!(d("1e-5"), Some(Decimal::new(1, 5)));
        assert_eq!(d("2E3"), Some(Decimal::from(2000)));
        assert_eq!(d(".5e1"), Some(Decimal::from(5)));
        for bad in [
            "", " ", "1_000", "1,000", "1 000", "NaN", "inf", "0x10", "e5", "1e", "1e+", "--1",
            "1.2.3", "$1", "1.5 USD", ".",
        ] {
            assert_eq!(d(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_iso_and_slash() {
        let ok = |s: &str, o| parse_datetime(s, o).map(|x| x.to_string());
        assert_eq!(ok("2025-07-01", None).unwrap(), "2025-07-01 00:00:00");
        assert_eq!(
            ok("2025-07-01T10:30:00.5Z", None).unwrap(),
            "2025-07-01 10:30:00.500"
        );
        assert_eq!(ok("2025-07-01 10:30", None).unwrap(), "2025-07-01 10:30:00");
        assert_eq!(ok("31/12/2025", None).unwrap(), "2025-12-31 00:00:00");
        assert_eq!(ok("12/31/2025", None).unwrap(), "2025-12-31 00:00:00");
        assert_eq!(ok("05/05/2025", None).unwrap(), "2025-05-05 00:00:00");
        assert_eq!(ok("01/07/2025", None), Err(DateError::Ambiguous));
        assert_eq!(
            ok("01/07/2025", Some(DateOrder::Mdy)).unwrap(),
            "2025-01-07 00:00:00"
        );
        assert_eq!(
            ok("1/7/2025 3:04:05 PM", Some(DateOrder::Mdy)).unwrap(),
            "2025-01-07 15:04:05"
        );
        assert_eq!(
            ok("31/12/2025", Some(DateOrder::Mdy)),
            Err(DateError::Invalid)
        );
        for bad in [
            "2025-7-1",
            "20250701",
            "31/13/2025",
            "1/2/25",
            "x",
            "2025-02-30",
        ] {
            assert_eq!(ok(bad, None), Err(DateError::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn column_order() {
        assert_eq!(
            infer_order(["01/07/2025", "13/07/2025"]),
            Ok(Some(DateOrder::Dmy))
        );
        assert_eq!(
            infer_order(["01/07/2025", "07/13/2025"]),
            Ok(Some(DateOrder::Mdy))
        );
        assert_eq!(infer_order(["01/07/2025", "2025-01-01"]), Ok(None));
        assert_eq!(
            infer_order(["13/07/2025", "07/13/2025"]),
            Err(DateError::Invalid)
        );
    }

    #[test]
    fn positions() {
        assert_eq!(line_col(b"ab\ncd", 4), (2, 2));
        assert_eq!(utf8(b"ok\n\xff"), Err((3, 2, 1)));
    }
}

/// A sort key that orders ids as their text does, as far as it goes: the first 16 bytes,
/// zero-padded, read big-endian. Ids whose keys differ compare as their keys do; ids with
/// equal keys must be compared in full. Sorting by it first turns most comparisons of long ids
/// (each behind a pointer, sharing prefixes) into one integer comparison.
pub(crate) fn id_prefix(id: &str) -> u128 {
    let bytes = id.as_bytes();
    let mut key = [0u8; 16];
    let n = bytes.len().min(16);
    key[..n].copy_from_slice(&bytes[..n]);
    u128::from_be_bytes(key)
}

#[cfg(test)]
mod id_prefix_tests {
    use super::id_prefix;

    /// Differing keys order ids as the ids order; equal keys only for ids equal in their first
    /// 16 bytes (or one a zero-padded prefix of the other).
    #[test]
    fn the_key_agrees_with_the_order_of_ids() {
        let ids = [
            "",
            "a",
            "a\0",
            "a\0b",
            "ab",
            "abc",
            "b",
            "vm-0000001",
            "vm-0000010",
            "vm-00000100",
            "0123456789abcdef",
            "0123456789abcdefX",
            "0123456789abcdefY",
            "0123456789abcdee",
            "é",
            "zz",
            "Z",
        ];
        for a in ids {
            for b in ids {
                let (ka, kb) = (id_prefix(a), id_prefix(b));
                if ka != kb {
                    assert_eq!(ka.cmp(&kb), a.cmp(b), "{a:?} {b:?}");
                } else {
                    let pad = |s: &str| {
                        let mut v = s.as_bytes()[..s.len().min(16)].to_vec();
                        v.resize(16, 0);
                        v
                    };
                    assert_eq!(pad(a), pad(b), "{a:?} {b:?}");
                }
            }
        }
    }
}

/// A hash map keyed by ids or other text: the standard map with foldhash, several times
/// faster than SipHash on short ids and, like the standard map's, seeded at random (which ids
/// collide is not fixed in advance, so a file cannot be written to make lookups slow). Build one
/// with `IdMap::default()` or `IdMap::with_capacity_and_hasher(n, Default::default())`.
pub(crate) type IdMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Whether `bytes` are a Parquet file: they start with its magic `PAR1`. (Text inputs never
/// do: a CSV header starts with a column name.) Readers of files that may be either choose the
/// Parquet or the CSV reader by this test (`import::usage_from_export`,
/// `HourlyUsage::from_bytes`).
pub fn is_parquet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PAR1")
}

/// The error of a Parquet file given to a build without the cargo feature `parquet`.
#[cfg(not(feature = "parquet"))]
pub(crate) fn parquet_not_built(what: &str) -> crate::Error {
    crate::Error::new(
        crate::ErrorCode::Parse,
        format!(
            "the {what} is a Parquet file, and this build of ahb reads Parquet only with the \
             cargo feature `parquet`"
        ),
    )
}
