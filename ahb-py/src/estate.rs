//! `Estate`: loading from JSON text, files, dicts and columns (the pandas path).

use std::path::PathBuf;
use std::sync::Arc;

use ahb_core::model::columns::{Column, ColumnData, Table};
use ahb_core::{Error, ValidEstate};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyType};

use crate::convert::{py_to_json, py_to_json_in, to_py, type_name};
use crate::errors::to_py_err;

/// A validated estate: licences, resources and scopes. Immutable.
#[pyclass(frozen, module = "ahb._ahb", name = "Estate")]
pub struct Estate {
    pub(crate) inner: Arc<ValidEstate>,
}

impl Estate {
    pub(crate) fn from_core(inner: ValidEstate) -> Estate {
        Estate::wrap(inner)
    }

    fn wrap(inner: ValidEstate) -> Estate {
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
        crate::errors::detach(py, move || ValidEstate::from_json_bytes(&owned))
            .map(Estate::wrap)
            .map_err(|e| to_py_err(py, &e))
    }

    /// Reads and validates an estate from a JSON file; errors name the file.
    #[classmethod]
    fn from_path(_cls: &Bound<'_, PyType>, py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        crate::errors::detach(py, move || ValidEstate::from_path(path))
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
        crate::errors::detach(py, move || ValidEstate::from_json(&text))
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
        let (resources, licences, scopes) = (table(resources)?, table(licences)?, table(scopes)?);
        let central = central_assignments.map(table).transpose()?;
        crate::errors::detach(py, move || {
            ValidEstate::from_columns(
                &resources?,
                &licences?,
                &scopes?,
                central.transpose()?.as_ref(),
            )
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

    /// The estate as pandas DataFrames, the inverse of `ahb.estate_from_frames`: a dict of
    /// `resources`, `licences`, `scopes` and `central_assignments`, or the one `table` named.
    /// Money as float64 unless `money="decimal"` or `money="arrow"`; dates as `datetime64`.
    #[pyo3(signature = (table = None, *, money = "float"))]
    fn to_pandas<'py>(
        slf: &Bound<'py, Self>,
        table: Option<&str>,
        money: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let f = py.import("ahb._display")?.getattr("estate_frames")?;
        f.call1((slf, table, money))
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

/// Decodes a little-endian buffer of 8-byte words.
fn words<T>(b: &Bound<'_, PyAny>, from: fn([u8; 8]) -> T) -> PyResult<Vec<T>> {
    let bytes = b.cast::<PyBytes>()?.as_bytes();
    if bytes.len() % 8 != 0 {
        return Err(PyValueError::new_err("column buffer has a ragged length"));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| from(c.try_into().expect("exact chunk of 8")))
        .collect())
}

/// Decodes a buffer of little-endian `i64`.
pub(crate) fn i64s(b: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    words(b, i64::from_le_bytes)
}

fn mask(b: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    if b.is_none() {
        Ok(None)
    } else {
        Ok(Some(b.cast::<PyBytes>()?.as_bytes().to_vec()))
    }
}

/// The values of column `name` (its distinct values, or one per row) as JSON; errors name the
/// column.
fn values(b: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<serde_json::Value>> {
    b.try_iter()?.map(|v| py_to_json_in(&v?, name)).collect()
}

/// Decodes one encoded column `(name, kind, data, mask, values)` of `ahb/frames.py`.
pub(crate) fn column(item: &Bound<'_, PyAny>) -> PyResult<Column> {
    let (name, kind, data, m, vals): (
        String,
        String,
        Bound<'_, PyAny>,
        Bound<'_, PyAny>,
        Bound<'_, PyAny>,
    ) = item.extract()?;
    let data = match kind.as_str() {
        "int" => ColumnData::Int {
            values: i64s(&data)?,
            missing: mask(&m)?,
        },
        "date" => ColumnData::Date {
            days: i64s(&data)?,
            missing: mask(&m)?,
        },
        "float" => ColumnData::Float(words(&data, f64::from_le_bytes)?),
        "bool" => ColumnData::Bool {
            values: data.cast::<PyBytes>()?.as_bytes().to_vec(),
            missing: mask(&m)?,
        },
        "cat" => ColumnData::Categorical {
            codes: i64s(&data)?,
            values: values(&vals, &name)?,
        },
        "obj" => ColumnData::Values(values(&data, &name)?),
        other => {
            return Err(PyValueError::new_err(format!(
                "column {name:?}: unknown encoding {other:?}"
            )));
        }
    };
    Ok(Column { name, data })
}

/// Decodes a list of encoded columns; the core checks the table (with the GIL released).
fn table(list: &Bound<'_, PyList>) -> PyResult<Result<Table, Error>> {
    let columns = list
        .iter()
        .map(|c| column(&c))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(Table::new(columns))
}
