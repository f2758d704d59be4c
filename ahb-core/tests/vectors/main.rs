//! The test vectors of RULES.md §10 (TV-01…TV-54), one test each, plus the worked examples of
//! the Microsoft docs (S3, S7: 23, 40, 50, 8,750 and 9,200 NC; S26: 483 two-processor licences
//! for a 960-VM estate).
//!
//! Every test builds a small estate as JSON, runs it through the public API (`audit`,
//! `RuleSet::assess` or the rule helpers) under the vector's rule set and knobs, and checks both
//! the numbers and the rule IDs the explanation cites. Expected values are the vector's; every
//! value compared with them is computed by the library.
//!
//! One file per product family; the helpers that build estates and check citations are in
//! `helpers.rs`, those shared with the other test crates in `tests/common/`.

#[path = "../common/mod.rs"]
mod common;
mod helpers;
mod hybrid;
mod scopes_linux;
mod sql_cores;
mod sql_resources;
mod windows;
mod worked_examples;

#[allow(unused_imports)]
use helpers::*;
