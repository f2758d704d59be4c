//! Issue 14: inputs that used to panic, abort or give a silently wrong answer now give a typed,
//! located error (or a documented, correct result).

use ahb_core::central::{HourlyUsage, LicencePricesPerYear, best_assignment, simulate_central};
use ahb_core::{ErrorCode, Estate, OptimizeOptions, RuleSet, audit, optimize};
use chrono::NaiveDate;
use serde_json::{Value, json};

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn estate(resources: Value) -> String {
    json!({"schema": "ahb.estate/1", "scopes": [{"id": "sub", "kind": "subscription"}],
           "licences": [{"id": "L1", "product": "windows_server", "edition": "datacenter",
                         "metric": "core", "quantity": 16, "programme": "ea",
                         "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
           "resources": resources})
    .to_string()
}

fn priced_vm(payg: &str, ahb: &str) -> Value {
    json!({"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4, "scope": "sub",
           "license_type": "Windows_Server",
           "prices": {"payg_per_hour": payg, "ahb_per_hour": ahb}})
}

fn err_at(text: &str, code: ErrorCode, field: &str) -> ahb_core::Error {
    let e = Estate::from_json(text).expect_err("the input is bad");
    assert_eq!(e.code(), code, "{e}");
    assert_eq!(e.location().field.as_deref(), Some(field), "{e}");
    e
}

#[test]
fn a_price_of_1e19_is_out_of_bounds_not_an_overflow() {
    let text = estate(json!([priced_vm("10000000000000000000", "1")]));
    err_at(&text, ErrorCode::InvalidValue, "prices.payg_per_hour");
}

#[test]
fn an_ahb_price_above_payg_is_an_error() {
    let text = estate(json!([priced_vm("1.00", "2.00")]));
    err_at(&text, ErrorCode::InvalidValue, "prices.ahb_per_hour");
}

#[test]
fn a_price_below_a_micro_unit_is_an_error_not_zero() {
    let text = estate(json!([priced_vm("0.0000004", "0")]));
    err_at(&text, ErrorCode::InvalidValue, "prices.payg_per_hour");
}

#[test]
fn an_amount_with_underscores_is_rejected() {
    let text = estate(json!([priced_vm("1_000", "1")]));
    err_at(&text, ErrorCode::InvalidValue, "prices.payg_per_hour");
}

#[test]
fn a_duplicate_json_key_is_an_error() {
    let text = r#"{"schema": "ahb.estate/1", "resources": [{"id": "vm1", "kind": "vm", "os": "windows",
        "vcpus": 4, "vcpus": 8, "license_type": "Windows_Server"}]}"#;
    let e = Estate::from_json(text).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Parse, "{e}");
    assert!(e.message().contains("vcpus"), "{e}");
    assert_eq!(e.location().line, Some(2), "{e}");
}

#[test]
fn ids_differing_only_in_case_are_duplicates() {
    let a = json!({"id": "VM1", "kind": "vm", "os": "windows", "vcpus": 4});
    let b = json!({"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4});
    let text = estate(json!([a, b]));
    let e = err_at(&text, ErrorCode::DuplicateId, "id");
    assert_eq!(e.location().record.as_ref().unwrap().index, 1, "{e}");
}

#[test]
fn the_estate_loader_accepts_a_utf8_bom() {
    let text = format!("\u{feff}{}", estate(json!([])));
    Estate::from_json_bytes(text.as_bytes()).unwrap();
    Estate::from_json(&text).unwrap();
}

#[test]
fn kind_specific_fields_are_named() {
    let vm = json!({"id": "vm1", "kind": "vm", "os": "windows", "vcpus": "four"});
    let e = err_at(&estate(json!([vm])), ErrorCode::InvalidValue, "vcpus");
    assert!(e.location().record.is_some(), "{e}");
    let vm = json!({"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4, "license_type": 7});
    err_at(
        &estate(json!([vm])),
        ErrorCode::InvalidValue,
        "license_type",
    );
    let vm = json!({"id": "vm1", "kind": "vm", "os": "beos", "vcpus": 4});
    err_at(&estate(json!([vm])), ErrorCode::UnknownVariant, "os");
    let vm = json!({"id": "vm1", "kind": "vm", "os": "windows"});
    err_at(&estate(json!([vm])), ErrorCode::MissingField, "vcpus");
}

#[test]
fn a_wrong_type_is_not_a_missing_field() {
    let vm = json!({"id": "vm1", "kind": "vm", "os": "windows", "vcpus": -4});
    err_at(&estate(json!([vm])), ErrorCode::InvalidValue, "vcpus");
    let vm = json!({"id": "vm1", "kind": "vm", "os": 3, "vcpus": 4});
    err_at(&estate(json!([vm])), ErrorCode::InvalidValue, "os");
}

fn ok_estate() -> Estate {
    Estate::from_json(&estate(json!([priced_vm("1.00", "0.50")]))).unwrap()
}

#[test]
fn a_huge_change_penalty_is_an_option_error() {
    let text = format!(
        r#"{{"as_of": "2026-06-01", "change_penalty_per_month": "{}"}}"#,
        rust_decimal::Decimal::MAX
    );
    let e = OptimizeOptions::from_json(&text).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    assert_eq!(
        e.location().field.as_deref(),
        Some("change_penalty_per_month")
    );
    // Built in Rust, past the reader: optimise checks it too.
    let mut o = OptimizeOptions::new(date());
    o.change_penalty_per_month = Some(rust_decimal::Decimal::MAX);
    let e = optimize(&ok_estate(), &RuleSet::current(), &o).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    assert_eq!(
        e.location().field.as_deref(),
        Some("change_penalty_per_month")
    );
}

#[test]
fn a_huge_licence_price_is_an_option_error() {
    let text = format!(
        r#"{{"as_of": "2026-06-01", "licence_prices_per_year": {{"windows_server_per_core_year": "{}"}}}}"#,
        rust_decimal::Decimal::MAX
    );
    let e = OptimizeOptions::from_json(&text).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    let field = Some("licence_prices_per_year.windows_server_per_core_year");
    assert_eq!(e.location().field.as_deref(), field);
    let mut o = OptimizeOptions::new(date());
    o.licence_prices_per_year.windows_server_per_core_year = Some(rust_decimal::Decimal::MAX);
    let e = optimize(&ok_estate(), &RuleSet::current(), &o).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    assert_eq!(e.location().field.as_deref(), field);
}

#[test]
fn a_reserve_larger_than_the_licences_is_reported_against_reserve() {
    let mut o = OptimizeOptions::new(date());
    o.reserve.windows_server = 17;
    let e = optimize(&ok_estate(), &RuleSet::current(), &o).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    assert_eq!(
        e.location().field.as_deref(),
        Some("reserve.windows_server")
    );
}

#[test]
fn a_huge_reserve_is_reported_against_reserve() {
    let e = OptimizeOptions::from_json(
        r#"{"as_of": "2026-06-01", "pin": [], "reserve": {"windows_server": 99999999999999999999999}}"#,
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    assert_eq!(
        e.location().field.as_deref(),
        Some("reserve.windows_server"),
        "{e}"
    );
    let o = OptimizeOptions::from_json(
        r#"{"as_of": "2026-06-01", "reserve": {"windows_server": 18446744073709551615}}"#,
    )
    .unwrap();
    let e = optimize(&ok_estate(), &RuleSet::current(), &o).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    assert_eq!(
        e.location().field.as_deref(),
        Some("reserve.windows_server")
    );
}

fn sql_estate() -> Estate {
    Estate::from_json(
        &json!({"schema": "ahb.estate/1", "scopes": [{"id": "sub", "kind": "subscription"}],
            "central_assignments": [{"id": "a1", "scope": "sub", "edition": "standard", "cores": 8,
                                     "start": "2020-01-01"}],
            "resources": [{"id": "db1", "kind": "sql_database", "scope": "sub",
                           "tier": "general_purpose", "vcores": 4, "license_type": "LicenseIncluded"}]})
        .to_string(),
    )
    .unwrap()
}

#[test]
fn a_usage_span_of_ten_thousand_years_is_refused_before_allocating() {
    let csv = "resource,hour,vcores\ndb1,0001-01-01T00:00:00,4\ndb1,9999-01-01T00:00:00,4\n";
    let e = HourlyUsage::from_csv(csv).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue, "{e}");
    assert_eq!(e.location().field.as_deref(), Some("hour"), "{e}");
}

#[test]
fn a_huge_hourly_price_is_out_of_bounds() {
    let csv = "resource,hour,vcores,licence_price_per_vcore_hour\n\
               db1,2026-01-01T00:00:00,4,100000000000000000000000\n";
    let e = HourlyUsage::from_csv(csv).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue, "{e}");
    let csv = "resource,hour,vcores,licence_price_per_vcore_hour\n\
               db1,2026-01-01T00:00:00,4,1000000000000\n";
    match HourlyUsage::from_csv(csv) {
        Err(e) => assert_eq!(e.code(), ErrorCode::InvalidValue, "{e}"),
        Ok(u) => {
            simulate_central(&sql_estate(), &RuleSet::current(), &u).unwrap();
        }
    }
}

#[test]
fn huge_best_assignment_prices_are_option_errors() {
    let csv = "resource,hour,vcores\ndb1,2026-01-01T00:00:00,4\n";
    let u = HourlyUsage::from_csv(csv).unwrap();
    let prices = LicencePricesPerYear {
        sql_enterprise_per_core_year: Some(rust_decimal::Decimal::MAX),
        sql_standard_per_core_year: Some(rust_decimal::Decimal::MAX),
    };
    let e = best_assignment(&sql_estate(), &RuleSet::current(), &u, "sub", &prices).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
}

#[test]
fn audit_of_the_largest_allowed_prices_does_not_overflow() {
    // At the bounds, every sum is still exact.
    let text = estate(json!([priced_vm("1000000", "0")]));
    let e = Estate::from_json(&text).unwrap();
    audit(&e, &RuleSet::current(), date()).unwrap();
    optimize(&e, &RuleSet::current(), &OptimizeOptions::new(date())).unwrap();
}
