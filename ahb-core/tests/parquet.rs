//! Parquet and Arrow input (feature `parquet`): the same usage as CSV and as Parquet reads to the
//! same `HourlyUsage` and the same simulation; bad tables give the CSV reader's error codes;
//! damaged files give typed errors, never a panic. The Parquet files are written from the CSV
//! fixtures by tests/data/parquet/generate.py.
#![cfg(feature = "parquet")]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ahb_core::arrow::array::types::Int32Type;
use ahb_core::arrow::array::{
    ArrayRef, Decimal128Array, DictionaryArray, Float64Array, StringArray,
    TimestampNanosecondArray, TimestampSecondArray, UInt64Array,
};
use ahb_core::arrow::{Field, RecordBatch, RecordBatchIterator, Schema};
use ahb_core::central::{HourlyUsage, simulate_central};
use ahb_core::{Error, ErrorCode, Estate, RuleSet};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn parquet(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/data/parquet").join(name)).unwrap()
}

fn batch(
    columns: Vec<(&str, ArrayRef)>,
) -> RecordBatchIterator<std::vec::IntoIter<Result<RecordBatch, ahb_core::arrow::ArrowError>>> {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let b = RecordBatch::try_new(
        schema.clone(),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap();
    RecordBatchIterator::new(vec![Ok(b)].into_iter(), schema)
}

fn strings(v: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

#[test]
fn the_sample_usage_as_csv_and_as_parquet_is_one_usage_and_one_simulation() {
    let csv =
        std::fs::read_to_string(root().join("../examples/data/sample-sql-usage.csv")).unwrap();
    let from_csv = HourlyUsage::from_csv(&csv).unwrap();
    let typed = HourlyUsage::from_parquet(&parquet("sample-sql-usage.parquet")).unwrap();
    let plain = HourlyUsage::from_parquet(&parquet("sample-sql-usage-plain.parquet")).unwrap();
    let by_path =
        HourlyUsage::from_parquet_path(root().join("tests/data/parquet/sample-sql-usage.parquet"))
            .unwrap();
    assert!(from_csv.resource.len() > 20_000);
    assert_eq!(typed, from_csv);
    assert_eq!(plain, from_csv);
    assert_eq!(by_path, from_csv);
    let estate = Estate::from_path(root().join("../examples/data/sample-estate.json")).unwrap();
    let a = simulate_central(&estate, &RuleSet::current(), &from_csv).unwrap();
    let b = simulate_central(&estate, &RuleSet::current(), &typed).unwrap();
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        serde_json::to_value(&b).unwrap()
    );
}

#[test]
fn zstandard_compressed_files_read_as_their_rows() {
    // polars and DuckDB write Zstandard by default.
    let usage = HourlyUsage::from_parquet(&parquet("tiny-zstd.parquet")).unwrap();
    let csv = "resource,hour,vcores,licence_price_per_vcore_hour\n\
               db1,2026-01-01T00:00:00,4,\n\
               db1,2026-01-01T01:00:00,4,\n";
    assert_eq!(usage, HourlyUsage::from_csv(csv).unwrap());
    assert_eq!(usage.hours(), 2);
}

#[test]
fn a_focus_export_as_csv_and_as_parquet_gives_the_same_rows() {
    let csv = std::fs::read(root().join("tests/data/constructed_focus_hourly.csv")).unwrap();
    let mut from_csv = ahb_core::import::usage_from_csv("f.csv", &csv).unwrap();
    let mut from_parquet = ahb_core::import::usage_from_parquet(
        "f.parquet",
        &parquet("constructed_focus_hourly.parquet"),
    )
    .unwrap();
    assert_eq!(from_csv.len(), 3);
    // Lines of the CSV (after its header), rows of the Parquet file.
    assert_eq!(
        from_csv.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2, 3, 4]
    );
    assert_eq!(
        from_parquet.iter().map(|r| r.line).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    for r in from_csv.iter_mut().chain(from_parquet.iter_mut()) {
        r.line = 0;
    }
    assert_eq!(from_parquet, from_csv);
}

/// Every usage CSV of the bad-input catalogue that is a table (the standard header, rows of at
/// most its fields) read as Arrow text columns: the same outcome, code and field; the row
/// where the CSV names a row.
#[test]
fn the_bad_usage_csvs_as_arrow_text_give_the_csv_errors() {
    let dir = root().join("tests/bad_inputs/usage");
    let mut compared = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut lines = text.lines();
        if lines.next() != Some("resource,hour,vcores,licence_price_per_vcore_hour") {
            continue;
        }
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        if rows.iter().any(|r| r.len() != 4) {
            continue;
        }
        let col = |k: usize| strings(&rows.iter().map(|r| r[k]).collect::<Vec<_>>());
        let got = HourlyUsage::from_arrow(batch(vec![
            ("resource", col(0)),
            ("hour", col(1)),
            ("vcores", col(2)),
            ("licence_price_per_vcore_hour", col(3)),
        ]));
        let want = HourlyUsage::from_csv(&text);
        let name = path.display();
        match (want, got) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
            (Err(a), Err(b)) => {
                assert_eq!(a.code(), b.code(), "{name}: {a} / {b}");
                assert_eq!(a.location().field, b.location().field, "{name}: {a} / {b}");
                let row = |e: &Error| e.location().record.as_ref().map(|r| r.index);
                // Where the CSV gives a line, the table gives the row (line 2 is row 0).
                let csv_row = row(&a).or(a.location().line.map(|l| l - 2));
                assert_eq!(csv_row, row(&b), "{name}: {a} / {b}");
            }
            (a, b) => panic!("{name}: CSV {a:?}, Arrow {b:?}"),
        }
        compared += 1;
    }
    assert!(compared >= 12, "only {compared} compared");
}

#[test]
fn typed_columns_read_as_their_values() {
    // Nanosecond timestamps in Paris time are instants: 00:00 UTC is 01:00 in Paris.
    let ns = 1_767_225_600_000_000_000i64; // 2026-01-01T00:00:00Z
    let hours = TimestampNanosecondArray::from(vec![ns, ns + 3_600_000_000_000])
        .with_timezone("Europe/Paris");
    let resource: DictionaryArray<Int32Type> = vec!["db1", "db1"].into_iter().collect();
    let u = HourlyUsage::from_arrow(batch(vec![
        ("Resource", Arc::new(resource)),
        ("HOUR", Arc::new(hours)),
        ("vcores", Arc::new(UInt64Array::from(vec![4, 8]))),
        (
            "license_price_per_vcore_hour",
            Arc::new(Float64Array::from(vec![0.0963, 0.1])),
        ),
        ("other", strings(&["x", "y"])),
    ]))
    .unwrap();
    assert_eq!(u.start.to_string(), "2026-01-01 00:00:00");
    assert_eq!(u.hour, [0, 1]);
    assert_eq!(u.vcores, [4, 8]);
    // The float's shortest decimal, exactly: 0.0963 is 96 300 micro-units.
    assert_eq!(u.price_micro, [96_300, 100_000]);
    // A decimal price, scale 4.
    let price = Decimal128Array::from(vec![Some(963), None])
        .with_precision_and_scale(9, 4)
        .unwrap();
    let u = HourlyUsage::from_arrow(batch(vec![
        ("resource", strings(&["a", "b"])),
        (
            "hour",
            Arc::new(TimestampSecondArray::from(vec![
                1_767_225_600,
                1_767_225_600,
            ])),
        ),
        ("vcores", Arc::new(Float64Array::from(vec![2.0, 6.0]))),
        ("licence_price_per_vcore_hour", Arc::new(price)),
    ]))
    .unwrap();
    assert_eq!(u.price_micro, [96_300, ahb_core::central::NO_PRICE]);
    assert_eq!(u.resources, ["a", "b"]);
}

/// Columns, and the error code, field and row they give.
type Case = (
    Vec<(&'static str, ArrayRef)>,
    ErrorCode,
    Option<&'static str>,
    Option<usize>,
);

#[test]
fn bad_tables_give_typed_located_errors() {
    let cases: Vec<Case> = vec![
        // A missing column.
        (
            vec![
                ("resource", strings(&["a"])),
                ("hour", strings(&["2026-01-01T00:00:00"])),
            ],
            ErrorCode::Parse,
            Some("vcores"),
            None,
        ),
        // A null resource.
        (
            vec![
                (
                    "resource",
                    Arc::new(StringArray::from(vec![Some("a"), None])),
                ),
                (
                    "hour",
                    strings(&["2026-01-01T00:00:00", "2026-01-01T01:00:00"]),
                ),
                ("vcores", Arc::new(UInt64Array::from(vec![1, 1]))),
            ],
            ErrorCode::Parse,
            Some("resource"),
            Some(1),
        ),
        // vCores beyond u32.
        (
            vec![
                ("resource", strings(&["a"])),
                ("hour", strings(&["2026-01-01T00:00:00"])),
                ("vcores", Arc::new(UInt64Array::from(vec![1 << 40]))),
            ],
            ErrorCode::Parse,
            Some("vcores"),
            Some(0),
        ),
        // A NaN price.
        (
            vec![
                ("resource", strings(&["a"])),
                ("hour", strings(&["2026-01-01T00:00:00"])),
                ("vcores", Arc::new(UInt64Array::from(vec![1]))),
                (
                    "licence_price_per_vcore_hour",
                    Arc::new(Float64Array::from(vec![f64::NAN])),
                ),
            ],
            ErrorCode::Parse,
            Some("licence_price_per_vcore_hour"),
            Some(0),
        ),
        // A price below a micro-unit, as in CSV.
        (
            vec![
                ("resource", strings(&["a"])),
                ("hour", strings(&["2026-01-01T00:00:00"])),
                ("vcores", Arc::new(UInt64Array::from(vec![1]))),
                (
                    "licence_price_per_vcore_hour",
                    Arc::new(Float64Array::from(vec![1e-9])),
                ),
            ],
            ErrorCode::InvalidValue,
            Some("licence_price_per_vcore_hour"),
            Some(0),
        ),
        // A timestamp in the year 1 (chrono reads it; the bounds refuse it).
        (
            vec![
                ("resource", strings(&["a"])),
                (
                    "hour",
                    Arc::new(TimestampSecondArray::from(vec![-62_135_596_800])),
                ),
                ("vcores", Arc::new(UInt64Array::from(vec![1]))),
            ],
            ErrorCode::InvalidValue,
            Some("hour"),
            Some(0),
        ),
        // No rows.
        (
            vec![
                ("resource", strings(&[])),
                ("hour", strings(&[])),
                ("vcores", Arc::new(UInt64Array::from(Vec::<u64>::new()))),
            ],
            ErrorCode::InvalidValue,
            None,
            None,
        ),
    ];
    for (i, (columns, code, field, row)) in cases.into_iter().enumerate() {
        let e = HourlyUsage::from_arrow(batch(columns)).unwrap_err();
        assert_eq!(e.code(), code, "case {i}: {e}");
        assert_eq!(e.location().field.as_deref(), field, "case {i}: {e}");
        assert_eq!(
            e.location().record.as_ref().map(|r| r.index),
            row,
            "case {i}: {e}"
        );
        assert_eq!(e.location().line, None, "case {i}: {e}");
    }
}

/// Damaged files (cut short anywhere, or one byte changed anywhere) give an error or, when the
/// change is harmless, a usage: never a panic.
#[test]
fn damaged_parquet_files_never_panic() {
    let good =
        std::fs::read(root().join("tests/bad_inputs/usage_parquet/hour_minutes.parquet")).unwrap();
    let mut errors = 0;
    let mut tried = 0;
    let mut damaged: Vec<Vec<u8>> = (0..good.len()).map(|n| good[..n].to_vec()).collect();
    for i in 0..good.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut b = good.clone();
            b[i] ^= x;
            damaged.push(b);
        }
    }
    for b in &damaged {
        tried += 1;
        match catch_unwind(AssertUnwindSafe(|| HourlyUsage::from_parquet(b))) {
            Err(_) => panic!("panicked on a damaged file ({} bytes)", b.len()),
            Ok(Err(e)) => {
                assert!(
                    matches!(e.code(), ErrorCode::Parse | ErrorCode::InvalidValue),
                    "{e}"
                );
                errors += 1;
            }
            Ok(Ok(_)) => {}
        }
        let _ = catch_unwind(AssertUnwindSafe(|| {
            ahb_core::import::usage_from_parquet("x.parquet", b)
        }))
        .unwrap_or_else(|_| panic!("the cost reader panicked on a damaged file"));
    }
    assert!(errors > tried / 2, "{errors} errors of {tried}");
}
