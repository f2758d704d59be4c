//! Parquet and Arrow input (cargo feature `parquet`): the byte-level front end shared by the
//! readers of hourly usage ([`HourlyUsage::from_parquet`](crate::central::HourlyUsage::from_parquet),
//! [`HourlyUsage::from_arrow`](crate::central::HourlyUsage::from_arrow)) and of cost exports
//! ([`usage_from_parquet`](crate::import::usage_from_parquet),
//! [`usage_from_arrow`](crate::import::usage_from_arrow)).
//!
//! The Arrow types ahb reads are re-exported here, so that a caller uses the same version of the
//! `arrow` crates as ahb does. Parquet files may be uncompressed or compressed with Snappy
//! (what Cost Management exports and pandas/pyarrow write by default), Zstandard (polars' and
//! DuckDB's default), LZ4 or gzip (a Spark option); Brotli is a typed
//! [`Parse`](crate::ErrorCode::Parse) error naming it.

/// The `arrow-array` crate ahb reads (arrays to build record batches from).
pub use arrow_array as array;
pub use arrow_array::{RecordBatch, RecordBatchIterator, RecordBatchReader};
pub use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};

use arrow_array::cast::AsArray;
use arrow_array::{Array, LargeStringArray, StringArray, StringViewArray};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::errors::ParquetError;
use parquet::file::reader::ChunkReader;

use crate::error::{Error, ErrorCode, Result};

/// Rows per record batch read from Parquet. Small enough that a batch's decoded columns (about
/// 200 KiB for usage's four) are reused by the allocator from batch to batch: with 64 Ki rows
/// each column's buffer was a fresh mapping, its pages faulted in and given back every batch
/// (hourly usage of 8.76·10⁶ rows: 0.25 s, a third of it page faults, against 0.17 s).
const BATCH_ROWS: usize = 8 * 1024;

/// A Parquet file that does not read (bad magic, corrupt metadata or pages, an unsupported
/// codec): a parse error.
pub(crate) fn parquet_error(e: ParquetError) -> Error {
    Error::new(
        ErrorCode::Parse,
        format!("the Parquet file does not read: {e}"),
    )
}

/// Arrow data that does not read (a stream that fails, an invalid batch): a parse error.
pub(crate) fn arrow_error(e: ArrowError) -> Error {
    Error::new(
        ErrorCode::Parse,
        format!("the Arrow data does not read: {e}"),
    )
}

/// Rows of a Parquet file reserved at most per byte of the file. Dictionary and run-length
/// encoding store a year of hourly usage in about a quarter of a byte per row (4.2 rows per
/// byte for `benches/compare_parquet.py`'s file); a file that states more rows than this is
/// read all the same, its columns grown as the rows arrive.
const RESERVED_ROWS_PER_BYTE: usize = 64;

/// The most rows reserved for any Parquet file (2²⁶, about 1.3 GB of usage columns), so that no
/// stated row count asks for more memory than a machine has; larger files grow as they are read.
const MAX_RESERVED_ROWS: usize = 1 << 26;

/// How many rows to reserve for a Parquet file of `bytes` bytes whose metadata states `stated`:
/// the stated count, believed up to [`RESERVED_ROWS_PER_BYTE`] per byte and
/// [`MAX_RESERVED_ROWS`]. A reservation the data does not fill is address space, not memory: a
/// page is only committed when a row is written to it.
///
/// Reserving the stated rows matters: a file of 2 MB holding 8.76·10⁶ rows, reserved at one
/// row per byte, had its columns grown three times (each growth a copy of all the rows so far)
/// and ended with capacity for 16.8·10⁶ rows.
pub(crate) fn reserved_rows(stated: i64, bytes: u64) -> usize {
    let stated = usize::try_from(stated).unwrap_or(0);
    let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
    at_most_reserved(stated.min(bytes.saturating_mul(RESERVED_ROWS_PER_BYTE)))
}

/// `rows`, at most [`MAX_RESERVED_ROWS`]: a row count a caller states, to reserve.
pub(crate) fn at_most_reserved(rows: usize) -> usize {
    rows.min(MAX_RESERVED_ROWS)
}

/// Opens a Parquet file for reading in record batches, only the top-level columns whose names
/// `wanted` accepts; returns the reader and how many rows to reserve ([`reserved_rows`]: the
/// count the file's metadata states, believed within bounds).
pub(crate) fn open_parquet<R: ChunkReader + 'static>(
    file: R,
    wanted: impl Fn(&str) -> bool,
) -> Result<(ParquetRecordBatchReader, usize)> {
    let bytes = file.len();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_error)?;
    let rows = reserved_rows(builder.metadata().file_metadata().num_rows(), bytes);
    let roots: Vec<usize> = builder
        .schema()
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| wanted(f.name()))
        .map(|(i, _)| i)
        .collect();
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(parquet_error)?;
    Ok((reader, rows))
}

/// Runs a decode of Parquet data, a panic of the decoder made a typed error. The `parquet`
/// crate asserts on some damaged files (a page whose lengths disagree with its buffers) instead
/// of returning an error; ahb's promise is a typed error for any input. (With `panic = "abort"`
/// such a file aborts; the default panic hook also prints the assertion to stderr.)
pub(crate) fn guarded<T>(decode: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::new(
            ErrorCode::Parse,
            format!("the Parquet file does not read: its data is damaged ({why})"),
        ))
    })
}

/// A Parquet file given as bytes, as [`open_parquet`] reads it.
pub(crate) fn parquet_bytes(bytes: &[u8]) -> bytes::Bytes {
    bytes::Bytes::copy_from_slice(bytes)
}

/// A string column of any of Arrow's three layouts.
#[derive(Clone, Copy)]
pub(crate) enum Strs<'a> {
    Small(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl<'a> Strs<'a> {
    /// The column as strings, when it is one.
    pub(crate) fn of(a: &'a dyn Array) -> Option<Strs<'a>> {
        match a.data_type() {
            DataType::Utf8 => Some(Strs::Small(a.as_string::<i32>())),
            DataType::LargeUtf8 => Some(Strs::Large(a.as_string::<i64>())),
            DataType::Utf8View => Some(Strs::View(a.as_string_view())),
            _ => None,
        }
    }

    /// Row `i`, `None` when null.
    pub(crate) fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strs::Small(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// Whether `t` is a string type, or a dictionary of strings.
pub(crate) fn is_text(t: &DataType) -> bool {
    let plain =
        |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
    match t {
        DataType::Dictionary(_, v) => plain(v),
        t => plain(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stated_rows_are_reserved_within_bounds() {
        // Believed when the file could hold them (a year of usage in 2 MB) ...
        assert_eq!(reserved_rows(8_760_000, 2_098_433), 8_760_000);
        // ... at most 64 per byte ...
        assert_eq!(reserved_rows(1 << 40, 1_000), 64_000);
        // ... and 2^26 in all, however large the file.
        assert_eq!(reserved_rows(i64::MAX, u64::MAX), 1 << 26);
        // A negative or absent count reserves nothing.
        assert_eq!(reserved_rows(-5, 1_000), 0);
        assert_eq!(reserved_rows(0, 1_000), 0);
    }
}
