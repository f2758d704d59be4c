//! The one reader of option and knob documents (optimise options, rule sets, timeline options),
//! shared by every face so that a wrong option is reported the same way from Rust, Python and C:
//! a syntax error gives the line and column, a wrong value names the option by its path
//! (`reserve.windows_server`, `knobs.ws_rule`).

use crate::error::{Error, Result};

/// Reads options or knobs from JSON: a syntax error gives the line and column, a wrong value
/// names the option by its path (`reserve.windows_server`, `knobs.ws_rule`).
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            Error::parse(inner.line(), inner.column(), inner.to_string())
        } else {
            let path = e.path().to_string();
            let field = if path == "." { String::new() } else { path };
            Error::option(field, inner.to_string())
        }
    })
}
