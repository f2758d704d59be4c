//! Cost Management exports (EA and MCA, actual and amortized) and FOCUS 1.0, CSV or (feature
//! `parquet`) Parquet and Arrow, read as
//! [`UsageRow`]s with the AHB evidence each row carries.
//!
//! Columns are found by name with their aliases (EA `Cost` / `CostInBillingCurrency`, MCA
//! camelCase, FOCUS names and Microsoft `x_` extensions; docs/IMPORT-FORMATS.md §2). The JSON inside
//! `AdditionalInfo` / `x_SkuDetails` / `SkuPriceDetails` is read for `ImageType`
//! (`Windows Server BYOL` in any spelling), `AHB`, `VCPUs`, `vCores` and `ServiceType`,
//! with or without the `x_` prefix of FOCUS 1.2.

use chrono::Days;
use serde_json::Value;

use super::json;
use super::table::Table;
use super::usage::{AhbEvidence, UsageRow};
use crate::error::{ErrorCode, Result};
use crate::model::{Product, SqlTier};
use crate::text::{self, DateOrder, is_parquet};

/// Column positions of one export, resolved once from its header.
struct Cols {
    start: Option<usize>,
    end: Option<usize>,
    daily: bool,
    resource: Option<usize>,
    quantity: Option<usize>,
    unit: Option<usize>,
    category: Option<usize>,
    subcategory: Option<usize>,
    meter: Option<usize>,
    unit_price: Option<usize>,
    cost: Option<usize>,
    currency: Option<usize>,
    charge: Option<usize>,
    pricing: Option<usize>,
    info: Option<usize>,
}

/// Reads every row of a Cost Management or FOCUS CSV export. Rows are never dropped: purchases,
/// refunds and other providers' rows are returned with their `charge_type` for the caller to
/// filter. The first bad cell stops the import with its file, line and column.
///
/// Slash dates are month-first, as Cost Management writes them, unless a date of the file is
/// only readable day-first; [`usage_from_csv_with_order`] states the order.
pub fn usage_from_csv(file: &str, bytes: &[u8]) -> Result<Vec<UsageRow>> {
    usage_from_csv_with_order(file, bytes, None)
}

/// [`usage_from_csv`] with the order of slash dates stated (`None`: month-first unless the
/// file's dates show day-first).
pub fn usage_from_csv_with_order(
    file: &str,
    bytes: &[u8],
    date_order: Option<DateOrder>,
) -> Result<Vec<UsageRow>> {
    usage_from_table(Table::open(file, bytes)?, date_order)
}

/// Reads every row of a Cost Management or FOCUS export delivered as Parquet (Cost Management
/// writes the CSV's columns, Snappy-compressed): the same columns, aliases, rows and errors as
/// [`usage_from_csv`], cells read as the text of their values (timestamps and dates as ISO
/// 8601, in UTC; decimals and numbers in full; nulls absent). Only the columns the reader uses
/// are decoded. Where [`usage_from_csv`] names a line, this names the zero-based row
/// (`rows[i]`); [`UsageRow::line`] is the one-based row number.
///
/// # Errors
///
/// [`ErrorCode::Parse`](crate::ErrorCode::Parse) when the bytes are not a Parquet file ahb
/// reads (corrupt, or compressed with Brotli) or a column cannot be read as text; otherwise
/// the errors of [`usage_from_csv`].
///
/// # Examples
///
/// ```
/// let e = ahb_core::import::usage_from_parquet("cost.parquet", b"Date,Quantity\n").unwrap_err();
/// assert_eq!(e.code(), ahb_core::ErrorCode::Parse);
/// ```
#[cfg(feature = "parquet")]
pub fn usage_from_parquet(file: &str, bytes: &[u8]) -> Result<Vec<UsageRow>> {
    usage_from_parquet_with_order(file, bytes, None)
}

/// [`usage_from_parquet`] with the order of slash dates (in text columns) stated.
///
/// # Errors
///
/// As [`usage_from_parquet`].
#[cfg(feature = "parquet")]
pub fn usage_from_parquet_with_order(
    file: &str,
    bytes: &[u8],
    date_order: Option<DateOrder>,
) -> Result<Vec<UsageRow>> {
    crate::arrow::guarded(|| {
        let rows = super::arrow_rows::Rows::parquet(bytes)?;
        usage_from_table(Table::arrow(file, rows)?, date_order)
    })
    .map_err(|e| {
        if e.location().file.is_some() {
            e
        } else {
            e.in_file(file)
        }
    })
}

/// Reads every row of a Cost Management or FOCUS export given as Arrow record batches (read to
/// the end first), as [`usage_from_parquet`] reads a file; `file` names the source in errors.
///
/// # Errors
///
/// As [`usage_from_parquet`]; a stream that fails is a
/// [`ErrorCode::Parse`](crate::ErrorCode::Parse) error.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use ahb_core::arrow::{DataType, Field, RecordBatch, RecordBatchIterator, Schema};
/// use ahb_core::arrow::array::{ArrayRef, Float64Array, StringArray};
///
/// let schema = Arc::new(Schema::new(vec![
///     Field::new("Date", DataType::Utf8, false),
///     Field::new("Quantity", DataType::Float64, false),
///     Field::new("MeterCategory", DataType::Utf8, false),
/// ]));
/// let columns: Vec<ArrayRef> = vec![
///     Arc::new(StringArray::from(vec!["2026-03-01"])),
///     Arc::new(Float64Array::from(vec![24.0])),
///     Arc::new(StringArray::from(vec!["Virtual Machines"])),
/// ];
/// let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
/// let rows = ahb_core::import::usage_from_arrow(
///     "export",
///     RecordBatchIterator::new([Ok(batch)], schema),
/// )
/// .unwrap();
/// assert_eq!(rows[0].quantity, Some(24.into()));
/// ```
#[cfg(feature = "parquet")]
pub fn usage_from_arrow(
    file: &str,
    reader: impl crate::arrow::RecordBatchReader,
) -> Result<Vec<UsageRow>> {
    usage_from_arrow_with_order(file, reader, None)
}

/// [`usage_from_arrow`] with the order of slash dates (in text columns) stated.
///
/// # Errors
///
/// As [`usage_from_arrow`].
#[cfg(feature = "parquet")]
pub fn usage_from_arrow_with_order(
    file: &str,
    reader: impl crate::arrow::RecordBatchReader,
    date_order: Option<DateOrder>,
) -> Result<Vec<UsageRow>> {
    let rows = super::arrow_rows::Rows::batches(reader).map_err(|e| e.in_file(file))?;
    usage_from_table(Table::arrow(file, rows)?, date_order)
}

/// Reads a cost export given as bytes: Parquet when [`is_parquet`](crate::text::is_parquet), gzip-compressed CSV when
/// [`is_gzip`](super::is_gzip) (Cost Management's compression option for CSV), else CSV, with
/// the order of slash dates stated or not (see [`usage_from_csv_with_order`]).
///
/// # Errors
///
/// Those of [`usage_from_csv`] or of `usage_from_parquet`; without the cargo feature `parquet`,
/// a Parquet file is an [`ErrorCode::Parse`](crate::ErrorCode::Parse) error that says so. gzip
/// data that does not inflate is a parse error; data that would inflate to more than 200 times
/// its size and 64 MiB more is an [`ErrorCode::InvalidValue`](crate::ErrorCode::InvalidValue)
/// error, refused before it is inflated further.
///
/// # Examples
///
/// ```
/// let csv = b"Date,Quantity,MeterCategory\n2026-03-01,24,Virtual Machines\n";
/// let rows = ahb_core::import::usage_from_export("cost.csv", csv, None).unwrap();
/// assert_eq!(rows[0].quantity, Some(24.into()));
/// ```
pub fn usage_from_export(
    file: &str,
    bytes: &[u8],
    date_order: Option<DateOrder>,
) -> Result<Vec<UsageRow>> {
    if super::is_gzip(bytes) {
        let csv = super::gzip::gunzip(file, bytes)?;
        return usage_from_csv_with_order(file, &csv, date_order);
    }
    if !is_parquet(bytes) {
        return usage_from_csv_with_order(file, bytes, date_order);
    }
    #[cfg(feature = "parquet")]
    return usage_from_parquet_with_order(file, bytes, date_order);
    #[cfg(not(feature = "parquet"))]
    Err(crate::text::parquet_not_built("cost export").in_file(file))
}

/// The reader of the export formats, over any front end.
fn usage_from_table(mut t: Table<'_>, date_order: Option<DateOrder>) -> Result<Vec<UsageRow>> {
    let focus = t.col(&["ChargePeriodStart"]).is_some();
    let cols = if focus {
        Cols {
            start: t.col(&["ChargePeriodStart"]),
            end: t.col(&["ChargePeriodEnd"]),
            daily: false,
            resource: t.col(&["ResourceId"]),
            quantity: t.col(&["ConsumedQuantity", "PricingQuantity"]),
            unit: t.col(&["ConsumedUnit", "PricingUnit"]),
            category: t.col(&["x_SkuMeterCategory", "ServiceName"]),
            subcategory: t.col(&["x_SkuMeterSubcategory"]),
            meter: t.col(&["x_SkuMeterName", "SkuMeter"]),
            unit_price: t.col(&["ContractedUnitPrice", "ListUnitPrice"]),
            cost: t.col(&["EffectiveCost", "BilledCost"]),
            currency: t.col(&["BillingCurrency"]),
            charge: t.col(&["ChargeCategory"]),
            pricing: t.col(&["PricingCategory"]),
            info: t.col(&["x_SkuDetails", "SkuPriceDetails"]),
        }
    } else {
        Cols {
            start: t.col(&["Date", "UsageDate", "UsageDateTime"]),
            end: None,
            daily: true,
            resource: t.col(&["ResourceId", "InstanceId", "ResourceUri"]),
            quantity: t.col(&["Quantity", "UsageQuantity", "ConsumedQuantity"]),
            unit: t.col(&["UnitOfMeasure"]),
            category: t.col(&["MeterCategory"]),
            subcategory: t.col(&["MeterSubCategory", "MeterSubcategory"]),
            meter: t.col(&["MeterName"]),
            unit_price: t.col(&["UnitPrice", "EffectivePrice", "PayGPrice"]),
            cost: t.col(&["Cost", "CostInBillingCurrency", "CostInUsd", "PreTaxCost"]),
            currency: t.col(&["BillingCurrency", "BillingCurrencyCode", "Currency"]),
            charge: t.col(&["ChargeType"]),
            pricing: t.col(&["PricingModel"]),
            info: t.col(&["AdditionalInfo"]),
        }
    };
    // Fail on the header, not on the first row, when a required column is missing.
    for (col, name) in [
        (cols.start, "Date / ChargePeriodStart"),
        (cols.quantity, "Quantity"),
    ] {
        if col.is_none() {
            t.required(None, name)?;
        }
    }
    t.decide_date_order(date_order, Some(DateOrder::Mdy), &[cols.start, cols.end])?;
    let mut rows = Vec::new();
    while t.next_row()? {
        if t.row_is_blank() {
            continue;
        }
        rows.push(row(&t, &cols)?);
    }
    Ok(rows)
}

fn row(t: &Table<'_>, c: &Cols) -> Result<UsageRow> {
    t.required(c.start, "Date")?;
    let start = t.datetime(c.start)?.expect("required above");
    let end = match t.datetime(c.end)? {
        Some(e) => e,
        None if c.daily || c.end.is_none() => start
            .checked_add_days(Days::new(1))
            .ok_or_else(|| t.error(ErrorCode::InvalidValue, c.start, "date out of range"))?,
        None => t.required(c.end, "ChargePeriodEnd").map(|_| start)?,
    };
    if end < start {
        return Err(t.error(
            ErrorCode::InvalidValue,
            c.end,
            "the charge period ends before it starts",
        ));
    }
    let charge = t.cell(c.charge);
    let quantity = t.decimal(c.quantity)?;
    if quantity.is_none() && charge.is_none_or(|ch| ch.eq_ignore_ascii_case("usage")) {
        t.required(c.quantity, "Quantity")?;
    }
    let text = |col: Option<usize>| t.cell(col).map(str::to_string);
    let category = text(c.category);
    let subcategory = text(c.subcategory);
    let info = match t.cell(c.info) {
        None => None,
        Some(s) => Some(parse_info(s).ok_or_else(|| {
            t.error(
                ErrorCode::Parse,
                c.info,
                "not a JSON object (AdditionalInfo must hold JSON)",
            )
        })?),
    };
    let num = |key: &str| -> Result<Option<u32>> {
        let Some(v) = info.as_ref().and_then(|i| info_get(i, key)) else {
            return Ok(None);
        };
        let parsed = match v {
            Value::Number(n) => text::parse_decimal(&n.to_string()),
            Value::String(s) => text::parse_decimal(s),
            _ => None,
        };
        match parsed
            .filter(|d| d.fract().is_zero())
            .and_then(|d| rust_decimal::prelude::ToPrimitive::to_u32(&d))
        {
            Some(n) => Ok(Some(n)),
            None => Err(t.error(
                ErrorCode::InvalidValue,
                c.info,
                format!("{key} = {v} is not a whole number"),
            )),
        }
    };
    let vcpus = num("VCPUs")?;
    let vcores = num("vCores")?;
    let vm_size = info
        .as_ref()
        .and_then(|i| info_get(i, "ServiceType"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let ahb = evidence(
        category.as_deref(),
        subcategory.as_deref(),
        info.as_ref(),
        t,
        c,
    )?;
    Ok(UsageRow {
        line: t.line,
        resource_id: text(c.resource),
        start,
        end,
        quantity,
        unit: text(c.unit),
        tier: subcategory.as_deref().and_then(tier_of),
        meter_category: category,
        meter_subcategory: subcategory,
        meter_name: text(c.meter),
        unit_price: t.decimal(c.unit_price)?,
        cost: t.decimal(c.cost)?,
        currency: text(c.currency),
        charge_type: text(c.charge),
        pricing_model: text(c.pricing),
        vm_size,
        vcpus,
        vcores,
        ahb,
    })
}

/// `AdditionalInfo` is a JSON object; some exports drop the braces (as they do for `Tags`).
fn parse_info(s: &str) -> Option<Value> {
    let v: Value = serde_json::from_str(s)
        .ok()
        .or_else(|| serde_json::from_str(&format!("{{{s}}}")).ok())?;
    v.is_object().then_some(v)
}

/// A key of the info bag, case-insensitive, with or without the FOCUS 1.2 `x_` prefix.
fn info_get<'a>(info: &'a Value, key: &str) -> Option<&'a Value> {
    json::get(info, key)
        .or_else(|| json::get(info, &format!("x_{key}")))
        .filter(|v| !v.is_null())
}

/// Letters only, lower case: `Windows Server BYOL` = `WindowsServerBYOL`.
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn tier_of(sub: &str) -> Option<SqlTier> {
    let s = squash(sub);
    if s.contains("generalpurpose") {
        Some(SqlTier::GeneralPurpose)
    } else if s.contains("businesscritical") {
        Some(SqlTier::BusinessCritical)
    } else if s.contains("hyperscale") {
        Some(SqlTier::Hyperscale)
    } else {
        None
    }
}

/// What the row shows about AHB, as Microsoft's FinOps toolkit reads it (docs/IMPORT-FORMATS.md §2.3): for
/// VM meters, `ImageType` Windows Server BYOL is the benefit and a `… Windows` meter
/// subcategory is licence-included Windows; for SQL, `AHB` True/False or the
/// `SQL Server Azure Hybrid Benefit` meter. This only reports what was billed; whether the
/// benefit was allowed is for the rules.
fn evidence(
    category: Option<&str>,
    subcategory: Option<&str>,
    info: Option<&Value>,
    t: &Table<'_>,
    c: &Cols,
) -> Result<Option<AhbEvidence>> {
    let cat = category.map(squash).unwrap_or_default();
    let sub = subcategory.map(squash).unwrap_or_default();
    if let Some(v) = info.and_then(|i| info_get(i, "AHB")) {
        let enabled = match v {
            Value::Bool(b) => *b,
            Value::String(s) if s.eq_ignore_ascii_case("true") => true,
            Value::String(s) if s.eq_ignore_ascii_case("false") => false,
            Value::String(s) if s.is_empty() => return Ok(None),
            other => {
                return Err(t.error(
                    ErrorCode::InvalidValue,
                    c.info,
                    format!("AHB = {other} is neither True nor False"),
                ));
            }
        };
        return Ok(Some(AhbEvidence {
            product: Product::SqlServer,
            enabled,
        }));
    }
    if sub.contains("sqlserverazurehybridbenefit") {
        return Ok(Some(AhbEvidence {
            product: Product::SqlServer,
            enabled: true,
        }));
    }
    let vm_meter = cat == "virtualmachines"
        || cat == "virtualmachineslicenses"
        || cat == "virtualmachinelicenses";
    let image = info
        .and_then(|i| info_get(i, "ImageType"))
        .and_then(Value::as_str)
        .map(squash)
        .unwrap_or_default();
    if image == "windowsserverbyol" {
        return Ok(Some(AhbEvidence {
            product: Product::WindowsServer,
            enabled: true,
        }));
    }
    if vm_meter && sub.contains("windows") {
        return Ok(Some(AhbEvidence {
            product: Product::WindowsServer,
            enabled: false,
        }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parquet is told by its magic; without the `parquet` feature such a file is a typed parse
    /// error that names the feature and the file, never read as CSV. (`scripts/test` runs the
    /// unit tests of ahb-core without the feature too.)
    #[test]
    fn an_export_is_csv_unless_it_has_the_parquet_magic() {
        let csv = b"Date,Quantity,MeterCategory\n2026-03-01,24,Virtual Machines\n";
        assert!(!is_parquet(csv) && is_parquet(b"PAR1\x15\x04"));
        assert_eq!(usage_from_export("c.csv", csv, None).unwrap().len(), 1);
        let e = usage_from_export("c.parquet", b"PAR1\x15\x04", None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Parse);
        assert_eq!(e.location().file.as_deref(), Some("c.parquet"));
        #[cfg(not(feature = "parquet"))]
        assert!(e.message().contains("feature `parquet`"), "{e}");
    }
}
