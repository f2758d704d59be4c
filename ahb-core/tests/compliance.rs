//! Compliance an auditor would sign: the optimiser never returns a plan the audit rejects
//! (WS-3, HCI-5, OQ-10), central SQL assignments are reconciled with the licences owned
//! (SQL-20, SQL-23), and Hyperscale grandfathering ends (OQ-7). Tests are named after the
//! rule IDs they check.

use ahb_core::solve::{Action, apply_plan};
use ahb_core::{Estate, OptimizeOptions, RuleSet, audit, optimize};
use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Value, json};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn load(v: &Value) -> Estate {
    Estate::from_json(&v.to_string()).unwrap()
}

fn prices(payg: &str) -> Value {
    json!({"payg_per_hour": payg, "ahb_per_hour": "0.10"})
}

fn line(id: &str, product: &str, edition: &str, q: u32) -> Value {
    json!({"id": id, "product": product, "edition": edition, "metric": "core", "quantity": q,
           "programme": "ea", "sa": {"start": "2025-01-01", "end": "2028-12-31"}})
}

fn estate(licences: Vec<Value>, resources: Vec<Value>) -> Value {
    json!({"schema": "ahb.estate/1", "licences": licences, "resources": resources})
}

fn options(as_of: &str) -> OptimizeOptions {
    OptimizeOptions::new(d(as_of))
}

/// The audit of the estate with the plan's claims applied, computed by the test itself from
/// the plan's assignments (not through `apply_plan`).
fn reaudit(v: &Value, plan: &ahb_core::Plan, rules: &RuleSet) -> ahb_core::Position {
    let mut v = v.clone();
    for a in plan.assignments.iter().filter(|a| a.action != Action::Keep) {
        let r = v["resources"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|r| r["id"] == *a.resource)
            .unwrap();
        let on = a.carry;
        match r["kind"].as_str().unwrap() {
            "vm" => {
                let os = r["os"].as_str().unwrap();
                r["license_type"] = json!(match (os, on) {
                    ("windows", true) => "Windows_Server",
                    ("rhel", true) => "RHEL_BYOS",
                    ("rhel", false) => "RHEL_BASE",
                    _ => "None",
                });
            }
            "dedicated_host" if a.pool == ahb_core::rules::Pool::WindowsServer => {
                r["license_type"] = json!(if on { "Windows_Server_Hybrid" } else { "None" });
            }
            "azure_local_cluster" => r["ahb"] = json!(on),
            "sql_vm" => r["license_type"] = json!(if on { "AHUB" } else { "PAYG" }),
            "dedicated_host" => r["sql_host_level"] = json!(on),
            "sql_database"
            | "sql_elastic_pool"
            | "sql_managed_instance"
            | "sql_instance_pool"
            | "ssis_runtime" => {
                r["license_type"] = json!(if on { "BasePrice" } else { "LicenseIncluded" })
            }
            _ => {}
        }
    }
    audit(&load(&v), rules, plan.as_of).unwrap()
}

#[test]
fn ws_3_legacy_plan_holds_the_sixteen_licence_estate_minimum() {
    // 2021-11: a 4-vCPU VM needs 8 core licences (groups of 8) and the estate must hold 16.
    // With 8 licences, enabling the VM would audit 8 short; the plan must not.
    let v = estate(
        vec![line("L1", "windows_server", "standard", 8)],
        vec![
            json!({"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
                     "license_type": "None", "prices": prices("0.50")}),
        ],
    );
    let rules = RuleSet::legacy_2021();
    let plan = optimize(&load(&v), &rules, &options("2026-06-01")).unwrap();
    let pos = reaudit(&v, &plan, &rules);
    assert!(pos.compliant, "{:?}", pos.over_claimed);
    assert!(plan.verification.compliant);
    assert!(plan.verification.reasons.iter().any(|r| r.rule == "WS-3"));
    assert!(plan.assignments.iter().all(|a| !a.carry));
    // The unconstrained optimum (enable the VM) is still the bound: the gap is reported.
    assert!(!plan.certificate.proven_optimal || plan.certificate.gap.is_zero());

    // With 16 licences the VM fits with the minimum: 8 claimed + 8 top-up.
    let v = estate(
        vec![line("L1", "windows_server", "standard", 16)],
        vec![
            json!({"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
                     "license_type": "None", "prices": prices("0.50")}),
        ],
    );
    let plan = optimize(&load(&v), &rules, &options("2026-06-01")).unwrap();
    assert!(reaudit(&v, &plan, &rules).compliant);
    assert!(
        plan.assignments
            .iter()
            .any(|a| a.resource == "vm1" && a.carry)
    );
    assert!(plan.certificate.proven_optimal);
}

#[test]
fn ws_3_legacy_plan_with_eight_short_is_not_certified() {
    // The case: 12 licences, two 4-vCPU VMs claimed today would need 16; one VM
    // alone needs 8 + 8 top-up = 16 > 12. The plan must carry nothing, and say why.
    let v = estate(
        vec![line("L1", "windows_server", "datacenter", 12)],
        vec![
            json!({"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
                   "license_type": "Windows_Server", "prices": prices("0.90")}),
            json!({"id": "vm2", "kind": "vm", "os": "windows", "vcpus": 2,
                   "license_type": "None", "prices": prices("0.40")}),
        ],
    );
    let rules = RuleSet::legacy_2021();
    let before = audit(&load(&v), &rules, d("2026-06-01")).unwrap();
    assert!(!before.compliant, "8 claimed + 8 top-up = 16 > 12");
    let plan = optimize(&load(&v), &rules, &options("2026-06-01")).unwrap();
    let pos = reaudit(&v, &plan, &rules);
    assert!(pos.compliant, "{:?}", pos.over_claimed);
    let applied = audit(&apply_plan(&load(&v), &plan), &rules, plan.as_of).unwrap();
    assert!(applied.compliant);
}

#[test]
fn hci_5_optimiser_never_deactivates_azure_local() {
    let cluster = json!({"id": "hci", "kind": "azure_local_cluster", "node_cores": [16, 16],
                         "ahb": true, "prices": prices("2.00")});
    // Not enough Datacenter licences: the plan keeps the benefit on, recommends buying, and
    // is not certified.
    let v = estate(
        vec![line("DC", "windows_server", "datacenter", 16)],
        vec![cluster.clone()],
    );
    let rules = RuleSet::current();
    let plan = optimize(&load(&v), &rules, &options("2026-06-01")).unwrap();
    let a = plan
        .assignments
        .iter()
        .find(|a| a.resource == "hci")
        .unwrap();
    assert!(a.carry);
    assert_eq!(a.action, Action::Keep);
    assert!(a.reasons.iter().any(|r| r.rule == "HCI-5"));
    assert!(plan.changes.iter().all(|c| c.resource != "hci"));
    assert!(!plan.verification.compliant);
    assert!(
        plan.verification
            .over_claimed
            .iter()
            .any(|o| o.resource == "hci")
    );
    assert!(!plan.certificate.proven_optimal);
    let script = ahb_core::export::az_script(&load(&v), &plan).unwrap();
    assert!(!format!("{script:?}").contains("Disable"));

    // Even when the licences are worth more elsewhere, the cluster keeps them.
    let v = estate(
        vec![line("DC", "windows_server", "datacenter", 32)],
        vec![
            cluster,
            json!({"id": "big", "kind": "vm", "os": "windows", "vcpus": 32,
                   "license_type": "None", "prices": prices("90.00")}),
        ],
    );
    let plan = optimize(&load(&v), &rules, &options("2026-06-01")).unwrap();
    assert!(
        plan.assignments
            .iter()
            .any(|a| a.resource == "hci" && a.carry)
    );
    assert!(reaudit(&v, &plan, &rules).compliant);
    assert!(plan.verification.compliant);
}

#[test]
fn oq_10_single_edition_plan_audits_clean() {
    // Two 8-vCPU VMs; 12 Standard + 4 Datacenter cover 16 when VMs may mix editions, but only
    // one VM can be covered from a single edition.
    let v = estate(
        vec![
            line("S", "windows_server", "standard", 12),
            line("D", "windows_server", "datacenter", 4),
        ],
        vec![
            json!({"id": "a", "kind": "vm", "os": "windows", "vcpus": 8,
                   "license_type": "None", "prices": prices("0.80")}),
            json!({"id": "b", "kind": "vm", "os": "windows", "vcpus": 8,
                   "license_type": "None", "prices": prices("0.70")}),
        ],
    );
    let mut rules = RuleSet::current();
    rules.knobs.ws_single_edition_per_vm = true;
    let plan = optimize(&load(&v), &rules, &options("2026-06-01")).unwrap();
    assert!(reaudit(&v, &plan, &rules).compliant);
    assert!(plan.verification.compliant);
    let carried: Vec<&str> = plan
        .assignments
        .iter()
        .filter(|a| a.carry)
        .map(|a| a.resource.as_str())
        .collect();
    assert_eq!(carried, ["a"]);
}

/// A random resource; Azure Local clusters may be on today (HCI-5).
fn resource(kind: u8, size: u32, price: u32, on: bool) -> Value {
    let p = prices(&format!("{}.{:02}", price / 100 + 1, price % 100));
    let mut r = match kind {
        0 => json!({"kind": "vm", "os": "windows", "vcpus": size,
                    "license_type": if on { "Windows_Server" } else { "None" }}),
        1 => json!({"kind": "dedicated_host", "physical_cores": size * 4,
                    "license_type": if on { "Windows_Server_Hybrid" } else { "None" }}),
        2 => json!({"kind": "azure_local_cluster", "node_cores": [size * 2, size * 2], "ahb": on}),
        3 => {
            json!({"kind": "sql_vm", "edition": if size % 2 == 0 { "enterprise" } else { "standard" },
                    "vcpus": size, "license_type": if on { "AHUB" } else { "PAYG" }})
        }
        4 => json!({"kind": "sql_database",
                    "tier": if size % 3 == 0 { "business_critical" } else { "general_purpose" },
                    "vcores": size, "license_type": if on { "BasePrice" } else { "LicenseIncluded" }}),
        _ => json!({"kind": "vm", "os": "rhel", "vcpus": size,
                    "license_type": if on { "RHEL_BYOS" } else { "RHEL_BASE" }}),
    };
    r["prices"] = p;
    r
}

fn random_estate(res: &[(u8, u32, u32, bool)], lines: &[(u8, u32)]) -> Value {
    let resources = res
        .iter()
        .enumerate()
        .map(|(i, &(k, s, p, on))| {
            let mut r = resource(k, s, p, on);
            r["id"] = json!(format!("r{i}"));
            r
        })
        .collect();
    let licences = lines
        .iter()
        .enumerate()
        .map(|(i, &(k, q))| {
            let id = format!("L{i}");
            match k {
                0 => line(&id, "windows_server", "standard", q),
                1 => line(&id, "windows_server", "datacenter", q),
                2 => line(&id, "sql_server", "standard", q),
                3 => line(&id, "sql_server", "enterprise", q),
                _ => json!({"id": id, "product": "rhel", "metric": "subscription",
                            "quantity": q, "programme": "ea",
                            "sa": {"start": "2025-01-01", "end": "2028-12-31"}}),
            }
        })
        .collect();
    estate(licences, resources)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// No optimiser output fails the audit, under either rule set and the OQ-10 knob. The
    /// only non-compliance allowed is one no AHB setting can remove: an activated Azure Local
    /// cluster the licences do not cover (HCI-5), and then the plan is not certified.
    #[test]
    fn ws_3_hci_5_oq_10_sql_23_no_plan_fails_the_audit_under_any_knob(
        res in prop::collection::vec((0u8..6, 1u32..20, 0u32..400, any::<bool>()), 1..8),
        lines in prop::collection::vec((0u8..5, 1u32..40), 1..5),
        legacy in any::<bool>(),
        single in any::<bool>(),
        central in prop::option::of((any::<bool>(), 1u32..12, 0u8..3)),
        knob_bits in 0u8..16,
        unpriced_bits in any::<u8>(),
        by_units in any::<bool>(),
    ) {
        let mut v = random_estate(&res, &lines);
        // Some resources without prices, valued at zero or by licence units (issue 12).
        for (i, r) in v["resources"].as_array_mut().unwrap().iter_mut().enumerate() {
            if unpriced_bits >> i & 1 == 1 {
                r.as_object_mut().unwrap().remove("prices");
            }
        }
        // Scopes, resources spread over two subscriptions, and maybe a central assignment.
        v["scopes"] = json!([{"id": "ba", "kind": "billing_account"},
                             {"id": "s0", "kind": "subscription", "parent": "ba"},
                             {"id": "s1", "kind": "subscription", "parent": "ba"}]);
        for (i, r) in v["resources"].as_array_mut().unwrap().iter_mut().enumerate() {
            r["scope"] = json!(format!("s{}", i % 2));
        }
        let mut assigned_nc = 0u64;
        if let Some((ent, cores, scope)) = central {
            let scope = ["ba", "s0", "s1"][scope as usize];
            v["central_assignments"] = json!([{"id": "as", "scope": scope,
                "edition": if ent { "enterprise" } else { "standard" }, "cores": cores,
                "start": "2026-01-01"}]);
            assigned_nc = u64::from(cores) * if ent { 4 } else { 1 };
        }
        let mut rules = if legacy { RuleSet::legacy_2021() } else { RuleSet::current() };
        rules.knobs.ws_single_edition_per_vm = single;
        // Other knobs the audit applies, at random (OQ-3, OQ-5, SQL-4, OQ-7).
        use ahb_core::rules::{DatacenterDualUse, HyperscaleAhb, SqlVmMinBasis};
        if knob_bits & 1 == 1 {
            rules.knobs.sql_vm_min_basis = SqlVmMinBasis::CoreLicences;
        }
        if knob_bits & 2 == 2 {
            rules.knobs.ws_datacenter_dual_use = DatacenterDualUse::None;
        }
        if knob_bits & 4 == 4 {
            rules.knobs.sql_strict_edition_match = true;
        }
        if knob_bits & 8 == 8 {
            rules.knobs.sql_hyperscale_ahb = HyperscaleAhb::None;
        }
        let mut o = options("2026-06-01");
        if by_units {
            o.unpriced = ahb_core::solve::UnpricedValuation::ByUnits;
        }
        let plan = optimize(&load(&v), &rules, &o).unwrap();
        let pos = reaudit(&v, &plan, &rules);
        prop_assert_eq!(pos.compliant, plan.verification.compliant);
        if !pos.compliant {
            // Every uncovered claim is an activated cluster, or the pool's shortfall comes
            // from one (the audit attributes it to the claims saving least per unit).
            prop_assert!(
                res.iter().any(|r| r.0 == 2 && r.3) || assigned_nc > 0,
                "{:?}",
                pos.over_claimed
            );
            prop_assert!(!plan.certificate.proven_optimal);
            // The cluster's cores, and the WS-3 top-up its claim alone brings in.
            let hci: u64 = res
                .iter()
                .filter(|r| r.0 == 2 && r.3)
                .map(|r| u64::from(r.1) * 4)
                .sum::<u64>()
                + u64::from(rules.knobs.estate_minimum_core_licences);
            for p in pos.pools.iter().filter(|p| !p.compliant) {
                match p.pool {
                    ahb_core::rules::Pool::WindowsServer => {
                        prop_assert!(p.shortfall <= hci, "{:?}", p)
                    }
                    // SQL-23: only an assignment the licences do not back.
                    ahb_core::rules::Pool::SqlServer => {
                        prop_assert!(p.shortfall <= assigned_nc, "{:?}", p);
                        prop_assert!(pos.over_claimed.iter().filter(|o| o.pool == p.pool)
                            .all(|o| o.resource == "as"), "{:?}", pos.over_claimed);
                    }
                    _ => prop_assert!(false, "{:?}", p),
                }
            }
        }
        // HCI-5: never deactivated.
        for c in &plan.changes {
            let i: usize = c.resource[1..].parse().unwrap();
            prop_assert!(!(res[i].0 == 2 && res[i].3 && c.action == Action::Disable));
        }
        if plan.certificate.proven_optimal {
            prop_assert!(pos.compliant);
        }
    }
}

fn central_estate(licences: Vec<Value>, resources: Vec<Value>, assignments: Vec<Value>) -> Value {
    json!({"schema": "ahb.estate/1",
           "scopes": [{"id": "ba", "kind": "billing_account"},
                      {"id": "sub-a", "kind": "subscription", "parent": "ba"},
                      {"id": "sub-b", "kind": "subscription", "parent": "ba"}],
           "licences": licences, "resources": resources,
           "central_assignments": assignments})
}

fn assignment(id: &str, scope: &str, edition: &str, cores: u32) -> Value {
    json!({"id": id, "scope": scope, "edition": edition, "cores": cores, "start": "2026-01-01"})
}

#[test]
fn sql_23_unbacked_assignment_is_a_shortfall_naming_it() {
    // 100 Enterprise cores assigned, no SQL licence owned.
    let v = central_estate(
        vec![],
        vec![json!({"id": "db", "kind": "sql_database", "scope": "sub-a",
                    "tier": "general_purpose", "vcores": 8, "license_type": "BasePrice"})],
        vec![assignment("as-1", "sub-a", "enterprise", 100)],
    );
    let pos = audit(&load(&v), &RuleSet::current(), d("2026-06-01")).unwrap();
    assert!(!pos.compliant);
    let o = pos
        .over_claimed
        .iter()
        .find(|o| o.resource == "as-1")
        .expect("the assignment is named");
    assert_eq!((o.units, o.uncovered), (400, 400));
    assert_eq!(o.reason.rule, "SQL-23");
    assert!(o.reason.text.contains("as-1") && o.reason.text.contains("SQL-20"));
    // The database is centrally managed: its BasePrice is not a claim (SQL-20).
    assert!(pos.over_claimed.iter().all(|o| o.resource != "db"));
    // Before the assignment starts, the resource-level claim applies again.
    let before = audit(&load(&v), &RuleSet::current(), d("2025-12-31")).unwrap();
    assert!(before.over_claimed.iter().any(|o| o.resource == "db"));
    assert!(before.over_claimed.iter().all(|o| o.resource != "as-1"));
}

#[test]
fn sql_20_sql_23_doubly_used_enterprise_cores() {
    // 24 Enterprise cores (96 NC) cover a host-level SQL dedicated host (16 cores, 64 NC) and an
    // SSIS Enterprise runtime (8 vCores, 32 NC); the same cores are assigned again to a scope
    // with a 24-vCore Business Critical database (96 NC). Real need 192 NC against 96.
    let v = central_estate(
        vec![line("E", "sql_server", "enterprise", 24)],
        vec![
            json!({"id": "host", "kind": "dedicated_host", "physical_cores": 16,
                   "sql_host_level": true}),
            json!({"id": "ssis", "kind": "ssis_runtime", "edition": "enterprise", "vcores": 8,
                   "license_type": "BasePrice"}),
            json!({"id": "bc", "kind": "sql_database", "scope": "sub-a",
                   "tier": "business_critical", "vcores": 24, "license_type": "BasePrice"}),
        ],
        vec![assignment("as-ent", "sub-a", "enterprise", 24)],
    );
    let pos = audit(&load(&v), &RuleSet::current(), d("2026-06-01")).unwrap();
    assert!(!pos.compliant);
    let sql = pos
        .pools
        .iter()
        .find(|p| p.pool == ahb_core::rules::Pool::SqlServer)
        .unwrap();
    assert_eq!((sql.claimed, sql.covered, sql.shortfall), (192, 96, 96));
    let o = pos
        .over_claimed
        .iter()
        .find(|o| o.resource == "as-ent")
        .unwrap();
    assert_eq!(o.uncovered, 96);
    assert_eq!(o.reason.rule, "SQL-23");
    // Resource-level settings under central management are reported, not counted.
    let bc = pos.resources.iter().find(|a| a.resource == "bc").unwrap();
    assert_eq!(bc.requirements[0].central.as_deref(), Some("sub-a"));
    assert!(
        bc.requirements[0]
            .reasons
            .iter()
            .any(|r| r.rule == "SQL-20" && r.text.contains("as-ent"))
    );
    // The plan cannot switch the database off (its setting has no effect); the assignment
    // uses the 96 NC first, so the host and the SSIS runtime lose the benefit.
    let plan = optimize(&load(&v), &RuleSet::current(), &options("2026-06-01")).unwrap();
    assert!(plan.changes.iter().all(|c| c.resource != "bc"));
    for id in ["host", "ssis"] {
        assert!(
            plan.changes
                .iter()
                .any(|c| c.resource == id && c.action == Action::Disable)
        );
    }
    assert!(plan.verification.compliant);
    assert!(reaudit(&v, &plan, &RuleSet::current()).compliant);

    // With no licence at all, no setting can make the assignment compliant: the plan says so
    // and is not certified.
    let mut v = v;
    v["licences"] = json!([]);
    let plan = optimize(&load(&v), &RuleSet::current(), &options("2026-06-01")).unwrap();
    assert!(!plan.verification.compliant);
    assert!(!plan.certificate.proven_optimal);
    assert!(
        plan.verification
            .over_claimed
            .iter()
            .any(|o| o.resource == "as-ent" && o.reason.rule == "SQL-23")
    );
}

#[test]
fn sql_20_centrally_managed_resources_are_not_under_claimed() {
    // 8 Enterprise licences (32 NC) back an 8-core Enterprise assignment at the billing
    // account; a database below it without BasePrice is centrally covered, not under-claimed.
    let v = central_estate(
        vec![line("E", "sql_server", "enterprise", 10)],
        vec![
            json!({"id": "db", "kind": "sql_database", "scope": "sub-b",
                   "tier": "general_purpose", "vcores": 8, "license_type": "LicenseIncluded",
                   "prices": prices("2.00")}),
            json!({"id": "vm", "kind": "sql_vm", "edition": "standard", "vcpus": 8,
                   "license_type": "PAYG", "prices": prices("1.00")}),
        ],
        vec![assignment("as-ba", "ba", "enterprise", 8)],
    );
    let pos = audit(&load(&v), &RuleSet::current(), d("2026-06-01")).unwrap();
    assert!(pos.compliant, "{:?}", pos.over_claimed);
    assert!(pos.under_claimed.iter().all(|u| u.resource != "db"));
    // The VM has no scope, so no assignment covers it: it is under-claimed as usual.
    assert!(pos.under_claimed.iter().any(|u| u.resource == "vm"));
    let plan = optimize(&load(&v), &RuleSet::current(), &options("2026-06-01")).unwrap();
    assert!(plan.changes.iter().all(|c| c.resource != "db"));
    assert!(plan.verification.compliant);
    let db = plan
        .assignments
        .iter()
        .find(|a| a.resource == "db")
        .unwrap();
    assert!(db.reasons.iter().any(|r| r.rule == "SQL-20"));
    assert!(db.reasons.iter().all(|r| r.rule != "GEN-7"));
    // The timeline counts the centrally managed resources, and none before the assignment.
    let t = ahb_core::timeline(
        &load(&v),
        &RuleSet::current(),
        d("2025-12-01"),
        d("2026-02-01"),
    )
    .unwrap();
    assert_eq!(t.steps.first().unwrap().centrally_managed, 0);
    assert_eq!(t.steps.last().unwrap().centrally_managed, 1);
    // 2 Enterprise cores (8 NC) are left for the VM after the assignment's 32 NC.
    let vm = plan
        .assignments
        .iter()
        .find(|a| a.resource == "vm")
        .unwrap();
    assert!(vm.carry);
    // With only the assignment's 8 cores, the VM must not be enabled.
    let v2 = {
        let mut v2 = v.clone();
        v2["licences"] = json!([line("E", "sql_server", "enterprise", 8)]);
        v2
    };
    let plan = optimize(&load(&v2), &RuleSet::current(), &options("2026-06-01")).unwrap();
    assert!(
        plan.assignments
            .iter()
            .all(|a| a.resource != "vm" || !a.carry)
    );
    assert!(reaudit(&v2, &plan, &RuleSet::current()).compliant);
}

fn hyperscale_estate() -> Value {
    estate(
        vec![line("S", "sql_server", "standard", 64)],
        vec![
            json!({"id": "hs-2023", "kind": "sql_database", "tier": "hyperscale", "vcores": 8,
                   "created": "2023-06-01", "license_type": "BasePrice", "prices": prices("1.00")}),
            json!({"id": "hs-2024", "kind": "sql_database", "tier": "hyperscale", "vcores": 8,
                   "created": "2024-02-01", "license_type": "LicenseIncluded"}),
            json!({"id": "hs-pool", "kind": "sql_elastic_pool", "tier": "hyperscale", "vcores": 8,
                   "license_type": "LicenseIncluded"}),
        ],
    )
}

fn sql_req<'a>(pos: &'a ahb_core::Position, id: &str) -> &'a ahb_core::rules::Requirement {
    &pos.resources
        .iter()
        .find(|a| a.resource == id)
        .unwrap()
        .requirements[0]
}

#[test]
fn oq_7_hyperscale_grandfathering_ends_on_the_knob_date() {
    let e = load(&hyperscale_estate());
    let rules = RuleSet::current();
    assert_eq!(
        rules.knobs.hyperscale_grandfathering_end,
        d("2026-12-01"),
        "default per OQ-7"
    );
    let before = audit(&e, &rules, d("2026-11-30")).unwrap();
    let q = sql_req(&before, "hs-2023");
    assert!(q.eligible && q.units == 8, "{q:?}");
    assert!(
        q.reasons
            .iter()
            .any(|r| r.rule == "OQ-7" && r.text.contains("until 2026-12-01"))
    );
    assert!(before.compliant);
    // New databases and elastic pools were never grandfathered.
    assert!(!sql_req(&before, "hs-2024").eligible);
    let pool = sql_req(&before, "hs-pool");
    assert!(!pool.eligible);
    assert!(
        pool.reasons
            .iter()
            .any(|r| r.rule == "OQ-7" && r.text.contains("single databases"))
    );

    for date in ["2026-12-01", "2027-03-01"] {
        let after = audit(&e, &rules, d(date)).unwrap();
        let q = sql_req(&after, "hs-2023");
        assert!(!q.eligible, "{date}");
        let o = after
            .over_claimed
            .iter()
            .find(|o| o.resource == "hs-2023")
            .unwrap();
        assert_eq!(o.reason.rule, "OQ-7");
        assert!(o.reason.text.contains("2026-12-01"));
        assert!(!after.compliant);
        // The plan removes the benefit it can no longer carry.
        let plan = optimize(&e, &rules, &options(date)).unwrap();
        assert!(
            plan.changes
                .iter()
                .any(|c| c.resource == "hs-2023" && c.action == Action::Disable)
        );
        assert!(plan.verification.compliant);
    }

    // The end date is a knob.
    let mut later = RuleSet::current();
    later.knobs.hyperscale_grandfathering_end = d("2027-01-15");
    assert!(sql_req(&audit(&e, &later, d("2026-12-01")).unwrap(), "hs-2023").eligible);
}

#[test]
fn oq_7_timeline_has_an_event_when_hyperscale_grandfathering_ends() {
    let e = load(&hyperscale_estate());
    let t = ahb_core::timeline(&e, &RuleSet::current(), d("2026-11-01"), d("2027-01-31")).unwrap();
    let step = t
        .steps
        .iter()
        .find(|s| s.date == d("2026-12-01"))
        .expect("a step on the end date");
    let ev = step.events.iter().find(|e| e.id == "hs-2023").unwrap();
    assert_eq!(ev.reason.rule, "OQ-7");
    assert!(ev.reason.text.contains("2026-12-01"));
    assert!(
        step.events
            .iter()
            .all(|e| e.id != "hs-2024" && e.id != "hs-pool")
    );
    assert!(t.steps[0].compliant && !step.compliant);
}

mod central_scopes {
    use super::*;
    use ahb_core::central::{HourlyUsage, UsageRecord, simulate_central};
    use chrono::NaiveDateTime;
    use rust_decimal::Decimal;

    fn at(hour: u32) -> NaiveDateTime {
        d("2026-06-01").and_hms_opt(hour, 0, 0).unwrap()
    }

    /// Scopes: a billing account, two subscriptions under it, a resource group under the
    /// first; `names` renames them (ba, s0, s1, rg).
    fn nested(
        names: [&str; 4],
        dbs: &[(u8, u32, bool)],
        assigned: &[(u8, u32)],
    ) -> (Estate, HourlyUsage) {
        let [ba, s0, s1, rg] = names;
        let scope_of = |i: u8| [ba, s0, s1, rg][i as usize % 4];
        let resources: Vec<Value> = dbs
            .iter()
            .enumerate()
            .map(|(i, &(sc, v, bc))| {
                json!({"id": format!("db{i}"), "kind": "sql_database", "scope": scope_of(sc),
                       "tier": if bc { "business_critical" } else { "general_purpose" },
                       "vcores": v})
            })
            .collect();
        let assignments: Vec<Value> = assigned
            .iter()
            .enumerate()
            .map(|(i, &(sc, cores))| {
                json!({"id": format!("as{i}"), "scope": scope_of(sc), "edition": "standard",
                       "cores": cores, "start": "2026-01-01"})
            })
            .collect();
        let e = load(&json!({"schema": "ahb.estate/1",
            "scopes": [{"id": ba, "kind": "billing_account"},
                       {"id": s0, "kind": "subscription", "parent": ba},
                       {"id": s1, "kind": "subscription", "parent": ba},
                       {"id": rg, "kind": "resource_group", "parent": s0}],
            "resources": resources, "central_assignments": assignments}));
        let rows: Vec<UsageRecord> = (0..3)
            .flat_map(|h| {
                dbs.iter()
                    .enumerate()
                    .map(move |(i, &(_, v, _))| UsageRecord {
                        resource: format!("db{i}"),
                        hour: at(h),
                        vcores: v + h,
                        licence_price_per_vcore_hour: Some(Decimal::new(10 + i as i64, 2)),
                    })
            })
            .collect();
        (e, HourlyUsage::from_records(&rows).unwrap())
    }

    fn totals(e: &Estate, u: &HourlyUsage) -> (Decimal, Decimal, u64) {
        let s = simulate_central(e, &RuleSet::current(), u).unwrap();
        let covered = s.scopes.iter().flat_map(|x| &x.covered_nc).sum();
        (
            s.scopes.iter().map(|x| x.total_savings).sum(),
            s.scopes.iter().map(|x| x.total_overage).sum(),
            covered,
        )
    }

    #[test]
    fn sql_18_nested_scopes_draw_on_ancestors_whatever_their_ids() {
        // 8 NC assigned to the subscription and 8 to the billing account above it; a 16-vCore
        // General Purpose database in the subscription is fully covered, whether the billing
        // account's id sorts before or after the subscription's.
        for names in [
            ["a-billing", "m-sub", "n-sub", "rg"],
            ["z-billing", "m-sub", "n-sub", "rg"],
        ] {
            let (e, u) = nested(names, &[(1, 16, false)], &[(1, 8), (0, 8)]);
            let s = simulate_central(&e, &RuleSet::current(), &u).unwrap();
            let covered: u64 = s.scopes.iter().map(|x| x.covered_nc[0]).sum();
            assert_eq!(covered, 16, "{names:?}");
            let overage: Decimal = s.scopes.iter().map(|x| x.total_overage).sum();
            assert_eq!(overage, Decimal::new(10 * (1 + 2), 2), "{names:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// SQL-18, OQ-6: renaming scopes never changes what the assignments cover.
        #[test]
        fn sql_18_renaming_scopes_changes_nothing(
            dbs in prop::collection::vec((0u8..4, 1u32..16, any::<bool>()), 1..6),
            assigned in prop::collection::vec((0u8..4, 1u32..40), 1..4),
            perm in Just(["a", "b", "c", "d"]).prop_shuffle(),
        ) {
            let (e1, u1) = nested(["ba", "s0", "s1", "rg"], &dbs, &assigned);
            let renamed = [
                &*format!("{}-ba", perm[0]),
                &*format!("{}-s0", perm[1]),
                &*format!("{}-s1", perm[2]),
                &*format!("{}-rg", perm[3]),
            ];
            let (e2, u2) = nested(renamed, &dbs, &assigned);
            prop_assert_eq!(totals(&e1, &u1), totals(&e2, &u2));
        }
    }
}

fn sql_vm(id: &str, lt: &str, primary: Option<&str>) -> Value {
    let mut v = json!({"id": id, "kind": "sql_vm", "edition": "enterprise", "vcpus": 8,
                       "license_type": lt});
    if let Some(p) = primary {
        v["replica_of"] = json!(p);
    }
    v
}

fn over(pos: &ahb_core::Position) -> Vec<&str> {
    let mut v: Vec<&str> = pos
        .over_claimed
        .iter()
        .map(|o| o.resource.as_str())
        .collect();
    v.sort();
    v
}

#[test]
fn sql_9_tv_46_two_free_passives_per_azure_primary() {
    // TV-46: one primary and two passive secondaries, all in Azure: 32 NC (primary only).
    let v = estate(
        vec![line("E", "sql_server", "enterprise", 8)],
        vec![
            sql_vm("p", "AHUB", None),
            sql_vm("s1", "DR", Some("p")),
            sql_vm("s2", "DR", Some("p")),
        ],
    );
    let pos = audit(&load(&v), &RuleSet::current(), d("2026-06-01")).unwrap();
    assert!(pos.compliant, "{:?}", pos.over_claimed);
    assert_eq!(pos.pools[0].claimed, 32);
    let s1 = sql_req(&pos, "s1");
    assert_eq!(s1.units, 0);
    assert!(
        s1.reasons
            .iter()
            .any(|r| r.rule == "SQL-9" && r.text.contains("1 of 2"))
    );
    // SQL-9: pay-as-you-go customers may use the HA/DR type when all three are in Azure.
    let mut v2 = v.clone();
    v2["resources"][0]["license_type"] = json!("PAYG");
    let pos = audit(&load(&v2), &RuleSet::current(), d("2026-06-01")).unwrap();
    assert!(pos.compliant && over(&pos).is_empty());
}

#[test]
fn sql_9_seven_dr_vms_beyond_the_allowance_or_without_a_primary_need_licences() {
    // Four DR replicas on one primary, three with no primary at all; no SQL licence owned
    // beyond the primary's.
    let v = estate(
        vec![line("E", "sql_server", "enterprise", 8)],
        vec![
            sql_vm("p", "AHUB", None),
            sql_vm("a1", "DR", Some("p")),
            sql_vm("a2", "DR", Some("p")),
            sql_vm("a3", "DR", Some("p")),
            sql_vm("a4", "DR", Some("p")),
            sql_vm("n1", "DR", None),
            sql_vm("n2", "DR", None),
            sql_vm("n3", "DR", Some("nowhere")),
        ],
    );
    let pos = audit(&load(&v), &RuleSet::current(), d("2026-06-01")).unwrap();
    assert!(!pos.compliant);
    let sql = &pos.pools[0];
    // Primary 32 + two beyond the allowance + three without a primary = 6 × 32 NC.
    assert_eq!((sql.claimed, sql.covered, sql.shortfall), (192, 32, 160));
    for id in ["a3", "a4"] {
        let q = sql_req(&pos, id);
        assert!(q.claimed && q.units == 32);
        assert!(q.reasons[0].rule == "SQL-9" && q.reasons[0].text.contains("beyond the allowance"));
    }
    for id in ["n1", "n2", "n3"] {
        let q = sql_req(&pos, id);
        assert!(q.claimed && q.units == 32, "{id}");
        assert_eq!(q.reasons[0].rule, "SQL-9");
    }
    assert!(
        sql_req(&pos, "n3").reasons[0]
            .text
            .contains("not in the estate")
    );
    // The plan turns the unentitled replicas to pay-as-you-go and audits clean.
    let plan = optimize(&load(&v), &RuleSet::current(), &options("2026-06-01")).unwrap();
    assert!(plan.verification.compliant);
    let applied = audit(
        &apply_plan(&load(&v), &plan),
        &RuleSet::current(),
        plan.as_of,
    )
    .unwrap();
    assert!(applied.compliant);
}

#[test]
fn sql_9_hybrid_primary_on_premises_frees_one_dr_replica_in_azure() {
    let mut r1 = sql_vm("dr1", "DR", Some("onprem-sql01"));
    r1["primary_on_premises"] = json!(true);
    let mut r2 = sql_vm("dr2", "DR", Some("onprem-sql01"));
    r2["primary_on_premises"] = json!(true);
    let v = estate(vec![], vec![r1, r2]);
    let pos = audit(&load(&v), &RuleSet::current(), d("2026-06-01")).unwrap();
    // Both need 32 NC; the dearest-first tie goes by id: dr1 free, dr2 licensed.
    assert_eq!(over(&pos), ["dr2"]);
}

#[test]
fn sql_14_one_standby_per_primary_and_mi_passive_needs_a_primary() {
    let db = |id: &str, standby: bool, primary: Option<&str>| {
        let mut v = json!({"id": id, "kind": "sql_database", "tier": "general_purpose",
                           "vcores": 16, "standby": standby, "license_type": "LicenseIncluded"});
        if let Some(p) = primary {
            v["replica_of"] = json!(p);
        }
        v
    };
    let mi = |id: &str, passive: bool, primary: Option<&str>| {
        let mut v = json!({"id": id, "kind": "sql_managed_instance", "tier": "general_purpose",
                           "vcores": 8, "passive_dr": passive, "license_type": "LicenseIncluded"});
        if let Some(p) = primary {
            v["replica_of"] = json!(p);
        }
        v
    };
    let v = estate(
        vec![],
        vec![
            db("db", false, None),
            db("sb1", true, Some("db")),
            db("sb2", true, Some("db")),
            db("orphan", true, None),
            mi("mi", false, None),
            mi("mi-dr", true, Some("mi")),
            mi("mi-orphan", true, None),
        ],
    );
    let pos = audit(&load(&v), &RuleSet::current(), d("2026-06-01")).unwrap();
    // TV-48: one standby per primary is free; a second, and those without a primary, are not.
    assert_eq!(over(&pos), ["mi-orphan", "orphan", "sb2"]);
    assert_eq!(sql_req(&pos, "sb1").units, 0);
    assert_eq!(sql_req(&pos, "sb2").units, 16);
    assert_eq!(sql_req(&pos, "sb2").reasons[0].rule, "SQL-14");
    assert_eq!(sql_req(&pos, "mi-orphan").reasons[0].rule, "SQL-9");
    assert_eq!(sql_req(&pos, "mi-dr").units, 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// OQ-3: the audit's statement of what the Windows pool would be short without Datacenter
    /// dual use is the shortfall a whole audit with `ws_datacenter_dual_use = none` finds, on
    /// random estates with Datacenter licences partly in use on premises.
    #[test]
    fn oq_3_the_shortfall_without_dual_use_is_the_strict_audits(
        res in prop::collection::vec((0u8..6, 1u32..20, 0u32..400, any::<bool>()), 1..8),
        lines in prop::collection::vec((0u8..5, 1u32..40, 0u32..48), 1..5),
        single in any::<bool>(),
    ) {
        let mut v = random_estate(
            &res,
            &lines.iter().map(|&(k, q, _)| (k, q)).collect::<Vec<_>>(),
        );
        for (l, &(k, _, on_premises)) in v["licences"].as_array_mut().unwrap().iter_mut().zip(&lines) {
            let quantity = l["quantity"].as_u64().unwrap();
            if k == 1 && on_premises > 0 {
                l["on_premises_in_use"] = json!(u64::from(on_premises).min(quantity));
            }
        }
        let e = load(&v);
        let mut rules = RuleSet::current();
        rules.knobs.ws_single_edition_per_vm = single;
        let pos = audit(&e, &rules, d("2026-06-01")).unwrap();
        let mut strict = rules.clone();
        strict.knobs.ws_datacenter_dual_use = ahb_core::rules::DatacenterDualUse::None;
        let alt = audit(&e, &strict, d("2026-06-01")).unwrap();
        let short = |p: &ahb_core::Position| {
            p.pools
                .iter()
                .find(|p| p.pool == ahb_core::rules::Pool::WindowsServer)
                .map(|p| p.shortfall)
        };
        let oq3 = pos
            .pools
            .iter()
            .flat_map(|p| &p.reasons)
            .find(|r| r.rule == "OQ-3");
        if let (Some(r), Some(now), Some(without)) = (oq3, short(&pos), short(&alt)) {
            if now == without {
                prop_assert!(r.text.contains(&format!("short {now} either way")), "{}", r);
            } else {
                let said = format!("the shortfall would be {without}, not {now}");
                prop_assert!(r.text.contains(&said), "{} / {}", r, said);
            }
        }
        let on_premises = lines.iter().any(|&(k, _, o)| k == 1 && o > 0);
        prop_assert_eq!(oq3.is_some(), on_premises && short(&pos).is_some());
    }
}
