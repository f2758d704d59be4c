//! Estates from columns: the path behind data frames (pandas in Python, any columnar source in
//! Rust). A face decodes its buffers into [`Column`]s and calls [`Estate::from_columns`]; the
//! rows are then read by the one estate loader ([`Estate::from_json`]), so a value is accepted
//! or rejected, and located, exactly as in an estate file: the collection and row index, the
//! record id and the column name.
//!
//! Why through the loader: a second reader of the same records would drift from the first
//! (unknown fields, aliases, amounts); columns are converted to records once, at about the cost
//! of reading the JSON.

use serde_json::{Map, Value};

use super::Estate;
use crate::error::{Error, ErrorCode, RecordRef, Result};

/// The values of one column. A missing cell (an absent field) is a non-zero byte in the
/// `missing` mask, a NaN float, a negative categorical code, or a JSON `null`.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// 64-bit integers.
    Int {
        /// The values.
        values: Vec<i64>,
        /// Non-zero where the cell is missing.
        missing: Option<Vec<u8>>,
    },
    /// Floats; NaN is missing. An amount column of floats is read as the shortest decimal
    /// that reads back as the same float (`0.192` is exactly 0.192).
    Float(Vec<f64>),
    /// Booleans, one byte each (non-zero is true).
    Bool {
        /// The values.
        values: Vec<u8>,
        /// Non-zero where the cell is missing.
        missing: Option<Vec<u8>>,
    },
    /// Dates as days since 1970-01-01.
    Date {
        /// The days.
        days: Vec<i64>,
        /// Non-zero where the cell is missing.
        missing: Option<Vec<u8>>,
    },
    /// Codes into `values` (a dictionary-encoded column, as `pandas.factorize` gives it).
    Categorical {
        /// One code per row; negative is missing.
        codes: Vec<i64>,
        /// The distinct values.
        values: Vec<Value>,
    },
    /// One JSON value per row (lists and other objects).
    Values(Vec<Value>),
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The field the column holds (the estate JSON's field name).
    pub name: String,
    /// Its values.
    pub data: ColumnData,
}

/// Columns of equal length: one table of an estate (resources, licences, scopes or central
/// assignments).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    rows: usize,
    columns: Vec<Column>,
}

/// Amount fields: a number in one of these columns is read as an exact decimal amount.
const AMOUNTS: [&str; 5] = [
    "payg_per_hour",
    "ahb_per_hour",
    "sql_payg_per_hour",
    "sql_ahb_per_hour",
    "hours_per_month",
];

/// Text fields of the resources table: a number there is read as its text.
const TEXT: [&str; 5] = ["id", "name", "scope", "currency", "sql_currency"];

/// Columns of the resources table folded into a nested object of the estate JSON.
const NESTED: [(&str, &str, &str); 6] = [
    ("payg_per_hour", "prices", "payg_per_hour"),
    ("ahb_per_hour", "prices", "ahb_per_hour"),
    ("currency", "prices", "currency"),
    ("sql_payg_per_hour", "sql_prices", "payg_per_hour"),
    ("sql_ahb_per_hour", "sql_prices", "ahb_per_hour"),
    ("sql_currency", "sql_prices", "currency"),
];

impl ColumnData {
    fn len(&self) -> usize {
        match self {
            ColumnData::Int { values, .. } => values.len(),
            ColumnData::Float(v) => v.len(),
            ColumnData::Bool { values, .. } => values.len(),
            ColumnData::Date { days, .. } => days.len(),
            ColumnData::Categorical { codes, .. } => codes.len(),
            ColumnData::Values(v) => v.len(),
        }
    }

    fn mask(&self) -> Option<&[u8]> {
        match self {
            ColumnData::Int { missing, .. }
            | ColumnData::Bool { missing, .. }
            | ColumnData::Date { missing, .. } => missing.as_deref(),
            _ => None,
        }
    }
}

impl Table {
    /// Checks that every column (and every mask) has the same number of rows and that no
    /// name repeats.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidValue`] naming the column whose length differs or whose name repeats.
    ///
    /// # Examples
    ///
    /// ```
    /// use ahb_core::model::columns::{Column, ColumnData, Table};
    /// let ids = Column { name: "id".into(), data: ColumnData::Values(vec!["a".into()]) };
    /// let table = Table::new(vec![ids]).unwrap();
    /// assert_eq!(table.rows(), 1);
    /// ```
    pub fn new(columns: Vec<Column>) -> Result<Table> {
        let rows = columns.first().map_or(0, |c| c.data.len());
        for (i, c) in columns.iter().enumerate() {
            let len = c.data.len();
            let mask = c.data.mask().map_or(len, <[u8]>::len);
            if len != rows || mask != rows {
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    format!(
                        "column {:?} has {len} rows, the first column {rows}",
                        c.name
                    ),
                )
                .with_field(c.name.clone()));
            }
            if columns[..i].iter().any(|o| o.name == c.name) {
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    format!("column {:?} is given twice", c.name),
                )
                .with_field(c.name.clone()));
            }
        }
        Ok(Table { rows, columns })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column called `name`.
    pub fn get(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Row `i` as a JSON object, nested fields folded with `nest`.
    fn record(&self, collection: &'static str, i: usize, nest: bool) -> Result<Map<String, Value>> {
        let mut map = Map::new();
        for c in &self.columns {
            let Some(mut v) = c.cell(i, collection)? else {
                continue;
            };
            if nest && TEXT.contains(&c.name.as_str()) && !v.is_string() {
                // Resource ids and names read from numeric columns are text, as before.
                v = Value::String(v.to_string());
            }
            let nested = NESTED.iter().find(|(col, _, _)| nest && *col == c.name);
            let folded = match (collection, c.name.as_str()) {
                (_, _) if nested.is_some() => nested.map(|(_, obj, f)| (*obj, *f)),
                ("licences", "sa_start") => Some(("sa", "start")),
                ("licences", "sa_end") => Some(("sa", "end")),
                _ => None,
            };
            match folded {
                Some((obj, field)) => {
                    let entry = map
                        .entry(obj.to_string())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(o) = entry {
                        o.insert(field.to_string(), v);
                    }
                }
                None => {
                    map.insert(c.name.clone(), v);
                }
            }
        }
        for obj in ["prices", "sql_prices"] {
            // A currency alone (an unpriced row of a priced frame) is no price.
            if let Some(Value::Object(o)) = map.get(obj)
                && o.len() == 1
                && o.contains_key("currency")
            {
                map.remove(obj);
            }
        }
        Ok(map)
    }

    fn records(&self, collection: &'static str, nest: bool) -> Result<Value> {
        (0..self.rows)
            .map(|i| self.record(collection, i, nest).map(Value::Object))
            .collect::<Result<Vec<_>>>()
            .map(Value::Array)
    }
}

impl Column {
    /// The cell at row `i` as JSON, `None` when missing. Numbers in amount columns become
    /// decimal strings, as amounts are written in the estate JSON.
    fn cell(&self, i: usize, collection: &'static str) -> Result<Option<Value>> {
        self.value(i, collection, AMOUNTS.contains(&self.name.as_str()))
    }

    /// The cell at row `i` as JSON, `None` when missing; numbers as decimal strings when
    /// `amount`. Errors are located in `collection`.
    pub(crate) fn value(
        &self,
        i: usize,
        collection: &'static str,
        amount: bool,
    ) -> Result<Option<Value>> {
        let missing = |m: &Option<Vec<u8>>| m.as_ref().is_some_and(|m| m[i] != 0);
        let v = match &self.data {
            ColumnData::Int { values, missing: m } => {
                if missing(m) {
                    return Ok(None);
                }
                if amount {
                    Value::String(values[i].to_string())
                } else {
                    Value::from(values[i])
                }
            }
            ColumnData::Float(values) => {
                let f = values[i];
                if f.is_nan() {
                    return Ok(None);
                }
                if amount {
                    // The shortest text that reads back as the same float: 0.192 stays "0.192".
                    Value::String(format!("{f}"))
                } else if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    Value::from(f as i64)
                } else {
                    Value::from(f)
                }
            }
            ColumnData::Bool { values, missing: m } => {
                if missing(m) {
                    return Ok(None);
                }
                Value::Bool(values[i] != 0)
            }
            ColumnData::Date { days, missing: m } => {
                if missing(m) {
                    return Ok(None);
                }
                let date = days[i]
                    .checked_mul(86_400)
                    .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                    .ok_or_else(|| {
                        Error::at_record(
                            ErrorCode::InvalidValue,
                            RecordRef {
                                collection,
                                index: i,
                                id: None,
                            },
                            self.name.clone(),
                            format!("{} days after 1970-01-01 is not a date", days[i]),
                        )
                    })?;
                Value::String(date.date_naive().to_string())
            }
            ColumnData::Categorical { codes, values } => {
                let Ok(code) = usize::try_from(codes[i]) else {
                    return Ok(None);
                };
                values.get(code).cloned().ok_or_else(|| {
                    Error::at_record(
                        ErrorCode::InvalidValue,
                        RecordRef {
                            collection,
                            index: i,
                            id: None,
                        },
                        self.name.clone(),
                        format!("code {code} has no value ({} values)", values.len()),
                    )
                })?
            }
            ColumnData::Values(values) => values[i].clone(),
        };
        Ok(match v {
            Value::Null => None,
            Value::Number(n) if amount => Some(Value::String(n.to_string())),
            v => Some(v),
        })
    }
}

impl Estate {
    /// Reads and validates an estate from tables of columns named as the estate JSON's fields.
    /// In `resources`, `payg_per_hour`, `ahb_per_hour` and `currency` form `prices`, and the
    /// `sql_`-prefixed ones a dedicated host's `sql_prices`; in `licences`, `sa_start` and
    /// `sa_end` form `sa`. A missing cell means the field is absent.
    ///
    /// # Errors
    ///
    /// Every error of [`Estate::from_json`], located by collection, row index, id and column;
    /// [`ErrorCode::InvalidValue`] for a date outside the calendar or a categorical code
    /// without a value.
    ///
    /// # Examples
    ///
    /// ```
    /// use ahb_core::Estate;
    /// use ahb_core::model::columns::{Column, ColumnData, Table};
    /// let text = |name: &str, v: &[&str]| Column {
    ///     name: name.into(),
    ///     data: ColumnData::Values(v.iter().map(|s| (*s).into()).collect()),
    /// };
    /// let resources = Table::new(vec![
    ///     text("id", &["vm1"]),
    ///     text("kind", &["vm"]),
    ///     text("os", &["windows"]),
    ///     Column { name: "vcpus".into(), data: ColumnData::Int { values: vec![4], missing: None } },
    ///     Column { name: "payg_per_hour".into(), data: ColumnData::Float(vec![0.192]) },
    ///     Column { name: "ahb_per_hour".into(), data: ColumnData::Float(vec![0.096]) },
    /// ])
    /// .unwrap();
    /// let estate = Estate::from_columns(&resources, &Table::default(), &Table::default(), None)
    ///     .unwrap();
    /// assert_eq!(estate.resources[0].prices.as_ref().unwrap().payg_per_hour.to_string(), "0.192");
    /// ```
    pub fn from_columns(
        resources: &Table,
        licences: &Table,
        scopes: &Table,
        central_assignments: Option<&Table>,
    ) -> Result<Estate> {
        super::ValidEstate::from_columns(resources, licences, scopes, central_assignments)
            .map(super::ValidEstate::into_inner)
    }
}

/// The estate JSON of the columns, for the JSON reader (which locates its errors).
pub(super) fn estate_json(
    resources: &Table,
    licences: &Table,
    scopes: &Table,
    central_assignments: Option<&Table>,
) -> Result<String> {
    let mut top = Map::new();
    top.insert("schema".into(), Value::from(super::ESTATE_SCHEMA));
    top.insert("scopes".into(), scopes.records("scopes", false)?);
    top.insert("licences".into(), licences.records("licences", false)?);
    top.insert("resources".into(), resources.records("resources", true)?);
    if let Some(t) = central_assignments.filter(|t| t.rows > 0) {
        top.insert(
            "central_assignments".into(),
            t.records("central_assignments", false)?,
        );
    }
    Ok(Value::Object(top).to_string())
}
