//! One macro for the frozen result classes that are the core's serde JSON plus a text report:
//! each new core result is one `json_result!` line and its own extra getters.

/// `json_result!(Name, CoreType, "display", [table = "default",] { more methods })` declares a frozen pyclass holding
/// an `Arc<CoreType>` with `to_json`, `to_dict`, `to_pandas(table)` and `_repr_html_` (the last
/// two in `ahb._display`, as `<display>_frame` and `<display>_html`), and the methods given.
macro_rules! json_result {
    ($name:ident, $core:ty, $display:literal, table = $default:tt, { $($extra:tt)* }) => {
        json_result!(@class $name, $core, $display, {
            /// A pandas DataFrame of one table (pandas needed); money as float64 unless
            /// `money="decimal"` (object Decimals) or `money="arrow"` (Arrow decimal).
            #[pyo3(signature = (table = $default, *, money = "float"))]
            fn to_pandas<'py>(
                slf: &Bound<'py, Self>,
                table: &str,
                money: &str,
            ) -> PyResult<Bound<'py, PyAny>> {
                let py = slf.py();
                let f = py.import("ahb._display")?.getattr(concat!($display, "_frame"))?;
                f.call1((slf, table, money))
            }
            $($extra)*
        });
    };
    ($name:ident, $core:ty, $display:literal, { $($extra:tt)* }) => {
        json_result!(@class $name, $core, $display, {
            /// A pandas DataFrame of one table (pandas needed); money as float64 unless
            /// `money="decimal"` (object Decimals) or `money="arrow"` (Arrow decimal).
            #[pyo3(signature = (table = None, *, money = "float"))]
            fn to_pandas<'py>(
                slf: &Bound<'py, Self>,
                table: Option<&str>,
                money: &str,
            ) -> PyResult<Bound<'py, PyAny>> {
                let py = slf.py();
                let f = py.import("ahb._display")?.getattr(concat!($display, "_frame"))?;
                f.call1((slf, table, money))
            }
            $($extra)*
        });
    };
    (@class $name:ident, $core:ty, $display:literal, { $($extra:tt)* }) => {
        #[doc = concat!("A frozen `", stringify!($name), "` result of ahb-core.")]
        #[pyclass(frozen, module = "ahb._ahb")]
        pub struct $name {
            pub(crate) inner: std::sync::Arc<$core>,
        }

        impl $name {
            pub(crate) fn wrap(inner: $core) -> Self {
                $name {
                    inner: std::sync::Arc::new(inner),
                }
            }
        }

        #[pymethods]
        impl $name {
            /// The versioned JSON.
            fn to_json(&self) -> String {
                self.inner.to_json()
            }

            /// The JSON as a dict: money as `Decimal`, dates as `datetime.date`.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                crate::convert::to_py(py, &*self.inner, "")
            }

            /// One table as a `pyarrow.Table` with exact decimal money (pyarrow needed).
            #[pyo3(signature = (table = None))]
            fn to_arrow<'py>(
                slf: &Bound<'py, Self>,
                table: Option<&str>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let py = slf.py();
                py.import("ahb._display")?
                    .getattr("to_arrow")?
                    .call1((slf, table))
            }

            /// One table as a `polars.DataFrame` with exact decimal money (polars and pyarrow
            /// needed).
            #[pyo3(signature = (table = None))]
            fn to_polars<'py>(
                slf: &Bound<'py, Self>,
                table: Option<&str>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let py = slf.py();
                py.import("ahb._display")?
                    .getattr("to_polars")?
                    .call1((slf, table))
            }

            fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
                let py = slf.py();
                let f = py.import("ahb._display")?.getattr(concat!($display, "_html"))?;
                f.call1((slf,))
            }

            $($extra)*
        }
    };
}

pub(crate) use json_result;
