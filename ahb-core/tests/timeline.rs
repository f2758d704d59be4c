//! The timeline steps on every date where supply changes, with the cliff in money.

use ahb_core::{Estate, RuleSet, timeline};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;

mod common;
use common::ymd as d;

#[test]
fn steps_at_sa_end_window_close_and_assignment_expiry() {
    let e = Estate::from_json(&json!({
        "schema": "ahb.estate/1",
        "scopes": [{"id": "sub", "kind": "subscription"}],
        "licences": [
            {"id": "DC", "product": "windows_server", "edition": "datacenter", "metric": "core",
             "quantity": 16, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2026-12-31"}},
            {"id": "STD", "product": "windows_server", "edition": "standard", "metric": "core",
             "quantity": 8, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2028-12-31"},
             "on_premises_in_use": 8, "migration_start": "2026-09-01"},
            // SQL-23: the central assignment must be backed by licences not in use elsewhere.
            {"id": "ENT", "product": "sql_server", "edition": "enterprise", "metric": "core",
             "quantity": 4, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2028-12-31"}}
        ],
        "resources": [
            {"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 16, "license_type": "Windows_Server",
             "prices": {"payg_per_hour": "1.00", "ahb_per_hour": "0.25"}},
            {"id": "vm2", "kind": "vm", "os": "windows", "vcpus": 8, "license_type": "Windows_Server",
             "prices": {"payg_per_hour": "0.50", "ahb_per_hour": "0.10"}}
        ],
        "central_assignments": [
            {"id": "A1", "scope": "sub", "edition": "enterprise", "cores": 4, "start": "2026-01-01",
             "review_date": "2026-10-01"}
        ]
    }).to_string()).unwrap();
    let t = timeline(&e, &RuleSet::current(), d(2026, 11, 1), d(2027, 3, 1)).unwrap();
    let dates: Vec<NaiveDate> = t.steps.iter().map(|s| s.date).collect();
    // Start; window closes 2026-09-01 + 180 = 2027-02-28; assignment expires 2026-10-01 + 90
    // = 2026-12-30; DC's SA ends 2026-12-31 so it lapses on 2027-01-01.
    assert_eq!(
        dates,
        vec![
            d(2026, 11, 1),
            d(2026, 12, 30),
            d(2027, 1, 1),
            d(2027, 2, 28)
        ]
    );
    let s0 = &t.steps[0];
    assert!(s0.compliant);
    assert_eq!(s0.central_assigned_nc, 16);
    assert_eq!(t.steps[1].central_assigned_nc, 0);
    assert!(t.steps[1].events.iter().any(|e| e.reason.rule == "SQL-21"));
    // SA ends: 16 DC licences gone, 8 Standard remain (dual use until the window closes).
    let s2 = &t.steps[2];
    assert!(
        s2.events
            .iter()
            .any(|e| e.id == "DC" && e.reason.rule == "GEN-3")
    );
    assert!(!s2.compliant);
    assert_eq!(s2.pools[0].shortfall, 16);
    assert_eq!(s2.pools[0].shortfall_change, 16);
    // The optimal plan can keep only vm2 (8 licences): 0.40 × 730 instead of 0.75 + 0.40.
    assert_eq!(
        s2.optimal_monthly_savings,
        Decimal::new(40, 2) * Decimal::from(730)
    );
    assert_eq!(
        s2.cliff_monthly,
        -(Decimal::new(75, 2) * Decimal::from(730))
    );
    // The window closes: Standard is in use on premises, nothing left.
    let s3 = &t.steps[3];
    assert!(s3.events.iter().any(|e| e.reason.rule == "WS-7"));
    assert_eq!(s3.pools[0].shortfall, 24);
    assert_eq!(s3.optimal_monthly_savings, Decimal::ZERO);
}

#[test]
fn a_range_that_runs_backwards_is_an_option_error() {
    let e = Estate::from_json(r#"{"schema": "ahb.estate/1"}"#).unwrap();
    let err = timeline(&e, &RuleSet::current(), d(2027, 1, 1), d(2026, 1, 1)).unwrap_err();
    assert_eq!(err.code(), ahb_core::ErrorCode::InvalidOption);
}
