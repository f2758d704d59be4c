//! The bodies of the ahb-core fuzz targets, shared by the cargo-fuzz binaries (`fuzz_targets/`)
//! and by `cargo test -p ahb-core --test fuzz_corpus`, which replays the committed corpus: the
//! same code runs in both. Each body feeds bytes to an entry point and runs every later stage
//! the input reaches (audit, optimise, timeline, simulate, best assignment); an `Err` is the
//! expected outcome for bad bytes, a panic is the bug (and so is `audit_and_optimize`
//! disagreeing with `audit` and `optimize` called alone).

#![allow(dead_code)]

use ahb_core::central::{HourlyUsage, LicencePricesPerYear, best_assignment, simulate_central};
use ahb_core::solve::apply_plan;
use ahb_core::{Estate, OptimizeOptions, RuleSet, audit, audit_and_optimize, optimize, timeline};
use chrono::NaiveDate;

/// The catalogue's base estate (two licence lines, a VM, a SQL database, a scale set, a host,
/// a central assignment).
pub const BASE_ESTATE: &str = include_str!("../../ahb-core/tests/bad_inputs/base/estate.json");
/// The README's sample estate (central assignments and SQL usage of its own).
pub const SAMPLE_ESTATE: &str = include_str!("../../examples/data/sample-estate.json");

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn estates() -> [Estate; 2] {
    [
        Estate::from_json(BASE_ESTATE).expect("the base estate is good"),
        Estate::from_json(SAMPLE_ESTATE).expect("the sample estate is good"),
    ]
}

/// Options that keep one execution short: a small exact budget.
fn quick(as_of: NaiveDate) -> OptimizeOptions {
    let mut o = OptimizeOptions::new(as_of);
    o.exact_work_budget = 200_000;
    o
}

/// `audit` and `optimize` alone and `audit_and_optimize`: from one assessment, the same
/// position and plan, or the error the audit (else the optimiser) gives alone; and the plan's
/// verification is the audit of the estate with the plan applied.
fn together(e: &Estate, rules: &RuleSet, options: &OptimizeOptions) {
    let alone = (audit(e, rules, options.as_of), optimize(e, rules, options));
    match (audit_and_optimize(e, rules, options), alone) {
        (Ok((p, plan)), (Ok(a), Ok(o))) => {
            assert!(p == a, "audit_and_optimize's position differs from audit's");
            assert_eq!(
                plan.to_json(),
                o.to_json(),
                "its plan differs from optimize's"
            );
            // The re-audit (specs replaced in place) says what auditing a copy of the estate
            // with the plan applied says.
            if let Ok(applied) = audit(&apply_plan(e, &plan), rules, options.as_of) {
                assert_eq!(plan.verification.compliant, applied.compliant);
                assert_eq!(plan.verification.over_claimed, applied.over_claimed);
            }
        }
        (Err(both), (Err(a), _)) => assert_eq!(both.to_string(), a.to_string()),
        (Err(both), (Ok(_), Err(o))) => assert_eq!(both.to_string(), o.to_string()),
        _ => panic!("audit_and_optimize succeeds exactly when audit and optimize do"),
    }
}

/// Estate JSON through the loader, audit, optimise and the timeline.
pub fn estate_json(data: &[u8]) {
    let Ok(e) = Estate::from_json_bytes(data) else {
        return;
    };
    let rules = RuleSet::current();
    let as_of = date(2026, 6, 1);
    together(&e, &rules, &quick(as_of));
    let _ = audit(&e, &RuleSet::legacy_2021(), as_of);
    if e.resources.len() + e.licences.len() <= 16 {
        let _ = timeline(&e, &rules, as_of, date(2027, 6, 1));
    }
}

/// Hourly usage CSV through the simulation and the best assignment, against both estates.
pub fn usage_csv(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(u) = HourlyUsage::from_csv(&text) else {
        return;
    };
    let rules = RuleSet::current();
    let prices = LicencePricesPerYear {
        sql_enterprise_per_core_year: Some(rust_decimal::Decimal::new(7_000, 0)),
        sql_standard_per_core_year: Some(rust_decimal::Decimal::new(1_800, 0)),
    };
    for e in estates() {
        let _ = simulate_central(&e, &rules, &u);
        for s in e.scopes.iter().take(3) {
            let _ = best_assignment(&e, &rules, &u, &s.id, &prices);
        }
    }
}

/// Optimiser options JSON through optimise, against both estates.
pub fn options_json(data: &[u8]) {
    let Ok(o) = OptimizeOptions::from_json(&String::from_utf8_lossy(data)) else {
        return;
    };
    let mut o = o;
    o.exact_work_budget = o.exact_work_budget.min(200_000);
    for e in estates() {
        together(&e, &RuleSet::current(), &o);
    }
}

/// Rule-set JSON through audit and optimise, against both estates.
pub fn rule_set_json(data: &[u8]) {
    let Ok(r) = RuleSet::from_json(&String::from_utf8_lossy(data)) else {
        return;
    };
    let as_of = date(2026, 6, 1);
    for e in estates() {
        together(&e, &r, &quick(as_of));
    }
}

/// Cost-export or FOCUS rows (CSV, gzip-compressed CSV or Parquet, as `usage_from_export` tells
/// them apart) through hourly usage and the simulation, against both estates.
pub fn cost_usage(data: &[u8]) {
    let Ok(rows) = ahb_core::import::usage_from_export("fuzz.csv", data, None) else {
        return;
    };
    for e in estates() {
        if let Ok((u, _)) = HourlyUsage::from_cost_rows(&e, &rows) {
            let _ = simulate_central(&e, &RuleSet::current(), &u);
        }
    }
}

/// Parquet bytes as hourly usage and as a cost export (ahb-core feature `parquet`), through
/// the simulation against both estates.
#[cfg(feature = "parquet")]
pub fn parquet(data: &[u8]) {
    let rules = RuleSet::current();
    if let Ok(u) = HourlyUsage::from_parquet(data) {
        for e in estates() {
            let _ = simulate_central(&e, &rules, &u);
        }
    }
    if let Ok(rows) = ahb_core::import::usage_from_parquet("fuzz.parquet", data) {
        for e in estates() {
            if let Ok((u, _)) = HourlyUsage::from_cost_rows(&e, &rows) {
                let _ = simulate_central(&e, &rules, &u);
            }
        }
    }
}
