//! The Python module `ahb._ahb`. It converts and releases the GIL; every decision is made in
//! `ahb-core`. One file per face of the core: add a module and one line to [`_ahb`] for each
//! new core function (timeline, central SQL, importers and exporters).

mod convert;
mod errors;
mod estate;
mod results;
mod rules;

use pyo3::prelude::*;

/// The `ahb._ahb` extension module.
#[pymodule]
fn _ahb(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    m.add_class::<estate::Estate>()?;
    m.add_class::<rules::RuleSet>()?;
    m.add_class::<results::Position>()?;
    m.add_class::<results::Plan>()?;
    m.add_function(wrap_pyfunction!(results::audit, m)?)?;
    m.add_function(wrap_pyfunction!(results::optimize, m)?)?;
    Ok(())
}
