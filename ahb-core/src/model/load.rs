//! Reading an estate from JSON with errors that say where: a syntax error gives the line and
//! column; a wrong value gives the collection, index, id and field of the record.
//!
//! The text is read in one streaming pass, and for an estate that reads, straight into the typed
//! model: the direct reader (`model/direct.rs`) walks the top-level object and its arrays and
//! deserialises each record from the text into its typed form (a resource's fields in any order,
//! then its `kind` decides which of them it may and must have), with no `serde_json::Value`
//! built for any record. It gives no errors: at the first thing it does not accept it stops, and
//! the text is read again from the start by the located reader below, which makes the error.
//! Errors therefore cost one more pass, and are exactly those of the located reader; the direct
//! reader accepts only what the located reader reads, to the same estate (its differential tests
//! check that on generated records, valid and subtly not).
//!
//! The located reader is streaming too: the top-level object and its arrays are walked without
//! building a tree of the whole file, and each record is read into a `Value` (refusing a key
//! given twice) and turned into its typed form through `serde_path_to_error`, so only one
//! record's JSON is held at a time. Its errors keep the precedence a whole-file parse had: a
//! syntax error anywhere wins; then a wrong or missing `schema`; then `licences` given also as
//! `licenses` (its American spelling, read as an alias); then the first bad record of `scopes`,
//! `licences`, `resources` and `central_assignments`, in that order; then an unknown top-level
//! field.
//!
//! The estate read either way is then validated ([`Estate::validate`]) before it is returned.

use std::fmt;
use std::path::Path;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Map, Value};

use super::resource::{COMMON_FIELDS, Common};
use super::{ESTATE_SCHEMA, Estate, Resource, ResourceSpec};
use crate::error::{Error, ErrorCode, RecordRef, Result};

impl Estate {
    /// Reads and validates an estate from JSON text (the `ahb.estate/1` contract of
    /// `ahb-core/schema/estate.schema.json`).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Parse`] with line and column for malformed JSON;
    /// [`ErrorCode::UnsupportedSchema`] for another `schema`; [`ErrorCode::MissingField`],
    /// [`ErrorCode::UnknownVariant`] or [`ErrorCode::InvalidValue`] located by collection,
    /// index, id and field for a record that does not read; the validation errors (duplicate
    /// ids, dangling references, counts out of bounds, terms that run backwards).
    ///
    /// # Examples
    ///
    /// ```
    /// use ahb_core::{Estate, ErrorCode};
    /// let e = Estate::from_json(r#"{"schema": "ahb.estate/1", "resources": [
    ///     {"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 0, "license_type": "None"}]}"#)
    ///     .unwrap_err();
    /// assert_eq!(e.code(), ErrorCode::InvalidValue);
    /// assert_eq!(e.location().record.as_ref().unwrap().id.as_deref(), Some("vm1"));
    /// ```
    pub fn from_json(text: &str) -> Result<Estate> {
        super::ValidEstate::from_json(text).map(super::ValidEstate::into_inner)
    }

    /// Reads and validates an estate from bytes that must be UTF-8 JSON.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Estate> {
        super::ValidEstate::from_json_bytes(bytes).map(super::ValidEstate::into_inner)
    }

    /// Reads and validates an estate from a JSON file; errors name the file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Estate> {
        super::ValidEstate::from_path(path).map(super::ValidEstate::into_inner)
    }
}

/// `bytes` as text; bytes that are not UTF-8 are a parse error at the first bad one.
pub(super) fn utf8(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(bytes, e.valid_up_to());
        Error::parse(line, column, "the input is not valid UTF-8")
    })
}

/// `read` of the bytes of the file at `path`; errors name the file.
pub(super) fn in_file<T>(path: &Path, read: impl FnOnce(&[u8]) -> Result<T>) -> Result<T> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Error::new(ErrorCode::Io, e.to_string()).in_file(shown.clone()))?;
    read(&bytes).map_err(|e| e.in_file(shown))
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

/// What the streaming pass collected; errors are kept, not returned, so that the parse runs to
/// the end and a later syntax error still takes precedence.
#[derive(Default)]
struct Collected {
    schema: Option<Value>,
    scopes: Vec<super::Scope>,
    licences: Vec<super::LicenceLine>,
    resources: Vec<Resource>,
    central_assignments: Vec<super::CentralAssignment>,
    /// The first bad record of each collection, in the order above.
    failures: [Option<Error>; 4],
    /// A field given under two spellings (`licences` and `licenses`).
    twice: Option<Error>,
    unknown: Vec<String>,
    not_an_object: bool,
}

/// The estate in `text`, not yet validated.
pub(super) fn read_estate(text: &str) -> Result<Estate> {
    match super::direct::read(text) {
        Some(estate) => Ok(estate),
        None => read_located(text),
    }
}

/// Reads an estate record by record, each through a `Value`, so that an error can be located.
pub(super) fn read_located(text: &str) -> Result<Estate> {
    let mut de = serde_json::Deserializer::from_str(crate::strict_json::strip_bom(text));
    let mut got = Collected::default();
    Top(&mut got)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(syntax_error)?;
    if got.not_an_object {
        return Err(Error::new(
            ErrorCode::InvalidValue,
            "an estate must be a JSON object with `schema`, `scopes`, `licences` and `resources`",
        ));
    }
    match got.schema {
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
    if let Some(e) = got.twice {
        return Err(e);
    }
    if let Some(e) = got.failures.into_iter().flatten().next() {
        return Err(e);
    }
    // The first unknown field in key order, as a map of the whole object would list it.
    if let Some(key) = got.unknown.into_iter().min() {
        return Err(
            Error::new(ErrorCode::InvalidValue, format!("unknown field `{key}`")).with_field(key),
        );
    }
    Ok(Estate {
        schema: ESTATE_SCHEMA.to_string(),
        scopes: got.scopes,
        licences: got.licences,
        resources: got.resources,
        central_assignments: got.central_assignments,
    })
}

/// The top-level object.
struct Top<'s>(&'s mut Collected);

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an estate object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let got = self.0;
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format!(
                    "the key {key:?} is given twice in one object"
                )));
            }
            seen.push(key.clone());
            // `licenses` is another spelling of `licences`: both in one estate is one field
            // given twice (exact repeats were refused above).
            let canonical = if key == "licenses" {
                "licences"
            } else {
                key.as_str()
            };
            let spellings = seen
                .iter()
                .filter(|k| matches!(k.as_str(), "licences" | "licenses"))
                .count();
            if spellings > 1 && got.twice.is_none() {
                got.twice = Some(
                    Error::new(
                        ErrorCode::InvalidValue,
                        "duplicate field `licences` (given as `licences` and as `licenses`)",
                    )
                    .with_field("licences"),
                );
            }
            match canonical {
                "schema" => got.schema = Some(map.next_value()?),
                "scopes" => {
                    let (items, failure) =
                        map.next_value_seed(Records::new("scopes", |v, i| record(v, "scopes", i)))?;
                    (got.scopes, got.failures[0]) = (items, failure);
                }
                "licences" => {
                    let (items, failure) = map
                        .next_value_seed(Records::new("licences", |v, i| {
                            record(v, "licences", i)
                        }))?;
                    (got.licences, got.failures[1]) = (items, failure);
                }
                "resources" => {
                    let (items, failure) =
                        map.next_value_seed(Records::new("resources", resource_from_value))?;
                    (got.resources, got.failures[2]) = (items, failure);
                }
                "central_assignments" => {
                    let (items, failure) = map
                        .next_value_seed(Records::new("central_assignments", |v, i| {
                            record(v, "central_assignments", i)
                        }))?;
                    (got.central_assignments, got.failures[3]) = (items, failure);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    got.unknown.push(key);
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.0.not_an_object = true;
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<(), E> {
        self.0.not_an_object = true;
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<(), E> {
        self.0.not_an_object = true;
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<(), E> {
        self.0.not_an_object = true;
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<(), E> {
        self.0.not_an_object = true;
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<(), E> {
        self.0.not_an_object = true;
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        self.0.not_an_object = true;
        Ok(())
    }
}

/// One collection: `null` (empty) or an array whose records are read one at a time.
struct Records<T, F> {
    name: &'static str,
    read: F,
    _out: std::marker::PhantomData<T>,
}

impl<T, F: Fn(Value, usize) -> Result<T>> Records<T, F> {
    fn new(name: &'static str, read: F) -> Records<T, F> {
        Records {
            name,
            read,
            _out: std::marker::PhantomData,
        }
    }

    fn not_an_array(&self) -> (Vec<T>, Option<Error>) {
        let e = Error::new(
            ErrorCode::InvalidValue,
            format!("`{}` must be an array", self.name),
        )
        .with_field(self.name);
        (Vec::new(), Some(e))
    }
}

impl<'de, T, F: Fn(Value, usize) -> Result<T>> DeserializeSeed<'de> for Records<T, F> {
    type Value = (Vec<T>, Option<Error>);

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T, F: Fn(Value, usize) -> Result<T>> Visitor<'de> for Records<T, F> {
    type Value = (Vec<T>, Option<Error>);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of {}", self.name)
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let mut index = 0;
        // Each record is read strictly: a key given twice is a parse error at its line.
        while let Some(v) = seq.next_element_seed(crate::strict_json::Strict)? {
            match (self.read)(v, index) {
                Ok(t) => items.push(t),
                Err(e) => {
                    // Keep parsing (a later syntax error wins), but read no more records.
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    return Ok((items, Some(e)));
                }
            }
            index += 1;
        }
        Ok((items, None))
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok((Vec::new(), None))
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(self.not_an_array())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_array())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_array())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_array())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_array())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_array())
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
    } else if let Some(name) = backticked(&message, "duplicate field `") {
        // Records are read strictly (a key written twice is a parse error), so this is one
        // field under two of its names (`license_type` and `licence_type`).
        field = join(&field, name);
        ErrorCode::InvalidValue
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
    // Read from a borrow: the fields are kept (not cloned) for the error path's culprit search.
    let rest = Value::Object(rest);
    let spec: ResourceSpec = match serde_path_to_error::deserialize(&rest) {
        Ok(spec) => spec,
        Err(e) => {
            let mut err = located(&e, at);
            if err.location().field.is_none()
                && let Some(field) = rest.as_object().and_then(|m| culprit(m, err.message()))
            {
                err = err.with_field(field);
            }
            return Err(err);
        }
    };
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

/// The kind-specific field a resource error is about. serde reads the kind's fields through a
/// buffer that loses the path, so each field (other than `kind`) is left out in turn: the field
/// whose absence makes the error go away, or turn into "missing field" about it, is the culprit.
/// Runs only on the error path.
fn culprit(rest: &Map<String, Value>, message: &str) -> Option<String> {
    if let Some(name) = backticked(message, "missing field `") {
        return Some(name.to_string());
    }
    if let Some(name) = backticked(message, "duplicate field `") {
        return Some(name.to_string());
    }
    if let Some(name) = backticked(message, "unknown field `") {
        return Some(name.to_string());
    }
    let error_of = |without: Map<String, Value>| {
        serde_json::from_value::<ResourceSpec>(Value::Object(without))
            .err()
            .map(|e| e.to_string())
    };
    let key = rest.keys().filter(|k| k.as_str() != "kind").find(|key| {
        let mut without = rest.clone();
        without.remove(*key);
        match error_of(without) {
            None => true,
            Some(m) => m != message && backticked(&m, "missing field `") == Some(key.as_str()),
        }
    })?;
    // One level down (`sql_prices.payg_per_hour`): the member whose absence changes the error.
    if let Some(Value::Object(inner)) = rest.get(key) {
        for sub in inner.keys() {
            let mut smaller = inner.clone();
            smaller.remove(sub);
            let mut without = rest.clone();
            without.insert(key.clone(), Value::Object(smaller));
            if error_of(without).as_deref() != Some(message) {
                return Some(format!("{key}.{sub}"));
            }
        }
    }
    Some(key.clone())
}
