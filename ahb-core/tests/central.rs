//! Centrally managed SQL AHB hour by hour: SQL-17 (hourly application, pay-as-you-go beyond
//! the assigned NCs), SQL-19 (HA/DR on the $0 meter), SQL-21 (utilisation, expiry 90 days
//! after review), the OQ-6 strategies, typed usage errors, and best_assignment against brute
//! force over every candidate count.

use ahb_core::central::{
    HourlyUsage, LicencePricesPerYear, UsageRecord, best_assignment, simulate_central,
};
use ahb_core::rules::CentralStrategy;
use ahb_core::{ErrorCode, Estate, RuleSet};
use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn at(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

fn estate(resources: Value, assignments: Value) -> Estate {
    Estate::from_json(
        &json!({"schema": "ahb.estate/1",
                "scopes": [{"id": "ea", "kind": "billing_account"},
                           {"id": "sub", "kind": "subscription", "parent": "ea"}],
                "resources": resources, "central_assignments": assignments})
        .to_string(),
    )
    .unwrap()
}

fn db(id: &str, tier: &str, vcores: u32) -> Value {
    json!({"id": id, "kind": "sql_database", "tier": tier, "vcores": vcores, "scope": "sub"})
}

fn assign(edition: &str, cores: u32, review: Option<&str>) -> Value {
    let mut a = json!({"id": format!("A-{edition}-{cores}"), "scope": "sub", "edition": edition,
                       "cores": cores, "start": "2026-01-01"});
    if let Some(r) = review {
        a["review_date"] = json!(r);
    }
    a
}

fn row(resource: &str, hour: NaiveDateTime, vcores: u32, price: &str) -> UsageRecord {
    UsageRecord {
        resource: resource.into(),
        hour,
        vcores,
        licence_price_per_vcore_hour: Some(price.parse().unwrap()),
    }
}

#[test]
fn tv_49_beyond_the_assigned_ncs_is_pay_as_you_go() {
    // SQL-17: 40 NC assigned, 48 NC needed in the hour: 40 covered, 8 billed pay-as-you-go.
    let e = estate(
        json!([
            db("a", "general_purpose", 32),
            db("b", "general_purpose", 16)
        ]),
        json!([assign("standard", 40, None)]),
    );
    let u = HourlyUsage::from_records(&[
        row("a", at(1, 0), 32, "0.10"),
        row("b", at(1, 0), 16, "0.10"),
    ])
    .unwrap();
    let s = simulate_central(&e, &RuleSet::current(), &u).unwrap();
    let sc = &s.scopes[0];
    assert_eq!(
        (sc.assigned_nc[0], sc.demand_nc[0], sc.covered_nc[0]),
        (40, 48, 40)
    );
    assert_eq!(sc.overage[0], Decimal::new(80, 2));
    assert_eq!(sc.utilization_last_day, Decimal::from(100));
    assert_eq!(sc.saturated_hours, 1);
}

#[test]
fn tv_50_thirty_of_forty_is_75_percent() {
    let e = estate(
        json!([db("a", "general_purpose", 30)]),
        json!([assign("standard", 40, None)]),
    );
    let u = HourlyUsage::from_records(&[row("a", at(1, 0), 30, "0.10")]).unwrap();
    let s = simulate_central(&e, &RuleSet::current(), &u).unwrap();
    assert_eq!(s.scopes[0].covered_nc[0], 30);
    assert_eq!(s.scopes[0].overage[0], Decimal::ZERO);
    assert_eq!(s.scopes[0].utilization_last_day, Decimal::from(75));
}

#[test]
fn sql_19_hadr_replicas_are_free_and_use_no_licences() {
    let mut dr = json!({"id": "dr", "kind": "sql_vm", "edition": "enterprise", "vcpus": 8,
                        "license_type": "DR", "scope": "sub"});
    dr["prices"] = json!({"payg_per_hour": "3.00", "ahb_per_hour": "0"});
    let e = estate(
        json!([dr, db("a", "business_critical", 4)]),
        json!([assign("enterprise", 4, None)]),
    );
    let u = HourlyUsage::from_records(&[
        row("dr", at(1, 0), 8, "0.375"),
        row("a", at(1, 0), 4, "0.40"),
    ])
    .unwrap();
    let s = simulate_central(&e, &RuleSet::current(), &u).unwrap();
    let sc = &s.scopes[0];
    assert_eq!(sc.hadr_nc[0], 32);
    assert_eq!((sc.demand_nc[0], sc.covered_nc[0]), (16, 16));
    assert_eq!(sc.overage[0], Decimal::ZERO);
}

#[test]
fn sql_21_assignments_expire_90_days_after_review_tv_51() {
    let e = estate(
        json!([db("a", "general_purpose", 8)]),
        json!([assign("standard", 8, Some("2026-06-30"))]),
    );
    assert_eq!(
        e.central_assignments[0].expires(),
        NaiveDate::from_ymd_opt(2026, 9, 28).unwrap()
    );
    let day = |m: u32, d: u32| {
        NaiveDate::from_ymd_opt(2026, m, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    };
    let u = HourlyUsage::from_records(&[row("a", day(9, 27), 8, "0.1")]).unwrap();
    assert_eq!(
        simulate_central(&e, &RuleSet::current(), &u)
            .unwrap()
            .scopes[0]
            .covered_nc[0],
        8
    );
    let u = HourlyUsage::from_records(&[row("a", day(9, 28), 8, "0.1")]).unwrap();
    let s = simulate_central(&e, &RuleSet::current(), &u).unwrap();
    assert_eq!(s.scopes[0].covered_nc[0], 0);
    assert_eq!(s.scopes[0].overage[0], Decimal::new(8, 1));
}

#[test]
fn sql_21_utilisation_over_the_last_day_and_week() {
    let e = estate(
        json!([db("a", "general_purpose", 8)]),
        json!([assign("standard", 8, None)]),
    );
    // 7 days: 8 vCores in the first 6 days, 4 vCores on the last day.
    let mut rows = Vec::new();
    for d in 1..=7 {
        for h in 0..24 {
            rows.push(row("a", at(d, h), if d < 7 { 8 } else { 4 }, "0.1"));
        }
    }
    let s = simulate_central(
        &e,
        &RuleSet::current(),
        &HourlyUsage::from_records(&rows).unwrap(),
    )
    .unwrap();
    assert_eq!(s.scopes[0].utilization_last_day, Decimal::from(50));
    // (6 × 24 × 8 + 24 × 4) / (7 × 24 × 8) = 92.857…%
    assert_eq!(s.scopes[0].utilization_7_day, Decimal::new(9286, 2));
}

#[test]
fn oq_6_max_nc_fills_the_licences_max_savings_covers_the_dearest() {
    // 6 NC assigned; one Business Critical vCore (4 NC, saves 0.05) and three General Purpose
    // vCores (1 NC each, 0.10 each).
    let e = estate(
        json!([
            db("bc", "business_critical", 1),
            db("gp", "general_purpose", 3)
        ]),
        json!([assign("standard", 6, None)]),
    );
    let u = HourlyUsage::from_records(&[
        row("bc", at(1, 0), 1, "0.05"),
        row("gp", at(1, 0), 3, "0.10"),
    ])
    .unwrap();
    let max_nc = simulate_central(&e, &RuleSet::current(), &u).unwrap();
    // SQL-18: the most NC used: the BC vCore and two GP vCores, 6 NC, 0.25 saved.
    assert_eq!(max_nc.scopes[0].covered_nc[0], 6);
    assert_eq!(max_nc.scopes[0].total_savings, Decimal::new(25, 2));
    let mut rules = RuleSet::current();
    rules.knobs.central_strategy = CentralStrategy::MaxCostSavings;
    let max_savings = simulate_central(&e, &rules, &u).unwrap();
    assert_eq!(max_savings.scopes[0].covered_nc[0], 3);
    assert_eq!(max_savings.scopes[0].total_savings, Decimal::new(30, 2));
}

#[test]
fn usage_errors_name_the_row_and_the_column() {
    let e = estate(
        json!([db("a", "general_purpose", 8)]),
        json!([assign("standard", 8, None)]),
    );
    let err =
        HourlyUsage::from_records(&[row("a", at(1, 1), 8, "0.1"), row("a", at(1, 0), 8, "0.1")])
            .unwrap_err();
    assert_eq!(err.location().record.as_ref().unwrap().index, 1);
    assert_eq!(err.location().field.as_deref(), Some("hour"));
    let err =
        HourlyUsage::from_records(&[row("a", at(1, 0), 8, "0.1"), row("a", at(1, 0), 8, "0.1")])
            .unwrap_err();
    assert!(err.message().contains("twice"), "{err}");
    let err = HourlyUsage::from_records(&[row("a", at(1, 0), 8, "-0.1")]).unwrap_err();
    assert_eq!(
        err.location().field.as_deref(),
        Some("licence_price_per_vcore_hour")
    );
    let u = HourlyUsage::from_records(&[
        row("a", at(1, 0), 8, "0.1"),
        row("ghost", at(1, 0), 8, "0.1"),
    ])
    .unwrap();
    let err = simulate_central(&e, &RuleSet::current(), &u).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnknownReference);
    assert_eq!(err.location().record.as_ref().unwrap().index, 1);
    let bad: Result<UsageRecord, _> = serde_json::from_value(
        json!({"resource": "a", "hour": "2026-06-01T00:00:00", "vcores": -2}),
    );
    assert!(bad.is_err());
}

/// Usage of three databases over a few hours.
fn series() -> impl Strategy<Value = Vec<(u32, u32, u32)>> {
    prop::collection::vec((0u32..3, 0u32..9, 1u32..60), 1..10)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn best_assignment_equals_brute_force_over_every_count(
        hours in prop::collection::vec(series(), 1..6), pe in 200u32..4000, ps in 50u32..1200, max_savings in any::<bool>()
    ) {
        let resources = json!([db("g1", "general_purpose", 8), db("g2", "general_purpose", 8), db("bc", "business_critical", 8)]);
        let names = ["g1", "g2", "bc"];
        let mut rows = Vec::new();
        for (h, hour) in hours.iter().enumerate() {
            let mut seen = std::collections::HashSet::new();
            for &(r, v, p) in hour {
                if seen.insert(r) {
                    rows.push(row(names[r as usize], at(1, h as u32), v, &format!("0.{p:02}")));
                }
            }
        }
        let usage = HourlyUsage::from_records(&rows).unwrap();
        let mut rules = RuleSet::current();
        if max_savings {
            rules.knobs.central_strategy = CentralStrategy::MaxCostSavings;
        }
        let prices = LicencePricesPerYear { sql_enterprise_per_core_year: Some(Decimal::from(pe)), sql_standard_per_core_year: Some(Decimal::from(ps)) };
        let best = best_assignment(&estate(resources.clone(), json!([])), &rules, &usage, "sub", &prices).unwrap();
        // Brute force: every (Enterprise, Standard) mix up to the peak plus one Enterprise core,
        // each simulated.
        let scale = Decimal::from(8760) / Decimal::from(usage.hours());
        let peak = best.load_duration.len() as u32;
        let mut top = Decimal::MIN;
        for e in 0..=peak / 4 + 1 {
            for s in 0..=peak + 4 {
                let mut a = vec![];
                if e > 0 { a.push(json!({"id": "E", "scope": "sub", "edition": "enterprise", "cores": e, "start": "2026-01-01"})); }
                if s > 0 { a.push(json!({"id": "S", "scope": "sub", "edition": "standard", "cores": s, "start": "2026-01-01"})); }
                let savings = if a.is_empty() { Decimal::ZERO } else {
                    simulate_central(&estate(resources.clone(), json!(a)), &rules, &usage).unwrap().scopes[0].total_savings
                };
                let net = savings * scale - Decimal::from(pe * e + ps * s);
                top = top.max(net.round_dp(2));
            }
        }
        prop_assert_eq!(best.net_yearly_savings, top);
    }
}

#[test]
fn usage_csv_reads_bom_and_crlf_and_locates_errors() {
    let u = HourlyUsage::from_csv("\u{feff}resource,hour,vcores,licence_price_per_vcore_hour\r\na,2026-06-01T00:00:00,8,0.1\r\na,2026-06-01 01:00,4,\r\n").unwrap();
    assert_eq!((u.hours(), u.vcores.clone()), (2, vec![8, 4]));
    let e = HourlyUsage::from_csv("resource,hour,vcores\na,2026-06-01T00:00:00,-8\n").unwrap_err();
    assert_eq!(e.code(), ErrorCode::Parse);
    assert_eq!(
        (e.location().line, e.location().column),
        (Some(2), Some(23))
    );
    assert_eq!(e.location().field.as_deref(), Some("vcores"));
    let e = HourlyUsage::from_csv("resource,when,vcores\n").unwrap_err();
    assert_eq!(e.location().line, Some(1));
}

#[test]
fn hourly_usage_from_a_focus_export() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/constructed_focus_hourly.csv"
    ))
    .unwrap();
    let rows = ahb_core::import::usage_from_csv("constructed_focus_hourly.csv", &bytes).unwrap();
    let id =
        "/subscriptions/S1/resourceGroups/rg/providers/Microsoft.Sql/servers/srv/databases/db1";
    let e = Estate::from_json(&json!({"schema": "ahb.estate/1",
        "scopes": [{"id": "sub", "kind": "subscription"}],
        "resources": [{"id": id, "kind": "sql_database", "tier": "general_purpose", "vcores": 4, "scope": "sub",
                       "prices": {"payg_per_hour": "1.00", "ahb_per_hour": "0.60"}}],
        "central_assignments": [{"id": "A", "scope": "sub", "edition": "standard", "cores": 2, "start": "2025-01-01"}]
    }).to_string()).unwrap();
    let (usage, used) = HourlyUsage::from_cost_rows(&e, &rows).unwrap();
    assert_eq!(used.used, 2);
    assert!(used.not_sql >= 1);
    assert_eq!(usage.hours(), 2);
    let s = simulate_central(&e, &RuleSet::current(), &usage).unwrap();
    // Hour 0: the licence meter charged 0.2 for 4 vCores (0.05 each); 2 NC cover 2 of them.
    assert_eq!(s.scopes[0].covered_nc, vec![2, 2]);
    assert_eq!(s.scopes[0].overage[0], Decimal::new(10, 2));
    // Hour 1 has no licence meter: the estate's prices give (1.00 − 0.60) / 4 = 0.10 per vCore.
    assert_eq!(s.scopes[0].overage[1], Decimal::new(20, 2));
}

/// The hourly usage CSV is read by the `csv` crate with the one text rule of every reader:
/// quoted fields, an ISO `Z` suffix, and amounts as in estate JSON (no underscores).
#[test]
fn usage_csv_reads_quotes_and_z_and_refuses_what_every_reader_refuses() {
    let u = HourlyUsage::from_csv(
        "resource,hour,vcores,licence_price_per_vcore_hour\n\"a,b\",2026-06-01T00:00:00Z,8,1.5E-1\n",
    )
    .unwrap();
    assert_eq!(u.resources, vec!["a,b".to_string()]);
    assert_eq!(u.price_micro, vec![150_000]);
    let e = HourlyUsage::from_csv(
        "resource,hour,vcores,licence_price_per_vcore_hour\na,2026-06-01T00:00:00,8,1_000\n",
    )
    .unwrap_err();
    assert_eq!(
        (e.location().line, e.location().field.as_deref()),
        (Some(2), Some("licence_price_per_vcore_hour"))
    );
}
