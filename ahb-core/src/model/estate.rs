//! The estate: everything ahb reasons about, and the versioned JSON contract that carries it.
//! (The doc comment of [`Estate`] is the schema's description; [`super::ValidEstate`] holds an
//! estate that is not validated again.)

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CentralAssignment, LicenceLine, Resource, Scope};

/// The `schema` value of the estate JSON this build reads and writes.
pub const ESTATE_SCHEMA: &str = "ahb.estate/1";

/// Licences, resources and scopes. Build one with [`Estate::from_json`] (which validates) or
/// construct it and call [`Estate::validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Estate {
    /// Always [`ESTATE_SCHEMA`].
    pub schema: String,
    /// The scope tree.
    #[serde(default)]
    pub scopes: Vec<Scope>,
    /// The licence ledger (also read as `licenses`).
    #[serde(default, alias = "licenses")]
    pub licences: Vec<LicenceLine>,
    /// The resources.
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// Centrally managed SQL licence assignments (SQL-15…SQL-21).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub central_assignments: Vec<CentralAssignment>,
}

impl Default for Estate {
    fn default() -> Self {
        Estate {
            schema: ESTATE_SCHEMA.to_string(),
            scopes: Vec::new(),
            licences: Vec::new(),
            resources: Vec::new(),
            central_assignments: Vec::new(),
        }
    }
}

impl Estate {
    /// The estate as pretty JSON (the public contract).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an estate always serialises")
    }
}
