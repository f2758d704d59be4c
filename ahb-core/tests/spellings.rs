//! One thing, several spellings: the yearly price keys (`…_per_core_year`, with the deprecated
//! names still read) and, for every JSON field and CSV header with *licence* in its name, the
//! American *license*. Each is read, written in its one canonical spelling, and refused with an
//! error naming the field when given under two names at once.

use ahb_core::central::LicencePricesPerYear;
use ahb_core::{ErrorCode, OptimizeOptions};

fn options(prices: &str) -> ahb_core::Result<OptimizeOptions> {
    OptimizeOptions::from_json(&format!(
        r#"{{"as_of": "2026-06-01", "licence_prices_per_year": {prices}}}"#
    ))
}

#[test]
fn optimize_prices_are_per_core_year_and_the_old_names_still_read() {
    let new = options(
        r#"{"windows_server_per_core_year": "120.5", "sql_enterprise_per_core_year": "1890",
            "sql_standard_per_core_year": "493"}"#,
    )
    .unwrap();
    let old = options(
        r#"{"windows_server_core": "120.5", "sql_enterprise_core": "1890",
            "sql_standard_core": "493"}"#,
    )
    .unwrap();
    assert_eq!(new, old);
    let p = &new.licence_prices_per_year;
    assert_eq!(
        p.windows_server_per_core_year,
        Some("120.5".parse().unwrap())
    );
    assert_eq!(p.sql_enterprise_per_core_year, Some(1890.into()));
    assert_eq!(p.sql_standard_per_core_year, Some(493.into()));
    // Written in the one canonical spelling only.
    let written = serde_json::to_value(&old).unwrap();
    let keys: Vec<&str> = written["licence_prices_per_year"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "sql_enterprise_per_core_year",
            "sql_standard_per_core_year",
            "windows_server_per_core_year"
        ]
    );
}

#[test]
fn a_price_under_both_names_is_an_error_naming_it() {
    let e =
        options(r#"{"sql_standard_core": "1", "sql_standard_per_core_year": "1"}"#).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    assert_eq!(
        e.location().field.as_deref(),
        Some("licence_prices_per_year.sql_standard_per_core_year")
    );
    assert!(e.message().contains("duplicate field"), "{e}");
}

#[test]
fn a_bad_price_is_named_as_written() {
    for key in ["windows_server_per_core_year", "windows_server_core"] {
        let e = options(&format!(r#"{{"{key}": "ten"}}"#)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
        assert_eq!(
            e.location().field.as_deref(),
            Some(format!("licence_prices_per_year.{key}").as_str())
        );
    }
}

#[test]
fn best_assignment_prices_share_the_keys_and_read_the_old_names() {
    let new: LicencePricesPerYear = ahb_core::options::from_json(
        r#"{"sql_enterprise_per_core_year": "1890", "sql_standard_per_core_year": "493"}"#,
    )
    .unwrap();
    let old: LicencePricesPerYear =
        ahb_core::options::from_json(r#"{"enterprise_core": "1890", "standard_core": "493"}"#)
            .unwrap();
    assert_eq!(new, old);
    assert_eq!(new.sql_enterprise_per_core_year, Some(1890.into()));
    let e = ahb_core::options::from_json::<LicencePricesPerYear>(
        r#"{"enterprise_core": "1", "sql_enterprise_per_core_year": "1"}"#,
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    assert_eq!(
        e.location().field.as_deref(),
        Some("sql_enterprise_per_core_year")
    );
    // Optimize's Windows price is not a central SQL price.
    let e = ahb_core::options::from_json::<LicencePricesPerYear>(
        r#"{"windows_server_per_core_year": "1"}"#,
    )
    .unwrap_err();
    assert_eq!(
        e.location().field.as_deref(),
        Some("windows_server_per_core_year")
    );
}

// --- licence and license ------------------------------------------------------------------

const ESTATE: &str = r#"{"schema": "ahb.estate/1",
  "LEDGER": [{"id": "ws", "product": "windows_server", "edition": "datacenter", "metric": "core",
              "quantity": 16, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
  "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4, "SETTING": "Windows_Server"},
                {"id": "db1", "kind": "sql_database", "tier": "general_purpose", "vcores": 4,
                 "SETTING": "BasePrice"}]}"#;

fn estate(ledger: &str, setting: &str) -> ahb_core::Result<ahb_core::Estate> {
    ahb_core::Estate::from_json(&ESTATE.replace("LEDGER", ledger).replace("SETTING", setting))
}

#[test]
fn estate_fields_read_both_spellings_and_write_one() {
    let canonical = estate("licences", "license_type").unwrap();
    assert_eq!(canonical.licences.len(), 1);
    for (ledger, setting) in [
        ("licenses", "license_type"),
        ("licences", "licence_type"),
        ("licenses", "licence_type"),
    ] {
        let other = estate(ledger, setting).unwrap();
        assert_eq!(other, canonical, "{ledger} {setting}");
        let json = other.to_json();
        assert!(json.contains("\"licences\"") && json.contains("\"license_type\""));
        assert!(!json.contains("\"licenses\"") && !json.contains("\"licence_type\""));
    }
    let a = ahb_core::audit(&canonical, &ahb_core::RuleSet::current(), date()).unwrap();
    let b = ahb_core::audit(
        &estate("licenses", "licence_type").unwrap(),
        &ahb_core::RuleSet::current(),
        date(),
    )
    .unwrap();
    assert_eq!(a.to_json(), b.to_json());
}

#[test]
fn an_estate_field_under_both_spellings_is_an_error_naming_it() {
    let text = ESTATE
        .replace("\"LEDGER\": [", "\"licences\": [], \"licenses\": [")
        .replace("SETTING", "license_type");
    let e = ahb_core::Estate::from_json(&text).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue, "{e}");
    assert_eq!(e.location().field.as_deref(), Some("licences"));
    assert!(e.message().contains("duplicate field"), "{e}");

    let text = ESTATE.replace("LEDGER", "licences").replacen(
        "\"SETTING\": \"Windows_Server\"",
        "\"license_type\": \"Windows_Server\", \"licence_type\": \"None\"",
        1,
    );
    let e = ahb_core::Estate::from_json(&text).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue, "{e}");
    assert_eq!(e.location().field.as_deref(), Some("license_type"), "{e}");
    let record = e.location().record.clone().unwrap();
    assert_eq!(
        (record.collection, record.index, record.id.as_deref()),
        ("resources", 0, Some("vm1"))
    );
    assert!(e.message().contains("duplicate field"), "{e}");
}

fn date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

#[test]
fn options_read_license_prices_per_year() {
    let a = OptimizeOptions::from_json(
        r#"{"as_of": "2026-06-01", "license_prices_per_year": {"windows_server_per_core_year": "1"}}"#,
    )
    .unwrap();
    let b = options(r#"{"windows_server_per_core_year": "1"}"#).unwrap();
    assert_eq!(a, b);
    assert!(
        serde_json::to_string(&a)
            .unwrap()
            .contains("\"licence_prices_per_year\"")
    );
    let e = OptimizeOptions::from_json(
        r#"{"as_of": "2026-06-01", "licence_prices_per_year": {}, "license_prices_per_year": {}}"#,
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    assert_eq!(
        e.location().field.as_deref(),
        Some("licence_prices_per_year")
    );
}

#[test]
fn knobs_read_both_spellings() {
    let us = ahb_core::RuleSet::from_json(
        r#"{"version": "2023-04", "knobs": {"estate_minimum_core_licenses": 16}}"#,
    )
    .unwrap();
    let uk = ahb_core::RuleSet::from_json(
        r#"{"version": "2023-04", "knobs": {"estate_minimum_core_licences": 16}}"#,
    )
    .unwrap();
    assert_eq!(us, uk);
    assert_eq!(us.knobs.estate_minimum_core_licences, 16);
    let json = serde_json::to_string(&us).unwrap();
    assert!(json.contains("estate_minimum_core_licences") && !json.contains("licenses"));
    let e = ahb_core::RuleSet::from_json(
        r#"{"version": "2023-04", "knobs": {"estate_minimum_core_licenses": 16,
                                             "estate_minimum_core_licences": 16}}"#,
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption, "{e}");
    assert_eq!(
        e.location().field.as_deref(),
        Some("knobs.estate_minimum_core_licences")
    );
    // Knobs read on their own take the alias too.
    let k: ahb_core::Knobs =
        serde_json::from_str(r#"{"estate_minimum_core_licenses": 16}"#).unwrap();
    assert_eq!(k.estate_minimum_core_licences, 16);
}

const LEDGER_CSV: &str = "Licence ID,Product,Edition,Licence Metric,Effective Licence Quantity,\
                          Licensing Program,SA Start,SA End\n\
                          WS,Windows Server,Datacenter,Core,16,EA,2025-07-01,2028-06-30\n";

#[test]
fn licence_csv_headers_read_both_spellings() {
    let uk = ahb_core::import::licences_from_csv("uk.csv", LEDGER_CSV.as_bytes()).unwrap();
    assert!(uk.ignored_columns.is_empty(), "{:?}", uk.ignored_columns);
    assert_eq!(uk.licences.len(), 1);
    assert_eq!(uk.licences[0].id, "WS");
    assert_eq!(uk.licences[0].quantity, 16);
    let us_text = LEDGER_CSV.replace("Licence", "License");
    let us = ahb_core::import::licences_from_csv("us.csv", us_text.as_bytes()).unwrap();
    assert_eq!(us.licences, uk.licences);
    assert!(us.ignored_columns.is_empty(), "{:?}", us.ignored_columns);
    let snake = LEDGER_CSV
        .replace("Licence ID", "license_id")
        .replace("Licence Metric", "licence_metric");
    let snake = ahb_core::import::licences_from_csv("snake.csv", snake.as_bytes()).unwrap();
    assert_eq!(snake.licences, uk.licences);
}

#[test]
fn a_licence_csv_header_under_both_spellings_is_an_error_naming_it() {
    let text = LEDGER_CSV
        .replace("Licence ID,", "Licence ID,License ID,")
        .replace("WS,", "WS,WS,");
    let e = ahb_core::import::licences_from_csv("both.csv", text.as_bytes()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Parse, "{e}");
    assert_eq!(e.location().field.as_deref(), Some("License ID"));
    assert_eq!((e.location().line, e.location().column), (Some(1), Some(2)));
    assert!(e.message().contains("\"Licence ID\""), "{e}");
}

#[test]
fn usage_csv_price_header_reads_both_spellings() {
    let rows = "db1,2026-06-01T00:00:00,8,0.10\ndb1,2026-06-01T01:00:00,2,0.10\n";
    let uk = ahb_core::central::HourlyUsage::from_csv(&format!(
        "resource,hour,vcores,licence_price_per_vcore_hour\n{rows}"
    ))
    .unwrap();
    let us = ahb_core::central::HourlyUsage::from_csv(&format!(
        "resource,hour,vcores,license_price_per_vcore_hour\n{rows}"
    ))
    .unwrap();
    assert_eq!(uk, us);
}
