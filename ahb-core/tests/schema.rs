//! The JSON Schema files in `ahb-core/schema/` document the public JSON contract. They are
//! generated from the serde types; this test fails when they are stale. Regenerate with
//! `AHB_BLESS=1 cargo test -p ahb-core --test schema`.

use std::path::PathBuf;

use ahb_core::{Estate, RuleSet};

fn check(name: &str, schema: schemars::Schema) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(name);
    let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("AHB_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "{} is stale: run AHB_BLESS=1 cargo test -p ahb-core --test schema",
        path.display()
    );
}

#[test]
fn estate_schema_is_current() {
    check("estate.schema.json", schemars::schema_for!(Estate));
}

#[test]
fn rule_set_schema_is_current() {
    check("ruleset.schema.json", schemars::schema_for!(RuleSet));
}

#[test]
fn estate_schema_names_every_resource_kind() {
    let schema = serde_json::to_string(&schemars::schema_for!(Estate)).unwrap();
    for kind in [
        "vm",
        "scale_set",
        "dedicated_host",
        "sql_vm",
        "sql_database",
        "sql_elastic_pool",
        "sql_managed_instance",
        "sql_instance_pool",
        "ssis_runtime",
        "aks_hybrid",
        "azure_local_cluster",
    ] {
        assert!(
            schema.contains(&format!("\"{kind}\"")),
            "schema lacks kind {kind}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The result documents: one schema each, and a check that real results validate against it.

use ahb_core::central::{BestAssignment, CentralSimulation, HourlyUsage, LicencePricesPerYear};
use ahb_core::{OptimizeOptions, Plan, Position, Timeline};
use serde_json::Value;

/// The schema of a result as it is written: a field that is left out when empty or absent
/// (`skip_serializing_if`) is not required (schemars' serialize contract).
fn result_schema<T: schemars::JsonSchema>() -> schemars::Schema {
    schemars::generate::SchemaSettings::default()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
}

const SAMPLE: &str = include_str!("../../examples/data/sample-estate.json");
const USAGE: &str = include_str!("../../examples/data/sample-sql-usage.csv");

#[test]
fn position_schema_is_current() {
    check("position.schema.json", result_schema::<Position>());
}

#[test]
fn plan_schema_is_current() {
    check("plan.schema.json", result_schema::<Plan>());
}

#[test]
fn timeline_schema_is_current() {
    check("timeline.schema.json", result_schema::<Timeline>());
}

#[test]
fn central_schema_is_current() {
    check("central.schema.json", result_schema::<CentralSimulation>());
}

#[test]
fn best_assignment_schema_is_current() {
    check(
        "best-assignment.schema.json",
        result_schema::<BestAssignment>(),
    );
}

/// The results of the sample estate, as the faces hand them out (`to_json`).
fn results() -> Vec<(&'static str, schemars::Schema, String)> {
    let estate = Estate::from_json(SAMPLE).unwrap();
    let rules = RuleSet::current();
    let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let end = chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
    let usage = HourlyUsage::from_csv(USAGE).unwrap();
    let prices: LicencePricesPerYear = serde_json::from_str(
        r#"{"sql_enterprise_per_core_year": "7128", "sql_standard_per_core_year": "1859"}"#,
    )
    .unwrap();
    let position = ahb_core::audit(&estate, &rules, d).unwrap();
    let plan = ahb_core::optimize(&estate, &rules, &OptimizeOptions::new(d)).unwrap();
    // The unit proxy for unpriced resources: scope, carried units and options in the schema.
    let mut by_units = OptimizeOptions::new(d);
    by_units.unpriced = ahb_core::solve::UnpricedValuation::ByUnits;
    let plan_by_units = ahb_core::optimize(&estate, &rules, &by_units).unwrap();
    let timeline = ahb_core::timeline(&estate, &rules, d, end).unwrap();
    let central = ahb_core::central::simulate_central(&estate, &rules, &usage).unwrap();
    let best =
        ahb_core::central::best_assignment(&estate, &rules, &usage, "sub-prod-data", &prices)
            .unwrap();
    vec![
        ("position", result_schema::<Position>(), position.to_json()),
        ("plan", result_schema::<Plan>(), plan.to_json()),
        (
            "plan with unpriced = by_units",
            result_schema::<Plan>(),
            plan_by_units.to_json(),
        ),
        ("timeline", result_schema::<Timeline>(), timeline.to_json()),
        (
            "central",
            result_schema::<CentralSimulation>(),
            central.to_json(),
        ),
        (
            "best assignment",
            result_schema::<BestAssignment>(),
            best.to_json(),
        ),
    ]
}

#[test]
fn every_result_validates_against_its_schema() {
    for (name, schema, json) in results() {
        let doc: Value = serde_json::from_str(&json).unwrap();
        let schema = schema.to_value();
        let mut errors = Vec::new();
        validate(&schema, &schema, &doc, "$", &mut errors);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

/// A change that makes a valid document invalid.
type Mutation = fn(&mut Value);

#[test]
fn the_validator_rejects_what_the_schemas_forbid() {
    let (_, schema, json) = results().remove(0);
    let schema = schema.to_value();
    let good: Value = serde_json::from_str(&json).unwrap();
    let mutations: [(&str, Mutation); 7] = [
        ("missing field", |d| {
            d.as_object_mut().unwrap().remove("compliant");
        }),
        ("wrong type", |d| d["compliant"] = Value::from("yes")),
        ("unknown pool", |d| {
            d["pools"][0]["pool"] = Value::from("windows")
        }),
        ("negative units", |d| {
            d["pools"][0]["claimed"] = Value::from(-1)
        }),
        ("object for an array", |d| {
            d["over_claimed"] = serde_json::json!({});
        }),
        ("no unpriced summary", |d| {
            d.as_object_mut().unwrap().remove("unpriced_summary");
        }),
        ("unpriced units of no pool", |d| {
            d["unpriced_summary"]["by_pool"][0]["pool"] = Value::from("windows")
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        let mut errors = Vec::new();
        validate(&schema, &schema, &bad, "$", &mut errors);
        assert!(!errors.is_empty(), "{what} was accepted");
    }
}

/// A JSON Schema (2020-12) validator for the keywords schemars emits: `$ref` into `$defs`,
/// `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`,
/// `oneOf`/`anyOf`/`allOf`, `minimum`. `format` and `pattern` are annotations here (not checked).
/// Errors are pushed with the JSON path of the value.
fn validate(root: &Value, schema: &Value, doc: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            errors.push(format!("{at}: no value is allowed here"));
        }
        return;
    };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        validate(root, &root["$defs"][name], doc, at, errors);
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.iter().any(|t| type_matches(t, doc)) {
            errors.push(format!("{at}: {doc} is not of type {types:?}"));
            return;
        }
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        if !values.contains(doc) {
            errors.push(format!("{at}: {doc} is not one of {values:?}"));
        }
    }
    if let Some(c) = s.get("const") {
        if c != doc {
            errors.push(format!("{at}: {doc} is not {c}"));
        }
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), doc.as_f64()) {
        if n < min {
            errors.push(format!("{at}: {n} is below the minimum {min}"));
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(subs) = s.get(key).and_then(Value::as_array) {
            let passing = subs
                .iter()
                .filter(|sub| {
                    let mut e = Vec::new();
                    validate(root, sub, doc, at, &mut e);
                    e.is_empty()
                })
                .count();
            let ok = match key {
                "allOf" => passing == subs.len(),
                "anyOf" => passing > 0,
                _ => passing == 1,
            };
            if !ok {
                errors.push(format!(
                    "{at}: {passing} of {} {key} branches match",
                    subs.len()
                ));
            }
        }
    }
    if let Some(obj) = doc.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for req in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let req = req.as_str().unwrap_or_default();
            if !obj.contains_key(req) {
                errors.push(format!("{at}: required field {req:?} is missing"));
            }
        }
        for (k, v) in obj {
            let path = format!("{at}.{k}");
            match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                (Some(sub), _) => validate(root, sub, v, &path, errors),
                (None, Some(extra)) => validate(root, extra, v, &path, errors),
                (None, None) => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), doc.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            validate(root, items, v, &format!("{at}[{i}]"), errors);
        }
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        _ => false,
    }
}

/// The reports' JSON (written by ahb's own pretty writer) is serde_json's pretty text, byte
/// for byte, on the sample's position and plan.
#[test]
fn the_sample_reports_json_is_serde_jsons_pretty_text() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/sample-estate.json"
    );
    let estate = Estate::from_path(path).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let rules = RuleSet::current();
    let position = ahb_core::audit(&estate, &rules, date).unwrap();
    assert_eq!(
        position.to_json(),
        serde_json::to_string_pretty(&position).unwrap()
    );
    let mut streamed = Vec::new();
    position.write_json(&mut streamed).unwrap();
    assert_eq!(streamed, position.to_json().into_bytes());
    let plan = ahb_core::optimize(&estate, &rules, &OptimizeOptions::new(date)).unwrap();
    assert_eq!(plan.to_json(), serde_json::to_string_pretty(&plan).unwrap());
    let mut streamed = Vec::new();
    plan.write_json(&mut streamed).unwrap();
    assert_eq!(streamed, plan.to_json().into_bytes());
}
