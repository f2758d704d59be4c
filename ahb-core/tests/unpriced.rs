//! Unpriced is loud (issue 12): eligible resources without prices are counted in the position
//! and the plan, the certificate says which resources its optimum is over, and the
//! `unpriced = by_units` option values them by the licence units they would use (a proxy, not
//! money), after every priced saving, so that an estate imported without prices still gets a
//! plan — re-audited like any other.

use ahb_core::import::Importer;
use ahb_core::solve::{CertificateScope, UnpricedValuation};
use ahb_core::{ErrorCode, Estate, OptimizeOptions, RuleSet, audit, optimize};
use serde_json::{Value, json};

mod common;

fn date() -> chrono::NaiveDate {
    common::ymd(2026, 11, 25)
}

fn by_units() -> OptimizeOptions {
    let mut o = OptimizeOptions::new(date());
    o.unpriced = UnpricedValuation::ByUnits;
    o
}

fn ws_datacenter(quantity: u32) -> Value {
    json!({"id": "ws", "product": "windows_server", "edition": "datacenter", "metric": "core",
           "quantity": quantity, "programme": "ea", "sa": common::sa()})
}

fn vm(id: &str, vcpus: u32, prices: Option<(&str, &str)>) -> Value {
    let mut v = json!({"id": id, "kind": "vm", "os": "windows", "vcpus": vcpus,
                       "license_type": "None"});
    if let Some((payg, ahb)) = prices {
        v["prices"] = json!({"payg_per_hour": payg, "ahb_per_hour": ahb});
    }
    v
}

fn carried(plan: &ahb_core::Plan) -> Vec<&str> {
    plan.assignments
        .iter()
        .filter(|a| a.carry)
        .map(|a| a.resource.as_str())
        .collect()
}

/// Three Windows VMs exported by `az vm list` (sizes from the catalogue: 4, 16 and 32 vCPUs,
/// so 8, 16 and 32 core licences, WS-1) and a licence CSV of 40 Datacenter cores; no price list.
fn imported_without_prices() -> Estate {
    let vm = |name: &str, size: &str| {
        json!({"id": format!("/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/{name}"),
               "name": name, "type": "Microsoft.Compute/virtualMachines", "location": "westeurope",
               "licenseType": null, "hardwareProfile": {"vmSize": size},
               "storageProfile": {"osDisk": {"osType": "Windows"}}})
    };
    let inventory = json!([
        vm("small", "Standard_D4s_v5"),
        vm("mid", "Standard_D16s_v5"),
        vm("large", "Standard_D32s_v5")
    ]);
    let licences = "Licence ID,Product,Edition,Metric,Quantity,Program,SA Start,SA End\n\
                    ws-dc,Windows Server,Datacenter,core,40,EA,2025-01-01,2027-12-31\n";
    let mut imp = Importer::new();
    imp.add_inventory_json("vms.json", &inventory.to_string())
        .unwrap();
    imp.add_licences_csv("licences.csv", licences.as_bytes())
        .unwrap();
    let out = imp.finish().unwrap();
    assert_eq!(out.unpriced.len(), 3, "{:?}", out.unpriced);
    out.estate.into_inner()
}

#[test]
fn an_imported_estate_without_prices_gets_a_plan_by_units_and_none_when_ignored() {
    let estate = imported_without_prices();
    let rules = RuleSet::current();
    let ignored = optimize(&estate, &rules, &OptimizeOptions::new(date())).unwrap();
    assert!(ignored.changes.is_empty(), "{}", ignored.to_text());
    assert_eq!(
        ignored.certificate.scope,
        CertificateScope::PricedResourcesOnly
    );
    assert_eq!(ignored.certificate.unpriced_resources, 3);
    assert!(ignored.to_text().contains("UNPRICED: 3 resources"));

    let plan = optimize(&estate, &rules, &by_units()).unwrap();
    // Hand-computed: 40 licences hold 32 + 8 (40 units); 32 + 16 does not fit, 16 + 8 is 24.
    let mut on: Vec<&str> = carried(&plan)
        .into_iter()
        .map(|id| id.rsplit('/').next().unwrap())
        .collect();
    on.sort_unstable();
    assert_eq!(on, ["large", "small"]);
    assert_eq!(plan.changes.len(), 2);
    assert!(
        plan.changes
            .iter()
            .all(|c| c.monthly_savings_delta.is_none())
    );
    assert!(plan.certificate.proven_optimal);
    assert_eq!(
        plan.certificate.scope,
        CertificateScope::PricedThenUnpricedByUnits
    );
    // The money totals stay those of the priced resources: none.
    assert!(plan.totals.monthly_savings.is_zero());
    let u = &plan.unpriced_summary;
    assert_eq!((u.resources, u.units), (3, 56));
    assert_eq!(u.by_pool[0].carried_units, Some(40));
    // The plan re-audits compliant, and so does the estate with the plan applied.
    assert!(plan.verification.compliant);
    let applied = ahb_core::solve::apply_plan(&estate, &plan);
    assert!(audit(&applied, &rules, date()).unwrap().compliant);
    // Every report says the proxy was used.
    let text = plan.to_text();
    assert!(
        text.contains("UNIT PROXY (unpriced = by_units): 3 resources"),
        "{text}"
    );
    assert!(text.contains("the plan gives them 40 units"), "{text}");
    let v: Value = serde_json::from_str(&plan.to_json()).unwrap();
    assert_eq!(v["options"]["unpriced"], "by_units");
    assert_eq!(v["certificate"]["scope"], "priced_then_unpriced_by_units");
    assert_eq!(v["unpriced_summary"]["by_pool"][0]["carried_units"], 40);
}

#[test]
fn priced_savings_come_before_unpriced_units() {
    // 16 licences; the priced VM (8 licences) saves money, so it is kept even though the
    // unpriced 16-vCPU VM alone would use all 16 units: the proxy takes what money leaves.
    let estate = common::load(json!({
        "licences": [ws_datacenter(16)],
        "resources": [vm("a-priced", 8, Some(("0.50", "0.30"))), vm("b-unpriced", 16, None),
                      vm("c-unpriced", 8, None)]
    }));
    let plan = optimize(&estate, &RuleSet::current(), &by_units()).unwrap();
    assert_eq!(carried(&plan), ["a-priced", "c-unpriced"]);
    assert_eq!(
        plan.certificate.objective,
        rust_decimal::Decimal::new(20, 2) * rust_decimal::Decimal::from(730)
    );
    assert_eq!(plan.certificate.gap, rust_decimal::Decimal::ZERO);
    // Under `ignore` the unpriced VMs stay off.
    let ignored = optimize(&estate, &RuleSet::current(), &OptimizeOptions::new(date())).unwrap();
    assert_eq!(carried(&ignored), ["a-priced"]);
    assert_eq!(ignored.certificate.objective, plan.certificate.objective);
}

#[test]
fn a_priced_estate_is_certified_over_all_resources_under_either_option() {
    let estate = common::load(json!({
        "licences": [ws_datacenter(16)],
        "resources": [vm("a", 8, Some(("0.50", "0.30")))]
    }));
    for o in [OptimizeOptions::new(date()), by_units()] {
        let plan = optimize(&estate, &RuleSet::current(), &o).unwrap();
        assert_eq!(plan.certificate.scope, CertificateScope::AllResources);
        assert_eq!(plan.certificate.unpriced_resources, 0);
        assert!(plan.unpriced.is_empty() && plan.unpriced_summary.is_empty());
        let text = plan.to_text();
        assert!(
            !text.contains("UNPRICED") && !text.contains("UNIT PROXY"),
            "{text}"
        );
    }
}

#[test]
fn the_position_counts_unpriced_resources_and_units_by_pool() {
    let estate = common::load(json!({
        "licences": [ws_datacenter(16)],
        "resources": [
            vm("priced", 8, Some(("0.50", "0.30"))),
            {"id": "on", "kind": "vm", "os": "windows", "vcpus": 12, "license_type": "Windows_Server"},
            vm("off", 4, None),
            {"id": "db", "kind": "sql_database", "tier": "general_purpose", "vcores": 4,
             "license_type": "LicenseIncluded"},
            {"id": "linux", "kind": "vm", "os": "other_linux", "vcpus": 4}
        ]
    }));
    let p = audit(&estate, &RuleSet::current(), date()).unwrap();
    let u = &p.unpriced_summary;
    assert_eq!(u.resources, 3);
    assert_eq!(u.ids, ["on", "off", "db"]);
    assert_eq!(u.units, 12 + 8 + 4);
    let ws = &u.by_pool[0];
    assert_eq!(
        (ws.resources, ws.units, ws.claimed_units, ws.carried_units),
        (2, 20, 12, None)
    );
    let sql = &u.by_pool[1];
    assert_eq!((sql.resources, sql.units, sql.claimed_units), (1, 4, 0));
    let text = p.to_text();
    assert!(
        text.contains(
            "UNPRICED: 3 eligible resources (24 licence units: 20 Windows Server core licences, \
             4 SQL Server normalised cores; 12 of them claimed today) have no price"
        ),
        "{text}"
    );
    let v: Value = serde_json::from_str(&p.to_json()).unwrap();
    assert_eq!(v["unpriced_summary"]["resources"], 3);
    assert_eq!(
        v["unpriced_summary"]["by_pool"][1]["unit"],
        "normalised cores"
    );
    assert!(
        v["unpriced_summary"]["by_pool"][0]
            .get("carried_units")
            .is_none()
    );
}

#[test]
fn by_units_is_read_from_options_json_and_a_wrong_value_names_the_option() {
    let o =
        OptimizeOptions::from_json(r#"{"as_of": "2026-11-25", "unpriced": "by_units"}"#).unwrap();
    assert_eq!(o.unpriced, UnpricedValuation::ByUnits);
    let o = OptimizeOptions::from_json(r#"{"as_of": "2026-11-25"}"#).unwrap();
    assert_eq!(o.unpriced, UnpricedValuation::Ignore);
    let e = OptimizeOptions::from_json(r#"{"as_of": "2026-11-25", "unpriced": "by_money"}"#)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    assert_eq!(e.location().field.as_deref(), Some("unpriced"));
}

#[test]
fn by_units_refuses_values_too_large_to_rank_exactly() {
    // The largest price ahb takes next to 1.6 million unpriced licence units: money × units
    // would leave the exact range of the solver, which says so instead of rounding.
    let estate = common::load(json!({
        "licences": [ws_datacenter(16)],
        "resources": [
            vm("rich", 8, Some(("1000000000", "0"))),
            {"id": "fleet", "kind": "scale_set", "os": "windows", "vcpus": 16,
             "instances": 100000, "license_type": "None"}
        ]
    }));
    let e = optimize(&estate, &RuleSet::current(), &by_units()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    assert_eq!(e.location().field.as_deref(), Some("unpriced"));
    // `ignore` solves it as before.
    assert!(optimize(&estate, &RuleSet::current(), &OptimizeOptions::new(date())).is_ok());
}
