//! # ahb-core
//!
//! The Azure Hybrid Benefit engine: how many Windows Server and SQL Server licences (or RHEL and
//! SLES subscriptions) each Azure resource needs, whether an organisation is compliant on a
//! date, and where the benefit is left unclaimed. Every rule cites its ID in RULES.md; every
//! result records the rule set and knob values it used.
//!
//! ```
//! use ahb_core::{Estate, RuleSet, audit};
//! let estate = Estate::from_json(r#"{
//!   "schema": "ahb.estate/1",
//!   "licences": [{"id": "ws", "product": "windows_server", "edition": "datacenter",
//!                 "metric": "core", "quantity": 16, "programme": "ea",
//!                 "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
//!   "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
//!                  "license_type": "Windows_Server"}]
//! }"#).unwrap();
//! let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
//! let position = audit(&estate, &RuleSet::current(), date).unwrap();
//! assert!(position.compliant);
//! assert_eq!(position.pools[0].claimed, 8); // WS-1: max(8, 4 vCPUs)
//! ```

#![forbid(unsafe_code)]

#[cfg(feature = "parquet")]
pub mod arrow;
pub mod catalogue;
pub mod central;
mod engine;
pub mod error;
pub mod export;
pub mod import;
pub mod model;
pub mod money;
pub mod options;
pub mod position;
mod pretty;
pub mod rules;
pub mod solve;
pub mod strict_json;
pub mod text;
pub mod timeline;

pub use error::{Error, ErrorCode, Location, RecordRef, Result};
pub use model::{Estate, LicenceLine, Resource, ResourceSpec, Scope, ValidEstate};
pub use position::{Position, audit};
pub use rules::{Knobs, Reason, RuleSet, RuleSetVersion};
pub use solve::{OptimizeOptions, Plan, audit_and_optimize, optimize};
pub use timeline::{Timeline, timeline};
