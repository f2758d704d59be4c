//! Key lookup that tolerates the four shapes of one Azure resource (docs/IMPORT-FORMATS.md §1.1): ARM and
//! Resource Graph nest facts under `properties`, `az` flattens them to the top level, and
//! PowerShell spells keys in PascalCase. Every lookup is case-insensitive and tries
//! `properties.<path>` before `<path>`.

use serde_json::Value;

/// The value of `key` in an object, compared without case (an exact match wins).
pub fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let o = v.as_object()?;
    if let Some(x) = o.get(key) {
        return Some(x);
    }
    o.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, x)| x)
}

/// A string value of `key`; `null` and non-strings give `None`.
pub fn get_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    get(v, key).and_then(Value::as_str)
}

/// Follows a dotted path, each step case-insensitive.
pub fn path<'a>(v: &'a Value, dotted: &str) -> Option<&'a Value> {
    let mut cur = v;
    for step in dotted.split('.') {
        cur = get(cur, step)?;
    }
    (!cur.is_null()).then_some(cur)
}

/// A fact of a resource row: `properties.<path>` (ARM, Resource Graph) or `<path>` (`az`,
/// PowerShell). Returns the dotted name it was found under, for error messages.
pub fn fact<'a>(row: &'a Value, dotted: &str) -> Option<(&'a Value, String)> {
    if let Some(v) = get(row, "properties").and_then(|p| path(p, dotted)) {
        return Some((v, format!("properties.{dotted}")));
    }
    path(row, dotted).map(|v| (v, dotted.to_string()))
}

/// A string fact; empty strings count as absent, as Azure tools print them for "not set".
pub fn fact_str<'a>(row: &'a Value, dotted: &str) -> Option<(&'a str, String)> {
    let (v, at) = fact(row, dotted)?;
    let s = v.as_str()?.trim();
    (!s.is_empty()).then_some((s, at))
}
