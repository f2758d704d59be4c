//! The Python module `ahb._ahb`. It converts and releases the GIL; every decision is made in
//! `ahb-core`.

use pyo3::prelude::*;

/// The `ahb._ahb` extension module.
#[pymodule]
fn _ahb(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
