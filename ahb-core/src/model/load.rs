//! Reading an estate from JSON with errors that say where: a syntax error gives the line and
//! column; a wrong value gives the collection, index, id and field of the record.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::resource::{COMMON_FIELDS, Common};
use super::{ESTATE_SCHEMA, Estate, Resource, ResourceSpec};
use crate::error::{Error, ErrorCode, RecordRef, Result};

impl Estate {
    /// Reads and validates an estate from JSON text.
    pub fn from_json(text: &str) -> Result<Estate> {
        let value: Value = serde_json::from_str(text).map_err(syntax_error)?;
        let estate = estate_from_value(value)?;
        estate.validate()?;
        Ok(estate)
    }

    /// Reads and validates an estate from bytes that must be UTF-8 JSON.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Estate> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let (line, column) = line_col(bytes, e.valid_up_to());
            Error::parse(line, column, "the input is not valid UTF-8")
        })?;
        Estate::from_json(text)
    }

    /// Reads and validates an estate from a JSON file; errors name the file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Estate> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::new(ErrorCode::Io, e.to_string()).in_file(shown.clone()))?;
        Estate::from_json_bytes(&bytes).map_err(|e| e.in_file(shown))
    }
}

/// One-based line and column of a byte offset.
fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

fn syntax_error(e: serde_json::Error) -> Error {
    Error::parse(e.line(), e.column(), e.to_string())
}

fn estate_from_value(value: Value) -> Result<Estate> {
    let Value::Object(mut top) = value else {
        return Err(Error::new(
            ErrorCode::InvalidValue,
            "an estate must be a JSON object with `schema`, `scopes`, `licences` and `resources`",
        ));
    };
    match top.remove("schema") {
        Some(Value::String(s)) if s == ESTATE_SCHEMA => {}
        Some(other) => {
            return Err(Error::new(
                ErrorCode::UnsupportedSchema,
                format!("schema {other} is not supported; this build reads {ESTATE_SCHEMA:?}"),
            ));
        }
        None => {
            let mut e = Error::new(
                ErrorCode::MissingField,
                format!("missing field `schema` (expected {ESTATE_SCHEMA:?})"),
            );
            e = e.with_field("schema");
            return Err(e);
        }
    }
    let scopes = collection(&mut top, "scopes", |v, i| record(v, "scopes", i))?;
    let licences = collection(&mut top, "licences", |v, i| record(v, "licences", i))?;
    let resources = collection(&mut top, "resources", resource_from_value)?;
    let central_assignments = collection(&mut top, "central_assignments", |v, i| {
        record(v, "central_assignments", i)
    })?;
    if let Some(key) = top.keys().next() {
        return Err(
            Error::new(ErrorCode::InvalidValue, format!("unknown field `{key}`"))
                .with_field(key.clone()),
        );
    }
    Ok(Estate {
        schema: ESTATE_SCHEMA.to_string(),
        scopes,
        licences,
        resources,
        central_assignments,
    })
}

fn collection<T>(
    top: &mut Map<String, Value>,
    name: &'static str,
    read: impl Fn(Value, usize) -> Result<T>,
) -> Result<Vec<T>> {
    match top.remove(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| read(v, i))
            .collect(),
        Some(_) => Err(Error::new(
            ErrorCode::InvalidValue,
            format!("`{name}` must be an array"),
        )
        .with_field(name)),
    }
}

fn record_ref(collection: &'static str, index: usize, value: &Value) -> RecordRef {
    RecordRef {
        collection,
        index,
        id: value.get("id").and_then(Value::as_str).map(str::to_string),
    }
}

/// Deserialises one record, turning a serde error into a located [`Error`].
fn record<T: DeserializeOwned>(value: Value, collection: &'static str, index: usize) -> Result<T> {
    let at = record_ref(collection, index, &value);
    serde_path_to_error::deserialize(value).map_err(|e| located(&e, at))
}

fn located(e: &serde_path_to_error::Error<serde_json::Error>, at: RecordRef) -> Error {
    let message = e.inner().to_string();
    let mut field = e.path().to_string();
    if field == "." {
        field.clear();
    }
    let code = if let Some(name) = backticked(&message, "missing field `") {
        field = join(&field, name);
        ErrorCode::MissingField
    } else if message.starts_with("unknown variant") {
        ErrorCode::UnknownVariant
    } else if let Some(name) = backticked(&message, "unknown field `") {
        // An internally tagged enum (a resource's kind) reports no path: name the unknown
        // field, so that a column a row's kind does not have is named.
        if field.is_empty() {
            field = name.to_string();
        }
        ErrorCode::InvalidValue
    } else {
        ErrorCode::InvalidValue
    };
    Error::at_record(code, at, field, message)
}

fn backticked<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next()
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// Reads one resource: the common fields and the kind-specific ones separately, so that each
/// part rejects fields it does not know.
pub(crate) fn resource_from_value(value: Value, index: usize) -> Result<Resource> {
    let at = record_ref("resources", index, &value);
    let Value::Object(mut rest) = value else {
        return Err(Error::at_record(
            ErrorCode::InvalidValue,
            at,
            "",
            "a resource must be a JSON object",
        ));
    };
    let mut common = Map::new();
    for key in COMMON_FIELDS {
        if let Some(v) = rest.remove(key) {
            common.insert(key.to_string(), v);
        }
    }
    let common: Common = serde_path_to_error::deserialize(Value::Object(common))
        .map_err(|e| located(&e, at.clone()))?;
    if !rest.contains_key("kind") {
        return Err(Error::at_record(
            ErrorCode::MissingField,
            at,
            "kind",
            "missing field `kind`",
        ));
    }
    let spec: ResourceSpec =
        serde_path_to_error::deserialize(Value::Object(rest)).map_err(|e| located(&e, at))?;
    Ok(Resource {
        id: common.id,
        name: common.name,
        scope: common.scope,
        prices: common.prices,
        hours_per_month: common.hours_per_month,
        running: common.running,
        spec,
    })
}
