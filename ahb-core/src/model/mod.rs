//! The typed model. Its serde JSON form is the public contract, versioned by the `schema` field
//! and described by `schema/estate.schema.json`.

mod central;
pub mod columns;
mod direct;
mod estate;
mod id;
mod licence;
pub(crate) mod load;
mod resource;
mod scope;
mod scope_tree;
mod valid;
mod validate;

pub use central::{CentralAssignment, EXPIRY_AFTER_REVIEW_DAYS};
pub use estate::{ESTATE_SCHEMA, Estate};
pub use id::Id;
pub use licence::{Edition, LicenceLine, LinuxUnit, Metric, Product, Programme, Term};
pub use resource::{
    AksHost, HostLicenseType, Os, PaasLicenseType, Prices, Resource, ResourceSpec, SqlCompute,
    SqlTier, SqlVmEdition, SqlVmLicenseType, SsisEdition, VmLicenseType,
};
pub use scope::{Scope, ScopeKind};
pub(crate) use scope_tree::ScopeTree;
pub use valid::ValidEstate;
