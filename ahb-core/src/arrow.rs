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

/// Opens a Parquet file for reading in record batches, only the top-level columns whose names
/// `wanted` accepts; returns the reader and the row count the file's metadata states (a hint,
/// never trusted for an allocation larger than the data read).
pub(crate) fn open_parquet<R: ChunkReader + 'static>(
    file: R,
    wanted: impl Fn(&str) -> bool,
) -> Result<(ParquetRecordBatchReader, usize)> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_error)?;
    let rows = usize::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
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
