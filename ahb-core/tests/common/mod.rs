//! Helpers shared by the test crates: dates and estates read through the public JSON contract.

#![allow(dead_code)]

use ahb_core::Estate;
use chrono::NaiveDate;
use serde_json::{Value, json};

/// A calendar date.
pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The SA term of every licence line unless a test says otherwise.
pub fn sa() -> Value {
    json!({"start": "2025-01-01", "end": "2027-12-31"})
}

/// An estate document (without `schema`, which is added) read and validated through
/// [`Estate::from_json`]; panics with the loader's error, for tests whose estates must load.
pub fn load(mut doc: Value) -> Estate {
    doc["schema"] = json!("ahb.estate/1");
    Estate::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("estate does not load: {e}"))
}
