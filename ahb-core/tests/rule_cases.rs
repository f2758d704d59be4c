//! Small cases for rules the vectors do not name: each test is named after the rule it checks
//! and asserts what the rule decides, with the rule cited in the reasons where one is emitted.

use ahb_core::rules::Pool;
use ahb_core::{Estate, OptimizeOptions, Position, RuleSet, audit, optimize};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn estate(licences: Value, resources: Value) -> Estate {
    Estate::from_json(
        &json!({"schema": "ahb.estate/1", "licences": licences, "resources": resources})
            .to_string(),
    )
    .unwrap()
}

fn line(id: &str, product: &str, edition: &str, q: u32, programme: &str) -> Value {
    json!({"id": id, "product": product, "edition": edition, "metric": "core", "quantity": q,
           "programme": programme, "sa": {"start": "2025-01-01", "end": "2028-12-31"}})
}

fn run(e: &Estate, rules: &RuleSet, date: &str) -> Position {
    audit(e, rules, d(date)).unwrap()
}

fn req<'a>(p: &'a Position, id: &str, pool: Pool) -> &'a ahb_core::rules::Requirement {
    p.resources
        .iter()
        .find(|a| a.resource == id)
        .unwrap()
        .requirements
        .iter()
        .find(|q| q.pool == pool)
        .unwrap()
}

fn cites(p: &Position, id: &str, rule: &str) -> bool {
    let a = p.resources.iter().find(|a| a.resource == id).unwrap();
    a.requirements
        .iter()
        .flat_map(|q| &q.reasons)
        .chain(&a.notes)
        .any(|r| r.rule == rule)
}

#[test]
fn api_2_sql_6_sql_vm_licence_types_are_azure_strings() {
    let vm = |id: &str, lt: &str| json!({"id": id, "kind": "sql_vm", "edition": "standard", "vcpus": 8, "license_type": lt});
    let e = estate(
        json!([line("S", "sql_server", "standard", 8, "ea")]),
        json!([vm("a", "AHUB"), vm("p", "PAYG")]),
    );
    let p = run(&e, &RuleSet::current(), "2026-06-01");
    assert!(req(&p, "a", Pool::SqlServer).claimed);
    assert!(!req(&p, "p", Pool::SqlServer).claimed);
    // SQL-6: only AHUB, PAYG and DR exist.
    let bad = json!({"schema": "ahb.estate/1", "resources": [vm("x", "AHB")]});
    assert!(Estate::from_json(&bad.to_string()).is_err());
}

#[test]
fn api_3_sql_13_base_price_is_the_paas_claim() {
    let db = |id: &str, lt: &str| {
        json!({"id": id, "kind": "sql_managed_instance", "tier": "general_purpose",
               "vcores": 8, "license_type": lt})
    };
    let e = estate(
        json!([line("S", "sql_server", "standard", 8, "ea")]),
        json!([db("on", "BasePrice"), db("off", "LicenseIncluded")]),
    );
    let p = run(&e, &RuleSet::current(), "2026-06-01");
    assert!(req(&p, "on", Pool::SqlServer).claimed);
    assert!(!req(&p, "off", Pool::SqlServer).claimed);
    assert!(p.under_claimed.iter().any(|u| u.resource == "off"));
}

#[test]
fn api_4_perpetual_host_licensing_is_not_ahb() {
    let e = estate(
        json!([]),
        json!([{"id": "h", "kind": "dedicated_host", "physical_cores": 32,
                "license_type": "Windows_Server_Perpetual"}]),
    );
    let p = run(&e, &RuleSet::current(), "2026-06-01");
    let q = req(&p, "h", Pool::WindowsServer);
    assert!(!q.claimed && !q.eligible && q.units == 0);
    assert!(cites(&p, "h", "API-4"));
    assert!(p.compliant);
}

#[test]
fn api_6_aks_3_aks_hybrid_flag_and_either_edition() {
    // AKS-3: Standard or Datacenter licences count for AKS hybrid on a Datacenter host.
    let e = estate(
        json!([line("S", "windows_server", "standard", 16, "ea")]),
        json!([{"id": "aks", "kind": "aks_hybrid", "host": "windows_server_datacenter",
                "worker_vcpus": 16, "ahb": true}]),
    );
    let p = run(&e, &RuleSet::current(), "2026-06-01");
    assert!(req(&p, "aks", Pool::WindowsServer).claimed);
    assert!(
        req(&p, "aks", Pool::WindowsServer)
            .reasons
            .iter()
            .any(|r| r.text.contains("Standard or Datacenter (AKS-3)"))
    );
    assert!(p.compliant);
}

#[test]
fn api_7_hci_4_azure_local_dual_use_window_closes() {
    // HCI-4: 180 days of concurrent licensing to migrate; afterwards licences in use on
    // premises cannot license the Azure Local cluster. API-7: `ahb` is the SA status.
    let mut l = line("DC", "windows_server", "datacenter", 32, "ea");
    l["on_premises_in_use"] = json!(32);
    l["migration_start"] = json!("2026-01-01");
    let e = estate(
        json!([l]),
        json!([{"id": "hci", "kind": "azure_local_cluster", "node_cores": [16, 16], "ahb": true}]),
    );
    let during = run(&e, &RuleSet::current(), "2026-03-01");
    assert!(req(&during, "hci", Pool::WindowsServer).claimed);
    assert!(during.compliant, "{:?}", during.over_claimed);
    let after = run(&e, &RuleSet::current(), "2026-08-01");
    assert!(!after.compliant);
}

#[test]
fn gen_4_programmes_decide_azure_local_eligibility() {
    // GEN-4 programmes are data; HCI-1 (2025) and OQ-9 allow EA or CSP Datacenter lines for
    // Azure Local, so an MPSA line cannot license the cluster.
    let cluster = json!([{"id": "hci", "kind": "azure_local_cluster", "node_cores": [16],
                          "ahb": true}]);
    for (programme, ok) in [("ea", true), ("csp", true), ("mpsa", false)] {
        let e = estate(
            json!([line("DC", "windows_server", "datacenter", 16, programme)]),
            cluster.clone(),
        );
        assert_eq!(
            run(&e, &RuleSet::current(), "2026-06-01").compliant,
            ok,
            "{programme}"
        );
    }
}

#[test]
fn gen_8_a_plan_that_cannot_audit_clean_says_so() {
    let e = estate(
        json!([]),
        json!([{"id": "hci", "kind": "azure_local_cluster", "node_cores": [16], "ahb": true}]),
    );
    let plan = optimize(
        &e,
        &RuleSet::current(),
        &OptimizeOptions::new(d("2026-06-01")),
    )
    .unwrap();
    assert!(!plan.verification.compliant);
    assert!(plan.verification.reasons.iter().any(|r| r.rule == "GEN-8"));
    assert!(!plan.certificate.proven_optimal);
}

#[test]
fn gen_11_savings_are_the_payg_price_less_the_base_rate() {
    let e = estate(
        json!([line("S", "windows_server", "standard", 8, "ea")]),
        json!([{"id": "vm", "kind": "vm", "os": "windows", "vcpus": 4,
                "license_type": "Windows_Server",
                "prices": {"payg_per_hour": "0.192", "ahb_per_hour": "0.096"}}]),
    );
    let p = run(&e, &RuleSet::current(), "2026-06-01");
    let q = req(&p, "vm", Pool::WindowsServer);
    assert_eq!(q.hourly_savings, Some(Decimal::new(96, 3)));
    assert_eq!(
        q.monthly_savings,
        Some(Decimal::new(96, 3) * Decimal::from(730))
    );
}

#[test]
fn ws_4_ws_5_april_2023_dropped_groups_of_eight_and_a_core_is_a_vcpu() {
    // WS-4: "previously a 20-core virtual machine would have needed 24 licences (3×8), now it
    // just needs 20." WS-5: the vCPUs of the size are the cores counted.
    let e = estate(
        json!([line("S", "windows_server", "standard", 64, "ea")]),
        json!([{"id": "vm", "kind": "vm", "os": "windows", "vcpus": 20,
                "license_type": "Windows_Server"}]),
    );
    let now = run(&e, &RuleSet::current(), "2026-06-01");
    let old = run(&e, &RuleSet::legacy_2021(), "2026-06-01");
    assert_eq!(req(&now, "vm", Pool::WindowsServer).units, 20);
    assert_eq!(req(&old, "vm", Pool::WindowsServer).units, 24);
    assert_eq!(now.pools[0].estate_minimum_topup, 0);
}

#[test]
fn lnx_1_both_directions_of_linux_ahb() {
    // LNX-1: PAYG → BYOS removes the software fee (the claim); a PAYG VM is eligible, unclaimed.
    let sub = json!({"id": "R", "product": "rhel", "metric": "subscription", "quantity": 2,
                     "programme": "ea", "sa": {"start": "2025-01-01", "end": "2028-12-31"}});
    let vm = |id: &str, lt: &str| {
        json!({"id": id, "kind": "vm", "os": "rhel", "vcpus": 4, "license_type": lt,
               "prices": {"payg_per_hour": "0.30", "ahb_per_hour": "0.20"}})
    };
    let e = estate(
        json!([sub]),
        json!([vm("byos", "RHEL_BYOS"), vm("payg", "RHEL_BASE")]),
    );
    let p = run(&e, &RuleSet::current(), "2026-06-01");
    assert!(req(&p, "byos", Pool::Rhel).claimed);
    assert!(!req(&p, "payg", Pool::Rhel).claimed);
    assert!(p.under_claimed.iter().any(|u| u.resource == "payg"));
}

#[test]
fn sql_7_payg_primary_may_use_the_ha_dr_type() {
    // SQL-7 / SQL-9: pay-as-you-go customers may use the HA/DR type for passive replicas when
    // all replicas are in Azure: no licence needed for primary or replica.
    let e = estate(
        json!([]),
        json!([
            {"id": "p", "kind": "sql_vm", "edition": "enterprise", "vcpus": 8, "license_type": "PAYG"},
            {"id": "r", "kind": "sql_vm", "edition": "enterprise", "vcpus": 8, "license_type": "DR",
             "replica_of": "p"}
        ]),
    );
    let p = run(&e, &RuleSet::current(), "2026-06-01");
    assert!(p.compliant, "{:?}", p.over_claimed);
    assert_eq!(req(&p, "r", Pool::SqlServer).units, 0);
}

#[test]
fn gen_13_sql_15_windows_and_sql_in_dev_test_need_no_licence() {
    let e = Estate::from_json(
        &json!({"schema": "ahb.estate/1",
        "scopes": [{"id": "dt", "kind": "subscription", "dev_test": true}],
        "resources": [
            {"id": "win", "kind": "vm", "os": "windows", "vcpus": 16, "scope": "dt",
             "license_type": "Windows_Server",
             "prices": {"payg_per_hour": "0.80", "ahb_per_hour": "0.40"}},
            {"id": "winoff", "kind": "vm", "os": "windows", "vcpus": 16, "scope": "dt",
             "prices": {"payg_per_hour": "0.80", "ahb_per_hour": "0.40"}},
            {"id": "sql", "kind": "sql_vm", "edition": "enterprise", "vcpus": 8,
             "scope": "dt", "license_type": "AHUB"}
        ]})
        .to_string(),
    )
    .unwrap();
    let p = run(&e, &RuleSet::current(), "2026-06-01");
    // Neither is a claim on licences nor an under-claim, and no licence is owned: compliant.
    assert!(p.compliant, "{:?}", p.over_claimed);
    assert!(p.under_claimed.is_empty(), "{:?}", p.under_claimed);
    assert_eq!(req(&p, "win", Pool::WindowsServer).units, 0);
    assert!(cites(&p, "win", "GEN-13"));
    assert_eq!(
        req(&p, "win", Pool::WindowsServer).monthly_savings,
        Some(Decimal::ZERO)
    );
    assert_eq!(req(&p, "sql", Pool::SqlServer).units, 0);
    assert!(cites(&p, "sql", "SQL-15"));
}

#[test]
fn oq_3_the_audit_says_when_it_depends_on_datacenter_dual_use() {
    let mut dc = line("DC", "windows_server", "datacenter", 16, "ea");
    dc["on_premises_in_use"] = json!(16);
    let e = estate(
        json!([dc]),
        json!([{"id": "vm", "kind": "vm", "os": "windows", "vcpus": 16,
                "license_type": "Windows_Server"}]),
    );
    let p = run(&e, &RuleSet::current(), "2026-06-01");
    assert!(p.compliant);
    let r = p.pools[0]
        .reasons
        .iter()
        .find(|r| r.rule == "OQ-3")
        .expect("the dependence is reported");
    assert!(
        r.text
            .contains("without dual use the shortfall would be 16, not 0"),
        "{r}"
    );
    let mut strict = RuleSet::current();
    strict.knobs.ws_datacenter_dual_use = ahb_core::rules::DatacenterDualUse::None;
    let p = run(&e, &strict, "2026-06-01");
    assert_eq!(p.pools[0].shortfall, 16);
    assert!(p.pools[0].reasons.iter().all(|r| r.rule != "OQ-3"));
}

#[test]
fn ws_9_sql_10_vm_reasons_say_when_the_host_is_short() {
    let e = estate(
        json!([]),
        json!([
            {"id": "h", "kind": "dedicated_host", "physical_cores": 32,
             "license_type": "Windows_Server_Hybrid"},
            {"id": "vm", "kind": "vm", "os": "windows", "vcpus": 8, "host": "h",
             "license_type": "Windows_Server"}
        ]),
    );
    let p = run(&e, &RuleSet::current(), "2026-06-01");
    let q = req(&p, "vm", Pool::WindowsServer);
    assert!(
        q.reasons
            .iter()
            .any(|r| r.rule == "WS-9" && r.text.contains("\"h\" is itself short by 32")),
        "{:?}",
        q.reasons
    );
}

#[test]
fn oq_5_core_licence_minimum_depends_on_the_covering_edition() {
    // TV-35 under sql_vm_min_basis = core_licences: a 2-vCPU Enterprise VM needs 8 NC from
    // Standard licences but 16 NC (4 Enterprise licences) from Enterprise ones.
    let mut alt = RuleSet::current();
    alt.knobs.sql_vm_min_basis = ahb_core::rules::SqlVmMinBasis::CoreLicences;
    let vm = json!([{"id": "vm", "kind": "sql_vm", "edition": "enterprise", "vcpus": 2,
                     "license_type": "AHUB"}]);
    let units = |lines: Value| {
        let p = run(&estate(lines, vm.clone()), &alt, "2026-06-01");
        (req(&p, "vm", Pool::SqlServer).units, p.compliant)
    };
    assert_eq!(
        units(json!([line("S", "sql_server", "standard", 8, "ea")])),
        (8, true)
    );
    // Enterprise only: 3 Enterprise licences (12 NC) would cover 8 NC but not the minimum of 4.
    assert_eq!(
        units(json!([line("E", "sql_server", "enterprise", 3, "ea")])),
        (16, false)
    );
    assert_eq!(
        units(json!([line("E", "sql_server", "enterprise", 4, "ea")])),
        (16, true)
    );
    // Both editions held: the larger figure, never short.
    assert_eq!(
        units(json!([
            line("E", "sql_server", "enterprise", 4, "ea"),
            line("S", "sql_server", "standard", 8, "ea")
        ]))
        .0,
        16
    );
}
