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
