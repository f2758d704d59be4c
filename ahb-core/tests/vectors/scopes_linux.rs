//! Scope-level (centrally managed) SQL and Linux (TV-49…TV-54)
//!
//! Centrally managed SQL (hourly application, utilisation, review dates) is a later issue
//! (`central/`, `timeline/`). What the engine expresses today is a licence line assigned to a
//! scope, which covers only resources in that scope's subtree: the NC arithmetic and the
//! coverage/shortfall of one hour's running demand as a pool.

use super::*;

/// A subscription under a billing account with 40 NC (10 Enterprise core licences) assigned to
/// it, and `n` General Purpose databases of 8 vCores (8 NC each) with AHB running in it.
fn scope_estate(n: u32) -> Estate {
    let resources: Vec<Value> = (0..n)
        .map(|i| {
            with(
                sql_db(&format!("db{i}"), "general_purpose", 8),
                "scope",
                json!("sub1"),
            )
        })
        .collect();
    estate_in(
        json!([{"id": "ba", "kind": "billing_account"},
               {"id": "sub1", "kind": "subscription", "parent": "ba"}]),
        json!([with(sql("ent", "enterprise", 10), "scope", json!("sub1"))]),
        json!(resources),
    )
}

#[test]
fn tv_49_scope_40_nc_against_48_nc_demand_covers_40_bills_8() {
    let p = run(&scope_estate(6), &RuleSet::current());
    let sp = pool(&p, Pool::SqlServer);
    assert_eq!(sp.supply_for_vms, 40);
    assert_eq!((sp.claimed, sp.covered, sp.shortfall), (48, 40, 8));
    assert_eq!(sp.idle, 0);
    // Utilisation of the assignment: 100 %.
    assert_eq!(sp.covered * 100 / sp.supply_for_vms, 100);
    assert!(!p.compliant);
    // 8 NC-equivalents are left to pay-as-you-go; which resources is unspecified (OQ-6), the
    // engine names a deterministic set summing to 8.
    let uncovered: u64 = p.over_claimed.iter().map(|o| o.uncovered).sum();
    assert_eq!(uncovered, 8);
    // A SQL shortfall cites the SQL qualifying-licence rule, not the Windows WS-14.
    assert!(p.over_claimed.iter().all(|o| o.reason.rule == "GEN-2"));
    assert_cites(&requirement(&p, "db0", Pool::SqlServer).reasons, &["SQL-2"]);
    assert_cites(&line_reasons(sp), &["SQL-1"]);
}

#[test]
fn tv_50_scope_40_nc_against_30_nc_demand_is_75_percent_used() {
    let e = estate_in(
        json!([{"id": "sub1", "kind": "subscription"}]),
        json!([with(sql("ent", "enterprise", 10), "scope", json!("sub1"))]),
        json!([
            with(sql_db("db1", "general_purpose", 8), "scope", json!("sub1")),
            with(
                sql_db("db2", "business_critical", 4),
                "scope",
                json!("sub1")
            ),
            with(sql_db("db3", "general_purpose", 6), "scope", json!("sub1")),
        ]),
    );
    let p = run(&e, &RuleSet::current());
    let sp = pool(&p, Pool::SqlServer);
    assert!(p.compliant);
    assert_eq!(
        (sp.supply_for_vms, sp.claimed, sp.covered, sp.idle),
        (40, 30, 30, 10)
    );
    assert_eq!(sp.covered * 100 / sp.supply_for_vms, 75);
    assert_cites(&requirement(&p, "db2", Pool::SqlServer).reasons, &["SQL-2"]);

    // The assignment covers only its scope: the same demand in another subscription is short.
    let e = estate_in(
        json!([{"id": "sub1", "kind": "subscription"}, {"id": "sub2", "kind": "subscription"}]),
        json!([with(sql("ent", "enterprise", 10), "scope", json!("sub1"))]),
        json!([with(
            sql_db("db1", "general_purpose", 30),
            "scope",
            json!("sub2")
        )]),
    );
    let p = run(&e, &RuleSet::current());
    assert!(!p.compliant);
    assert_eq!(pool(&p, Pool::SqlServer).shortfall, 30);
}

#[test]
fn tv_51_assignment_expiry_leaves_resources_on_payg() {
    // The review-date timeline (expiry = review date + 90 days, e-mails 90/30/7 days before)
    // has no API yet: it comes with issue 4 (`timeline/`). What the engine expresses today is a
    // licence term that ends: the line covers the scope through its last day (the vector's
    // expiry date, 2026-09-28, taken as input) and from the next day the resources are
    // uncovered, i.e. billed pay-as-you-go.
    let lic = with(
        with(sql("ent", "enterprise", 10), "scope", json!("sub1")),
        "sa",
        json!({"start": "2025-06-30", "end": "2026-09-28"}),
    );
    let e = estate_in(
        json!([{"id": "sub1", "kind": "subscription"}]),
        json!([lic]),
        json!([with(
            sql_db("db", "general_purpose", 40),
            "scope",
            json!("sub1")
        )]),
    );
    let rules = RuleSet::current();
    let p = audit_on(&e, &rules, ymd(2026, 9, 28));
    let sp = pool(&p, Pool::SqlServer);
    assert!(p.compliant);
    assert_eq!((sp.covered, sp.idle), (40, 0));

    let p = audit_on(&e, &rules, ymd(2026, 9, 29));
    let sp = pool(&p, Pool::SqlServer);
    assert!(!p.compliant);
    assert_eq!((sp.supply_for_vms, sp.covered, sp.shortfall), (0, 0, 40));
    assert!(!sp.lines[0].supply.eligible);
    assert_cites(&line_reasons(sp), &["GEN-3"]);
}

fn rhel_line(id: &str, quantity: u32) -> Value {
    json!({"id": id, "product": "rhel", "metric": "subscription", "quantity": quantity,
           "programme": "other", "sa": sa()})
}

#[test]
fn tv_52_rhel_byos_removes_the_software_fee_without_core_counting() {
    let vm = json!([{"id": "rhel", "kind": "vm", "os": "rhel", "vcpus": 16,
                     "license_type": "RHEL_BYOS"}]);
    let p = run(
        &estate(json!([rhel_line("rh", 1)]), vm.clone()),
        &RuleSet::current(),
    );
    let q = requirement(&p, "rhel", Pool::Rhel);
    // One subscription unit for the VM, whatever its 16 vCPUs (Azure counts no cores).
    assert_eq!(q.units, units_per_instance(LinuxUnit::Vm, 16));
    assert_eq!(q.units, 1);
    assert!(q.claimed && q.eligible);
    assert_cites(&q.reasons, &["LNX-6"]);
    let rp = pool(&p, Pool::Rhel);
    assert!(p.compliant);
    assert_eq!((rp.claimed, rp.covered), (1, 1));
    assert_cites(&line_reasons(rp), &["LNX-2"]);
    assert!(p.pools.iter().all(|x| x.pool != Pool::WindowsServer));

    // Vendor units are configurable (OQ-17): counted per vCPU the VM needs 16.
    let per_vcpu = current_with(|r| r.knobs.rhel_unit = LinuxUnit::Vcpu);
    let p = run(&estate(json!([rhel_line("rh", 16)]), vm.clone()), &per_vcpu);
    assert_eq!(requirement(&p, "rhel", Pool::Rhel).units, 16);
    assert!(p.compliant);

    // Without an enabled subscription the claim is uncovered.
    let p = run(&estate(json!([]), vm), &RuleSet::current());
    assert!(!p.compliant);
    assert_eq!(pool(&p, Pool::Rhel).shortfall, 1);
    assert_eq!(p.over_claimed[0].reason.rule, "LNX-2");
}

#[test]
fn tv_53_rhel_byos_on_a_sles_vm_changes_nothing() {
    let vm = json!([{"id": "sles", "kind": "vm", "os": "sles", "vcpus": 4,
                     "license_type": "RHEL_BYOS"}]);
    let p = run(
        &estate(json!([rhel_line("rh", 1)]), vm),
        &RuleSet::current(),
    );
    let q = requirement(&p, "sles", Pool::Sles);
    assert!(!q.claimed);
    assert_cites(&q.reasons, &["LNX-7"]);
    assert!(p.compliant);
    assert!(p.over_claimed.is_empty());
    assert_eq!(pool(&p, Pool::Sles).claimed, 0);
    assert_eq!(pool(&p, Pool::Rhel).claimed, 0);
}

#[test]
fn tv_54_rhel_for_virtual_datacenters_is_not_eligible() {
    let vdc = with(rhel_line("vdc", 10), "virtual_datacenters", json!(true));
    let vm = json!([{"id": "rhel", "kind": "vm", "os": "rhel", "vcpus": 4,
                     "license_type": "RHEL_BYOS"}]);
    let p = run(&estate(json!([vdc]), vm), &RuleSet::current());
    let rp = pool(&p, Pool::Rhel);
    assert!(!rp.lines[0].supply.eligible);
    assert_eq!((rp.supply_for_vms, rp.claimed, rp.shortfall), (0, 1, 1));
    assert!(!p.compliant);
    assert_cites(&line_reasons(rp), &["LNX-4"]);
}
