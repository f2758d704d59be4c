//! SQL Server: resources (TV-30…TV-48)

use super::*;

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
