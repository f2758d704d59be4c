//! Conversions between Python objects and the core's JSON values.
//!
//! Results travel as the core's serde JSON; [`json_to_py`] turns its decimal strings into
//! `decimal.Decimal` (never `float`) and its ISO dates into `datetime.date`, recognising them by
//! the key they sit under ([`is_money_key`], [`is_date_key`]) and by their syntax.

use chrono::NaiveDate;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDateAccess, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType,
};
use serde_json::{Map, Number, Value};

/// Exact decimal text as `decimal.Decimal`, through pyo3's `rust_decimal` conversion.
fn decimal<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let d = ahb_core::text::parse_decimal(text)
        .ok_or_else(|| PyValueError::new_err(format!("{text:?} is not a decimal amount")))?;
    Ok(d.into_pyobject(py)?.into_any())
}

/// The class `decimal.Decimal` (the class pyo3's conversion produces).
fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL.import(py, "decimal", "Decimal")
}

/// The ISO text of a date (or datetime: its date), read from the object's fields, not from
/// methods a subclass may override.
fn iso_date(d: &Bound<'_, PyDate>) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        d.get_year(),
        d.get_month(),
        d.get_day()
    )
}

/// Keys whose string values are amounts of money or other exact decimals.
pub fn is_money_key(key: &str) -> bool {
    const SUFFIXES: [&str; 16] = [
        "savings",
        "overage",
        "_monthly",
        "net",
        "_per_hour",
        "_per_month",
        "_per_year",
        "_per_core_year",
        "_delta",
        "_lost",
        "cost",
        "price",
        "_core",
        "gap",
        "bound",
        "objective",
    ];
    SUFFIXES.iter().any(|s| key.ends_with(s))
        || key == "hours_per_month"
        || key.starts_with("utilization")
}

/// Keys whose string values are dates.
pub fn is_date_key(key: &str) -> bool {
    const SUFFIXES: [&str; 8] = [
        "as_of", "start", "end", "_cutoff", "date", "created", "from", "to",
    ];
    SUFFIXES.iter().any(|s| key.ends_with(s)) || key == "until"
}

fn as_date(s: &str) -> Option<NaiveDate> {
    ahb_core::text::parse_ymd(s)
}

/// The core's date-times are ISO with a `T` (`2026-01-01T05:00:00`).
fn as_datetime(s: &str) -> Option<chrono::NaiveDateTime> {
    (s.len() == 19 && s.as_bytes()[10] == b'T')
        .then(|| ahb_core::text::parse_datetime(s, None).ok())
        .flatten()
}

/// The core's JSON as Python: dicts, lists, `int`, `bool`, `str`, `None`, `Decimal` for money,
/// `datetime.date` for dates and `datetime.datetime` for hours.
pub fn json_to_py<'py>(py: Python<'py>, v: &Value, key: &str) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else {
                // The core writes no floats; keep the exact text if one appears.
                decimal(py, &n.to_string())?
            }
        }
        Value::String(s) => {
            if let Some(d) = ahb_core::text::parse_decimal(s).filter(|_| is_money_key(key)) {
                d.into_pyobject(py)?.into_any()
            } else if let Some(d) = as_date(s).filter(|_| is_date_key(key)) {
                d.into_pyobject(py)?.into_any()
            } else if let Some(t) = as_datetime(s).filter(|_| is_date_key(key)) {
                t.into_pyobject(py)?.into_any()
            } else {
                PyString::new(py, s).into_any()
            }
        }
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item, key)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, json_to_py(py, item, k)?)?;
            }
            dict.into_any()
        }
    })
}

/// Builds Python objects straight from the core's serde JSON, keeping the key order of the
/// JSON (struct field order) and applying the same Decimal and date rules as [`json_to_py`].
struct PySeed<'py, 'k> {
    py: Python<'py>,
    key: &'k str,
}

fn de_err<E: serde::de::Error>(e: PyErr) -> E {
    E::custom(e.to_string())
}

impl<'de, 'py> serde::de::DeserializeSeed<'de> for PySeed<'py, '_> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'py> serde::de::Visitor<'de> for PySeed<'py, '_> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.py, b).to_owned().into_any())
    }

    fn visit_i64<E: serde::de::Error>(self, i: i64) -> Result<Self::Value, E> {
        Ok(PyInt::new(self.py, i).into_any())
    }

    fn visit_u64<E: serde::de::Error>(self, u: u64) -> Result<Self::Value, E> {
        Ok(PyInt::new(self.py, u).into_any())
    }

    fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<Self::Value, E> {
        // The core writes no floats; keep the shortest exact text if one appears.
        decimal(self.py, &format!("{f}")).map_err(de_err)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        json_to_py(self.py, &Value::String(s.to_string()), self.key).map_err(de_err)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.py);
        while let Some(item) = seq.next_element_seed(PySeed {
            py: self.py,
            key: self.key,
        })? {
            list.append(item).map_err(de_err)?;
        }
        Ok(list.into_any())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(PySeed {
                py: self.py,
                key: &k,
            })?;
            dict.set_item(&k, v).map_err(de_err)?;
        }
        Ok(dict.into_any())
    }
}

/// A core value as Python, through its serde JSON, in the JSON's key order (see
/// [`json_to_py`] for the types).
pub fn to_py<'py, T: serde::Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
    key: &str,
) -> PyResult<Bound<'py, PyAny>> {
    use serde::de::DeserializeSeed;
    let text = serde_json::to_string(value).expect("core values always serialise");
    let mut de = serde_json::Deserializer::from_str(&text);
    PySeed { py, key }
        .deserialize(&mut de)
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The deepest nesting of dicts and lists [`py_to_json`] converts. An estate nests about six
/// levels; the bound stops hostile input before it can exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// A Python value as JSON: `None`, `bool`, `int`, `float`, `str`, `Decimal` (as its exact
/// string), `datetime.date` (ISO), lists, tuples and dicts with `str` keys. Anything else is a
/// `TypeError`; nesting deeper than [`MAX_DEPTH`] or a container that contains itself is a
/// `ValueError`. Every error names the path of the offending value (`resources[2].prices`).
///
/// Subclasses are read by their built-in value, as `json` reads them: a dict's and a list's own
/// items (a snapshot, so nothing can change them during the walk), a date's fields, a
/// `Decimal`'s own digits. No method a subclass overrides is called, so no Python code runs
/// during the conversion.
pub fn py_to_json(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    let mut walk = Walk {
        path: Vec::new(),
        open: Vec::new(),
    };
    walk.value(obj)
}

/// [`py_to_json`] of a value found under `root` (a DataFrame column): errors name the path
/// from `root` (`` at `vcpus` ``).
pub fn py_to_json_in(obj: &Bound<'_, PyAny>, root: &str) -> PyResult<Value> {
    let mut walk = Walk {
        path: vec![Step::Key(root.to_string())],
        open: Vec::new(),
    };
    walk.value(obj)
}

/// One step of a path: a dict key or a list index.
enum Step {
    Key(String),
    Index(usize),
}

/// The conversion's state: the path to the current value and the containers open on it.
struct Walk {
    path: Vec<Step>,
    open: Vec<usize>,
}

impl Walk {
    fn at(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) if out.is_empty() => out.push_str(k),
                Step::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        if out.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{out}`")
        }
    }

    fn type_error(&self, message: impl std::fmt::Display) -> PyErr {
        PyTypeError::new_err(format!("at {}: {message}", self.at()))
    }

    fn value_error(&self, message: impl std::fmt::Display) -> PyErr {
        PyValueError::new_err(format!("at {}: {message}", self.at()))
    }

    /// A `str` as UTF-8: one with a lone surrogate (`"\ud800"`) is a `ValueError` naming the
    /// path.
    fn text(&self, s: &Bound<'_, PyString>) -> PyResult<String> {
        s.to_str()
            .map(str::to_string)
            .map_err(|_| self.value_error("a str with a lone surrogate is not valid Unicode"))
    }

    /// Opens a container: refuses one already open on the path (a cycle) or one too deep.
    fn enter(&mut self, obj: &Bound<'_, PyAny>) -> PyResult<()> {
        let id = obj.as_ptr() as usize;
        if self.open.contains(&id) {
            return Err(
                self.value_error(format!("the {} contains itself (a cycle)", type_name(obj)))
            );
        }
        if self.open.len() >= MAX_DEPTH {
            return Err(self.value_error(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.open.push(id);
        Ok(())
    }

    fn value(&mut self, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
        if obj.is_none() {
            return Ok(Value::Null);
        }
        if let Ok(b) = obj.cast::<PyBool>() {
            return Ok(Value::Bool(b.is_true()));
        }
        if obj.is_instance_of::<PyInt>() {
            if let Ok(i) = obj.extract::<i64>() {
                return Ok(Value::from(i));
            }
            if let Ok(u) = obj.extract::<u64>() {
                return Ok(Value::from(u));
            }
            return Err(self.value_error(format!("integer {obj} is too large")));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(Value::String(self.text(s)?));
        }
        if obj.is_instance_of::<PyFloat>() {
            let f: f64 = obj.extract()?;
            return Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| self.value_error(format!("{f} is not a finite number")));
        }
        let decimal = decimal_type(obj.py())?;
        if obj.is_instance(decimal)? {
            // The methods of `Decimal` itself: a subclass may override them.
            let text = decimal.call_method1("__str__", (obj,))?;
            let text = text.cast::<PyString>()?.to_str()?.to_string();
            let finite: bool = decimal.call_method1("is_finite", (obj,))?.extract()?;
            if !finite {
                return Err(self.value_error(format!("Decimal {text} is not a finite amount")));
            }
            return Ok(Value::String(text));
        }
        if let Ok(d) = obj.cast::<PyDate>() {
            // A datetime is cut to its date.
            return Ok(Value::String(iso_date(d)));
        }
        if let Ok(d) = obj.cast::<PyDict>() {
            self.enter(obj)?;
            // A snapshot of the items (the dict's own storage, whatever a subclass overrides), so
            // that nothing run during the walk can change what is being iterated.
            let mut map = Map::new();
            for item in d.items().iter() {
                let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
                let key = k.cast::<PyString>().map_err(|_| {
                    self.type_error(format!("dict keys must be str, not {}", type_name(&k)))
                })?;
                let key = self.text(key)?;
                self.path.push(Step::Key(key.clone()));
                let v = self.value(&v)?;
                self.path.pop();
                map.insert(key, v);
            }
            self.open.pop();
            return Ok(Value::Object(map));
        }
        let items = if let Ok(l) = obj.cast::<PyList>() {
            // The list's own items (as `json` reads them), not a subclass's `__iter__`.
            Some(l.iter().collect::<Vec<_>>())
        } else if let Ok(t) = obj.cast::<PyTuple>() {
            Some(t.iter().collect::<Vec<_>>())
        } else {
            None
        };
        if let Some(items) = items {
            self.enter(obj)?;
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                self.path.push(Step::Index(i));
                let v = self.value(item)?;
                self.path.pop();
                out.push(v);
            }
            self.open.pop();
            return Ok(Value::Array(out));
        }
        Err(self.type_error(format!(
            "cannot convert {} to an ahb JSON value",
            type_name(obj)
        )))
    }
}

/// The type name of an object, for messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A date argument: `datetime.date` (a `datetime` is cut to its date) or an ISO `str`;
/// `None` means today.
pub fn date_arg(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<NaiveDate> {
    let today;
    let obj = match obj.filter(|o| !o.is_none()) {
        Some(o) => o,
        None => {
            today = py
                .import("datetime")?
                .getattr("date")?
                .call_method0("today")?;
            &today
        }
    };
    if let Ok(d) = obj.cast::<PyDate>() {
        // The date's own fields, not attributes a subclass may override.
        let (y, m, day) = (d.get_year(), d.get_month(), d.get_day());
        return NaiveDate::from_ymd_opt(y, m.into(), day.into()).ok_or_else(|| {
            PyValueError::new_err(format!("{name}: {} is out of range", iso_date(d)))
        });
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_str()?;
        return ahb_core::text::parse_ymd(s).ok_or_else(|| {
            PyValueError::new_err(format!("{name}: {s:?} is not an ISO date (YYYY-MM-DD)"))
        });
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be a datetime.date or an ISO date str, not {}",
        type_name(obj)
    )))
}
