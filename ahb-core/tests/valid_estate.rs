//! `ValidEstate`: validated once, and its methods give the free functions' results, byte for
//! byte; the timeline's steps (one assessment per date) are the audit's and the optimiser's.

use std::path::PathBuf;

use ahb_core::central::{HourlyUsage, LicencePricesPerYear, best_assignment, simulate_central};
use ahb_core::{
    ErrorCode, Estate, OptimizeOptions, RuleSet, ValidEstate, audit, audit_and_optimize, optimize,
    timeline,
};
use rust_decimal::Decimal;

mod common;
use common::ymd as d;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/data")
        .join(name)
}

#[test]
fn methods_give_the_free_functions_results() {
    let valid = ValidEstate::from_path(data("sample-estate.json")).unwrap();
    let estate = Estate::from_path(data("sample-estate.json")).unwrap();
    assert_eq!(valid, estate);
    let rules = RuleSet::current();
    for date in [d(2026, 11, 25), d(2027, 6, 30), d(2029, 1, 1)] {
        assert_eq!(
            valid.audit(&rules, date).unwrap().to_json(),
            audit(&estate, &rules, date).unwrap().to_json()
        );
        let options = OptimizeOptions::new(date);
        assert_eq!(
            valid.optimize(&rules, &options).unwrap().to_json(),
            optimize(&estate, &rules, &options).unwrap().to_json()
        );
        let (p, q) = valid.audit_and_optimize(&rules, &options).unwrap();
        let (p2, q2) = audit_and_optimize(&estate, &rules, &options).unwrap();
        assert_eq!((p.to_json(), q.to_json()), (p2.to_json(), q2.to_json()));
    }
    let (from, to) = (d(2026, 11, 25), d(2029, 12, 31));
    assert_eq!(
        valid.timeline(&rules, from, to).unwrap().to_json(),
        timeline(&estate, &rules, from, to).unwrap().to_json()
    );
    let text = std::fs::read_to_string(data("sample-sql-usage.csv")).unwrap();
    let usage = HourlyUsage::from_csv(&text).unwrap();
    assert_eq!(
        valid.simulate_central(&rules, &usage).unwrap().to_json(),
        simulate_central(&estate, &rules, &usage).unwrap().to_json()
    );
    let prices = LicencePricesPerYear {
        sql_enterprise_per_core_year: Some(Decimal::from(1890)),
        sql_standard_per_core_year: Some(Decimal::from(493)),
    };
    assert_eq!(
        valid
            .best_assignment(&rules, &usage, "sub-prod-data", &prices)
            .unwrap()
            .to_json(),
        best_assignment(&estate, &rules, &usage, "sub-prod-data", &prices)
            .unwrap()
            .to_json()
    );
}

/// Each step of the timeline, made from one assessment on its date, is what `audit` and
/// `optimize` (without recommendations) say on that date.
#[test]
fn timeline_steps_are_the_audit_and_the_optimum_of_their_dates() {
    let estate = ValidEstate::from_path(data("sample-estate.json")).unwrap();
    let rules = RuleSet::current();
    let t = estate
        .timeline(&rules, d(2026, 1, 1), d(2030, 12, 31))
        .unwrap();
    assert!(t.steps.len() > 2, "the sample's terms end in the range");
    for step in &t.steps {
        let position = audit(&estate, &rules, step.date).unwrap();
        let mut options = OptimizeOptions::new(step.date);
        options.recommendations = false;
        let plan = optimize(&estate, &rules, &options).unwrap();
        assert_eq!(step.compliant, position.compliant, "{}", step.date);
        assert_eq!(
            step.covered_monthly_savings, position.totals.claimed_monthly_savings,
            "{}",
            step.date
        );
        assert_eq!(
            step.optimal_monthly_savings, plan.totals.monthly_savings,
            "{}",
            step.date
        );
        let shortfalls: Vec<_> = position
            .pools
            .iter()
            .map(|p| (p.pool, p.shortfall))
            .collect();
        let steps: Vec<_> = step.pools.iter().map(|p| (p.pool, p.shortfall)).collect();
        assert_eq!(steps, shortfalls, "{}", step.date);
    }
}

#[test]
fn an_estate_changed_after_reading_is_validated_again() {
    let mut estate = ValidEstate::from_path(data("sample-estate.json"))
        .unwrap()
        .into_inner();
    let first = estate.resources[0].clone();
    estate.resources.push(first);
    // The free functions validate what they are given ...
    let date = d(2026, 11, 25);
    let e = audit(&estate, &RuleSet::current(), date).unwrap_err();
    assert_eq!(e.code(), ErrorCode::DuplicateId);
    // ... and it cannot become a ValidEstate without passing.
    let e = ValidEstate::new(estate).unwrap_err();
    assert_eq!(e.code(), ErrorCode::DuplicateId);
}

#[test]
fn date_errors_come_first_as_from_the_free_functions() {
    let estate = ValidEstate::from_path(data("sample-estate.json")).unwrap();
    let rules = RuleSet::current();
    let far = d(1066, 10, 14);
    let (a, b) = (
        estate.audit(&rules, far).unwrap_err(),
        audit(&estate, &rules, far).unwrap_err(),
    );
    assert_eq!(
        (a.code(), a.to_string()),
        (b.code(), b.to_string()),
        "same error"
    );
    assert_eq!(a.code(), ErrorCode::InvalidOption);
    let (a, b) = (
        estate
            .timeline(&rules, d(2027, 1, 1), d(2026, 1, 1))
            .unwrap_err(),
        timeline(&estate, &rules, d(2027, 1, 1), d(2026, 1, 1)).unwrap_err(),
    );
    assert_eq!((a.code(), a.to_string()), (b.code(), b.to_string()));
}
