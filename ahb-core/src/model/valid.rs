//! An estate that has been validated, as a type: the entry points that take one do not check it
//! again.

use std::ops::Deref;
use std::path::Path;

use serde::Serialize;

use super::Estate;
use super::columns::Table;
use crate::error::Result;

/// An estate that has passed [`Estate::validate`].
///
/// The free functions ([`crate::audit`], [`crate::optimize`], [`crate::audit_and_optimize`],
/// [`fn@crate::timeline`], [`crate::central::simulate_central`], [`crate::central::best_assignment`])
/// take an [`Estate`], whose fields anyone may change, so each validates it first: an estate
/// read from a file is validated once by the reader and once more by every call. A
/// `ValidEstate` cannot be changed — it is read through `Deref<Target = Estate>` and given back
/// whole by [`ValidEstate::into_inner`] — so it stays valid, and its methods of the same names
/// go straight to the work. Its readers validate once, as [`Estate`]'s do.
///
/// # Examples
///
/// ```
/// # fn main() -> ahb_core::Result<()> {
/// use ahb_core::{RuleSet, ValidEstate};
/// let estate = ValidEstate::from_json(r#"{
///   "schema": "ahb.estate/1",
///   "licences": [{"id": "ws", "product": "windows_server", "edition": "datacenter",
///                 "metric": "core", "quantity": 16, "programme": "ea",
///                 "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
///   "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
///                  "license_type": "Windows_Server"}]
/// }"#)?;
/// assert_eq!(estate.resources.len(), 1); // an `Estate` to read
/// let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
/// let position = estate.audit(&RuleSet::current(), date)?; // not validated again
/// assert!(position.compliant);
/// // Changing it means taking the estate back; it must then be validated again.
/// let mut changed = estate.into_inner();
/// changed.resources[0].id = String::new();
/// assert!(ValidEstate::new(changed).is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ValidEstate(Estate);

impl ValidEstate {
    /// Validates `estate` ([`Estate::validate`]).
    ///
    /// # Errors
    ///
    /// The first problem [`Estate::validate`] finds.
    pub fn new(estate: Estate) -> Result<ValidEstate> {
        estate.validate()?;
        Ok(ValidEstate(estate))
    }

    /// Reads and validates an estate from JSON text.
    ///
    /// # Errors
    ///
    /// Those of [`Estate::from_json`].
    pub fn from_json(text: &str) -> Result<ValidEstate> {
        ValidEstate::new(super::load::read_estate(text)?)
    }

    /// Reads and validates an estate from bytes that must be UTF-8 JSON.
    ///
    /// # Errors
    ///
    /// Those of [`Estate::from_json_bytes`].
    pub fn from_json_bytes(bytes: &[u8]) -> Result<ValidEstate> {
        ValidEstate::from_json(super::load::utf8(bytes)?)
    }

    /// Reads and validates an estate from a JSON file; errors name the file.
    ///
    /// # Errors
    ///
    /// Those of [`Estate::from_path`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<ValidEstate> {
        super::load::in_file(path.as_ref(), ValidEstate::from_json_bytes)
    }

    /// Reads and validates an estate from columns, as [`Estate::from_columns`] does.
    ///
    /// # Errors
    ///
    /// Those of [`Estate::from_columns`].
    pub fn from_columns(
        resources: &Table,
        licences: &Table,
        scopes: &Table,
        central_assignments: Option<&Table>,
    ) -> Result<ValidEstate> {
        ValidEstate::from_json(&super::columns::estate_json(
            resources,
            licences,
            scopes,
            central_assignments,
        )?)
    }

    /// The estate, to change; it must be validated again to be a `ValidEstate`.
    pub fn into_inner(self) -> Estate {
        self.0
    }
}

impl Deref for ValidEstate {
    type Target = Estate;

    fn deref(&self) -> &Estate {
        &self.0
    }
}

impl AsRef<Estate> for ValidEstate {
    fn as_ref(&self) -> &Estate {
        &self.0
    }
}

impl PartialEq<Estate> for ValidEstate {
    fn eq(&self, other: &Estate) -> bool {
        self.0 == *other
    }
}

impl PartialEq<ValidEstate> for Estate {
    fn eq(&self, other: &ValidEstate) -> bool {
        *self == other.0
    }
}

impl From<ValidEstate> for Estate {
    fn from(valid: ValidEstate) -> Estate {
        valid.0
    }
}

impl TryFrom<Estate> for ValidEstate {
    type Error = crate::Error;

    /// [`ValidEstate::new`].
    fn try_from(estate: Estate) -> Result<ValidEstate> {
        ValidEstate::new(estate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{"schema": "ahb.estate/1", "resources": [
        {"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4, "license_type": "None"}]}"#;

    #[test]
    fn reads_what_estate_reads_and_refuses_what_it_refuses() {
        let valid = ValidEstate::from_json(TEXT).unwrap();
        let estate = Estate::from_json(TEXT).unwrap();
        assert_eq!(valid, estate);
        assert_eq!(estate, valid);
        assert_eq!(
            ValidEstate::from_json_bytes(TEXT.as_bytes()).unwrap(),
            valid
        );
        let bad = TEXT.replace("\"vcpus\": 4", "\"vcpus\": 0");
        let (a, b) = (
            ValidEstate::from_json(&bad).unwrap_err(),
            Estate::from_json(&bad).unwrap_err(),
        );
        assert_eq!(a.to_string(), b.to_string());
        assert_eq!(a.location(), b.location());
    }

    #[test]
    fn new_validates() {
        let mut estate = ValidEstate::from_json(TEXT).unwrap().into_inner();
        estate.resources.push(estate.resources[0].clone());
        let e = ValidEstate::try_from(estate).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::DuplicateId);
    }

    #[test]
    fn serialises_as_its_estate() {
        let valid = ValidEstate::from_json(TEXT).unwrap();
        assert_eq!(
            serde_json::to_string(&valid).unwrap(),
            serde_json::to_string(&*valid).unwrap()
        );
    }
}
