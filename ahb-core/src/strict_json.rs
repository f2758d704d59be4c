//! JSON text read strictly: a key given twice in one object is an error (serde_json's `Value`
//! keeps the last silently), and a leading UTF-8 byte-order mark is accepted, as the importers
//! accept it. Nesting is bounded by serde_json's recursion limit (128), so hostile input cannot
//! exhaust the stack.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The text without a leading UTF-8 byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Parses JSON text into a [`Value`], refusing duplicate keys: the error is a
/// [`crate::ErrorCode::Parse`] at the line and column just after the repeated member.
pub fn value_from_str(text: &str) -> Result<Value> {
    let mut de = serde_json::Deserializer::from_str(strip_bom(text));
    let value = Strict
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| Error::parse(e.line(), e.column(), e.to_string()))?;
    Ok(value)
}

/// Builds a [`Value`] like serde_json's own, but with duplicate keys refused.
pub(crate) struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(Strict)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        Strict.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Strict)?;
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the key {key:?} is given twice in one object"
                )));
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_at_their_line() {
        let e = value_from_str("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}}").unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Parse);
        assert_eq!(e.location().line, Some(2), "{e}");
        assert!(e.message().contains("\"c\""), "{e}");
    }

    #[test]
    fn values_match_serde_json() {
        let text = "\u{feff}{\"a\": [1, -2, 2.5, true, null, \"x\", {\"b\": {}}]}";
        let ours = value_from_str(text).unwrap();
        let theirs: Value = serde_json::from_str(strip_bom(text)).unwrap();
        assert_eq!(ours, theirs);
        assert!(value_from_str("{} x").is_err());
        assert!(value_from_str(&"[".repeat(100_000)).is_err());
    }
}
