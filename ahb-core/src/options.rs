//! The one reader of option and knob documents (optimise options, rule sets, timeline options),
//! shared by every face so that a wrong option is reported the same way from Rust, Python and C:
//! a syntax error gives the line and column, a wrong value names the option by its path
//! (`reserve.windows_server`, `knobs.ws_rule`).

use crate::error::{Error, ErrorCode, Result};

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
            let mut field = if path == "." { String::new() } else { path };
            // The option is named by its path; the position in JSON the caller may never have
            // written (Python keywords, C option structs) says nothing more.
            let message = inner.to_string();
            let position = format!(" at line {} column {}", inner.line(), inner.column());
            let message = message
                .strip_suffix(&position)
                .unwrap_or(&message)
                .to_string();
            // serde names a missing or repeated field in the message, at its parent's path.
            for prefix in ["missing field `", "duplicate field `"] {
                if let Some(name) = message
                    .strip_prefix(prefix)
                    .and_then(|r| r.split('`').next())
                {
                    field = if field.is_empty() {
                        name.to_string()
                    } else {
                        format!("{field}.{name}")
                    };
                }
            }
            let mut err = Error::new(ErrorCode::InvalidOption, message);
            if !field.is_empty() {
                err = err.with_field(field);
            }
            err
        }
    })
}

#[cfg(test)]
mod tests {
    use super::from_json;

    /// An options document of the shape the stages above read (a date and an amount).
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct OptimizeOptions {
        as_of: chrono::NaiveDate,
        #[serde(deserialize_with = "crate::money::de")]
        change_penalty_per_month: rust_decimal::Decimal,
    }

    #[test]
    fn a_wrong_option_value_is_named_by_its_path_without_a_json_position() {
        let e = from_json::<OptimizeOptions>(
            r#"{"as_of": "2026-11-25", "change_penalty_per_month": "abc"}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.location().field.as_deref(),
            Some("change_penalty_per_month")
        );
        assert!(!e.message().contains("line 1"), "{}", e.message());
        assert!(e.message().contains("abc"), "{}", e.message());
    }

    #[test]
    fn a_syntax_error_still_gives_line_and_column() {
        let e = from_json::<OptimizeOptions>("{\n  \"as_of\": ").unwrap_err();
        assert_eq!(e.location().line, Some(2));
    }
}
