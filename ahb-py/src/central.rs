//! Centrally managed SQL AHB: hourly usage, `simulate_central` and `best_assignment`.

use std::path::PathBuf;
use std::sync::Arc;

use ahb_core::central::{
    BestAssignment as CoreBest, CentralSimulation as CoreSimulation, HourlyUsage,
    LicencePricesPerYear,
};
use ahb_core::{Error, ErrorCode};
use chrono::NaiveDateTime;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyType};
use pyo3_arrow::input::AnyRecordBatch;

use crate::convert::{py_to_json, type_name};
use crate::errors::to_py_err;
use crate::estate::{Estate, i64s};
use crate::results::rules_or_current;
use crate::results_macro::json_result;
use crate::rules::RuleSet;

/// Hourly SQL usage per resource (columnar). Immutable.
#[pyclass(frozen, module = "ahb._ahb", name = "Usage")]
pub struct Usage {
    inner: Arc<HourlyUsage>,
}

#[pymethods]
impl Usage {
    /// Reads CSV text with the header `resource,hour,vcores,licence_price_per_vcore_hour`.
    #[classmethod]
    fn from_csv(_cls: &Bound<'_, PyType>, py: Python<'_>, text: &str) -> PyResult<Self> {
        let text = text.to_string();
        crate::errors::detach(py, move || HourlyUsage::from_csv(&text))
            .map(|u| Usage { inner: Arc::new(u) })
            .map_err(|e| to_py_err(py, &e))
    }

    /// Reads a usage file: Parquet when it starts with the Parquet magic `PAR1`, else CSV;
    /// errors name the file.
    #[classmethod]
    fn from_path(_cls: &Bound<'_, PyType>, py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let shown = path.display().to_string();
        crate::errors::detach(py, move || {
            let bytes =
                std::fs::read(&path).map_err(|e| Error::new(ErrorCode::Io, e.to_string()))?;
            HourlyUsage::from_bytes(&bytes)
        })
        .map(|u| Usage { inner: Arc::new(u) })
        .map_err(|e| to_py_err(py, &e.in_file(shown)))
    }

    /// Reads usage from a Parquet file (a path, or the file's bytes): the columns of
    /// `from_csv`, typed or as text.
    #[classmethod]
    fn from_parquet(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        source: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let read = if let Ok(b) = source.cast::<PyBytes>() {
            let bytes = b.as_bytes().to_vec();
            crate::errors::detach(py, move || HourlyUsage::from_parquet(&bytes))
        } else {
            let path: PathBuf = source.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "a Parquet file is a path or bytes, not {}",
                    type_name(source)
                ))
            })?;
            crate::errors::detach(py, move || HourlyUsage::from_parquet_path(&path))
        };
        read.map(|u| Usage { inner: Arc::new(u) })
            .map_err(|e| to_py_err(py, &e))
    }

    /// Reads usage from Arrow data, not copied through pandas: any object with the Arrow
    /// PyCapsule interface (`__arrow_c_stream__`: a pyarrow Table or RecordBatchReader, a
    /// polars DataFrame; or `__arrow_c_array__`: a record batch).
    #[classmethod]
    fn from_arrow(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        if !(data.hasattr("__arrow_c_stream__")? || data.hasattr("__arrow_c_array__")?) {
            return Err(PyTypeError::new_err(format!(
                "Arrow data is an object with __arrow_c_stream__ or __arrow_c_array__ (a pyarrow \
                 Table, a polars DataFrame…), not {}",
                type_name(data)
            )));
        }
        // A table in memory knows its length (pyarrow's and polars' have `len`): the columns
        // are then reserved at once. A stream without one is read as it comes.
        let rows = data.len().unwrap_or(0);
        let reader = data.extract::<AnyRecordBatch>()?.into_reader()?;
        crate::errors::detach(py, move || HourlyUsage::from_arrow_rows(reader, rows))
            .map(|u| Usage { inner: Arc::new(u) })
            .map_err(|e| to_py_err(py, &e))
    }

    /// Hourly SQL usage from a Cost Management (EA/MCA) or FOCUS 1.0 export, matched to
    /// `estate`'s resources: a CSV or Parquet file (a path or a `(name, data)` pair; Parquet is
    /// recognised by its magic `PAR1`) or Arrow data (an object with `__arrow_c_stream__` or
    /// `__arrow_c_array__`); returns the usage and a dict counting how the export's rows were
    /// used.
    #[classmethod]
    fn from_cost_export<'py>(
        _cls: &Bound<'py, PyType>,
        py: Python<'py>,
        estate: &Bound<'py, Estate>,
        source: &Bound<'py, PyAny>,
    ) -> PyResult<(Self, Bound<'py, PyAny>)> {
        let estate = estate.get().inner.clone();
        let arrow = source.hasattr("__arrow_c_stream__")? || source.hasattr("__arrow_c_array__")?;
        let (usage, used) = if arrow {
            let reader = source.extract::<AnyRecordBatch>()?.into_reader()?;
            crate::errors::detach(py, move || {
                let rows = ahb_core::import::usage_from_arrow("arrow data", reader)?;
                HourlyUsage::from_cost_rows(&estate, &rows)
            })
        } else {
            let (name, bytes) = crate::io::input(source)?;
            crate::errors::detach(py, move || {
                let rows = ahb_core::import::usage_from_export(&name, &bytes, None)?;
                HourlyUsage::from_cost_rows(&estate, &rows)
            })
        }
        .map_err(|e| to_py_err(py, &e))?;
        let used = crate::convert::to_py(py, &used, "used")?;
        Ok((
            Usage {
                inner: Arc::new(usage),
            },
            used,
        ))
    }

    /// The columnar path behind `ahb.usage_from_frame`: hour 0, the distinct resource ids,
    /// then per row the resource code, seconds since hour 0 and vCores (little-endian i64
    /// buffers) and the encoded price column (or `None`).
    #[classmethod]
    #[allow(clippy::too_many_arguments)]
    fn _from_columns(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        start: NaiveDateTime,
        resources: Vec<String>,
        resource: &Bound<'_, PyAny>,
        seconds: &Bound<'_, PyAny>,
        vcores: &Bound<'_, PyAny>,
        price: Option<&Bound<'_, PyList>>,
    ) -> PyResult<Self> {
        let (resource, seconds, vcores) = (i64s(resource)?, i64s(seconds)?, i64s(vcores)?);
        let price = match price {
            Some(list) => Some(crate::estate::column(&list.get_item(0)?)?),
            None => None,
        };
        let build = move || {
            HourlyUsage::from_columns(
                start,
                resources,
                &resource,
                &seconds,
                &vcores,
                price.as_ref(),
            )
        };
        crate::errors::detach(py, build)
            .map(|u| Usage { inner: Arc::new(u) })
            .map_err(|e| to_py_err(py, &e))
    }

    /// Hour 0.
    #[getter]
    fn start(&self) -> NaiveDateTime {
        self.inner.start
    }

    /// Hours covered.
    #[getter]
    fn hours(&self) -> u32 {
        self.inner.hours()
    }

    /// Number of rows.
    fn __len__(&self) -> usize {
        self.inner.resource.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Usage(start={}, hours={}, rows={}, resources={})",
            self.inner.start,
            self.inner.hours(),
            self.inner.resource.len(),
            self.inner.resources.len()
        )
    }
}

json_result!(CentralSimulation, CoreSimulation, "central", {
    /// The core's text summary per scope.
    fn to_text(&self) -> String {
        self.inner.to_text()
    }

    /// Hours simulated.
    #[getter]
    fn hours(&self) -> u32 {
        self.inner.hours
    }

    fn __repr__(&self) -> String {
        format!(
            "CentralSimulation(start={}, hours={}, scopes={})",
            self.inner.start,
            self.inner.hours,
            self.inner.scopes.len()
        )
    }
});

json_result!(BestAssignment, CoreBest, "best", {
    /// The core's text summary.
    fn to_text(&self) -> String {
        self.inner.to_text()
    }

    /// Enterprise core licences to assign.
    #[getter]
    fn enterprise_cores(&self) -> u64 {
        self.inner.enterprise_cores
    }

    /// Standard core licences to assign.
    #[getter]
    fn standard_cores(&self) -> u64 {
        self.inner.standard_cores
    }

    fn __repr__(&self) -> String {
        format!(
            "BestAssignment(scope={:?}, enterprise_cores={}, standard_cores={})",
            self.inner.scope, self.inner.enterprise_cores, self.inner.standard_cores
        )
    }

    /// Load-duration curve and the cost/savings curve behind the answer (matplotlib needed).
    #[pyo3(signature = (ax = None))]
    fn plot<'py>(
        slf: &Bound<'py, Self>,
        ax: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("ahb._display")?
            .getattr("plot_best")?
            .call1((slf, ax))
    }
});

/// Simulates the estate's central SQL assignments over `usage`, hour by hour, with the rule
/// set's OQ-6 strategy. GIL released.
#[pyfunction]
#[pyo3(signature = (estate, usage, rules = None))]
pub fn simulate_central(
    py: Python<'_>,
    estate: &Bound<'_, Estate>,
    usage: &Bound<'_, Usage>,
    rules: Option<&Bound<'_, RuleSet>>,
) -> PyResult<CentralSimulation> {
    let estate = estate.get().inner.clone();
    let usage = usage.get().inner.clone();
    let rules = rules_or_current(rules);
    crate::errors::detach(py, move || estate.simulate_central(&rules, &usage))
        .map(CentralSimulation::wrap)
        .map_err(|e| to_py_err(py, &e))
}

/// The prices as the core's options reader reads them (so a bad amount is an `OptionError`
/// naming its keyword): integers become decimal strings, as the JSON of the C face writes them.
fn prices(
    py: Python<'_>,
    given: [(&str, Option<&Bound<'_, PyAny>>); 2],
) -> PyResult<LicencePricesPerYear> {
    let mut map = serde_json::Map::new();
    for (name, obj) in given {
        let Some(obj) = obj.filter(|o| !o.is_none()) else {
            continue;
        };
        let value = match py_to_json(obj)? {
            serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => {
                serde_json::Value::String(n.to_string())
            }
            v @ (serde_json::Value::String(_) | serde_json::Value::Number(_)) => v,
            _ => {
                return Err(PyTypeError::new_err(format!(
                    "{name} must be a Decimal, int or str amount, not {}",
                    type_name(obj)
                )));
            }
        };
        map.insert(name.to_string(), value);
    }
    ahb_core::options::from_json(&serde_json::Value::Object(map).to_string())
        .map_err(|e| to_py_err(py, &e))
}

/// The best number of Enterprise and Standard core licences to assign to `scope`, given its
/// hourly usage and the licences' yearly prices per core licence. GIL released.
#[pyfunction]
#[pyo3(signature = (
    estate, usage, scope, rules = None, *,
    sql_enterprise_per_core_year = None, sql_standard_per_core_year = None
))]
pub fn best_assignment(
    py: Python<'_>,
    estate: &Bound<'_, Estate>,
    usage: &Bound<'_, Usage>,
    scope: String,
    rules: Option<&Bound<'_, RuleSet>>,
    sql_enterprise_per_core_year: Option<&Bound<'_, PyAny>>,
    sql_standard_per_core_year: Option<&Bound<'_, PyAny>>,
) -> PyResult<BestAssignment> {
    let prices = prices(
        py,
        [
            ("sql_enterprise_per_core_year", sql_enterprise_per_core_year),
            ("sql_standard_per_core_year", sql_standard_per_core_year),
        ],
    )?;
    let estate = estate.get().inner.clone();
    let usage = usage.get().inner.clone();
    let rules = rules_or_current(rules);
    crate::errors::detach(py, move || {
        estate.best_assignment(&rules, &usage, &scope, &prices)
    })
    .map(BestAssignment::wrap)
    .map_err(|e| {
        // The core names a price by its path in the C face's options (`prices.…`); here it is
        // a keyword.
        let keyword = e
            .location()
            .field
            .as_deref()
            .and_then(|f| f.strip_prefix("prices."))
            .map(str::to_string);
        match keyword {
            Some(k) => to_py_err(py, &e.with_field(k)),
            None => to_py_err(py, &e),
        }
    })
}
