//! `timeline`: the position at every date where the estate's supply changes.

use ahb_core::timeline::Timeline as CoreTimeline;
use pyo3::prelude::*;

use crate::convert::date_arg;
use crate::errors::to_py_err;
use crate::estate::Estate;
use crate::results::rules_or_current;
use crate::results_macro::json_result;
use crate::rules::RuleSet;

json_result!(Timeline, CoreTimeline, "timeline", {
    /// First date (`from` in the JSON, in Rust and in C).
    #[getter]
    fn from_(&self) -> chrono::NaiveDate {
        self.inner.from
    }

    /// Last date (`to` in the JSON, in Rust and in C).
    #[getter]
    fn to(&self) -> chrono::NaiveDate {
        self.inner.to
    }

    /// First date: an alias of `from_`.
    #[getter]
    fn start(&self) -> chrono::NaiveDate {
        self.inner.from
    }

    /// Last date: an alias of `to`.
    #[getter]
    fn end(&self) -> chrono::NaiveDate {
        self.inner.to
    }

    /// The core's text report: one line per step with the shortfall per pool, the optimal
    /// savings and the cliff, then what changed.
    fn to_text(&self) -> String {
        self.inner.to_text()
    }

    /// Number of steps (dates where something changes, and the first date).
    fn __len__(&self) -> usize {
        self.inner.steps.len()
    }

    /// Shortfall by pool over the dates (a step plot; matplotlib needed).
    #[pyo3(signature = (ax = None))]
    fn plot<'py>(
        slf: &Bound<'py, Self>,
        ax: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("ahb._display")?
            .getattr("plot_timeline")?
            .call1((slf, ax))
    }

    fn __repr__(&self) -> String {
        format!(
            "Timeline(from_={}, to={}, steps={})",
            self.inner.from,
            self.inner.to,
            self.inner.steps.len()
        )
    }
});

/// The position, shortfall change and optimal-savings cliff at `start` and at every SA end,
/// dual-use window close and central assignment expiry up to `end`. GIL released.
#[pyfunction]
#[pyo3(signature = (estate, rules = None, *, start = None, end))]
pub fn timeline(
    py: Python<'_>,
    estate: &Bound<'_, Estate>,
    rules: Option<&Bound<'_, RuleSet>>,
    start: Option<&Bound<'_, PyAny>>,
    end: &Bound<'_, PyAny>,
) -> PyResult<Timeline> {
    let from = date_arg(py, start, "start")?;
    let to = date_arg(py, Some(end), "end")?;
    let estate = estate.get().inner.clone();
    let rules = rules_or_current(rules);
    crate::errors::detach(py, move || estate.timeline(&rules, from, to))
        .map(Timeline::wrap)
        .map_err(|e| to_py_err(py, &e))
}
