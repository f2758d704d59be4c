//! `RuleSet`: a rule-set version and its knobs (RULES.md §11), frozen.

use std::sync::Arc;

use ahb_core::RuleSet as CoreRuleSet;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use serde_json::Value;

use crate::convert::{py_to_json, to_py};
use crate::errors::to_py_err;

/// A rule-set version with the knob values that settle its open questions. Immutable; derive
/// a changed one with `replace(**knobs)`.
#[pyclass(frozen, module = "ahb._ahb", name = "RuleSet")]
pub struct RuleSet {
    pub(crate) inner: Arc<CoreRuleSet>,
}

impl RuleSet {
    pub(crate) fn wrap(inner: CoreRuleSet) -> RuleSet {
        RuleSet {
            inner: Arc::new(inner),
        }
    }
}

/// `base` with `knobs` (a Python dict) applied; errors name the knob.
fn with_knobs(
    py: Python<'_>,
    base: &CoreRuleSet,
    knobs: Option<&Bound<'_, PyDict>>,
) -> PyResult<CoreRuleSet> {
    let Some(knobs) = knobs.filter(|k| !k.is_empty()) else {
        return Ok(base.clone());
    };
    let Value::Object(changes) = py_to_json(knobs.as_any())? else {
        unreachable!("a dict converts to an object")
    };
    base.with_knobs(changes).map_err(|e| to_py_err(py, &e))
}

#[pymethods]
impl RuleSet {
    /// `RuleSet(version="2023-04", **knobs)`: the version's defaults with the given knobs.
    #[new]
    #[pyo3(signature = (version = "2023-04", **knobs))]
    fn new(py: Python<'_>, version: &str, knobs: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let base = CoreRuleSet::by_version(version).map_err(|e| to_py_err(py, &e))?;
        Ok(RuleSet::wrap(with_knobs(py, &base, knobs)?))
    }

    /// The current rules (`2023-04`) with the RULES.md §11 defaults.
    #[classmethod]
    fn current(_cls: &Bound<'_, PyType>) -> Self {
        RuleSet::wrap(CoreRuleSet::current())
    }

    /// The pre-April-2023 rules (`2021-11`): groups of 8 and the 16-licence estate minimum.
    #[classmethod]
    fn legacy_2021(_cls: &Bound<'_, PyType>) -> Self {
        RuleSet::wrap(CoreRuleSet::legacy_2021())
    }

    /// Reads `{"version": ..., "knobs": {...}}`; absent knobs take the defaults.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, py: Python<'_>, text: &str) -> PyResult<Self> {
        CoreRuleSet::from_json(text)
            .map(RuleSet::wrap)
            .map_err(|e| to_py_err(py, &e))
    }

    /// A copy with some knobs changed.
    #[pyo3(signature = (**knobs))]
    fn replace(&self, py: Python<'_>, knobs: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(RuleSet::wrap(with_knobs(py, &self.inner, knobs)?))
    }

    /// `"2023-04"` or `"2021-11"`.
    #[getter]
    fn version(&self) -> String {
        match serde_json::to_value(self.inner.version) {
            Ok(Value::String(s)) => s,
            _ => unreachable!("a version serialises to a string"),
        }
    }

    /// The knob values, as a new dict (dates as `datetime.date`).
    #[getter]
    fn knobs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.knobs, "knobs")
    }

    /// `{"version": ..., "knobs": {...}}` as JSON text.
    fn to_json(&self) -> String {
        serde_json::to_string_pretty(&*self.inner).expect("a rule set always serialises")
    }

    /// `{"version": ..., "knobs": {...}}` as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &*self.inner, "")
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<RuleSet>()
            .is_ok_and(|o| *o.get().inner == *self.inner)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.to_json().hash(&mut h);
        h.finish()
    }

    fn __repr__(&self) -> String {
        let defaults = CoreRuleSet::by_version(&self.version()).ok();
        let changed = defaults.is_some_and(|d| d.knobs != self.inner.knobs);
        format!(
            "RuleSet(version={:?}{})",
            self.version(),
            if changed { ", <changed knobs>" } else { "" }
        )
    }
}
