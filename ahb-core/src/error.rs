//! The one error type of ahb.
//!
//! Every failure that input can cause is an [`Error`] with a stable numeric [`ErrorCode`] and a
//! [`Location`] saying where: the file, line and column for text that does not parse, and the
//! collection, index, id and field for a record whose values are wrong. The Python exceptions and
//! the C status codes are derived from [`ErrorCode`], so the three faces of ahb cannot drift apart.

use std::fmt;

/// The stable numeric code of an error. The values never change once released; new codes are
/// only ever appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[repr(u32)]
pub enum ErrorCode {
    /// The text is not well-formed JSON (or CSV): see line and column.
    Parse = 1,
    /// A value has the right type but is not allowed (negative, zero, absurd, inconsistent).
    InvalidValue = 2,
    /// A required field is absent.
    MissingField = 3,
    /// An enum string (product, edition, tier, licence type, …) is not one ahb knows.
    UnknownVariant = 4,
    /// Two records of one collection share an id.
    DuplicateId = 5,
    /// A record refers to an id that does not exist (a scope, a dedicated host).
    UnknownReference = 6,
    /// The `schema` field names a version this build does not read.
    UnsupportedSchema = 7,
    /// A file could not be read.
    Io = 8,
    /// An option or rule-set knob is invalid.
    InvalidOption = 9,
}

impl ErrorCode {
    /// The numeric value used by the C status codes and the Python exception mapping.
    pub fn as_u32(self) -> u32 {
        self as u32
    }
}

/// Which record of an input an error is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordRef {
    /// The collection: `licences`, `resources` or `scopes`.
    pub collection: &'static str,
    /// Zero-based position in the collection.
    pub index: usize,
    /// The record's id, when it has a readable one.
    pub id: Option<String>,
}

/// Where an error is. Every field is optional because not every input has every coordinate.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The file the input came from, when it came from a file.
    pub file: Option<String>,
    /// One-based line of the text.
    pub line: Option<usize>,
    /// One-based column of the text.
    pub column: Option<usize>,
    /// The record (licence line, resource, scope) the error is about.
    pub record: Option<RecordRef>,
    /// The field of the record, as a dotted path (`prices.payg_per_hour`).
    pub field: Option<String>,
}

/// An error with a stable code, a location and a message that says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    code: ErrorCode,
    location: Location,
    message: String,
}

/// The result type of ahb.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A new error with an empty location.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            code,
            location: Location::default(),
            message: message.into(),
        }))
    }

    /// An error about one field of one record.
    pub fn at_record(
        code: ErrorCode,
        record: RecordRef,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Error::new(code, message);
        e.0.location.record = Some(record);
        let field = field.into();
        if !field.is_empty() {
            e.0.location.field = Some(field);
        }
        e
    }

    /// A text that does not parse, at a one-based line and column.
    pub fn parse(line: usize, column: usize, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorCode::Parse, message);
        e.0.location.line = Some(line);
        e.0.location.column = Some(column);
        e
    }

    /// An invalid option or knob, naming it.
    pub fn option(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorCode::InvalidOption, message);
        e.0.location.field = Some(field.into());
        e
    }

    /// The same error, about `field`.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.0.location.field = Some(field.into());
        self
    }

    /// The same error, at a one-based `line` and, when known, `column` of a text input (a CSV
    /// row and the column's position), so that importer errors can point into the file.
    #[must_use]
    pub fn with_line(mut self, line: usize, column: Option<usize>) -> Self {
        self.0.location.line = Some(line);
        self.0.location.column = column;
        self
    }

    /// The same error, about `record` (an input row or JSON element).
    #[must_use]
    pub fn with_record(mut self, record: RecordRef) -> Self {
        self.0.location.record = Some(record);
        self
    }

    /// The same error, said to come from `file`.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.0.location.file = Some(file.into());
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    /// Where the error is.
    pub fn location(&self) -> &Location {
        &self.0.location
    }

    /// What is wrong, without the location.
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = &self.0.location;
        let mut wrote = false;
        if let Some(file) = &l.file {
            write!(f, "{file}")?;
            wrote = true;
        }
        match (l.line, l.column) {
            (Some(line), Some(col)) => {
                write!(
                    f,
                    "{}line {line}, column {col}",
                    if wrote { ":" } else { "" }
                )?;
                wrote = true;
            }
            (Some(line), None) => {
                write!(f, "{}line {line}", if wrote { ":" } else { "" })?;
                wrote = true;
            }
            _ => {}
        }
        if let Some(r) = &l.record {
            write!(
                f,
                "{}{}[{}]",
                if wrote { ": " } else { "" },
                r.collection,
                r.index
            )?;
            if let Some(id) = &r.id {
                write!(f, " (id {id:?})")?;
            }
            wrote = true;
        }
        if let Some(field) = &l.field {
            write!(f, "{}field `{field}`", if wrote { ", " } else { "" })?;
            wrote = true;
        }
        if wrote {
            write!(f, ": ")?;
        }
        write!(f, "{}", self.0.message)
    }
}

impl std::error::Error for Error {}

/// Reads options or knobs from JSON: a syntax error gives the line and column, a wrong value
/// names the option by its path (`reserve.windows_server`, `knobs.ws_rule`).
pub(crate) fn options_from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            Error::parse(inner.line(), inner.column(), inner.to_string())
        } else {
            let path = e.path().to_string();
            let mut field = if path == "." { String::new() } else { path };
            let message = inner.to_string();
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
