//! Bad input gives a typed error that names the record, the field and what is wrong — never a
//! panic, never a silently dropped record.

use ahb_core::{ErrorCode, Estate, RuleSet, audit};
use serde_json::{Value, json};

fn estate(licences: Value, resources: Value) -> String {
    json!({"schema": "ahb.estate/1", "scopes": [{"id": "sub", "kind": "subscription"}],
           "licences": licences, "resources": resources})
    .to_string()
}

fn ws_line() -> Value {
    json!({"id": "L1", "product": "windows_server", "edition": "datacenter", "metric": "core",
           "quantity": 16, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2027-12-31"}})
}

fn vm() -> Value {
    json!({"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4, "license_type": "Windows_Server"})
}

/// Expects an error with `code`, about record `collection[index]` with `id`, at `field`.
fn expect(text: &str, code: ErrorCode, collection: &str, id: &str, field: &str) -> ahb_core::Error {
    let e = Estate::from_json(text).expect_err("the input is bad");
    assert_eq!(e.code(), code, "{e}");
    let r = e
        .location()
        .record
        .as_ref()
        .unwrap_or_else(|| panic!("no record in {e}"));
    assert_eq!(r.collection, collection, "{e}");
    assert_eq!(r.id.as_deref(), Some(id), "{e}");
    assert_eq!(e.location().field.as_deref(), Some(field), "{e}");
    e
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

fn without(mut base: Value, key: &str) -> Value {
    base.as_object_mut().unwrap().remove(key);
    base
}

#[test]
fn unknown_product_edition_and_tier_are_unknown_variants() {
    let bad = with(ws_line(), "product", json!("windows_nt"));
    expect(
        &estate(json!([bad]), json!([])),
        ErrorCode::UnknownVariant,
        "licences",
        "L1",
        "product",
    );
    let bad = with(ws_line(), "edition", json!("platinum"));
    expect(
        &estate(json!([bad]), json!([])),
        ErrorCode::UnknownVariant,
        "licences",
        "L1",
        "edition",
    );
    let db = json!({"id": "db1", "kind": "sql_database", "tier": "turbo", "vcores": 4});
    let e = Estate::from_json(&estate(json!([]), json!([db]))).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownVariant, "{e}");
    assert!(
        e.to_string().contains("db1") && e.to_string().contains("turbo"),
        "{e}"
    );
}

#[test]
fn an_edition_of_another_product_is_invalid() {
    let bad = with(ws_line(), "edition", json!("enterprise"));
    expect(
        &estate(json!([bad]), json!([])),
        ErrorCode::InvalidValue,
        "licences",
        "L1",
        "edition",
    );
}

#[test]
fn unknown_resource_kind_and_licence_type_are_reported() {
    let bad = with(vm(), "kind", json!("mainframe"));
    let e = Estate::from_json(&estate(json!([]), json!([bad]))).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownVariant, "{e}");
    assert!(e.to_string().contains("resources[0]"), "{e}");
    let bad = with(vm(), "license_type", json!("Windows_Srv"));
    let e = Estate::from_json(&estate(json!([]), json!([bad]))).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownVariant, "{e}");
    assert!(e.to_string().contains("Windows_Srv"), "{e}");
}

#[test]
fn negative_zero_and_absurd_counts_are_invalid() {
    let e =
        Estate::from_json(&estate(json!([]), json!([with(vm(), "vcpus", json!(-4))]))).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue, "{e}");
    assert_eq!(
        e.location().record.as_ref().unwrap().id.as_deref(),
        Some("vm1")
    );
    expect(
        &estate(json!([]), json!([with(vm(), "vcpus", json!(0))])),
        ErrorCode::InvalidValue,
        "resources",
        "vm1",
        "vcpus",
    );
    expect(
        &estate(json!([]), json!([with(vm(), "vcpus", json!(100_000))])),
        ErrorCode::InvalidValue,
        "resources",
        "vm1",
        "vcpus",
    );
    expect(
        &estate(json!([with(ws_line(), "quantity", json!(0))]), json!([])),
        ErrorCode::InvalidValue,
        "licences",
        "L1",
        "quantity",
    );
    let r = with(vm(), "active_vcpus", json!(8));
    expect(
        &estate(json!([]), json!([r])),
        ErrorCode::InvalidValue,
        "resources",
        "vm1",
        "active_vcpus",
    );
}

#[test]
fn a_term_that_ends_before_it_starts_is_invalid() {
    let bad = with(
        ws_line(),
        "sa",
        json!({"start": "2027-01-01", "end": "2026-01-01"}),
    );
    let e = expect(
        &estate(json!([bad]), json!([])),
        ErrorCode::InvalidValue,
        "licences",
        "L1",
        "sa.end",
    );
    assert!(e.to_string().contains("before it starts"), "{e}");
}

#[test]
fn duplicate_ids_are_rejected_with_the_second_record() {
    let e = Estate::from_json(&estate(json!([]), json!([vm(), vm()]))).unwrap_err();
    assert_eq!(e.code(), ErrorCode::DuplicateId);
    assert_eq!(e.location().record.as_ref().unwrap().index, 1);
}

#[test]
fn missing_required_fields_are_named() {
    expect(
        &estate(json!([]), json!([without(vm(), "vcpus")])),
        ErrorCode::MissingField,
        "resources",
        "vm1",
        "vcpus",
    );
    expect(
        &estate(json!([without(ws_line(), "quantity")]), json!([])),
        ErrorCode::MissingField,
        "licences",
        "L1",
        "quantity",
    );
    expect(
        &estate(json!([without(ws_line(), "edition")]), json!([])),
        ErrorCode::MissingField,
        "licences",
        "L1",
        "edition",
    );
    let e = Estate::from_json(r#"{"resources": []}"#).unwrap_err();
    assert_eq!(e.code(), ErrorCode::MissingField);
    assert_eq!(e.location().field.as_deref(), Some("schema"));
}

#[test]
fn malformed_dates_and_money_are_invalid_values() {
    let bad = with(
        ws_line(),
        "sa",
        json!({"start": "31/12/2025", "end": "2027-12-31"}),
    );
    expect(
        &estate(json!([bad]), json!([])),
        ErrorCode::InvalidValue,
        "licences",
        "L1",
        "sa.start",
    );
    for price in [json!("NaN"), json!("12,5"), json!(0.1), json!("-0.5")] {
        let r = with(
            vm(),
            "prices",
            json!({"payg_per_hour": price, "ahb_per_hour": "0.1"}),
        );
        let e = Estate::from_json(&estate(json!([]), json!([r]))).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidValue, "{price}: {e}");
        assert!(
            e.location().field.as_deref().unwrap().starts_with("prices"),
            "{price}: {e}"
        );
    }
}

#[test]
fn unknown_fields_are_rejected_not_ignored() {
    let r = with(vm(), "vcpu", json!(4));
    let e = Estate::from_json(&estate(json!([]), json!([r]))).unwrap_err();
    assert!(e.to_string().contains("vcpu"), "{e}");
    expect(
        &estate(json!([]), json!([with(vm(), "vcpu", json!(4))])),
        ErrorCode::InvalidValue,
        "resources",
        "vm1",
        "vcpu",
    );
    let l = with(ws_line(), "qty", json!(4));
    expect(
        &estate(json!([l]), json!([])),
        ErrorCode::InvalidValue,
        "licences",
        "L1",
        "qty",
    );
}

#[test]
fn dangling_references_are_reported() {
    let r = with(vm(), "scope", json!("sub-nowhere"));
    expect(
        &estate(json!([]), json!([r])),
        ErrorCode::UnknownReference,
        "resources",
        "vm1",
        "scope",
    );
    let r = with(vm(), "host", json!("dh-nowhere"));
    expect(
        &estate(json!([]), json!([r])),
        ErrorCode::UnknownReference,
        "resources",
        "vm1",
        "host",
    );
}

#[test]
fn malformed_json_gives_line_and_column() {
    let e =
        Estate::from_json("{\n  \"schema\": \"ahb.estate/1\",\n  \"resources\": [\n}").unwrap_err();
    assert_eq!(e.code(), ErrorCode::Parse);
    assert_eq!(e.location().line, Some(4));
    assert!(e.location().column.is_some());
    let e = Estate::from_json(r#"{"schema": "ahb.estate/9"}"#).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnsupportedSchema);
}

#[test]
fn invalid_utf8_is_a_parse_error_at_its_position() {
    let mut bytes = b"{\"schema\": \"ahb.estate/1\",\n \"x\": \"".to_vec();
    bytes.extend([0xff, 0xfe]);
    bytes.extend(b"\"}");
    let e = Estate::from_json_bytes(&bytes).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Parse);
    assert_eq!((e.location().line, e.location().column), (Some(2), Some(8)));
}

#[test]
fn files_that_do_not_exist_are_io_errors_naming_the_file() {
    let e = Estate::from_path("/nonexistent/estate.json").unwrap_err();
    assert_eq!(e.code(), ErrorCode::Io);
    assert_eq!(
        e.location().file.as_deref(),
        Some("/nonexistent/estate.json")
    );
}

#[test]
fn a_linux_line_in_another_unit_than_the_rule_set_is_an_option_error() {
    let line = json!({"id": "R1", "product": "rhel", "metric": "subscription", "quantity": 64,
                      "programme": "other", "unit": "vcpu",
                      "sa": {"start": "2025-01-01", "end": "2027-12-31"}});
    let e = Estate::from_json(&estate(json!([line]), json!([]))).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let err = audit(&e, &RuleSet::current(), date).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidOption);
    assert_eq!(err.location().field.as_deref(), Some("unit"));
    let mut rules = RuleSet::current();
    rules.knobs.rhel_unit = ahb_core::model::LinuxUnit::Vcpu;
    assert!(audit(&e, &rules, date).is_ok());
}

#[test]
fn bad_rule_set_json_names_the_knob() {
    let e = RuleSet::from_json(r#"{"version": "2023-04", "knobs": {"ws_rule": "groups_of_4"}}"#)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    assert!(
        e.location().field.as_deref().unwrap().contains("ws_rule"),
        "{e}"
    );
    let e = RuleSet::by_version("1999-01").unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
}
