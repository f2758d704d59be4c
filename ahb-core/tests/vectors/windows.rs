//! Windows Server: Azure VMs (TV-01…TV-20)

use super::*;

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
pub(crate) fn s26_estate_vms() -> Vec<Value> {
    let sizes = [1, 2, 4, 8];
    let mut vms: Vec<Value> = (0..954)
        .map(|i| win_vm(&format!("small{i}"), sizes[i % sizes.len()]))
        .collect();
    vms.extend(win_vms("large", 6, 16));
    vms
}

pub(crate) fn two_processor(quantity: u32) -> Value {
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
