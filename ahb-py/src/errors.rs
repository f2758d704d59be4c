//! The `AhbError` hierarchy, mapped from [`ahb_core::ErrorCode`] in one place
//! ([`exception_for`]), so that Python, Rust and C report the same numbers.

use ahb_core::{Error, ErrorCode};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyType;

pyo3::create_exception!(
    ahb,
    AhbError,
    PyException,
    "Any error of ahb: `code` is the stable numeric ahb_core::ErrorCode."
);
pyo3::create_exception!(
    ahb,
    ParseError,
    AhbError,
    "Text that is not well-formed JSON: see `line` and `column` (code 1)."
);
pyo3::create_exception!(
    ahb,
    ValidationError,
    AhbError,
    "A record whose values are wrong: see `collection`, `index`, `record_id` and `field` (code 2)."
);
pyo3::create_exception!(
    ahb,
    MissingFieldError,
    ValidationError,
    "A required field is absent (code 3)."
);
pyo3::create_exception!(
    ahb,
    UnknownVariantError,
    ValidationError,
    "An enum string ahb does not know (code 4)."
);
pyo3::create_exception!(
    ahb,
    DuplicateIdError,
    ValidationError,
    "Two records of one collection share an id (code 5)."
);
pyo3::create_exception!(
    ahb,
    UnknownReferenceError,
    ValidationError,
    "A record refers to an id that does not exist (code 6)."
);
pyo3::create_exception!(
    ahb,
    UnsupportedSchemaError,
    AhbError,
    "The `schema` field names a version this build does not read (code 7)."
);
pyo3::create_exception!(
    ahb,
    AhbIOError,
    AhbError,
    "A file could not be read (code 8)."
);
pyo3::create_exception!(
    ahb,
    OptionError,
    AhbError,
    "An option or rule-set knob is invalid: see `field` (code 9)."
);

/// The location attributes every `AhbError` carries (`None` when absent).
pub const ATTRIBUTES: [&str; 9] = [
    "file",
    "line",
    "column",
    "collection",
    "index",
    "record_id",
    "field",
    "message",
    "code_name",
];

/// Every code the core defines today; each class's `code` attribute is its code.
const CODES: [ErrorCode; 9] = [
    ErrorCode::Parse,
    ErrorCode::InvalidValue,
    ErrorCode::MissingField,
    ErrorCode::UnknownVariant,
    ErrorCode::DuplicateId,
    ErrorCode::UnknownReference,
    ErrorCode::UnsupportedSchema,
    ErrorCode::Io,
    ErrorCode::InvalidOption,
];

/// The exception class of a core error code. New codes fall back to `AhbError` until mapped.
pub fn exception_for(py: Python<'_>, code: ErrorCode) -> Bound<'_, PyType> {
    match code {
        ErrorCode::Parse => py.get_type::<ParseError>(),
        ErrorCode::InvalidValue => py.get_type::<ValidationError>(),
        ErrorCode::MissingField => py.get_type::<MissingFieldError>(),
        ErrorCode::UnknownVariant => py.get_type::<UnknownVariantError>(),
        ErrorCode::DuplicateId => py.get_type::<DuplicateIdError>(),
        ErrorCode::UnknownReference => py.get_type::<UnknownReferenceError>(),
        ErrorCode::UnsupportedSchema => py.get_type::<UnsupportedSchemaError>(),
        ErrorCode::Io => py.get_type::<AhbIOError>(),
        ErrorCode::InvalidOption => py.get_type::<OptionError>(),
        _ => py.get_type::<AhbError>(),
    }
}

/// The snake_case name of a code (`"parse"`, `"invalid_value"`, …), as the core serialises it.
pub fn code_name(code: ErrorCode) -> String {
    match serde_json::to_value(code) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{code:?}"),
    }
}

/// Runs core work without the GIL, turning a panic (a bug: the core returns typed errors for
/// every bad input) into an [`ahb_core::Error`], so that Python sees an `AhbError` and never
/// pyo3's `PanicException`, which `except Exception` does not catch.
pub fn detach<T, F>(py: Python<'_>, f: F) -> ahb_core::Result<T>
where
    F: FnOnce() -> ahb_core::Result<T> + Send,
    T: Send,
{
    py.detach(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(Error::new(
                ErrorCode::InvalidValue,
                format!("internal error (please report it): {what}"),
            ))
        })
    })
}

/// Converts a core error into the matching Python exception, with its location as attributes.
pub fn to_py_err(py: Python<'_>, e: &Error) -> PyErr {
    match build(py, e) {
        Ok(err) => err,
        Err(err) => err,
    }
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let ty = exception_for(py, e.code());
    let exc = ty.call1((e.to_string(),))?;
    let l = e.location();
    exc.setattr("code", e.code().as_u32())?;
    exc.setattr("code_name", code_name(e.code()))?;
    exc.setattr("message", e.message())?;
    exc.setattr("file", l.file.as_deref())?;
    exc.setattr("line", l.line)?;
    exc.setattr("column", l.column)?;
    exc.setattr("field", l.field.as_deref())?;
    let (collection, index, id) = match &l.record {
        Some(r) => (Some(r.collection), Some(r.index), r.id.as_deref()),
        None => (None, None, None),
    };
    exc.setattr("collection", collection)?;
    exc.setattr("index", index)?;
    exc.setattr("record_id", id)?;
    Ok(PyErr::from_value(exc))
}

/// Registers the classes and their class-level defaults (so that `err.line` exists even on an
/// `AhbError` raised by Python code).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<AhbError>();
    base.setattr("code", 0u32)?;
    for name in ATTRIBUTES {
        base.setattr(name, py.None())?;
    }
    for code in CODES {
        exception_for(py, code).setattr("code", code.as_u32())?;
    }
    m.add("AhbError", base)?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("ValidationError", py.get_type::<ValidationError>())?;
    m.add("MissingFieldError", py.get_type::<MissingFieldError>())?;
    m.add("UnknownVariantError", py.get_type::<UnknownVariantError>())?;
    m.add("DuplicateIdError", py.get_type::<DuplicateIdError>())?;
    m.add(
        "UnknownReferenceError",
        py.get_type::<UnknownReferenceError>(),
    )?;
    m.add(
        "UnsupportedSchemaError",
        py.get_type::<UnsupportedSchemaError>(),
    )?;
    m.add("AhbIOError", py.get_type::<AhbIOError>())?;
    m.add("OptionError", py.get_type::<OptionError>())?;
    Ok(())
}
