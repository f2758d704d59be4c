//! Worked examples of the Microsoft docs (S3, S7, S26), through the licence ledger and the audit

use super::windows::{s26_estate_vms, two_processor};
use super::*;

/// A ledger of `ent` Enterprise and `std` Standard licences supplies exactly `nc` NC: demand of
/// `nc` NC is covered with nothing idle and demand of `nc + 1` is one NC short.
#[track_caller]
fn check_docs_nc(ent: u32, std: u32, nc: u32) {
    let lic = json!([sql("ent", "enterprise", ent), sql("std", "standard", std)]);
    let p = run(
        &estate(lic.clone(), json!(gp_databases("db", nc))),
        &RuleSet::current(),
    );
    let sp = pool(&p, Pool::SqlServer);
    assert_eq!(sp.supply_for_vms, u64::from(nc));
    assert!(p.compliant);
    assert_eq!(
        (sp.claimed, sp.covered, sp.idle),
        (u64::from(nc), u64::from(nc), 0)
    );
    assert_cites(&line_reasons(sp), &["SQL-1"]);

    let mut over = gp_databases("db", nc);
    over.push(sql_db("one-more", "general_purpose", 1));
    let p = run(&estate(lic, json!(over)), &RuleSet::current());
    assert_eq!(pool(&p, Pool::SqlServer).shortfall, 1);
    assert!(!p.compliant);
}

#[test]
fn docs_s3_four_enterprise_seven_standard_is_23_nc() {
    check_docs_nc(4, 7, 23);
}

#[test]
fn docs_s3_eight_standard_eight_enterprise_is_40_nc() {
    check_docs_nc(8, 8, 40);
}

#[test]
fn docs_s3_ten_standard_ten_enterprise_is_50_nc() {
    check_docs_nc(10, 10, 50);
}

#[test]
fn docs_s7_2000_enterprise_750_standard_is_8750_nc() {
    check_docs_nc(2000, 750, 8750);
}

#[test]
fn docs_s7_1800_enterprise_2000_standard_is_9200_nc() {
    check_docs_nc(1800, 2000, 9200);
}

#[test]
fn docs_s26_960_vms_need_483_two_processor_licences() {
    // 954 VMs of at most 8 vCPUs and 6 of 16 vCPUs (S26; legacy rules, as in 2020): 483
    // two-processor licences cover them exactly, 482 do not.
    let vms = s26_estate_vms();
    let rules = RuleSet::legacy_2021();
    let p = run(&estate(json!([two_processor(483)]), json!(vms)), &rules);
    let wp = pool(&p, Pool::WindowsServer);
    assert!(p.compliant);
    assert_eq!((wp.claimed, wp.covered, wp.idle), (7728, 7728, 0));
    assert_cites(&line_reasons(wp), &["WS-2"]);
    assert_cites(
        &requirement(&p, "large5", Pool::WindowsServer).reasons,
        &["WS-3"],
    );

    let p = run(&estate(json!([two_processor(482)]), json!(vms)), &rules);
    let wp = pool(&p, Pool::WindowsServer);
    assert!(!p.compliant);
    assert_eq!(wp.shortfall, 16);
}

// ---------------------------------------------------------------------------------------------
// `RuleSet::assess` directly, for a resource out of any estate context
// ---------------------------------------------------------------------------------------------

#[test]
fn assess_without_an_estate_matches_the_audit() {
    let e = estate(
        json!([]),
        json!([win_vm("vm1", 12), sql_vm("s", "enterprise", 2, "AHUB")]),
    );
    let rules = RuleSet::current();
    let a = rules.assess(&e.resources[0], &Context::default());
    assert_eq!(a.requirements[0].units, 12);
    assert_cites(&a.requirements[0].reasons, &["WS-1"]);
    let a = rules.assess(&e.resources[1], &Context::default());
    assert_eq!(a.requirements[0].units, 16);
    assert_cites(&a.requirements[0].reasons, &["SQL-8"]);
}
