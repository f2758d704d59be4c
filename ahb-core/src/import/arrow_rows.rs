//! The Arrow front end of [`Table`](super::table::Table) (cargo feature `parquet`): rows of a
//! Parquet file or of record batches, each cell as the text a CSV export would hold, so that
//! the one reader of an export's columns and values reads both.
//!
//! Cells are Arrow's own text of the value: timestamps as ISO 8601 (`2026-03-01T00:00:00`; a
//! timestamp with a time zone as its UTC instant, Arrow's storage), dates as `YYYY-MM-DD`,
//! decimals and numbers in full; nulls are absent cells, as empty CSV cells are.

use std::cell::RefCell;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, RecordBatchReader, StringArray};
use arrow_schema::{ArrowError, DataType};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use crate::arrow::{arrow_error, parquet_error};
use crate::error::{Error, ErrorCode, Result};
use crate::text::{self, DateOrder};

/// Rows per record batch read from Parquet.
const BATCH_ROWS: usize = 64 * 1024;

/// Where the batches come from.
enum Input {
    /// A Parquet file: decoded when the first row is asked for, only the columns wanted then.
    Parquet {
        bytes: bytes::Bytes,
        reader: Option<ParquetRecordBatchReader>,
    },
    /// Record batches in memory.
    Memory {
        batches: Vec<RecordBatch>,
        next: usize,
    },
}

/// The rows of a table of Arrow data, one at a time.
pub(crate) struct Rows {
    names: Vec<String>,
    input: Input,
    /// The columns the reader asked for (by [`Table::col`](super::table::Table::col)).
    wanted: RefCell<Vec<bool>>,
    /// The current batch's wanted columns as text, by column.
    text: Vec<Option<StringArray>>,
    /// The current row within the batch, and the rows of the batches before it.
    row: Option<usize>,
    len: usize,
    before: usize,
    started: bool,
}

impl Rows {
    fn new(names: Vec<String>, input: Input) -> Rows {
        let n = names.len();
        Rows {
            names,
            input,
            wanted: RefCell::new(vec![false; n]),
            text: vec![None; n],
            row: None,
            len: 0,
            before: 0,
            started: false,
        }
    }

    /// The rows of a Parquet file's bytes.
    pub(crate) fn parquet(bytes: &[u8]) -> Result<Rows> {
        let bytes = crate::arrow::parquet_bytes(bytes);
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(bytes.clone()).map_err(parquet_error)?;
        let names = builder
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        Ok(Rows::new(
            names,
            Input::Parquet {
                bytes,
                reader: None,
            },
        ))
    }

    /// The rows of record batches (read to the end first: the order of slash dates is decided
    /// on the whole file before the first row is read).
    pub(crate) fn batches(reader: impl RecordBatchReader) -> Result<Rows> {
        let names = reader
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let batches = reader
            .collect::<std::result::Result<Vec<_>, ArrowError>>()
            .map_err(arrow_error)?;
        Ok(Rows::new(names, Input::Memory { batches, next: 0 }))
    }

    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// Marks column `c` as read.
    pub(crate) fn want(&self, c: usize) {
        if let Some(w) = self.wanted.borrow_mut().get_mut(c) {
            *w = true;
        }
    }

    /// Zero-based index of the current row.
    pub(crate) fn index(&self) -> usize {
        self.before + self.row.unwrap_or(0)
    }

    /// The text of column `c` in the current row; `None` when null or not read.
    pub(crate) fn cell(&self, c: usize) -> Option<&str> {
        let a = self.text.get(c)?.as_ref()?;
        let row = self.row?;
        a.is_valid(row).then(|| a.value(row))
    }

    /// The next batch, its columns in the order of [`Rows::names`] (`None` where not decoded).
    fn next_batch(&mut self) -> Result<Option<Vec<Option<ArrayRef>>>> {
        let wanted = self.wanted.borrow().clone();
        match &mut self.input {
            Input::Parquet { bytes, reader } => {
                if reader.is_none() {
                    *reader = Some(parquet_reader(bytes, &wanted)?);
                }
                let Some(batch) = reader.as_mut().and_then(Iterator::next) else {
                    return Ok(None);
                };
                let batch = batch.map_err(arrow_error)?;
                // The projected columns, in the file's order.
                let mut columns = batch.columns().iter();
                Ok(Some(
                    wanted
                        .iter()
                        .map(|&w| if w { columns.next().cloned() } else { None })
                        .collect(),
                ))
            }
            Input::Memory { batches, next } => {
                let Some(batch) = batches.get(*next) else {
                    return Ok(None);
                };
                *next += 1;
                if batch.num_columns() != wanted.len() {
                    return Err(Error::new(
                        ErrorCode::Parse,
                        format!(
                            "a record batch has {} columns where the schema has {}",
                            batch.num_columns(),
                            wanted.len()
                        ),
                    ));
                }
                Ok(Some(
                    batch
                        .columns()
                        .iter()
                        .zip(&wanted)
                        .map(|(c, &w)| w.then(|| c.clone()))
                        .collect(),
                ))
            }
        }
    }

    /// Moves to the next row; `false` at the end.
    pub(crate) fn next_row(&mut self) -> Result<bool> {
        if self.started
            && let Some(r) = self.row
            && r + 1 < self.len
        {
            self.row = Some(r + 1);
            return Ok(true);
        }
        self.started = true;
        loop {
            let Some(columns) = self.next_batch()? else {
                self.before += self.len;
                self.len = 0;
                self.row = None;
                return Ok(false);
            };
            self.before += self.len;
            self.len = columns
                .iter()
                .flatten()
                .map(|c| c.len())
                .next()
                .unwrap_or(0);
            self.text = columns
                .iter()
                .enumerate()
                .map(|(i, c)| c.as_ref().map(|c| as_text(&self.names[i], c)).transpose())
                .collect::<Result<_>>()?;
            if self.len > 0 {
                self.row = Some(0);
                return Ok(true);
            }
        }
    }

    /// The order of slash dates the text columns `cols` show, from the first value that shows
    /// one (a second pass over those columns only).
    pub(crate) fn order_shown(&mut self, cols: &[usize]) -> Result<Option<DateOrder>> {
        let shown = |a: &ArrayRef| -> Option<DateOrder> {
            if !crate::arrow::is_text(a.data_type()) {
                return None;
            }
            let a = arrow_cast::cast(a, &DataType::Utf8).ok()?;
            let a = a.as_string::<i32>();
            a.iter()
                .flatten()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .find_map(text::order_shown)
        };
        match &self.input {
            Input::Parquet { bytes, .. } => {
                let wanted: Vec<bool> = (0..self.names.len()).map(|i| cols.contains(&i)).collect();
                for batch in parquet_reader(bytes, &wanted)? {
                    let batch = batch.map_err(arrow_error)?;
                    if let Some(o) = batch.columns().iter().find_map(shown) {
                        return Ok(Some(o));
                    }
                }
            }
            Input::Memory { batches, .. } => {
                for batch in batches {
                    for &c in cols {
                        if let Some(o) = batch.columns().get(c).and_then(shown) {
                            return Ok(Some(o));
                        }
                    }
                }
            }
        }
        Ok(None)
    }
}

fn parquet_reader(bytes: &bytes::Bytes, wanted: &[bool]) -> Result<ParquetRecordBatchReader> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes.clone()).map_err(parquet_error)?;
    let roots = wanted
        .iter()
        .enumerate()
        .filter(|(_, w)| **w)
        .map(|(i, _)| i);
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(parquet_error)
}

/// A column as the text of its values.
fn as_text(name: &str, a: &ArrayRef) -> Result<StringArray> {
    let cast = |a: &ArrayRef, to: &DataType| arrow_cast::cast(a, to);
    let text = match a.data_type() {
        // The UTC instant, written without a zone (as Azure's exports write UTC times).
        DataType::Timestamp(unit, Some(_)) => cast(a, &DataType::Int64)
            .and_then(|i| cast(&i, &DataType::Timestamp(*unit, None)))
            .and_then(|t| cast(&t, &DataType::Utf8)),
        _ => cast(a, &DataType::Utf8),
    }
    .map_err(|e| {
        Error::new(
            ErrorCode::Parse,
            format!(
                "column `{name}` of type {} cannot be read as text: {e}",
                a.data_type()
            ),
        )
        .with_field(name.to_string())
    })?;
    Ok(text.as_string::<i32>().clone())
}
