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
