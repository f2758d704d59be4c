//! `Estate`: loading from JSON text, files, dicts and columns (the pandas path).

use std::path::PathBuf;
use std::sync::Arc;

use ahb_core::model::Prices;
use ahb_core::{Error, ErrorCode, Estate as CoreEstate, RecordRef, Resource, ResourceSpec};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyType};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::convert::{py_to_json, to_py, type_name};
use crate::errors::to_py_err;

/// A validated estate: licences, resources and scopes. Immutable.
#[pyclass(frozen, module = "ahb._ahb", name = "Estate")]
pub struct Estate {
    pub(crate) inner: Arc<CoreEstate>,
}

impl Estate {
    pub(crate) fn from_core(inner: CoreEstate) -> Estate {
        Estate::wrap(inner)
    }

    fn wrap(inner: CoreEstate) -> Estate {
        Estate {
            inner: Arc::new(inner),
        }
    }
}

#[pymethods]
impl Estate {
    /// Reads and validates an estate from JSON text (`str` or UTF-8 `bytes`).
    #[classmethod]
    fn from_json(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let owned: Vec<u8> = if let Ok(b) = text.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else if let Ok(s) = text.extract::<String>() {
            s.into_bytes()
        } else {
            return Err(PyTypeError::new_err(format!(
                "from_json takes str or bytes, not {}",
                type_name(text)
            )));
        };
        crate::errors::detach(py, move || CoreEstate::from_json_bytes(&owned))
            .map(Estate::wrap)
            .map_err(|e| to_py_err(py, &e))
    }

    /// Reads and validates an estate from a JSON file; errors name the file.
    #[classmethod]
    fn from_path(_cls: &Bound<'_, PyType>, py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        crate::errors::detach(py, move || CoreEstate::from_path(path))
            .map(Estate::wrap)
            .map_err(|e| to_py_err(py, &e))
    }

    /// Reads and validates an estate from a dict shaped like the estate JSON (amounts as
    /// `Decimal` or `str`, dates as `datetime.date` or ISO `str`).
    #[classmethod]
    fn from_dict(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        if !data.is_instance_of::<pyo3::types::PyDict>() {
            return Err(PyTypeError::new_err(format!(
                "from_dict takes a dict, not {}",
                type_name(data)
            )));
        }
        let text = py_to_json(data)?.to_string();
        crate::errors::detach(py, move || CoreEstate::from_json(&text))
            .map(Estate::wrap)
            .map_err(|e| to_py_err(py, &e))
    }

    /// The columnar path behind `ahb.estate_from_frames`: each argument is a list of encoded
    /// columns `(name, kind, data, mask, values)` (see `ahb/frames.py`).
    #[classmethod]
    #[pyo3(signature = (resources, licences, scopes, central_assignments = None))]
    fn _from_columns(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        resources: &Bound<'_, PyList>,
        licences: &Bound<'_, PyList>,
        scopes: &Bound<'_, PyList>,
        central_assignments: Option<&Bound<'_, PyList>>,
    ) -> PyResult<Self> {
        let resources = Table::extract(resources)?;
        let licences = Table::extract(licences)?;
        let scopes = Table::extract(scopes)?;
        let central = central_assignments.map(Table::extract).transpose()?;
        crate::errors::detach(py, move || {
            build(&resources, &licences, &scopes, central.as_ref())
        })
        .map(Estate::wrap)
        .map_err(|e| to_py_err(py, &e))
    }

    /// The estate as pretty JSON (the `ahb.estate/1` contract).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The estate as a dict (amounts as `Decimal`, dates as `datetime.date`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &*self.inner, "")
    }

    /// Number of resources.
    #[getter]
    fn resource_count(&self) -> usize {
        self.inner.resources.len()
    }

    /// Number of licence lines.
    #[getter]
    fn licence_count(&self) -> usize {
        self.inner.licences.len()
    }

    /// Number of scopes.
    #[getter]
    fn scope_count(&self) -> usize {
        self.inner.scopes.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Estate>()
            .is_ok_and(|o| *o.get().inner == *self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Estate(resources={}, licences={}, scopes={})",
            self.inner.resources.len(),
            self.inner.licences.len(),
            self.inner.scopes.len()
        )
    }
}

/// One encoded column. Missing cells: mask byte non-zero, float NaN, code −1, `None`.
enum Col {
    Int(Vec<i64>, Option<Vec<u8>>),
    Float(Vec<f64>),
    Bool(Vec<u8>, Option<Vec<u8>>),
    /// Days since 1970-01-01.
    Date(Vec<i64>, Option<Vec<u8>>),
    /// Codes into `values` (pandas.factorize).
    Cat(Vec<i64>, Vec<Value>),
    /// One value per row (the fallback for lists and other objects).
    Obj(Vec<Value>),
}

pub(crate) struct Column {
    name: String,
    col: Col,
}

pub(crate) struct Table {
    rows: usize,
    pub(crate) columns: Vec<Column>,
}

fn words<const N: usize>(bytes: &[u8]) -> PyResult<Vec<[u8; N]>> {
    if bytes.len() % N != 0 {
        return Err(PyValueError::new_err("column buffer has a ragged length"));
    }
    Ok(bytes
        .chunks_exact(N)
        .map(|c| c.try_into().expect("exact chunk"))
        .collect())
}

fn ints(b: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    Ok(words::<8>(b.cast::<PyBytes>()?.as_bytes())?
        .into_iter()
        .map(i64::from_le_bytes)
        .collect())
}

fn mask(b: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    if b.is_none() {
        Ok(None)
    } else {
        Ok(Some(b.cast::<PyBytes>()?.as_bytes().to_vec()))
    }
}

fn values(b: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    b.try_iter()?.map(|v| py_to_json(&v?)).collect()
}

impl Table {
    pub(crate) fn extract(list: &Bound<'_, PyList>) -> PyResult<Table> {
        let mut columns = Vec::new();
        let mut rows = None;
        for item in list.iter() {
            let (name, kind, data, m, vals): (
                String,
                String,
                Bound<'_, PyAny>,
                Bound<'_, PyAny>,
                Bound<'_, PyAny>,
            ) = item.extract()?;
            let col = match kind.as_str() {
                "int" => Col::Int(ints(&data)?, mask(&m)?),
                "date" => Col::Date(ints(&data)?, mask(&m)?),
                "float" => Col::Float(
                    words::<8>(data.cast::<PyBytes>()?.as_bytes())?
                        .into_iter()
                        .map(f64::from_le_bytes)
                        .collect(),
                ),
                "bool" => Col::Bool(data.cast::<PyBytes>()?.as_bytes().to_vec(), mask(&m)?),
                "cat" => Col::Cat(ints(&data)?, values(&vals)?),
                "obj" => Col::Obj(values(&data)?),
                other => {
                    return Err(PyValueError::new_err(format!(
                        "column {name:?}: unknown encoding {other:?}"
                    )));
                }
            };
            let len = match &col {
                Col::Int(v, _) | Col::Date(v, _) | Col::Cat(v, _) => v.len(),
                Col::Float(v) => v.len(),
                Col::Bool(v, _) => v.len(),
                Col::Obj(v) => v.len(),
            };
            if *rows.get_or_insert(len) != len {
                return Err(PyValueError::new_err(format!(
                    "column {name:?} has {len} rows, the others {}",
                    rows.unwrap_or(0)
                )));
            }
            columns.push(Column { name, col });
        }
        Ok(Table {
            rows: rows.unwrap_or(0),
            columns,
        })
    }

    fn get(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

fn missing(mask: &Option<Vec<u8>>, i: usize) -> bool {
    mask.as_ref().is_some_and(|m| m[i] != 0)
}

impl Column {
    /// The cell at row `i` as JSON; `None` when missing. Amounts (`money`) become strings.
    pub(crate) fn cell(&self, i: usize, money: bool) -> Option<Value> {
        let v = match &self.col {
            Col::Int(d, m) => {
                if missing(m, i) {
                    return None;
                }
                if money {
                    Value::String(d[i].to_string())
                } else {
                    Value::from(d[i])
                }
            }
            Col::Float(d) => {
                let f = d[i];
                if f.is_nan() {
                    return None;
                }
                if money {
                    // The shortest text that reads back as the same float: 0.192 stays "0.192".
                    Value::String(format!("{f}"))
                } else if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    Value::from(f as i64)
                } else {
                    Value::from(f)
                }
            }
            Col::Bool(d, m) => {
                if missing(m, i) {
                    return None;
                }
                Value::Bool(d[i] != 0)
            }
            Col::Date(d, m) => {
                if missing(m, i) {
                    return None;
                }
                let date = chrono::DateTime::from_timestamp(d[i] * 86_400, 0)?.date_naive();
                Value::String(date.to_string())
            }
            Col::Cat(codes, vals) => {
                let c = codes[i];
                if c < 0 {
                    return None;
                }
                vals.get(c as usize)?.clone()
            }
            Col::Obj(vals) => vals[i].clone(),
        };
        match v {
            Value::Null => None,
            Value::Number(n) if money => Some(Value::String(n.to_string())),
            v => Some(v),
        }
    }
}

/// Columns of the resources table that are not kind-specific fields.
const RESOURCE_COMMON: [&str; 11] = [
    "id",
    "kind",
    "name",
    "scope",
    "running",
    "hours_per_month",
    "payg_per_hour",
    "ahb_per_hour",
    "currency",
    "sql_payg_per_hour",
    "sql_ahb_per_hour",
];

fn record_error(collection: &'static str, index: usize, id: Option<&str>) -> RecordRef {
    RecordRef {
        collection,
        index,
        id: id.map(str::to_string),
    }
}

/// A serde error about one record, located like the core's loader does.
fn located(e: &serde_path_to_error::Error<serde_json::Error>, at: RecordRef) -> Error {
    let message = e.inner().to_string();
    let mut field = e.path().to_string();
    if field == "." {
        field.clear();
    }
    let tick = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|r| r.split('`').next())
            .map(str::to_string)
    };
    let code = if let Some(name) = tick("missing field `") {
        field = if field.is_empty() {
            name
        } else {
            format!("{field}.{name}")
        };
        ErrorCode::MissingField
    } else if message.starts_with("unknown variant") {
        ErrorCode::UnknownVariant
    } else {
        if let Some(name) = tick("unknown field `").filter(|_| field.is_empty()) {
            field = name;
        }
        ErrorCode::InvalidValue
    };
    Error::at_record(code, at, field, message)
}

fn deserialize<T: DeserializeOwned>(map: Map<String, Value>, at: RecordRef) -> Result<T, Error> {
    serde_path_to_error::deserialize(Value::Object(map)).map_err(|e| located(&e, at))
}

fn text(c: Option<&Column>, i: usize) -> Option<String> {
    match c?.cell(i, false)? {
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

fn decimal(
    c: Option<&Column>,
    i: usize,
    at: &RecordRef,
    field: &str,
) -> Result<Option<Decimal>, Error> {
    let Some(Value::String(s)) = c.and_then(|c| c.cell(i, true)) else {
        return Ok(None);
    };
    s.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(&s))
        .map(Some)
        .map_err(|_| {
            Error::at_record(
                ErrorCode::InvalidValue,
                at.clone(),
                field,
                format!("invalid decimal amount {s:?}"),
            )
        })
}

fn prices(
    t: &Table,
    i: usize,
    at: &RecordRef,
    [payg, ahb, currency]: [&str; 3],
) -> Result<Option<Prices>, Error> {
    let p = decimal(t.get(payg), i, at, payg)?;
    let a = decimal(t.get(ahb), i, at, ahb)?;
    match (p, a) {
        (None, None) => Ok(None),
        (Some(payg_per_hour), Some(ahb_per_hour)) => Ok(Some(Prices {
            payg_per_hour,
            ahb_per_hour,
            currency: text(t.get(currency), i),
        })),
        (None, _) => Err(Error::at_record(
            ErrorCode::MissingField,
            at.clone(),
            payg,
            format!("`{ahb}` is given without `{payg}`"),
        )),
        (_, None) => Err(Error::at_record(
            ErrorCode::MissingField,
            at.clone(),
            ahb,
            format!("`{payg}` is given without `{ahb}`"),
        )),
    }
}

fn resources(t: &Table) -> Result<Vec<Resource>, Error> {
    let id_col = t.get("id");
    let kind_col = t.get("kind");
    let running_col = t.get("running");
    let spec_cols: Vec<&Column> = t
        .columns
        .iter()
        .filter(|c| !RESOURCE_COMMON.contains(&c.name.as_str()) && c.name != "sql_currency")
        .collect();
    let mut out = Vec::with_capacity(t.rows);
    for i in 0..t.rows {
        let id = text(id_col, i);
        let at = record_error("resources", i, id.as_deref());
        let Some(id) = id else {
            return Err(Error::at_record(
                ErrorCode::MissingField,
                at,
                "id",
                "missing field `id`",
            ));
        };
        let mut spec = Map::new();
        match kind_col.and_then(|c| c.cell(i, false)) {
            Some(kind) => spec.insert("kind".into(), kind),
            None => {
                return Err(Error::at_record(
                    ErrorCode::MissingField,
                    at,
                    "kind",
                    "missing field `kind`",
                ));
            }
        };
        for c in &spec_cols {
            if let Some(v) = c.cell(i, false) {
                spec.insert(c.name.clone(), v);
            }
        }
        if let Some(sql) = prices(
            t,
            i,
            &at,
            ["sql_payg_per_hour", "sql_ahb_per_hour", "sql_currency"],
        )? {
            let v = serde_json::to_value(sql).expect("prices serialise");
            spec.insert("sql_prices".into(), v);
        }
        let running = match running_col.and_then(|c| c.cell(i, false)) {
            None => true,
            Some(Value::Bool(b)) => b,
            Some(other) => {
                return Err(Error::at_record(
                    ErrorCode::InvalidValue,
                    at,
                    "running",
                    format!("`running` must be a bool, not {other}"),
                ));
            }
        };
        let resource = Resource {
            name: text(t.get("name"), i),
            scope: text(t.get("scope"), i),
            prices: prices(t, i, &at, ["payg_per_hour", "ahb_per_hour", "currency"])?,
            hours_per_month: decimal(t.get("hours_per_month"), i, &at, "hours_per_month")?,
            running,
            spec: deserialize::<ResourceSpec>(spec, at)?,
            id,
        };
        out.push(resource);
    }
    Ok(out)
}

fn records<T: DeserializeOwned>(t: &Table, collection: &'static str) -> Result<Vec<T>, Error> {
    let mut out = Vec::with_capacity(t.rows);
    for i in 0..t.rows {
        let mut map = Map::new();
        let mut sa = Map::new();
        for c in &t.columns {
            let Some(v) = c.cell(i, false) else { continue };
            match c.name.as_str() {
                "sa_start" => sa.insert("start".into(), v),
                "sa_end" => sa.insert("end".into(), v),
                name => map.insert(name.to_string(), v),
            };
        }
        if !sa.is_empty() {
            map.insert("sa".into(), Value::Object(sa));
        }
        let id = map.get("id").and_then(Value::as_str);
        let at = record_error(collection, i, id);
        out.push(deserialize(map, at)?);
    }
    Ok(out)
}

/// Rows as plain JSON objects (`sa_start`/`sa_end` folded into `sa`), for collections the
/// core reads itself.
fn objects(t: &Table) -> Vec<Value> {
    (0..t.rows)
        .map(|i| {
            let mut map = Map::new();
            for c in &t.columns {
                if let Some(v) = c.cell(i, false) {
                    map.insert(c.name.clone(), v);
                }
            }
            Value::Object(map)
        })
        .collect()
}

fn build(
    resources_t: &Table,
    licences_t: &Table,
    scopes_t: &Table,
    central_t: Option<&Table>,
) -> Result<CoreEstate, Error> {
    let estate = CoreEstate {
        scopes: records(scopes_t, "scopes")?,
        licences: records(licences_t, "licences")?,
        resources: resources(resources_t)?,
        ..CoreEstate::default()
    };
    match central_t.filter(|t| t.rows > 0) {
        // Central SQL assignments are few: the core's own loader reads and locates them.
        Some(t) => {
            let mut v = serde_json::to_value(&estate).expect("an estate always serialises");
            v["central_assignments"] = Value::Array(objects(t));
            CoreEstate::from_json(&v.to_string())
        }
        None => {
            estate.validate()?;
            Ok(estate)
        }
    }
}
