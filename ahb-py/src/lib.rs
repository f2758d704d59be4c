//! The Python module `ahb._ahb`. It converts and releases the GIL; every decision is made in
//! `ahb-core`. One file per face of the core: add a module and one line to `_ahb` for each
//! new core function (timeline, central SQL, importers and exporters).

mod central;
mod convert;
mod errors;
mod estate;
mod io;
mod results;
mod results_macro;
mod rules;
mod timeline;

use pyo3::prelude::*;

/// The library's allocator: mimalloc (feature `mimalloc`, on by default). Large estates build
/// millions of small rows; the system allocator spends a fifth to a third of the end-to-end
/// time at 10⁵–10⁶ resources faulting in fresh pages and consolidating freed blocks
/// (benches/README.md, "End to end").
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    m.add_function(wrap_pyfunction!(results::audit_and_optimize, m)?)?;
    m.add_class::<timeline::Timeline>()?;
    m.add_function(wrap_pyfunction!(timeline::timeline, m)?)?;
    m.add_class::<central::Usage>()?;
    m.add_class::<central::CentralSimulation>()?;
    m.add_class::<central::BestAssignment>()?;
    m.add_function(wrap_pyfunction!(central::simulate_central, m)?)?;
    m.add_function(wrap_pyfunction!(central::best_assignment, m)?)?;
    m.add_class::<io::ImportResult>()?;
    m.add_function(wrap_pyfunction!(io::import_estate, m)?)?;
    m.add_function(wrap_pyfunction!(io::cost_usage_from_csv, m)?)?;
    m.add_function(wrap_pyfunction!(io::az_script, m)?)?;
    m.add_function(wrap_pyfunction!(io::arm_patches, m)?)?;
    m.add_function(wrap_pyfunction!(io::position_csv, m)?)?;
    m.add_function(wrap_pyfunction!(io::plan_csv, m)?)?;
    Ok(())
}
