//! CSV reading shared by the cost and licence importers: headers matched by name (never by
//! position, docs/IMPORT-FORMATS.md §2.1) without regard to case, spaces, punctuation or the
//! spelling of *licence*/*license*; a UTF-8 byte-order mark
//! and CRLF line ends accepted; empty cells and the literal `NULL` (FOCUS samples) read as absent.
//! Every error carries the file, the line, the column number and the column's header.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::error::{Error, ErrorCode, RecordRef, Result};
use crate::text::{self, DateError, DateOrder};

/// `"SA Start"`, `"sa_start"` and `"SaStart"` all become `"sastart"`.
pub(crate) fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A header as it is matched: [`norm`]alised, and with *licence* spelled *license*, so that
/// `"Licence ID"`, `"License ID"` and `"license_id"` are one column.
pub(crate) fn header_key(h: &str) -> String {
    norm(h).replace("licence", "license")
}

/// A table being read, CSV or (feature `parquet`) Arrow: its name, headers and rows.
pub(crate) struct Table<'a> {
    pub file: String,
    pub headers: Vec<String>,
    normalised: Vec<String>,
    source: Source<'a>,
    /// One-based line of the current data row (for Arrow input, its one-based row number).
    pub line: usize,
    /// How slash dates of this file are read; `None` until stated or inferred, and then an
    /// ambiguous slash date is an error.
    date_order: Option<DateOrder>,
}

/// Where a table's rows come from: the byte-level front end.
enum Source<'a> {
    Csv {
        reader: csv::Reader<&'a [u8]>,
        bytes: &'a [u8],
        /// Byte offset and line of the last row start, to count lines incrementally.
        mark: (usize, usize),
        record: csv::StringRecord,
    },
    #[cfg(feature = "parquet")]
    Arrow(super::arrow_rows::Rows),
}

impl<'a> Table<'a> {
    pub fn open(file: &str, bytes: &'a [u8]) -> Result<Table<'a>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes);
        let headers = reader
            .headers()
            .map_err(|e| csv_error(file, &e))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect::<Vec<_>>();
        if headers.iter().all(String::is_empty) {
            return Err(Error::new(ErrorCode::Parse, "the file has no header row")
                .in_file(file)
                .with_line(1, None));
        }
        let normalised = checked_headers(file, &headers, true)?;
        Ok(Table {
            file: file.to_string(),
            headers,
            normalised,
            source: Source::Csv {
                reader,
                bytes,
                mark: (0, 1),
                record: csv::StringRecord::new(),
            },
            line: 1,
            date_order: None,
        })
    }

    /// A table over Arrow rows (Parquet, record batches), its headers the column names.
    #[cfg(feature = "parquet")]
    pub(crate) fn arrow(file: &str, rows: super::arrow_rows::Rows) -> Result<Table<'a>> {
        let headers: Vec<String> = rows.names().iter().map(|h| h.trim().to_string()).collect();
        let normalised = checked_headers(file, &headers, false)?;
        Ok(Table {
            file: file.to_string(),
            headers,
            normalised,
            source: Source::Arrow(rows),
            line: 0,
            date_order: None,
        })
    }

    /// Whether the table is CSV text (its errors name lines).
    fn is_text(&self) -> bool {
        match self.source {
            Source::Csv { .. } => true,
            #[cfg(feature = "parquet")]
            Source::Arrow(_) => false,
        }
    }

    /// Decides how the slash dates of this file read: the `stated` order when the caller gave
    /// one; else the order the values of the date columns `cols` show (a first field above 12
    /// is a day, a second above 12 is a day; one file is written by one tool in one locale, so
    /// every date column counts); else `default` (the documented order of the export format,
    /// when it has one). A date that contradicts the order found is rejected where it stands.
    pub fn decide_date_order(
        &mut self,
        stated: Option<DateOrder>,
        default: Option<DateOrder>,
        cols: &[Option<usize>],
    ) -> Result<()> {
        let cols: Vec<usize> = cols.iter().flatten().copied().collect();
        if stated.is_some() || cols.is_empty() {
            self.date_order = stated.or(default);
            return Ok(());
        }
        let bytes = match &mut self.source {
            Source::Csv { bytes, .. } => *bytes,
            #[cfg(feature = "parquet")]
            Source::Arrow(rows) => {
                self.date_order = rows.order_shown(&cols)?.or(default);
                return Ok(());
            }
        };
        // One pass, stopping at the first value that shows the order; nothing is kept.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::StringRecord::new();
        let mut inferred = None;
        'rows: while reader
            .read_record(&mut record)
            .map_err(|e| csv_error(&self.file, &e))?
        {
            for &c in &cols {
                let Some(v) = record.get(c).map(str::trim).filter(|v| !v.is_empty()) else {
                    continue;
                };
                if let Some(o) = text::order_shown(v) {
                    inferred = Some(o);
                    break 'rows;
                }
            }
        }
        self.date_order = inferred.or(default);
        Ok(())
    }

    /// The position of the first column whose normalised header is one of `names`.
    pub fn col(&self, names: &[&str]) -> Option<usize> {
        let found = names
            .iter()
            .find_map(|n| self.normalised.iter().position(|h| h == &header_key(n)));
        #[cfg(feature = "parquet")]
        if let (Source::Arrow(rows), Some(c)) = (&self.source, found) {
            // Only the columns asked for are decoded.
            rows.want(c);
        }
        found
    }

    /// Moves to the next data row; `false` at the end.
    pub fn next_row(&mut self) -> Result<bool> {
        let (reader, bytes, mark, record) = match &mut self.source {
            Source::Csv {
                reader,
                bytes,
                mark,
                record,
            } => (reader, *bytes, mark, record),
            #[cfg(feature = "parquet")]
            Source::Arrow(rows) => {
                let more = rows.next_row().map_err(|e| e.in_file(self.file.clone()))?;
                self.line = rows.index() + 1;
                return Ok(more);
            }
        };
        let more = reader
            .read_record(record)
            .map_err(|e| csv_error(&self.file, &e))?;
        if more {
            // Lines are counted from the byte offset: the reader's own line count does not
            // advance on CRLF line ends.
            let mut byte = record
                .position()
                .map_or(mark.0, |p| p.byte() as usize)
                .min(bytes.len());
            // After a CR the reader may place the next record on the LF that follows it.
            while byte < bytes.len() && matches!(bytes[byte], b'\r' | b'\n') {
                byte += 1;
            }
            let (from, line) = *mark;
            let start = from.min(byte);
            let newlines = bytes[start..byte].iter().filter(|&&b| b == b'\n').count();
            *mark = (byte, line + newlines);
            self.line = mark.1;
        }
        Ok(more)
    }

    /// Zero-based index of the current data row (the header is record 0 of the reader).
    pub fn index(&self) -> usize {
        match &self.source {
            Source::Csv { record, .. } => record
                .position()
                .map_or(0, |p| (p.record() as usize).saturating_sub(1)),
            #[cfg(feature = "parquet")]
            Source::Arrow(rows) => rows.index(),
        }
    }

    /// Whether the row has no content at all (a trailing blank line; Arrow rows are never
    /// blank).
    pub fn row_is_blank(&self) -> bool {
        match &self.source {
            Source::Csv { record, .. } => record.iter().all(|c| c.trim().is_empty()),
            #[cfg(feature = "parquet")]
            Source::Arrow(_) => false,
        }
    }

    /// The trimmed cell at `col`; empty and `NULL` are absent (as are Arrow nulls).
    pub fn cell(&self, col: Option<usize>) -> Option<&str> {
        let s = match &self.source {
            Source::Csv { record, .. } => record.get(col?)?,
            #[cfg(feature = "parquet")]
            Source::Arrow(rows) => rows.cell(col?)?,
        }
        .trim();
        (!s.is_empty() && s != "NULL").then_some(s)
    }

    /// An error about the cell at `col` of the current row.
    pub fn error(&self, code: ErrorCode, col: Option<usize>, message: impl Into<String>) -> Error {
        let mut e = Error::new(code, message).in_file(self.file.clone());
        if self.is_text() {
            e = e.with_line(self.line, col.map(|c| c + 1));
        }
        e = e.with_record(RecordRef {
            collection: "rows",
            index: self.index(),
            id: None,
        });
        if let Some(c) = col {
            e = e.with_field(self.headers[c].clone());
        }
        e
    }

    /// A required cell.
    pub fn required(&self, col: Option<usize>, what: &str) -> Result<&str> {
        match col {
            None => {
                let e = Error::new(
                    ErrorCode::MissingField,
                    format!("no {what} column in the header"),
                )
                .in_file(self.file.clone())
                .with_field(what.to_string());
                Err(if self.is_text() {
                    e.with_line(1, None)
                } else {
                    e
                })
            }
            Some(_) => self.cell(col).ok_or_else(|| {
                self.error(ErrorCode::MissingField, col, format!("{what} is empty"))
            }),
        }
    }

    /// A decimal cell (`1.5`, `-2`, `1.0E-4`), read by [`text::parse_decimal`].
    pub fn decimal(&self, col: Option<usize>) -> Result<Option<Decimal>> {
        let Some(s) = self.cell(col) else {
            return Ok(None);
        };
        text::parse_decimal(s).map(Some).ok_or_else(|| {
            self.error(
                ErrorCode::InvalidValue,
                col,
                format!("{s:?} is not a number"),
            )
        })
    }

    /// A date or date-time cell, read by [`text::parse_datetime`] in the file's date order.
    pub fn datetime(&self, col: Option<usize>) -> Result<Option<NaiveDateTime>> {
        let Some(s) = self.cell(col) else {
            return Ok(None);
        };
        match text::parse_datetime(s, self.date_order) {
            Ok(d) => Ok(Some(d)),
            Err(DateError::Ambiguous) => Err(self.error(
                ErrorCode::InvalidValue,
                col,
                format!(
                    "{s:?} could be day-first or month-first and no date in the file shows which: \
                     state the date order (date_order \"dmy\" or \"mdy\")"
                ),
            )),
            Err(DateError::OutOfRange) => Err(self.error(
                ErrorCode::InvalidValue,
                col,
                format!(
                    "{s:?} is outside the years {}–{} that ahb accepts",
                    text::PLAUSIBLE_YEARS.start(),
                    text::PLAUSIBLE_YEARS.end()
                ),
            )),
            Err(DateError::Invalid) => Err(self.error(
                ErrorCode::InvalidValue,
                col,
                match self.date_order {
                    Some(DateOrder::Dmy) => {
                        format!("{s:?} is not a date (YYYY-MM-DD, DD/MM/YYYY or an ISO 8601 time)")
                    }
                    Some(DateOrder::Mdy) => {
                        format!("{s:?} is not a date (YYYY-MM-DD, MM/DD/YYYY or an ISO 8601 time)")
                    }
                    None => format!(
                        "{s:?} is not a date (YYYY-MM-DD, a slash date or an ISO 8601 time)"
                    ),
                },
            )),
        }
    }

    /// A date cell.
    pub fn date(&self, col: Option<usize>) -> Result<Option<NaiveDate>> {
        Ok(self.datetime(col)?.map(|d| d.date()))
    }
}

/// The headers normalised, refused when two name one column.
fn checked_headers(file: &str, headers: &[String], text: bool) -> Result<Vec<String>> {
    let normalised: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    // Two columns with one name: reading either would silently ignore the other.
    for (i, h) in normalised.iter().enumerate() {
        if let Some(first) = normalised[..i].iter().position(|g| !h.is_empty() && g == h) {
            let message = if headers[first] == headers[i] {
                format!("the header {:?} is given twice", headers[i])
            } else {
                format!(
                    "the header {:?} is given twice (also as {:?})",
                    headers[i], headers[first]
                )
            };
            let e = Error::new(ErrorCode::Parse, message)
                .in_file(file)
                .with_field(headers[i].clone());
            return Err(if text { e.with_line(1, Some(i + 1)) } else { e });
        }
    }
    Ok(normalised)
}

fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(1, |p| p.line() as usize);
    let msg = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} cells where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_string(),
        _ => e.to_string(),
    };
    Error::new(ErrorCode::Parse, msg)
        .in_file(file)
        .with_line(line, None)
}
