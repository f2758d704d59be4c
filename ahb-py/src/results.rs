//! `audit` and `optimize`, and their frozen results `Position` and `Plan`. The solve runs with
//! the GIL released; JSON, text and dicts come from the core's serde form.

use std::sync::Arc;

use ahb_core::{OptimizeOptions, Plan as CorePlan, Position as CorePosition};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::convert::{date_arg, py_to_json, to_py};
use crate::errors::to_py_err;
use crate::estate::Estate;
use crate::results_macro::json_result;
use crate::rules::RuleSet;

/// Calls `ahb._display.<name>(obj, *args)`: notebook display and pandas live in Python.
fn display<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
    args: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let f = py.import("ahb._display")?.getattr(name)?;
    let mut all = vec![obj.clone()];
    all.extend(args);
    f.call1(pyo3::types::PyTuple::new(py, all)?)
}

pub(crate) fn rules_or_current(rules: Option<&Bound<'_, RuleSet>>) -> Arc<ahb_core::RuleSet> {
    rules.map_or_else(
        || Arc::new(ahb_core::RuleSet::current()),
        |r| r.get().inner.clone(),
    )
}

// The compliance position of an estate on a date (`ahb.audit`): tables `"pools"`,
// `"resources"` (one row per requirement), `"over_claimed"`, `"under_claimed"`, `"lines"`.
json_result!(Position, CorePosition, "position", table = "pools", {
    /// Whether today's AHB settings are covered on `as_of`.
    #[getter]
    fn compliant(&self) -> bool {
        self.inner.compliant
    }

    /// The date audited.
    #[getter]
    fn as_of(&self) -> chrono::NaiveDate {
        self.inner.as_of
    }

    /// The rule set and knobs the position was computed with.
    #[getter]
    fn rule_set(&self) -> RuleSet {
        RuleSet::wrap(self.inner.rule_set.clone())
    }

    /// Savings claimed, at risk and left unclaimed (`Decimal`).
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.totals, "totals")
    }

    /// Eligible resources without prices and the licence units at stake per pool (their
    /// savings count as zero in `totals`).
    #[getter]
    fn unpriced_summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.unpriced_summary, "unpriced_summary")
    }

    /// The core's text report.
    fn to_text(&self) -> String {
        self.inner.to_text()
    }

    /// A bar chart of coverage by pool (matplotlib, only if installed); returns the Axes.
    #[pyo3(signature = (ax = None))]
    fn plot_coverage<'py>(
        slf: &Bound<'py, Self>,
        ax: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ax = ax.unwrap_or_else(|| slf.py().None().into_bound(slf.py()));
        display(slf.as_any(), "plot_coverage", vec![ax])
    }

    fn __repr__(&self) -> String {
        format!(
            "Position(as_of={}, compliant={}, pools={}, over_claimed={}, under_claimed={})",
            self.inner.as_of,
            if self.inner.compliant {
                "True"
            } else {
                "False"
            },
            self.inner.pools.len(),
            self.inner.over_claimed.len(),
            self.inner.under_claimed.len()
        )
    }
});

// A savings-maximising compliant plan with its optimality certificate (`ahb.optimize`):
// tables `"assignments"`, `"changes"`, `"pools"`.
json_result!(Plan, CorePlan, "plan", table = "assignments", {
    /// The date planned for.
    #[getter]
    fn as_of(&self) -> chrono::NaiveDate {
        self.inner.as_of
    }

    /// The rule set and knobs the plan was computed with.
    #[getter]
    fn rule_set(&self) -> RuleSet {
        RuleSet::wrap(self.inner.rule_set.clone())
    }

    /// Whether the certificate proves the plan optimal (gap zero).
    #[getter]
    fn proven_optimal(&self) -> bool {
        self.inner.certificate.proven_optimal
    }

    /// Savings of the plan and of today's settings, and the number of changes.
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.totals, "totals")
    }

    /// The optimality certificate: objective, upper bound, gap (`Decimal`), and its `scope`
    /// (`all_resources`, `priced_resources_only`, `priced_then_unpriced_by_units`).
    #[getter]
    fn certificate<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.certificate, "certificate")
    }

    /// Eligible resources without prices, the licence units at stake per pool and the units
    /// the plan has them carry.
    #[getter]
    fn unpriced_summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.unpriced_summary, "unpriced_summary")
    }

    /// The core's text report.
    fn to_text(&self) -> String {
        self.inner.to_text()
    }

    fn __repr__(&self) -> String {
        format!(
            "Plan(as_of={}, monthly_savings={}, changes={}, proven_optimal={})",
            self.inner.as_of,
            self.inner.totals.monthly_savings,
            self.inner.totals.changes,
            if self.inner.certificate.proven_optimal {
                "True"
            } else {
                "False"
            }
        )
    }
});

/// Audits `estate` on `as_of` (default: today) under `rules` (default: current). The GIL is
/// released while the core works.
#[pyfunction]
#[pyo3(signature = (estate, rules = None, *, as_of = None))]
pub fn audit(
    py: Python<'_>,
    estate: &Bound<'_, Estate>,
    rules: Option<&Bound<'_, RuleSet>>,
    as_of: Option<&Bound<'_, PyAny>>,
) -> PyResult<Position> {
    let date = date_arg(py, as_of, "as_of")?;
    let estate = estate.get().inner.clone();
    let rules = rules_or_current(rules);
    crate::errors::detach(py, move || estate.audit(&rules, date))
        .map(Position::wrap)
        .map_err(|e| to_py_err(py, &e))
}

/// Computes the savings-maximising compliant plan. `options` are the core's optimiser options
/// (`objective`, `pin`, `exclude`, `reserve`, `change_penalty_per_month`, `unpriced`, …). The
/// GIL is released while the core works.
#[pyfunction]
#[pyo3(signature = (estate, rules = None, *, as_of = None, **options))]
pub fn optimize(
    py: Python<'_>,
    estate: &Bound<'_, Estate>,
    rules: Option<&Bound<'_, RuleSet>>,
    as_of: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Plan> {
    let opts = options_arg(py, as_of, options)?;
    let estate = estate.get().inner.clone();
    let rules = rules_or_current(rules);
    crate::errors::detach(py, move || estate.optimize(&rules, &opts))
        .map(Plan::wrap)
        .map_err(|e| to_py_err(py, &e))
}

/// The audit and the plan together, `(position, plan)`, from one assessment of the estate:
/// the same results as `audit` and `optimize`, in less time than the two calls. Arguments as
/// for `optimize`. The GIL is released while the core works.
#[pyfunction]
#[pyo3(signature = (estate, rules = None, *, as_of = None, **options))]
pub fn audit_and_optimize(
    py: Python<'_>,
    estate: &Bound<'_, Estate>,
    rules: Option<&Bound<'_, RuleSet>>,
    as_of: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<(Position, Plan)> {
    let opts = options_arg(py, as_of, options)?;
    let estate = estate.get().inner.clone();
    let rules = rules_or_current(rules);
    crate::errors::detach(py, move || estate.audit_and_optimize(&rules, &opts))
        .map(|(position, plan)| (Position::wrap(position), Plan::wrap(plan)))
        .map_err(|e| to_py_err(py, &e))
}

/// The optimiser's options from keyword arguments and the date (default: today).
fn options_arg(
    py: Python<'_>,
    as_of: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<OptimizeOptions> {
    let date = date_arg(py, as_of, "as_of")?;
    let mut map = match options {
        Some(o) => match py_to_json(o.as_any())? {
            Value::Object(m) => m,
            _ => unreachable!("a dict converts to an object"),
        },
        None => serde_json::Map::new(),
    };
    map.insert("as_of".into(), Value::String(date.to_string()));
    OptimizeOptions::from_json(&Value::Object(map).to_string()).map_err(|e| to_py_err(py, &e))
}
