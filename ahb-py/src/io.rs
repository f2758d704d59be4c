//! Importers (Azure inventory JSON, licence CSVs, cost/FOCUS usage) and exporters (az script,
//! ARM patches, CSV).

use ahb_core::import::{ImportOutcome, Importer};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple};

use crate::convert::{to_py, type_name};
use crate::errors::to_py_err;
use crate::estate::Estate;
use crate::results::{Plan, Position};

/// An input file: a path, or a `(name, text or bytes)` pair.
pub(crate) fn input(obj: &Bound<'_, PyAny>) -> PyResult<(String, Vec<u8>)> {
    if let Ok(t) = obj.cast::<PyTuple>() {
        let (name, data): (String, Bound<'_, PyAny>) = t.extract()?;
        let bytes = if let Ok(s) = data.cast::<PyString>() {
            s.to_str()?.as_bytes().to_vec()
        } else if let Ok(b) = data.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else if let Ok(b) = data.cast::<PyByteArray>() {
            b.to_vec()
        } else {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "the text of input {name:?} is a str or bytes, not {}",
                type_name(&data)
            )));
        };
        return Ok((name, bytes));
    }
    let path: std::path::PathBuf = obj.extract().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "an input is a path or a (name, text) pair, not {}",
            type_name(obj)
        ))
    })?;
    let name = path.display().to_string();
    let bytes = std::fs::read(&path).map_err(|e| {
        to_py_err(
            obj.py(),
            &ahb_core::Error::new(ahb_core::ErrorCode::Io, e.to_string()).in_file(name.clone()),
        )
    })?;
    Ok((name, bytes))
}

fn inputs(list: Option<&Bound<'_, PyList>>) -> PyResult<Vec<(String, Vec<u8>)>> {
    list.map_or(Ok(Vec::new()), |l| l.iter().map(|o| input(&o)).collect())
}

/// What `import_estate` produced: the validated estate and what was left out, and why.
#[pyclass(frozen, module = "ahb._ahb", name = "ImportResult")]
pub struct ImportResult {
    outcome: ImportOutcome,
}

#[pymethods]
impl ImportResult {
    /// The validated estate.
    #[getter]
    fn estate(&self) -> Estate {
        Estate::from_core(self.outcome.estate.clone())
    }

    /// Records that carry no AHB setting of their own, with the reason.
    #[getter]
    fn skipped<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.outcome.skipped, "skipped")
    }

    /// Records left out because their VM size or host SKU is not in the catalogue.
    #[getter]
    fn unknown_sizes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.outcome.unknown_sizes, "unknown_sizes")
    }

    /// Licence-file columns ahb did not read, per file.
    #[getter]
    fn ignored_columns(&self) -> Vec<(String, Vec<String>)> {
        self.outcome.ignored_columns.clone()
    }

    /// References to resources outside the import, and what was done instead.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.outcome.warnings, "warnings")
    }

    /// Resources priced, each with its price source (cost export or retail list).
    #[getter]
    fn priced<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.outcome.priced, "priced")
    }

    /// Resources that could carry the benefit but have no price, with the reason.
    #[getter]
    fn unpriced<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.outcome.unpriced, "unpriced")
    }

    /// Secondaries linked to their primaries from Azure's replication records (availability
    /// groups, failover groups, replication links): `secondary`, `primary`,
    /// `primary_imported`, `origin`.
    #[getter]
    fn replica_links<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.outcome.replica_links, "replica_links")
    }

    /// The one currency of the estate's prices, if any.
    #[getter]
    fn currency(&self) -> Option<String> {
        self.outcome.currency.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "ImportResult(resources={}, licences={}, skipped={}, unknown_sizes={}, unpriced={})",
            self.outcome.estate.resources.len(),
            self.outcome.estate.licences.len(),
            self.outcome.skipped.len(),
            self.outcome.unknown_sizes.len(),
            self.outcome.unpriced.len()
        )
    }
}

/// Builds an estate from Azure inventory JSON files (Resource Graph, `az … list/show`, ARM
/// bodies) and licence-inventory CSVs. Each input is a path or a `(name, text)` pair.
/// `catalogue`: `az vm list-skus` JSON files that extend or override the bundled VM sizes.
/// `prices`: Retail Prices API pages; `costs`: cost exports (CSV, or Parquet, recognised by its
/// magic `PAR1`) whose effective prices are preferred. `date_order` (`"dmy"` or `"mdy"`) states how slash dates read when a file does
/// not show it. With `strict`, a reference to a resource outside the import is an error. With
/// `require_known_sizes`, an unknown VM size is an `UnknownVariantError` instead of a
/// left-out record.
#[pyfunction]
#[pyo3(signature = (
    inventory = None,
    licences = None,
    *,
    catalogue = None,
    prices = None,
    costs = None,
    date_order = None,
    strict = false,
    require_known_sizes = false
))]
#[allow(clippy::too_many_arguments)]
pub fn import_estate(
    py: Python<'_>,
    inventory: Option<&Bound<'_, PyList>>,
    licences: Option<&Bound<'_, PyList>>,
    catalogue: Option<&Bound<'_, PyList>>,
    prices: Option<&Bound<'_, PyList>>,
    costs: Option<&Bound<'_, PyList>>,
    date_order: Option<&str>,
    strict: bool,
    require_known_sizes: bool,
) -> PyResult<ImportResult> {
    let inventory = inputs(inventory)?;
    let licences = inputs(licences)?;
    let catalogue = inputs(catalogue)?;
    let prices = inputs(prices)?;
    let costs = inputs(costs)?;
    let order = match date_order {
        None => None,
        Some(s) => Some(ahb_core::text::DateOrder::parse(s).ok_or_else(|| {
            to_py_err(
                py,
                &ahb_core::Error::option(
                    "date_order",
                    format!("date_order {s:?} is neither \"dmy\" nor \"mdy\""),
                ),
            )
        })?),
    };
    crate::errors::detach(py, move || {
        let mut cat = ahb_core::catalogue::Catalogue::bundled();
        for (name, bytes) in &catalogue {
            let text = ahb_core::text::utf8(bytes).map_err(|(_, line, column)| {
                ahb_core::Error::parse(line, column, "the input is not valid UTF-8")
                    .in_file(name.clone())
            })?;
            cat = cat.with_vm_skus_json(name, text)?;
        }
        let mut imp = Importer::with_catalogue(cat);
        imp.set_strict(strict);
        imp.set_date_order(order);
        for (name, bytes) in &inventory {
            imp.add_inventory_bytes(name, bytes)?;
        }
        for (name, bytes) in &licences {
            imp.add_licences_csv(name, bytes)?;
        }
        for (name, bytes) in &prices {
            let text = ahb_core::text::utf8(bytes).map_err(|(_, line, column)| {
                ahb_core::Error::parse(line, column, "the input is not valid UTF-8")
                    .in_file(name.clone())
            })?;
            imp.add_retail_prices_json(name, text)?;
        }
        for (name, bytes) in &costs {
            imp.add_cost_export(name, bytes)?;
        }
        let outcome = imp.finish()?;
        if require_known_sizes {
            outcome.require_known_sizes()?;
        }
        Ok(outcome)
    })
    .map(|outcome| ImportResult { outcome })
    .map_err(|e: ahb_core::Error| to_py_err(py, &e))
}

/// Every row of a Cost Management (EA/MCA) or FOCUS 1.0 export, as dicts (nothing dropped:
/// filter on `charge_type`). The input is a path or a `(name, data)` pair: CSV, gzip-compressed
/// CSV or Parquet, told apart by their first bytes.
#[pyfunction]
pub fn cost_usage_from_csv<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (name, bytes) = input(source)?;
    let rows = crate::errors::detach(py, move || {
        ahb_core::import::usage_from_export(&name, &bytes, None)
    })
    .map_err(|e| to_py_err(py, &e))?;
    to_py(py, &rows, "usage")
}

/// The plan's changes as a bash script of `az` commands and its rollback: `(apply, rollback)`.
#[pyfunction]
pub fn az_script(
    py: Python<'_>,
    estate: &Bound<'_, Estate>,
    plan: &Bound<'_, Plan>,
) -> PyResult<(String, String)> {
    let (estate, plan) = (estate.get().inner.clone(), plan.get().inner.clone());
    crate::errors::detach(py, move || ahb_core::export::az_script(&estate, &plan))
        .map(|s| (s.apply, s.rollback))
        .map_err(|e| to_py_err(py, &e))
}

/// The plan's changes as ARM requests, each with the request that undoes it (list of dicts).
#[pyfunction]
pub fn arm_patches<'py>(
    py: Python<'py>,
    estate: &Bound<'py, Estate>,
    plan: &Bound<'py, Plan>,
) -> PyResult<Bound<'py, PyAny>> {
    let (estate, plan) = (estate.get().inner.clone(), plan.get().inner.clone());
    let patches = crate::errors::detach(py, move || ahb_core::export::arm_patches(&estate, &plan))
        .map_err(|e| to_py_err(py, &e))?;
    to_py(py, &patches, "patches")
}

/// The position as CSV: one row per requirement, with rule IDs.
#[pyfunction]
pub fn position_csv(py: Python<'_>, position: &Bound<'_, Position>) -> String {
    let position = position.get().inner.clone();
    py.detach(move || ahb_core::export::position_csv(&position))
}

/// The plan as CSV: one row per assignment, with the licence lines that cover it.
#[pyfunction]
pub fn plan_csv(py: Python<'_>, plan: &Bound<'_, Plan>) -> String {
    let plan = plan.get().inner.clone();
    py.detach(move || ahb_core::export::plan_csv(&plan))
}
