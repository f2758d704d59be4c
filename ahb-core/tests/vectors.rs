//! The test vectors of RULES.md §10 (TV-01…TV-54), one test each, plus the worked examples of
//! the Microsoft docs (S3, S7: 23, 40, 50, 8,750 and 9,200 NC; S26: 483 two-processor licences
//! for a 960-VM estate).
//!
//! Every test builds a small estate as JSON, runs it through the public API (`audit`,
//! `RuleSet::assess` or the rule helpers) under the vector's rule set and knobs, and checks both
//! the numbers and the rule IDs the explanation cites. Expected values are the vector's; every
//! value compared with them is computed by the library.

use ahb_core::model::{LinuxUnit, SqlTier};
use ahb_core::position::PoolPosition;
use ahb_core::rules::{
    AksVcpuBasis, Assessment, Context, DatacenterDualUse, Draw, HyperscaleAhb, Pool, Requirement,
    SqlVmMinBasis, WsRule, core_licences_per_vm, line_supply, nc_per_vcore, normalised_cores,
    units_per_instance,
};
use ahb_core::{Estate, Position, Reason, RuleSet, audit};
use chrono::NaiveDate;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Helpers: build estates, run the audit, look things up, check citations.
// ---------------------------------------------------------------------------------------------

/// The SA term of every licence line unless a test says otherwise.
fn sa() -> Value {
    json!({"start": "2025-01-01", "end": "2027-12-31"})
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The audit date of every test unless it says otherwise (inside the SA term).
fn today() -> NaiveDate {
    ymd(2026, 11, 25)
}

/// An estate of `licences` and `resources` (JSON arrays), read and validated through the
/// public JSON contract.
fn estate(licences: Value, resources: Value) -> Estate {
    estate_in(json!([]), licences, resources)
}

/// [`estate`] with a scope tree.
fn estate_in(scopes: Value, licences: Value, resources: Value) -> Estate {
    let doc = json!({
        "schema": "ahb.estate/1",
        "scopes": scopes,
        "licences": licences,
        "resources": resources,
    });
    Estate::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("estate does not load: {e}"))
}

fn audit_on(e: &Estate, rules: &RuleSet, date: NaiveDate) -> Position {
    audit(e, rules, date).unwrap_or_else(|e| panic!("audit failed: {e}"))
}

fn run(e: &Estate, rules: &RuleSet) -> Position {
    audit_on(e, rules, today())
}

/// A core licence line with active SA.
fn line(id: &str, product: &str, edition: &str, quantity: u32) -> Value {
    json!({
        "id": id, "product": product, "edition": edition, "metric": "core",
        "quantity": quantity, "programme": "ea", "sa": sa(),
    })
}

fn ws(id: &str, edition: &str, quantity: u32) -> Value {
    line(id, "windows_server", edition, quantity)
}

fn sql(id: &str, edition: &str, quantity: u32) -> Value {
    line(id, "sql_server", edition, quantity)
}

/// A JSON object (licence line or resource) with `field` set to `value`.
fn with(mut v: Value, field: &str, value: Value) -> Value {
    v[field] = value;
    v
}

/// A Windows VM with `licenseType = Windows_Server`.
fn win_vm(id: &str, vcpus: u32) -> Value {
    json!({"id": id, "kind": "vm", "os": "windows", "vcpus": vcpus,
           "license_type": "Windows_Server"})
}

/// `n` Windows VMs of `vcpus`, ids `{prefix}{i}`.
fn win_vms(prefix: &str, n: u32, vcpus: u32) -> Vec<Value> {
    (0..n)
        .map(|i| win_vm(&format!("{prefix}{i}"), vcpus))
        .collect()
}

/// A SQL Server VM.
fn sql_vm(id: &str, edition: &str, vcpus: u32, license_type: &str) -> Value {
    json!({"id": id, "kind": "sql_vm", "edition": edition, "vcpus": vcpus,
           "license_type": license_type})
}

/// A provisioned vCore SQL database with AHB (`BasePrice`).
fn sql_db(id: &str, tier: &str, vcores: u32) -> Value {
    json!({"id": id, "kind": "sql_database", "tier": tier, "vcores": vcores,
           "license_type": "BasePrice"})
}

/// General Purpose databases with AHB whose demand totals `nc` NC (1 NC per vCore, SQL-2),
/// split so that no database exceeds the validator's vCore bound.
fn gp_databases(prefix: &str, nc: u32) -> Vec<Value> {
    let mut left = nc;
    let mut out = Vec::new();
    while left > 0 {
        let v = left.min(4000);
        out.push(sql_db(
            &format!("{prefix}{}", out.len()),
            "general_purpose",
            v,
        ));
        left -= v;
    }
    out
}

fn pool(p: &Position, which: Pool) -> &PoolPosition {
    p.pools
        .iter()
        .find(|q| q.pool == which)
        .unwrap_or_else(|| panic!("no {which:?} pool in the position"))
}

fn assessment<'a>(p: &'a Position, id: &str) -> &'a Assessment {
    p.resources
        .iter()
        .find(|a| a.resource == id)
        .unwrap_or_else(|| panic!("no assessment of {id}"))
}

fn requirement<'a>(p: &'a Position, id: &str, which: Pool) -> &'a Requirement {
    assessment(p, id)
        .requirements
        .iter()
        .find(|q| q.pool == which)
        .unwrap_or_else(|| panic!("{id} has no {which:?} requirement"))
}

/// All reasons of a pool's lines.
fn line_reasons(p: &PoolPosition) -> Vec<Reason> {
    p.lines
        .iter()
        .flat_map(|l| l.supply.reasons.iter().cloned())
        .collect()
}

fn cites(reasons: &[Reason], id: &str) -> bool {
    reasons.iter().any(|r| r.rule == id)
}

#[track_caller]
fn assert_cites(reasons: &[Reason], ids: &[&str]) {
    let cited: Vec<&str> = reasons.iter().map(|r| r.rule).collect();
    for id in ids {
        assert!(
            cited.contains(id),
            "expected a reason citing {id}; cited: {cited:?}"
        );
    }
}

/// The current rule set with one knob changed.
fn current_with(change: impl FnOnce(&mut RuleSet)) -> RuleSet {
    let mut r = RuleSet::current();
    change(&mut r);
    r
}

/// Checks a Windows counting vector: under `rules` the VMs claim exactly `expected` core
/// licences; `expected` Datacenter licences cover them with nothing idle, one fewer leaves a
/// shortfall of one. Returns the position without licences, for citation checks.
#[track_caller]
fn check_ws_demand(rules: &RuleSet, vms: Vec<Value>, expected: u64) -> Position {
    let bare = run(&estate(json!([]), json!(vms)), rules);
    assert_eq!(pool(&bare, Pool::WindowsServer).claimed, expected);

    let q = u32::try_from(expected).expect("small");
    let exact = run(
        &estate(json!([ws("dc", "datacenter", q)]), json!(vms)),
        rules,
    );
    let wp = pool(&exact, Pool::WindowsServer);
    assert!(exact.compliant, "{expected} licences should cover the VMs");
    assert_eq!((wp.covered, wp.shortfall, wp.idle), (expected, 0, 0));

    let short = run(
        &estate(json!([ws("dc", "datacenter", q - 1)]), json!(vms)),
        rules,
    );
    let sp = pool(&short, Pool::WindowsServer);
    assert!(!short.compliant);
    assert_eq!(sp.shortfall, 1);
    bare
}

/// Checks a SQL vector: `resources` claim exactly `nc` NC; `ent` Enterprise or `std` Standard
/// core licences each cover them exactly.
#[track_caller]
fn check_sql_demand(
    rules: &RuleSet,
    resources: Vec<Value>,
    nc: u64,
    ent: u32,
    std: u32,
) -> Position {
    let bare = run(&estate(json!([]), json!(resources)), rules);
    assert_eq!(pool(&bare, Pool::SqlServer).claimed, nc);
    for lines in [
        json!([sql("ent", "enterprise", ent)]),
        json!([sql("std", "standard", std)]),
    ] {
        let p = run(&estate(lines, json!(resources)), rules);
        let sp = pool(&p, Pool::SqlServer);
        assert!(
            p.compliant,
            "{nc} NC should be covered by line {:?}",
            sp.lines[0].supply.line
        );
        assert_eq!((sp.covered, sp.shortfall, sp.idle), (nc, 0, 0));
    }
    bare
}

// ---------------------------------------------------------------------------------------------
// Windows Server: Azure VMs (TV-01…TV-20)
// ---------------------------------------------------------------------------------------------

#[test]
fn tv_01_four_vcpu_vm_needs_8() {
    let p = check_ws_demand(&RuleSet::current(), vec![win_vm("vm1", 4)], 8);
    let q = requirement(&p, "vm1", Pool::WindowsServer);
    assert_eq!(q.units, 8);
    assert!(q.claimed && q.eligible);
    assert_cites(&q.reasons, &["WS-1"]);
    let (n, why) = core_licences_per_vm(4, WsRule::Current2023);
    assert_eq!(n, 8);
    assert_eq!(why.rule, "WS-1");
}

#[test]
fn tv_02_twelve_vcpu_vm_needs_12_legacy_16() {
    let p = check_ws_demand(&RuleSet::current(), vec![win_vm("vm1", 12)], 12);
    assert_cites(
        &requirement(&p, "vm1", Pool::WindowsServer).reasons,
        &["WS-1"],
    );
    let p = check_ws_demand(&RuleSet::legacy_2021(), vec![win_vm("vm1", 12)], 16);
    assert_cites(
        &requirement(&p, "vm1", Pool::WindowsServer).reasons,
        &["WS-3"],
    );
    assert_eq!(core_licences_per_vm(12, WsRule::LegacyGroupsOf8).0, 16);
}

#[test]
fn tv_03_two_vcpu_vm_needs_8() {
    let p = check_ws_demand(&RuleSet::current(), vec![win_vm("vm1", 2)], 8);
    assert_cites(
        &requirement(&p, "vm1", Pool::WindowsServer).reasons,
        &["WS-1"],
    );
}

#[test]
fn tv_04_three_four_vcpu_vms_need_24_under_both_rules() {
    let p = check_ws_demand(&RuleSet::current(), win_vms("vm", 3, 4), 24);
    for i in 0..3 {
        let q = requirement(&p, &format!("vm{i}"), Pool::WindowsServer);
        assert_eq!(q.units, 8);
        assert_cites(&q.reasons, &["WS-1"]);
    }
    // Legacy: 24 = 1.5 sets of 16, already above the 16-licence estate minimum.
    let p = check_ws_demand(&RuleSet::legacy_2021(), win_vms("vm", 3, 4), 24);
    assert_eq!(pool(&p, Pool::WindowsServer).estate_minimum_topup, 0);
    assert_cites(
        &requirement(&p, "vm0", Pool::WindowsServer).reasons,
        &["WS-3"],
    );
}

#[test]
fn tv_05_twenty_vcpu_vm_needs_20_legacy_24() {
    let p = check_ws_demand(&RuleSet::current(), vec![win_vm("vm1", 20)], 20);
    assert_cites(
        &requirement(&p, "vm1", Pool::WindowsServer).reasons,
        &["WS-1"],
    );
    let p = check_ws_demand(&RuleSet::legacy_2021(), vec![win_vm("vm1", 20)], 24);
    assert_cites(
        &requirement(&p, "vm1", Pool::WindowsServer).reasons,
        &["WS-3"],
    );
}

#[test]
fn tv_06_multiples_of_8_are_the_same_under_both_rules() {
    for vcpus in [16, 24, 32, 64] {
        for (rules, rule_id) in [
            (RuleSet::current(), "WS-1"),
            (RuleSet::legacy_2021(), "WS-3"),
        ] {
            let p = check_ws_demand(&rules, vec![win_vm("vm1", vcpus)], u64::from(vcpus));
            assert_cites(
                &requirement(&p, "vm1", Pool::WindowsServer).reasons,
                &[rule_id],
            );
        }
    }
}

#[test]
fn tv_07_eight_vcpu_vm_needs_8() {
    let p = check_ws_demand(&RuleSet::current(), vec![win_vm("vm1", 8)], 8);
    assert_cites(
        &requirement(&p, "vm1", Pool::WindowsServer).reasons,
        &["WS-1"],
    );
}

#[test]
fn tv_08_two_processor_licences_are_32_core_licences() {
    let two_proc = json!({
        "id": "tp", "product": "windows_server", "edition": "datacenter",
        "metric": "two_processor", "quantity": 2, "programme": "ea", "sa": sa(),
    });
    // Directly through the line-supply rule.
    let e = estate(json!([two_proc.clone()]), json!([]));
    let s = line_supply(&e.licences[0], today(), &RuleSet::current().knobs);
    assert_eq!(s.licences, 32);
    assert_eq!(s.for_vms, 32);
    assert_cites(&s.reasons, &["WS-2"]);

    // And as a pool: two 16-vCPU VMs fit exactly; a third VM does not.
    let p = run(
        &estate(json!([two_proc.clone()]), json!(win_vms("vm", 2, 16))),
        &RuleSet::current(),
    );
    let wp = pool(&p, Pool::WindowsServer);
    assert_eq!(wp.supply_for_vms, 32);
    assert!(p.compliant);
    assert_eq!((wp.covered, wp.idle), (32, 0));
    assert_cites(&line_reasons(wp), &["WS-2"]);

    let p = run(
        &estate(json!([two_proc]), json!(win_vms("vm", 3, 16))),
        &RuleSet::current(),
    );
    assert!(!p.compliant);
    assert_eq!(pool(&p, Pool::WindowsServer).shortfall, 16);
}

#[test]
fn tv_09_eighty_core_licences_cover_at_most_10_small_vms() {
    let rules = RuleSet::current();
    let lic = json!([ws("std", "standard", 80)]);
    // 10 VMs of ≤ 8 vCPU: exactly covered.
    let mut vms = win_vms("a", 5, 8);
    vms.extend(win_vms("b", 5, 2));
    let p = run(&estate(lic.clone(), json!(vms)), &rules);
    let wp = pool(&p, Pool::WindowsServer);
    assert!(p.compliant);
    assert_eq!((wp.claimed, wp.covered, wp.idle), (80, 80, 0));
    assert_cites(
        &requirement(&p, "b0", Pool::WindowsServer).reasons,
        &["WS-1"],
    );

    // An 11th VM is one too many: 8 short, one VM uncovered.
    vms.push(win_vm("c0", 4));
    let p = run(&estate(lic.clone(), json!(vms)), &rules);
    let wp = pool(&p, Pool::WindowsServer);
    assert!(!p.compliant);
    assert_eq!((wp.covered, wp.shortfall), (80, 8));
    assert_eq!(p.over_claimed.len(), 1);
    assert_eq!(p.over_claimed[0].uncovered, 8);
    assert_eq!(p.over_claimed[0].reason.rule, "WS-14");

    // The blog's 20 VMs ("2-packs") are 80 licences short: half of them uncovered.
    let p = run(&estate(lic, json!(win_vms("vm", 20, 4))), &rules);
    let wp = pool(&p, Pool::WindowsServer);
    assert_eq!((wp.claimed, wp.covered, wp.shortfall), (160, 80, 80));
    assert_eq!(p.over_claimed.len(), 10);
}

#[test]
fn tv_10_sixteen_legacy_licences_cover_two_small_vms_or_one_of_16() {
    let rules = RuleSet::legacy_2021();
    let lic = json!([ws("dc", "datacenter", 16)]);
    for (vms, ok) in [
        (win_vms("vm", 2, 8), true),
        (win_vms("vm", 2, 4), true),
        (vec![win_vm("vm0", 16)], true),
        (vec![win_vm("vm0", 12)], true),
        (win_vms("vm", 3, 2), false),
        (vec![win_vm("vm0", 20)], false),
    ] {
        let p = run(&estate(lic.clone(), json!(vms)), &rules);
        let wp = pool(&p, Pool::WindowsServer);
        assert_eq!(
            p.compliant,
            ok,
            "{} VMs claim {}",
            p.resources.len(),
            wp.claimed
        );
        assert_eq!(wp.shortfall, wp.claimed.saturating_sub(16));
        assert_cites(
            &requirement(&p, "vm0", Pool::WindowsServer).reasons,
            &["WS-3"],
        );
    }
}

#[test]
fn tv_11_single_small_vm_current_8_legacy_16() {
    let vm = || vec![win_vm("vm1", 4)];
    // Current (OQ-1 default): 8, no estate minimum.
    let p = check_ws_demand(&RuleSet::current(), vm(), 8);
    assert_eq!(pool(&p, Pool::WindowsServer).estate_minimum_topup, 0);

    // Legacy: the 16-licence estate minimum adds 8.
    let p = check_ws_demand(&RuleSet::legacy_2021(), vm(), 16);
    let wp = pool(&p, Pool::WindowsServer);
    assert_eq!(wp.estate_minimum_topup, 8);
    assert_eq!(requirement(&p, "vm1", Pool::WindowsServer).units, 8);
    assert_cites(&wp.reasons, &["WS-3"]);

    // The minimum counts licences held wherever they are assigned: 16 Datacenter licences
    // assigned to the VM's subscription meet it (WS-3).
    let scoped = estate_in(
        json!([{"id": "sub1", "kind": "subscription"}]),
        json!([with(ws("dc", "datacenter", 16), "scope", json!("sub1"))]),
        json!([with(win_vm("vm1", 4), "scope", json!("sub1"))]),
    );
    let p = run(&scoped, &RuleSet::legacy_2021());
    let wp = pool(&p, Pool::WindowsServer);
    assert!(p.compliant);
    assert_eq!((wp.claimed, wp.covered, wp.shortfall), (16, 16, 0));
    // …and one licence fewer leaves the minimum one short, attributed to the VM.
    let scoped = estate_in(
        json!([{"id": "sub1", "kind": "subscription"}]),
        json!([with(ws("dc", "datacenter", 15), "scope", json!("sub1"))]),
        json!([with(win_vm("vm1", 4), "scope", json!("sub1"))]),
    );
    let p = run(&scoped, &RuleSet::legacy_2021());
    assert_eq!(pool(&p, Pool::WindowsServer).shortfall, 1);
    assert_eq!(p.over_claimed.len(), 1);
    assert_eq!(p.over_claimed[0].resource, "vm1");

    // The two halves of OQ-1 are separate knobs.
    let min_only = current_with(|r| r.knobs.estate_minimum_core_licences = 16);
    check_ws_demand(&min_only, vm(), 16);
    let groups_only = current_with(|r| r.knobs.ws_rule = WsRule::LegacyGroupsOf8);
    check_ws_demand(&groups_only, vm(), 8);
}

#[test]
fn tv_12_two_twelve_vcpu_vms_need_24_legacy_32() {
    let p = check_ws_demand(&RuleSet::current(), win_vms("vm", 2, 12), 24);
    assert_cites(
        &requirement(&p, "vm1", Pool::WindowsServer).reasons,
        &["WS-1"],
    );
    let p = check_ws_demand(&RuleSet::legacy_2021(), win_vms("vm", 2, 12), 32);
    assert_cites(
        &requirement(&p, "vm1", Pool::WindowsServer).reasons,
        &["WS-3"],
    );
}

#[test]
fn tv_13_five_twenty_vcpu_vms_need_100_legacy_120() {
    let p = check_ws_demand(&RuleSet::current(), win_vms("vm", 5, 20), 100);
    assert_cites(
        &requirement(&p, "vm4", Pool::WindowsServer).reasons,
        &["WS-1"],
    );
    let p = check_ws_demand(&RuleSet::legacy_2021(), win_vms("vm", 5, 20), 120);
    assert_cites(
        &requirement(&p, "vm4", Pool::WindowsServer).reasons,
        &["WS-3"],
    );
    // The same five as one scale set: each instance is a VM (WS-6).
    let ss = || {
        vec![
            json!({"id": "ss", "kind": "scale_set", "os": "windows", "vcpus": 20,
                    "instances": 5, "license_type": "Windows_Server"}),
        ]
    };
    let p = check_ws_demand(&RuleSet::current(), ss(), 100);
    assert_cites(
        &requirement(&p, "ss", Pool::WindowsServer).reasons,
        &["WS-1", "WS-6"],
    );
    let p = check_ws_demand(&RuleSet::legacy_2021(), ss(), 120);
    assert_cites(
        &requirement(&p, "ss", Pool::WindowsServer).reasons,
        &["WS-3", "WS-6"],
    );
}

#[test]
fn tv_14_sixteen_plus_two_twos_need_32_not_24() {
    let vms = || vec![win_vm("big", 16), win_vm("s1", 2), win_vm("s2", 2)];
    for (rules, rule_id) in [
        (RuleSet::current(), "WS-1"),
        (RuleSet::legacy_2021(), "WS-3"),
    ] {
        let p = check_ws_demand(&rules, vms(), 32);
        assert_eq!(requirement(&p, "big", Pool::WindowsServer).units, 16);
        assert_eq!(requirement(&p, "s1", Pool::WindowsServer).units, 8);
        assert_cites(
            &requirement(&p, "s2", Pool::WindowsServer).reasons,
            &[rule_id],
        );
        // The old doc image's 24 licences leave 8 uncovered under either rule (S27).
        let p = run(
            &estate(json!([ws("dc", "datacenter", 24)]), json!(vms())),
            &rules,
        );
        assert!(!p.compliant);
        assert_eq!(pool(&p, Pool::WindowsServer).shortfall, 8);
    }
}

/// The 960-VM estate of S26: 954 VMs of at most 8 vCPUs and 6 of 16 vCPUs.
fn s26_estate_vms() -> Vec<Value> {
    let sizes = [1, 2, 4, 8];
    let mut vms: Vec<Value> = (0..954)
        .map(|i| win_vm(&format!("small{i}"), sizes[i % sizes.len()]))
        .collect();
    vms.extend(win_vms("large", 6, 16));
    vms
}

fn two_processor(quantity: u32) -> Value {
    json!({"id": "tp", "product": "windows_server", "edition": "datacenter",
           "metric": "two_processor", "quantity": quantity, "programme": "ea", "sa": sa()})
}

#[test]
fn tv_15_nine_hundred_sixty_vms_need_7728_core_licences() {
    let vms = s26_estate_vms();
    assert_eq!(vms.len(), 960);
    for rules in [RuleSet::current(), RuleSet::legacy_2021()] {
        let p = run(&estate(json!([]), json!(vms)), &rules);
        let wp = pool(&p, Pool::WindowsServer);
        assert_eq!(wp.claimed, 7728);
        assert_eq!(wp.claimed.div_ceil(16), 483);
        assert_eq!(requirement(&p, "small1", Pool::WindowsServer).units, 8);
        assert_eq!(requirement(&p, "large0", Pool::WindowsServer).units, 16);

        // The SA Count Tool's 480 two-processor licences are 48 core licences short (WS-15).
        let p = run(&estate(json!([two_processor(480)]), json!(vms)), &rules);
        let wp = pool(&p, Pool::WindowsServer);
        assert_eq!(wp.supply_for_vms, 7680);
        assert_eq!(wp.shortfall, 48);
        assert!(!p.compliant);
        assert_cites(&line_reasons(wp), &["WS-2"]);
    }
}

#[test]
fn tv_16_standard_migration_window_is_180_days_one_time() {
    let lic = with(
        with(ws("std", "standard", 16), "on_premises_in_use", json!(16)),
        "migration_start",
        json!("2026-01-01"),
    );
    let e = estate(json!([lic]), json!(win_vms("vm", 2, 8)));
    let rules = RuleSet::current();

    // Inside the window (the 180th day is 2026-06-29): the 16 licences count for Azure too.
    for day in [ymd(2026, 1, 1), ymd(2026, 6, 29)] {
        let p = audit_on(&e, &rules, day);
        let wp = pool(&p, Pool::WindowsServer);
        assert!(p.compliant, "compliant on {day}");
        assert_eq!((wp.claimed, wp.covered, wp.idle), (16, 16, 0));
        assert_cites(&line_reasons(wp), &["WS-7"]);
    }
    // After it, on-premises use must have stopped: if it has not, all 16 are short.
    let p = audit_on(&e, &rules, ymd(2026, 6, 30));
    let wp = pool(&p, Pool::WindowsServer);
    assert!(!p.compliant);
    assert_eq!((wp.supply_for_vms, wp.shortfall), (0, 16));
    assert_cites(&line_reasons(wp), &["WS-7"]);

    // Once the server is retired on premises, the licences serve Azure alone.
    let retired = with(
        ws("std", "standard", 16),
        "migration_start",
        json!("2026-01-01"),
    );
    let p = audit_on(
        &estate(json!([retired]), json!(win_vms("vm", 2, 8))),
        &rules,
        ymd(2026, 11, 25),
    );
    assert!(p.compliant);
}

#[test]
fn tv_17_datacenter_dual_use_depends_on_oq3() {
    let dc = with(ws("dc", "datacenter", 16), "on_premises_in_use", json!(16));
    let migrated = with(dc.clone(), "migration_start", json!("2024-01-01"));
    let vms = || json!(win_vms("vm", 2, 8));

    // Default (unconditional, 2023 doc): simultaneous use is compliant.
    let p = run(&estate(json!([dc.clone()]), vms()), &RuleSet::current());
    let wp = pool(&p, Pool::WindowsServer);
    assert!(p.compliant);
    assert_eq!((wp.claimed, wp.covered), (16, 16));
    assert_cites(&line_reasons(wp), &["WS-8"]);

    // migration_only (PR #8008): only for the migrated workload.
    let mig = current_with(|r| r.knobs.ws_datacenter_dual_use = DatacenterDualUse::MigrationOnly);
    let p = run(&estate(json!([dc.clone()]), vms()), &mig);
    assert!(!p.compliant);
    assert_eq!(pool(&p, Pool::WindowsServer).shortfall, 16);
    let p = run(&estate(json!([migrated.clone()]), vms()), &mig);
    let wp = pool(&p, Pool::WindowsServer);
    assert!(p.compliant);
    assert_cites(&line_reasons(wp), &["OQ-3"]);

    // none: as Standard, only the 180-day window (long closed for a 2024 migration).
    let none = current_with(|r| r.knobs.ws_datacenter_dual_use = DatacenterDualUse::None);
    let p = run(&estate(json!([migrated]), vms()), &none);
    let wp = pool(&p, Pool::WindowsServer);
    assert!(!p.compliant);
    assert_eq!(wp.shortfall, 16);
    assert_cites(&line_reasons(wp), &["WS-7"]);
}

/// A dedicated host of 64 physical cores (128 vCPUs) and three Windows VMs on it.
fn host_estate(host_license: &str, licences: Value, vm_license: &str) -> Estate {
    let mut resources = vec![json!({
        "id": "host", "kind": "dedicated_host", "physical_cores": 64, "vcpus": 128,
        "license_type": host_license,
    })];
    for (i, v) in [8, 16, 32].into_iter().enumerate() {
        resources.push(
            json!({"id": format!("vm{i}"), "kind": "vm", "os": "windows",
                              "vcpus": v, "license_type": vm_license, "host": "host"}),
        );
    }
    estate(licences, json!(resources))
}

#[test]
fn tv_18_dedicated_host_needs_datacenter_for_all_64_cores() {
    let e = host_estate(
        "Windows_Server_Hybrid",
        json!([ws("dc", "datacenter", 64)]),
        "Windows_Server",
    );
    let p = run(&e, &RuleSet::current());
    let host = requirement(&p, "host", Pool::WindowsServer);
    assert_eq!(
        (host.units, host.draw, host.claimed),
        (64, Draw::DatacenterHost, true)
    );
    assert_cites(&host.reasons, &["WS-9"]);
    // Unlimited VMs: each needs nothing more.
    for i in 0..3 {
        let q = requirement(&p, &format!("vm{i}"), Pool::WindowsServer);
        assert_eq!(q.units, 0);
        assert_cites(&q.reasons, &["WS-9"]);
    }
    let wp = pool(&p, Pool::WindowsServer);
    assert!(p.compliant);
    assert_eq!(
        (wp.claimed, wp.covered, wp.supply_for_hosts, wp.idle),
        (64, 64, 64, 0)
    );

    // 63 licences do not cover all physical cores.
    let e = host_estate(
        "Windows_Server_Hybrid",
        json!([ws("dc", "datacenter", 63)]),
        "Windows_Server",
    );
    let p = run(&e, &RuleSet::current());
    assert!(!p.compliant);
    assert_eq!(pool(&p, Pool::WindowsServer).shortfall, 1);
}

#[test]
fn tv_19_standard_licences_give_no_unlimited_virtualization() {
    // Host-level licensing with Standard licences: not allowed.
    let e = host_estate(
        "Windows_Server_Hybrid",
        json!([ws("std", "standard", 64)]),
        "Windows_Server",
    );
    let p = run(&e, &RuleSet::current());
    let wp = pool(&p, Pool::WindowsServer);
    assert!(!p.compliant);
    assert_eq!(wp.shortfall, 64);
    assert_eq!(wp.shortfall_by_draw.get(&Draw::DatacenterHost), Some(&64));
    assert_cites(
        &requirement(&p, "host", Pool::WindowsServer).reasons,
        &["WS-9"],
    );

    // Without host-level licensing each VM is licensed per WS-1: 8 + 16 + 32 = 56.
    let e = host_estate("None", json!([ws("std", "standard", 56)]), "Windows_Server");
    let p = run(&e, &RuleSet::current());
    let wp = pool(&p, Pool::WindowsServer);
    assert!(p.compliant);
    assert_eq!((wp.claimed, wp.covered), (56, 56));
    for (i, units) in [8, 16, 32].into_iter().enumerate() {
        let q = requirement(&p, &format!("vm{i}"), Pool::WindowsServer);
        assert_eq!(q.units, units);
        assert_cites(&q.reasons, &["WS-1", "WS-11"]);
    }
}

#[test]
fn tv_20_windows_and_sql_enterprise_on_one_vm_draw_two_pools() {
    let resources = json!([
        win_vm("vm1", 8),
        with(sql_vm("sql1", "enterprise", 8, "AHUB"), "vm", json!("vm1")),
    ]);
    for lic in [
        json!([ws("ws", "standard", 8), sql("ent", "enterprise", 8)]),
        json!([ws("ws", "datacenter", 8), sql("std", "standard", 32)]),
    ] {
        let p = run(&estate(lic, resources.clone()), &RuleSet::current());
        assert!(p.compliant);
        let wp = pool(&p, Pool::WindowsServer);
        let sp = pool(&p, Pool::SqlServer);
        assert_eq!((wp.claimed, wp.covered, wp.idle), (8, 8, 0));
        assert_eq!((sp.claimed, sp.covered, sp.idle), (32, 32, 0));
        assert_cites(
            &requirement(&p, "vm1", Pool::WindowsServer).reasons,
            &["WS-1"],
        );
        assert_cites(
            &requirement(&p, "sql1", Pool::SqlServer).reasons,
            &["SQL-8", "GEN-12"],
        );
    }
    // The pools are separate: Windows licences do not cover SQL, nor the reverse.
    let p = run(
        &estate(json!([ws("ws", "datacenter", 40)]), resources),
        &RuleSet::current(),
    );
    assert!(!p.compliant);
    assert_eq!(pool(&p, Pool::SqlServer).shortfall, 32);
    assert_eq!(pool(&p, Pool::WindowsServer).shortfall, 0);
}

// ---------------------------------------------------------------------------------------------
// Azure Local and AKS hybrid (TV-21…TV-24)
// ---------------------------------------------------------------------------------------------

fn cluster() -> Value {
    json!({"id": "hci", "kind": "azure_local_cluster", "node_cores": [32, 32, 32, 32],
           "ahb": true})
}

#[test]
fn tv_21_azure_local_four_nodes_of_32_need_128_datacenter() {
    let p = run(
        &estate(json!([ws("dc", "datacenter", 128)]), json!([cluster()])),
        &RuleSet::current(),
    );
    let q = requirement(&p, "hci", Pool::WindowsServer);
    assert_eq!((q.units, q.draw), (128, Draw::DatacenterAzureLocal));
    assert_cites(&q.reasons, &["HCI-1", "HCI-2", "HCI-3"]);
    let wp = pool(&p, Pool::WindowsServer);
    assert!(p.compliant);
    assert_eq!((wp.claimed, wp.covered, wp.idle), (128, 128, 0));

    let p = run(
        &estate(json!([ws("dc", "datacenter", 127)]), json!([cluster()])),
        &RuleSet::current(),
    );
    assert_eq!(pool(&p, Pool::WindowsServer).shortfall, 1);
}

#[test]
fn tv_22_azure_local_with_standard_licences_is_not_eligible() {
    let p = run(
        &estate(json!([ws("std", "standard", 128)]), json!([cluster()])),
        &RuleSet::current(),
    );
    let wp = pool(&p, Pool::WindowsServer);
    assert!(!p.compliant);
    assert_eq!((wp.covered, wp.shortfall), (0, 128));
    assert_eq!(
        wp.shortfall_by_draw.get(&Draw::DatacenterAzureLocal),
        Some(&128)
    );
    assert_cites(
        &requirement(&p, "hci", Pool::WindowsServer).reasons,
        &["HCI-1"],
    );
    // Datacenter from a programme outside EA/CSP (OQ-9 default per HCI-1) does not qualify
    // either.
    let open = with(ws("dc", "datacenter", 128), "programme", json!("open"));
    let p = run(
        &estate(json!([open]), json!([cluster()])),
        &RuleSet::current(),
    );
    assert!(!p.compliant);
    assert_eq!(pool(&p, Pool::WindowsServer).shortfall, 128);
}

fn aks(host: &str) -> Value {
    json!({"id": "aks", "kind": "aks_hybrid", "host": host, "worker_vcpus": 48,
           "control_plane_vcpus": 8, "ahb": true})
}

#[test]
fn tv_23_aks_hybrid_48_vcpus_need_48_additive_licences() {
    // 48 Standard licences, all already used by six 8-vCPU Azure VMs: AKS use is additive.
    let mut resources = win_vms("vm", 6, 8);
    resources.push(aks("windows_server_datacenter"));
    let lic = json!([ws("std", "standard", 48)]);
    let workers = current_with(|r| r.knobs.aks_vcpu_basis = AksVcpuBasis::WorkersOnly);
    let p = run(&estate(lic.clone(), json!(resources)), &workers);
    let q = requirement(&p, "aks", Pool::WindowsServer);
    assert_eq!((q.units, q.draw, q.eligible), (48, Draw::Additive, true));
    assert_cites(&q.reasons, &["AKS-1", "AKS-4"]);
    let wp = pool(&p, Pool::WindowsServer);
    let additive = wp.additive.as_ref().expect("an additive check");
    assert_eq!(
        (additive.demand, additive.supply, additive.shortfall),
        (48, 48, 0)
    );
    assert_eq!((wp.claimed, wp.covered), (48, 48));
    assert!(p.compliant);

    // OQ-12 default counts every node VM: 48 workers + 8 control plane = 56, 8 short.
    let p = run(&estate(lic.clone(), json!(resources)), &RuleSet::current());
    assert_eq!(requirement(&p, "aks", Pool::WindowsServer).units, 56);
    let additive = pool(&p, Pool::WindowsServer)
        .additive
        .clone()
        .expect("check");
    assert_eq!(additive.shortfall, 8);
    assert!(!p.compliant);

    // OQ-12 alternative: exclusive use is deducted from the pool, so the VMs and AKS need 96.
    let exclusive = current_with(|r| {
        r.knobs.aks_vcpu_basis = AksVcpuBasis::WorkersOnly;
        r.knobs.aks_exclusive = true;
    });
    let p = run(&estate(lic, json!(resources)), &exclusive);
    let wp = pool(&p, Pool::WindowsServer);
    assert_eq!(requirement(&p, "aks", Pool::WindowsServer).draw, Draw::Any);
    assert_eq!((wp.claimed, wp.shortfall), (96, 48));
    assert!(!p.compliant);
}

#[test]
fn tv_24_aks_hybrid_on_standard_host_is_not_eligible() {
    let p = run(
        &estate(
            json!([ws("dc", "datacenter", 64)]),
            json!([aks("windows_server_standard")]),
        ),
        &RuleSet::current(),
    );
    let q = requirement(&p, "aks", Pool::WindowsServer);
    assert!(!q.eligible);
    assert_eq!(q.units, 0);
    assert_cites(&q.reasons, &["AKS-2"]);
    assert!(!p.compliant);
    assert_eq!(p.over_claimed.len(), 1);
    assert_eq!(p.over_claimed[0].reason.rule, "AKS-2");

    // The same cluster on a Datacenter host or Azure Local is eligible.
    for host in ["windows_server_datacenter", "azure_local"] {
        let p = run(
            &estate(json!([ws("dc", "datacenter", 64)]), json!([aks(host)])),
            &RuleSet::current(),
        );
        assert!(requirement(&p, "aks", Pool::WindowsServer).eligible);
        assert!(p.compliant);
    }
}

// ---------------------------------------------------------------------------------------------
// SQL Server: normalised cores (TV-25…TV-29)
// ---------------------------------------------------------------------------------------------

/// The NC a ledger of `ent` Enterprise and `std` Standard core licences supplies, through the
/// audit; checks that the lines cite SQL-1 and GEN-2.
fn ledger_nc(ent: u32, std: u32) -> u64 {
    let mut lines = Vec::new();
    if ent > 0 {
        lines.push(sql("ent", "enterprise", ent));
    }
    if std > 0 {
        lines.push(sql("std", "standard", std));
    }
    let p = run(&estate(json!(lines), json!([])), &RuleSet::current());
    let sp = pool(&p, Pool::SqlServer);
    assert_cites(&line_reasons(sp), &["SQL-1", "GEN-2"]);
    sp.supply_for_vms
}

#[test]
fn tv_25_four_enterprise_seven_standard_is_23_nc() {
    assert_eq!(normalised_cores(4, 7), 23);
    assert_eq!(ledger_nc(4, 7), 23);
}

#[test]
fn tv_26_eight_standard_eight_enterprise_is_40_nc() {
    assert_eq!(normalised_cores(8, 8), 40);
    assert_eq!(ledger_nc(8, 8), 40);
}

#[test]
fn tv_27_ten_standard_ten_enterprise_is_50_nc() {
    assert_eq!(normalised_cores(10, 10), 50);
    assert_eq!(ledger_nc(10, 10), 50);
}

#[test]
fn tv_28_sixty_standard_twelve_enterprise_is_108_nc() {
    assert_eq!(normalised_cores(12, 60), 108);
    assert_eq!(ledger_nc(12, 60), 108);
}

#[test]
fn tv_29_s7_tutorial_totals() {
    for (ent, std, nc) in [
        (2000, 750, 8750),
        (1500, 750, 6750),
        (500, 0, 2000),
        (1800, 2000, 9200),
    ] {
        assert_eq!(normalised_cores(ent, std), nc);
        assert_eq!(
            ledger_nc(u32::try_from(ent).unwrap(), u32::try_from(std).unwrap()),
            nc
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SQL Server: resources (TV-30…TV-48)
// ---------------------------------------------------------------------------------------------

#[test]
fn tv_30_gp_database_8_vcores_is_8_nc() {
    let p = check_sql_demand(
        &RuleSet::current(),
        vec![sql_db("db", "general_purpose", 8)],
        8,
        2,
        8,
    );
    assert_cites(&requirement(&p, "db", Pool::SqlServer).reasons, &["SQL-2"]);
    assert_eq!(nc_per_vcore(SqlTier::GeneralPurpose), 1);
    // One Enterprise licence (4 NC) leaves 4 NC short: 1 Enterprise or 4 Standard to buy.
    let p = run(
        &estate(
            json!([sql("ent", "enterprise", 1)]),
            json!([sql_db("db", "general_purpose", 8)]),
        ),
        &RuleSet::current(),
    );
    let sp = pool(&p, Pool::SqlServer);
    assert_eq!(sp.shortfall, 4);
    let buy = sp.shortfall_licences.as_ref().expect("licences to buy");
    assert_eq!((buy.enterprise, buy.standard), (1, 4));
}

#[test]
fn tv_31_bc_database_16_vcores_is_64_nc() {
    let p = check_sql_demand(
        &RuleSet::current(),
        vec![sql_db("db", "business_critical", 16)],
        64,
        16,
        64,
    );
    assert_cites(&requirement(&p, "db", Pool::SqlServer).reasons, &["SQL-2"]);
    assert_eq!(nc_per_vcore(SqlTier::BusinessCritical), 4);
}

fn tv32_resources() -> Value {
    json!([
        sql_db("db1", "general_purpose", 8),
        sql_db("db2", "general_purpose", 8),
        sql_db("db3", "general_purpose", 8),
        sql_vm("vm", "enterprise", 16, "AHUB"),
    ])
}

#[test]
fn tv_32_mixed_estate_needs_88_nc_and_64_standard_is_24_short() {
    let rules = RuleSet::current();
    for lic in [
        json!([sql("std", "standard", 24), sql("ent", "enterprise", 16)]),
        json!([sql("std", "standard", 88)]),
        json!([sql("ent", "enterprise", 22)]),
    ] {
        let p = run(&estate(lic, tv32_resources()), &rules);
        let sp = pool(&p, Pool::SqlServer);
        assert!(p.compliant);
        assert_eq!((sp.claimed, sp.covered, sp.idle), (88, 88, 0));
    }
    let p = run(
        &estate(json!([sql("std", "standard", 64)]), tv32_resources()),
        &rules,
    );
    let sp = pool(&p, Pool::SqlServer);
    assert!(!p.compliant);
    assert_eq!((sp.claimed, sp.covered, sp.shortfall), (88, 64, 24));
    let buy = sp.shortfall_licences.as_ref().expect("licences to buy");
    assert_eq!((buy.enterprise, buy.standard), (6, 24));
    assert_cites(&requirement(&p, "db1", Pool::SqlServer).reasons, &["SQL-2"]);
    assert_cites(&requirement(&p, "vm", Pool::SqlServer).reasons, &["SQL-8"]);
    let uncovered: u64 = p.over_claimed.iter().map(|o| o.uncovered).sum();
    assert_eq!(uncovered, 24);
    assert!(p.over_claimed.iter().all(|o| o.reason.rule == "GEN-2"));
}

fn managed_instances(tier: &str) -> Vec<Value> {
    (0..2)
        .map(|i| {
            json!({"id": format!("mi{i}"), "kind": "sql_managed_instance", "tier": tier,
                   "vcores": 16, "license_type": "BasePrice"})
        })
        .collect()
}

#[test]
fn tv_33_two_16_vcore_managed_instances_need_32_enterprise_if_business_critical() {
    // Business Critical: 128 NC = 32 Enterprise (the S6 figure).
    let p = check_sql_demand(
        &RuleSet::current(),
        managed_instances("business_critical"),
        128,
        32,
        128,
    );
    assert_cites(&requirement(&p, "mi0", Pool::SqlServer).reasons, &["SQL-2"]);
    // General Purpose (the tier S6 does not state): 32 NC = 8 Enterprise.
    let p = check_sql_demand(
        &RuleSet::current(),
        managed_instances("general_purpose"),
        32,
        8,
        32,
    );
    assert_cites(&requirement(&p, "mi1", Pool::SqlServer).reasons, &["SQL-2"]);
}

#[test]
fn tv_34_bc_database_64_vcores_needs_64_enterprise() {
    let p = check_sql_demand(
        &RuleSet::current(),
        vec![sql_db("db", "business_critical", 64)],
        256,
        64,
        256,
    );
    assert_cites(&requirement(&p, "db", Pool::SqlServer).reasons, &["SQL-2"]);
}

#[test]
fn tv_35_two_vcpu_enterprise_vm_16_nc_or_8_under_core_licence_minimum() {
    // Default (OQ-5 = vcores, S3 footnote): max(4, 2) × 4 = 16 NC = 4 Ent or 16 Std.
    let p = check_sql_demand(
        &RuleSet::current(),
        vec![sql_vm("vm", "enterprise", 2, "AHUB")],
        16,
        4,
        16,
    );
    assert_cites(&requirement(&p, "vm", Pool::SqlServer).reasons, &["SQL-8"]);

    // Alternative (OQ-5 = core_licences, S19): 8 Standard licences cover it.
    let alt = current_with(|r| r.knobs.sql_vm_min_basis = SqlVmMinBasis::CoreLicences);
    let vm = json!([sql_vm("vm", "enterprise", 2, "AHUB")]);
    let p = run(
        &estate(json!([sql("std", "standard", 8)]), vm.clone()),
        &alt,
    );
    let sp = pool(&p, Pool::SqlServer);
    assert!(p.compliant);
    assert_eq!((sp.claimed, sp.covered, sp.idle), (8, 8, 0));
    assert_cites(&requirement(&p, "vm", Pool::SqlServer).reasons, &["OQ-5"]);
    let p = run(&estate(json!([sql("std", "standard", 7)]), vm), &alt);
    assert_eq!(pool(&p, Pool::SqlServer).shortfall, 1);
}

#[test]
fn tv_36_two_vcpu_standard_vm_is_4_nc() {
    let p = check_sql_demand(
        &RuleSet::current(),
        vec![sql_vm("vm", "standard", 2, "AHUB")],
        4,
        1,
        4,
    );
    assert_cites(&requirement(&p, "vm", Pool::SqlServer).reasons, &["SQL-8"]);
    // The core-licence reading gives the same 4 for Standard.
    let alt = current_with(|r| r.knobs.sql_vm_min_basis = SqlVmMinBasis::CoreLicences);
    check_sql_demand(&alt, vec![sql_vm("vm", "standard", 2, "AHUB")], 4, 1, 4);
}

#[test]
fn tv_37_eight_vcpu_standard_vm_is_8_nc() {
    let p = check_sql_demand(
        &RuleSet::current(),
        vec![sql_vm("vm", "standard", 8, "AHUB")],
        8,
        2,
        8,
    );
    assert_cites(&requirement(&p, "vm", Pool::SqlServer).reasons, &["SQL-8"]);
}

#[test]
fn tv_38_eight_vcpu_enterprise_vm_is_32_nc() {
    let vm = || vec![sql_vm("vm", "enterprise", 8, "AHUB")];
    let p = check_sql_demand(&RuleSet::current(), vm(), 32, 8, 32);
    assert_cites(&requirement(&p, "vm", Pool::SqlServer).reasons, &["SQL-8"]);
    // Before August 2020 (SQL-4 strict edition match) Standard licences could not cover it.
    let strict = current_with(|r| r.knobs.sql_strict_edition_match = true);
    let p = run(
        &estate(json!([sql("std", "standard", 32)]), json!(vm())),
        &strict,
    );
    let sp = pool(&p, Pool::SqlServer);
    assert!(!p.compliant);
    assert_eq!(sp.shortfall_by_draw.get(&Draw::EnterpriseOnly), Some(&32));
    let p = run(
        &estate(json!([sql("ent", "enterprise", 8)]), json!(vm())),
        &strict,
    );
    assert!(p.compliant);
}

#[test]
fn tv_39_gp_managed_instance_4_vcores_covered_by_one_enterprise() {
    let mi = json!([{"id": "mi", "kind": "sql_managed_instance", "tier": "general_purpose",
                     "vcores": 4, "license_type": "BasePrice"}]);
    let p = run(
        &estate(json!([sql("ent", "enterprise", 1)]), mi),
        &RuleSet::current(),
    );
    let sp = pool(&p, Pool::SqlServer);
    assert!(p.compliant);
    assert_eq!(
        (sp.claimed, sp.covered, sp.supply_for_vms, sp.idle),
        (4, 4, 4, 0)
    );
    assert_cites(&requirement(&p, "mi", Pool::SqlServer).reasons, &["SQL-2"]);
}

#[test]
fn tv_40_serverless_database_is_not_eligible() {
    let db = with(
        sql_db("db", "general_purpose", 4),
        "compute",
        json!("serverless"),
    );
    let p = run(
        &estate(json!([sql("ent", "enterprise", 1)]), json!([db])),
        &RuleSet::current(),
    );
    let q = requirement(&p, "db", Pool::SqlServer);
    assert!(!q.eligible);
    assert_eq!(q.units, 0);
    assert_cites(&q.reasons, &["SQL-5"]);
    assert!(
        !cites(&q.reasons, "SQL-2"),
        "no NC is stated for an ineligible tier"
    );
    assert_eq!(pool(&p, Pool::SqlServer).claimed, 0);
    // Claiming it anyway is an over-claim, not a use of the licence.
    assert!(!p.compliant);
    assert_eq!(p.over_claimed.len(), 1);
    assert!(p.under_claimed.is_empty());
}

#[test]
fn tv_41_dtu_database_is_not_eligible() {
    let db = json!({"id": "db", "kind": "sql_database", "tier": "standard", "dtu": 100});
    let p = run(&estate(json!([]), json!([db])), &RuleSet::current());
    let q = requirement(&p, "db", Pool::SqlServer);
    assert!(!q.eligible && !q.claimed);
    assert_eq!(q.units, 0);
    assert_cites(&q.reasons, &["SQL-5"]);
    assert!(p.under_claimed.is_empty());
    assert!(p.compliant);
}

#[test]
fn tv_42_new_hyperscale_has_no_ahb_old_one_may_be_grandfathered() {
    let db = |created: &str| with(sql_db("db", "hyperscale", 8), "created", json!(created));
    // Created after Dec 2023: 0 NC under every setting.
    let p = run(
        &estate(json!([]), json!([db("2024-01-15")])),
        &RuleSet::current(),
    );
    let q = requirement(&p, "db", Pool::SqlServer);
    assert!(!q.eligible);
    assert_eq!(q.units, 0);
    assert_cites(&q.reasons, &["SQL-5"]);
    assert!(
        !cites(&q.reasons, "SQL-2"),
        "no NC is stated for an ineligible database"
    );

    // Created before: 1 NC per vCore when grandfathered (the default of OQ-7)…
    let p = check_sql_demand(&RuleSet::current(), vec![db("2023-06-01")], 8, 2, 8);
    assert_cites(
        &requirement(&p, "db", Pool::SqlServer).reasons,
        &["OQ-7", "SQL-2"],
    );

    // …and 0 NC when no Hyperscale database keeps AHB.
    let none = current_with(|r| r.knobs.sql_hyperscale_ahb = HyperscaleAhb::None);
    let p = run(&estate(json!([]), json!([db("2023-06-01")])), &none);
    let q = requirement(&p, "db", Pool::SqlServer);
    assert!(!q.eligible);
    assert_eq!(q.units, 0);
    assert_cites(&q.reasons, &["OQ-7"]);
}

#[test]
fn tv_43_ssis_enterprise_32_nc_standard_8_nc_resource_level_only() {
    for (edition, nc, ent, std) in [("enterprise", 32, 8, 32), ("standard", 8, 2, 8)] {
        let ssis = json!({"id": "ir", "kind": "ssis_runtime", "edition": edition,
                          "vcores": 8, "license_type": "BasePrice"});
        let p = check_sql_demand(&RuleSet::current(), vec![ssis], nc, ent, std);
        assert_cites(
            &requirement(&p, "ir", Pool::SqlServer).reasons,
            &["SQL-2", "SQL-16"],
        );
    }
}

/// A dedicated host of 64 physical cores and 128 vCPUs with SQL host-level licensing, and SQL
/// VMs filling its 128 vCPUs.
fn sql_host(licences: Value) -> Estate {
    let mut resources = vec![json!({
        "id": "host", "kind": "dedicated_host", "physical_cores": 64, "vcpus": 128,
        "sql_host_level": true,
    })];
    for i in 0..4 {
        resources.push(with(
            sql_vm(&format!("vm{i}"), "enterprise", 32, "AHUB"),
            "host",
            json!("host"),
        ));
    }
    estate(licences, json!(resources))
}

#[test]
fn tv_44_sql_host_level_needs_64_enterprise_for_128_vcpus() {
    let p = run(
        &sql_host(json!([sql("ent", "enterprise", 64)])),
        &RuleSet::current(),
    );
    let host = requirement(&p, "host", Pool::SqlServer);
    assert_eq!((host.units, host.draw), (256, Draw::EnterpriseOnly));
    assert_cites(&host.reasons, &["SQL-10"]);
    for i in 0..4 {
        let q = requirement(&p, &format!("vm{i}"), Pool::SqlServer);
        assert_eq!(q.units, 0);
        assert_cites(&q.reasons, &["SQL-10"]);
    }
    let sp = pool(&p, Pool::SqlServer);
    assert!(p.compliant);
    assert_eq!((sp.claimed, sp.covered, sp.idle), (256, 256, 0));
    // 256 NC at 4 NC per Enterprise core licence (SQL-1) = 64 Enterprise licences, all used.
    assert_eq!(sp.lines[0].supply.units_per_licence, 4);
    assert_eq!(sp.lines[0].used / sp.lines[0].supply.units_per_licence, 64);
    // One Enterprise licence fewer leaves 4 NC uncovered.
    let p = run(
        &sql_host(json!([sql("ent", "enterprise", 63)])),
        &RuleSet::current(),
    );
    assert_eq!(pool(&p, Pool::SqlServer).shortfall, 4);

    // Standard licences cannot license the host, even 256 of them.
    let p = run(
        &sql_host(json!([sql("std", "standard", 256)])),
        &RuleSet::current(),
    );
    let sp = pool(&p, Pool::SqlServer);
    assert!(!p.compliant);
    assert_eq!(sp.shortfall_by_draw.get(&Draw::EnterpriseOnly), Some(&256));
}

#[test]
fn tv_45_dr_replica_consumes_nothing() {
    for (edition, vcpus) in [("enterprise", 4), ("enterprise", 64), ("standard", 16)] {
        let p = run(
            &estate(
                json!([sql("ent", "enterprise", 4)]),
                // SQL-9: a free passive replica needs a licensed primary (here on premises).
                json!([with(
                    sql_vm("dr", edition, vcpus, "DR"),
                    "primary_on_premises",
                    json!(true)
                )]),
            ),
            &RuleSet::current(),
        );
        let q = requirement(&p, "dr", Pool::SqlServer);
        assert_eq!(q.units, 0);
        assert!(!q.claimed);
        assert_cites(&q.reasons, &["SQL-9"]);
        assert!(p.compliant);
        assert!(p.under_claimed.is_empty());
        let sp = pool(&p, Pool::SqlServer);
        assert_eq!((sp.claimed, sp.eligible_demand, sp.idle), (0, 0, 16));
    }
}

#[test]
fn tv_46_availability_group_primary_needs_32_nc_two_passives_free() {
    let resources = json!([
        sql_vm("primary", "enterprise", 8, "AHUB"),
        with(
            sql_vm("secondary1", "enterprise", 8, "DR"),
            "replica_of",
            json!("primary")
        ),
        with(
            sql_vm("secondary2", "enterprise", 8, "DR"),
            "replica_of",
            json!("primary")
        ),
    ]);
    let p = run(
        &estate(json!([sql("ent", "enterprise", 8)]), resources),
        &RuleSet::current(),
    );
    let sp = pool(&p, Pool::SqlServer);
    assert!(p.compliant);
    assert_eq!((sp.claimed, sp.covered, sp.idle), (32, 32, 0));
    assert_eq!(requirement(&p, "primary", Pool::SqlServer).units, 32);
    for s in ["secondary1", "secondary2"] {
        let q = requirement(&p, s, Pool::SqlServer);
        assert_eq!(q.units, 0);
        assert_cites(&q.reasons, &["SQL-9"]);
    }
}

#[test]
fn tv_47_hybrid_ag_passive_dr_in_azure_is_free() {
    // The licensed primary runs on premises: all 8 Enterprise licences are in use there. The
    // on-premises passives are outside Azure and need nothing; the Azure passive DR is free.
    let lic = with(sql("ent", "enterprise", 8), "on_premises_in_use", json!(8));
    let p = run(
        &estate(
            json!([lic]),
            json!([with(
                sql_vm("azure-dr", "enterprise", 8, "DR"),
                "primary_on_premises",
                json!(true)
            )]),
        ),
        &RuleSet::current(),
    );
    let sp = pool(&p, Pool::SqlServer);
    assert_eq!(sp.supply_for_vms, 0);
    assert_eq!((sp.claimed, sp.shortfall), (0, 0));
    assert!(p.compliant);
    assert_cites(
        &requirement(&p, "azure-dr", Pool::SqlServer).reasons,
        &["SQL-9"],
    );
    assert_cites(&line_reasons(sp), &["SQL-11"]);
}

#[test]
fn tv_48_standby_geo_secondary_returns_its_vcores_to_the_pool() {
    let resources = json!([
        sql_db("primary", "general_purpose", 16),
        with(
            with(
                sql_db("standby", "general_purpose", 16),
                "standby",
                json!(true)
            ),
            "replica_of",
            json!("primary")
        ),
    ]);
    let p = run(
        &estate(json!([sql("std", "standard", 16)]), resources),
        &RuleSet::current(),
    );
    let q = requirement(&p, "standby", Pool::SqlServer);
    assert_eq!(q.units, 0);
    assert!(q.eligible);
    assert_cites(&q.reasons, &["SQL-14"]);
    let sp = pool(&p, Pool::SqlServer);
    assert!(p.compliant);
    assert_eq!((sp.claimed, sp.covered, sp.idle), (16, 16, 0));

    // Standby replicas are not supported on Hyperscale: licensed as usual.
    let hs = with(
        with(sql_db("hs", "hyperscale", 16), "standby", json!(true)),
        "created",
        json!("2023-01-01"),
    );
    let p = run(&estate(json!([]), json!([hs])), &RuleSet::current());
    let q = requirement(&p, "hs", Pool::SqlServer);
    assert_eq!(q.units, 16);
    assert_cites(&q.reasons, &["SQL-14"]);
}

// ---------------------------------------------------------------------------------------------
// Scope-level (centrally managed) SQL and Linux (TV-49…TV-54)
//
// Centrally managed SQL (hourly application, utilisation, review dates) is a later issue
// (`central/`, `timeline/`). What the engine expresses today is a licence line assigned to a
// scope, which covers only resources in that scope's subtree: the NC arithmetic and the
// coverage/shortfall of one hour's running demand as a pool.
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Worked examples of the Microsoft docs (S3, S7, S26), through the licence ledger and the audit
// ---------------------------------------------------------------------------------------------

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
