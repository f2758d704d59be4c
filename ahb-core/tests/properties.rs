//! Property tests: requirements are monotone and respect the per-resource minimums, the audit
//! is deterministic and invariant under reordering, and pool compliance equals a brute-force
//! search over every way of spreading the licences.

use ahb_core::rules::{Context, Pool};
use ahb_core::{Estate, Resource, RuleSet, audit};
use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Value, json};

mod common;

/// The audit date of these tests.
fn date() -> NaiveDate {
    common::ymd(2026, 6, 1)
}

fn resource(v: Value) -> Resource {
    serde_json::from_value(v).unwrap()
}

fn units(rules: &RuleSet, r: &Resource) -> u64 {
    rules.assess(r, &Context::default()).requirements[0].units
}

fn rule_sets() -> impl Strategy<Value = RuleSet> {
    prop_oneof![Just(RuleSet::current()), Just(RuleSet::legacy_2021())]
}

proptest! {
    #[test]
    fn windows_requirement_is_monotone_and_at_least_8(v in 1u32..400, rules in rule_sets()) {
        let at = |c: u32| units(&rules, &resource(json!({"id": "x", "kind": "vm", "os": "windows", "vcpus": c})));
        prop_assert!(at(v) >= 8);
        prop_assert!(at(v) >= u64::from(v));
        prop_assert!(at(v) <= at(v + 1));
    }

    #[test]
    fn scale_set_requirement_is_instances_times_one_vm(v in 1u32..64, n in 1u32..50, rules in rule_sets()) {
        let one = units(&rules, &resource(json!({"id": "x", "kind": "vm", "os": "windows", "vcpus": v})));
        let set = units(&rules, &resource(json!({"id": "s", "kind": "scale_set", "os": "windows",
                                                  "vcpus": v, "instances": n})));
        prop_assert_eq!(set, one * u64::from(n));
    }

    #[test]
    fn sql_vm_requirement_is_monotone_and_at_least_the_4_vcore_minimum(
        v in 1u32..200, enterprise in any::<bool>()
    ) {
        let rules = RuleSet::current();
        let edition = if enterprise { "enterprise" } else { "standard" };
        let at = |c: u32| units(&rules, &resource(json!({"id": "x", "kind": "sql_vm", "edition": edition,
                                                          "vcpus": c, "license_type": "AHUB"})));
        let ratio = if enterprise { 4 } else { 1 };
        prop_assert!(at(v) >= 4 * ratio);
        prop_assert!(at(v) <= at(v + 1));
    }

    #[test]
    fn paas_requirement_is_linear_in_vcores(v in 1u32..128, bc in any::<bool>()) {
        let tier = if bc { "business_critical" } else { "general_purpose" };
        let at = |c: u32| units(&RuleSet::current(), &resource(json!({"id": "d", "kind": "sql_database",
                                                                     "tier": tier, "vcores": c})));
        prop_assert_eq!(at(v + 1) - at(v), if bc { 4 } else { 1 });
    }
}

/// A small random estate: Windows and SQL lines, VMs, hosts, databases.
fn small_estate() -> impl Strategy<Value = Value> {
    let line = (0u8..4, 1u32..40, 0u32..40, any::<bool>(), 0u8..3).prop_map(|(kind, q, onprem, sa, scope)| {
        let (product, edition) = match kind {
            0 => ("windows_server", "standard"),
            1 => ("windows_server", "datacenter"),
            2 => ("sql_server", "standard"),
            _ => ("sql_server", "enterprise"),
        };
        let mut l = json!({"product": product, "edition": edition, "metric": "core", "quantity": q,
                           "programme": "ea", "on_premises_in_use": onprem.min(q)});
        if sa {
            l["sa"] = json!({"start": "2025-01-01", "end": "2027-01-01"});
        }
        if scope == 1 {
            l["scope"] = json!("sub-a");
        }
        l
    });
    let res = (0u8..5, 1u32..24, any::<bool>(), 0u8..3).prop_map(|(kind, n, on, scope)| {
        let mut r = match kind {
            0 => json!({"kind": "vm", "os": "windows", "vcpus": n,
                        "license_type": if on { "Windows_Server" } else { "None" }}),
            1 => json!({"kind": "dedicated_host", "physical_cores": n * 2,
                        "license_type": if on { "Windows_Server_Hybrid" } else { "None" }}),
            2 => json!({"kind": "sql_vm", "edition": "enterprise", "vcpus": n,
                        "license_type": if on { "AHUB" } else { "PAYG" }}),
            3 => json!({"kind": "sql_database", "tier": "general_purpose", "vcores": n,
                        "license_type": if on { "BasePrice" } else { "LicenseIncluded" }}),
            _ => json!({"kind": "azure_local_cluster", "node_cores": [n, n], "ahb": on}),
        };
        r["scope"] = json!(match scope {
            0 => "sub-a",
            1 => "sub-b",
            _ => "sub-a/rg",
        });
        r
    });
    (prop::collection::vec(line, 0..5), prop::collection::vec(res, 0..8)).prop_map(|(ls, rs)| {
        let ls: Vec<Value> = ls.into_iter().enumerate().map(|(i, mut l)| { l["id"] = json!(format!("L{i}")); l }).collect();
        let rs: Vec<Value> = rs.into_iter().enumerate().map(|(i, mut r)| { r["id"] = json!(format!("R{i}")); r }).collect();
        json!({"schema": "ahb.estate/1",
               "scopes": [{"id": "sub-a", "kind": "subscription"}, {"id": "sub-b", "kind": "subscription"},
                          {"id": "sub-a/rg", "kind": "resource_group", "parent": "sub-a"}],
               "licences": ls, "resources": rs})
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn audit_is_deterministic_and_order_invariant(e in small_estate(), rules in rule_sets()) {
        let estate = Estate::from_json(&e.to_string()).unwrap();
        let a = audit(&estate, &rules, date()).unwrap().to_json();
        let b = audit(&estate, &rules, date()).unwrap().to_json();
        prop_assert_eq!(&a, &b);
        let mut reversed = estate.clone();
        reversed.resources.reverse();
        reversed.licences.reverse();
        let p = audit(&estate, &rules, date()).unwrap();
        let q = audit(&reversed, &rules, date()).unwrap();
        for (x, y) in p.pools.iter().zip(&q.pools) {
            prop_assert_eq!((x.claimed, x.covered, x.shortfall, x.idle), (y.claimed, y.covered, y.shortfall, y.idle));
        }
        prop_assert_eq!(p.compliant, q.compliant);
    }

    #[test]
    fn estate_json_round_trips(e in small_estate()) {
        let estate = Estate::from_json(&e.to_string()).unwrap();
        let again = Estate::from_json(&estate.to_json()).unwrap();
        prop_assert_eq!(estate, again);
    }

    #[test]
    fn more_supply_never_increases_a_shortfall(e in small_estate(), extra in 1u32..64) {
        let estate = Estate::from_json(&e.to_string()).unwrap();
        let before = audit(&estate, &RuleSet::current(), date()).unwrap();
        let mut more = e.clone();
        more["licences"].as_array_mut().unwrap().push(json!({
            "id": "EXTRA", "product": "windows_server", "edition": "datacenter", "metric": "core",
            "quantity": extra, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2027-01-01"}}));
        let after = audit(&Estate::from_json(&more.to_string()).unwrap(), &RuleSet::current(), date()).unwrap();
        let short = |p: &ahb_core::Position, pool: Pool| p.pools.iter().find(|x| x.pool == pool).map_or(0, |x| x.shortfall);
        prop_assert!(short(&after, Pool::WindowsServer) <= short(&before, Pool::WindowsServer));
        prop_assert_eq!(short(&after, Pool::SqlServer), short(&before, Pool::SqlServer));
    }

    /// Windows compliance without scopes against brute force: every way of splitting each
    /// line between host-level and VM use is tried, and the best coverage must equal the audit's.
    #[test]
    fn windows_coverage_equals_brute_force(
        lines in prop::collection::vec((any::<bool>(), 1u32..7, 0u32..7, any::<bool>()), 1..4),
        vm_demand in prop::collection::vec(1u32..12, 0..3),
        host_cores in prop::collection::vec(1u32..6, 0..2),
    ) {
        let mut ls = Vec::new();
        for (i, (dc, q, onprem, window)) in lines.iter().enumerate() {
            let mut l = json!({"id": format!("L{i}"), "product": "windows_server",
                "edition": if *dc { "datacenter" } else { "standard" }, "metric": "core",
                "quantity": q, "programme": "ea", "on_premises_in_use": (*onprem).min(*q),
                "sa": {"start": "2025-01-01", "end": "2027-01-01"}});
            if *window { l["migration_start"] = json!("2026-05-01"); }
            ls.push(l);
        }
        let mut rs = Vec::new();
        for (i, v) in vm_demand.iter().enumerate() {
            rs.push(json!({"id": format!("vm{i}"), "kind": "vm", "os": "windows", "vcpus": v,
                           "license_type": "Windows_Server"}));
        }
        for (i, c) in host_cores.iter().enumerate() {
            rs.push(json!({"id": format!("dh{i}"), "kind": "dedicated_host", "physical_cores": c,
                           "license_type": "Windows_Server_Hybrid"}));
        }
        let estate = Estate::from_json(&json!({"schema": "ahb.estate/1", "licences": ls, "resources": rs}).to_string()).unwrap();
        let p = audit(&estate, &RuleSet::current(), date()).unwrap();
        let Some(pool) = p.pools.iter().find(|x| x.pool == Pool::WindowsServer) else {
            prop_assert!(vm_demand.is_empty() && host_cores.is_empty());
            return Ok(());
        };
        let v: u64 = vm_demand.iter().map(|&c| u64::from(c.max(8))).sum();
        let h: u64 = host_cores.iter().map(|&c| u64::from(c)).sum();
        // Brute force over each line's (host, vm) split.
        let caps: Vec<(u64, u64)> = pool.lines.iter().map(|l| (l.supply.for_hosts, l.supply.for_vms)).collect();
        let dc: Vec<bool> = pool.lines.iter().map(|l| l.supply.edition == Some(ahb_core::model::Edition::Datacenter)).collect();
        fn best(i: usize, caps: &[(u64, u64)], dc: &[bool], hs: u64, vs: u64, h: u64, v: u64) -> u64 {
            if i == caps.len() { return hs.min(h) + vs.min(v); }
            let (fh, fv) = caps[i];
            let total = fh.max(fv);
            let mut b = 0;
            let host_max = if dc[i] { fh } else { 0 };
            for x in 0..=host_max {
                let y = fv.min(total - x);
                b = b.max(best(i + 1, caps, dc, hs + x, vs + y, h, v));
            }
            b
        }
        prop_assert_eq!(pool.covered, best(0, &caps, &dc, 0, 0, h, v));
        prop_assert_eq!(pool.shortfall, v + h - pool.covered);
    }
}
