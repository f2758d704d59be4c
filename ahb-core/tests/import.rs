//! Importers, catalogue and exporters against every file of tests/data (copied from
//! public repositories, with SOURCES.md, plus constructed files): each imports, or is rejected with a
//! precise error naming file, line or record, and column or field.

use ahb_core::catalogue::Catalogue;
use ahb_core::export::{arm_patches, az_script, plan_csv, position_csv};
use ahb_core::import::{Importer, licences_from_csv, usage_from_csv};
use ahb_core::model::{Os, PaasLicenseType, Product, SqlTier, VmLicenseType};
use ahb_core::{ErrorCode, OptimizeOptions, ResourceSpec, RuleSet, audit, optimize};

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn text(name: &str) -> String {
    String::from_utf8(data(name)).unwrap()
}

fn import(files: &[&str]) -> ahb_core::Result<ahb_core::import::ImportOutcome> {
    let mut imp = Importer::new();
    for f in files {
        imp.add_inventory_bytes(f, &data(f))?;
    }
    imp.finish()
}

fn spec<'a>(o: &'a ahb_core::import::ImportOutcome, name: &str) -> &'a ResourceSpec {
    &o.estate
        .resources
        .iter()
        .find(|r| r.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("{name} not imported"))
        .spec
}

#[test]
fn catalogue_matches_every_test_vector() {
    let cat = Catalogue::bundled();
    let csv = text("vm_vcpu_test_vectors.csv");
    let mut checked = 0;
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (size, active, base): (&str, u32, u32) =
            (f[0], f[1].parse().unwrap(), f[2].parse().unwrap());
        if line.contains("vCPUsAvailable=1") {
            continue; // a per-VM customisation, tested through the ARM example below
        }
        let facts = cat
            .vm_size(size)
            .unwrap_or_else(|| panic!("{size} unknown"));
        assert_eq!(facts.vcpus, base, "{size}");
        assert_eq!(facts.active_vcpus.unwrap_or(facts.vcpus), active, "{size}");
        checked += 1;
    }
    assert_eq!(checked, 54);
    assert!(cat.vm_size("Standard_Q99_v9").is_none(), "never guessed");
    assert_eq!(cat.host_sku("dsv3-type1").unwrap().physical_cores, 40);
}

#[test]
fn vm_size_properties_override_the_catalogue() {
    let o = import(&["azure-rest-api-specs_VirtualMachine_Get_WithVMSizeProperties.json"]).unwrap();
    match spec(&o, "myVM") {
        ResourceSpec::Vm {
            vcpus,
            active_vcpus,
            os,
            ..
        } => assert_eq!((*vcpus, *active_vcpus, *os), (4, Some(1), Os::Windows)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_public_inventory_file_imports_or_fails_precisely() {
    let o = import(&[
        "bellhop_arg_virtualmachine.json",
        "bellhop_arg_sqldb.json",
        "bellhop_arg_sqlelasticpool.json",
        "azure-rest-api-specs_CreateVCoreDatabaseBySkuNameCapacity.json",
        "azure-rest-api-specs_ElasticPoolCreateOrUpdateMax.json",
        "azure-rest-api-specs_DedicatedHost_Get.json",
    ])
    .unwrap();
    assert_eq!(o.estate.resources.len(), 6);
    assert!(o.unknown_sizes.is_empty() && o.skipped.is_empty());
    match spec(&o, "sql-db") {
        ResourceSpec::SqlDatabase { tier, dtu, .. } => {
            assert_eq!((*tier, *dtu), (SqlTier::Basic, Some(5)))
        }
        other => panic!("{other:?}"),
    }
    match spec(&o, "testdb") {
        ResourceSpec::SqlDatabase {
            tier,
            vcores,
            license_type,
            ..
        } => assert_eq!(
            (*tier, *vcores, *license_type),
            (
                SqlTier::BusinessCritical,
                Some(2),
                PaasLicenseType::LicenseIncluded
            )
        ),
        other => panic!("{other:?}"),
    }
    // The SQL VM example alone, in strict mode: its compute VM is missing, and the error says
    // where. (Without strict mode it is skipped with the reason: see partial_inventories_*.)
    let strict = |files: &[&str]| {
        let mut imp = Importer::new();
        imp.set_strict(true);
        for f in files {
            imp.add_inventory_bytes(f, &data(f))?;
        }
        imp.finish()
    };
    let e = strict(&["azure-rest-api-specs_SqlVirtualMachines_ListBySqlVmGroup.json"]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownReference);
    let l = e.location();
    assert_eq!(
        l.file.as_deref(),
        Some("azure-rest-api-specs_SqlVirtualMachines_ListBySqlVmGroup.json")
    );
    assert_eq!(l.record.as_ref().unwrap().index, 0);
    assert_eq!(
        l.field.as_deref(),
        Some("properties.virtualMachineResourceId")
    );
}

#[test]
fn az_powershell_and_resource_graph_shapes_join_into_one_estate() {
    let o = import(&[
        "azure-rest-api-specs_SqlVirtualMachines_ListBySqlVmGroup.json",
        "constructed_az_vm_list.json",
        "constructed_powershell_get_azvm.json",
        "constructed_arg_mixed.json",
    ])
    .unwrap();
    match spec(&o, "testvm2") {
        ResourceSpec::SqlVm { vcpus, vm, .. } => {
            assert_eq!(*vcpus, 8);
            assert!(vm.as_deref().unwrap().ends_with("virtualMachines/testvm2"));
        }
        ResourceSpec::Vm { .. } => {}
        other => panic!("{other:?}"),
    }
    let sqlvm = o
        .estate
        .resources
        .iter()
        .find(|r| r.id.contains("sqlVirtualMachines"))
        .unwrap();
    assert!(matches!(sqlvm.spec, ResourceSpec::SqlVm { vcpus: 8, .. }));
    match spec(&o, "sql01") {
        ResourceSpec::Vm {
            vcpus,
            active_vcpus,
            license_type,
            ..
        } => assert_eq!(
            (*vcpus, *active_vcpus, *license_type),
            (8, Some(4), VmLicenseType::None)
        ),
        other => panic!("{other:?}"),
    }
    let sql01 = o
        .estate
        .resources
        .iter()
        .find(|r| r.name.as_deref() == Some("sql01"))
        .unwrap();
    assert!(!sql01.running, "VM deallocated");
    assert!(matches!(
        spec(&o, "rhel01"),
        ResourceSpec::Vm {
            os: Os::Rhel,
            license_type: VmLicenseType::None,
            ..
        }
    ));
    assert!(matches!(
        spec(&o, "ps01"),
        ResourceSpec::Vm {
            os: Os::Windows,
            vcpus: 4,
            license_type: VmLicenseType::WindowsServer,
            ..
        }
    ));
    match spec(&o, "onhost") {
        ResourceSpec::Vm { host, .. } => assert!(host.as_deref().unwrap().ends_with("hosts/h1")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        spec(&o, "winpool"),
        ResourceSpec::ScaleSet {
            instances: 3,
            vcpus: 4,
            ..
        }
    ));
    assert!(matches!(
        spec(&o, "h1"),
        ResourceSpec::DedicatedHost {
            physical_cores: 40,
            ..
        }
    ));
    assert!(matches!(
        spec(&o, "mi-dr"),
        ResourceSpec::SqlManagedInstance {
            passive_dr: true,
            vcores: 8,
            ..
        }
    ));
    assert!(matches!(
        spec(&o, "ip1"),
        ResourceSpec::SqlInstancePool { vcores: 16, .. }
    ));
    assert!(matches!(
        spec(&o, "default"),
        ResourceSpec::AksHybrid {
            worker_vcpus: 8,
            control_plane_vcpus: 4,
            ahb: true,
            ..
        }
    ));
    assert!(matches!(
        spec(&o, "hci1"),
        ResourceSpec::AzureLocalCluster { ahb: true, .. }
    ));
    let skipped: Vec<&str> = o
        .skipped
        .iter()
        .map(|s| s.origin.id.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(skipped, ["flex", "st1", "master"]);
    assert!(
        o.estate
            .scopes
            .iter()
            .any(|s| s.id.ends_with("resourceGroups/RG-APP"))
    );
    // The imported estate is a valid audit input and survives JSON.
    let again = ahb_core::Estate::from_json(&o.estate.to_json()).unwrap();
    assert_eq!(again, o.estate);
    let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    audit(&o.estate, &RuleSet::current(), d).unwrap();
}

#[test]
fn unknown_sizes_are_reported_and_list_skus_resolves_them() {
    let vm = r#"[{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/x",
      "type": "Microsoft.Compute/virtualMachines", "hardwareProfile": {"vmSize": "Standard_X9_v9"},
      "storageProfile": {"osDisk": {"osType": "Windows"}}}]"#;
    let mut imp = Importer::new();
    imp.add_inventory_json("vm.json", vm).unwrap();
    let o = imp.finish().unwrap();
    assert!(o.estate.resources.is_empty());
    assert_eq!(o.unknown_sizes[0].size, "Standard_X9_v9");
    let e = o.require_known_sizes().unwrap_err();
    assert_eq!(
        e.location().field.as_deref(),
        Some("hardwareProfile.vmSize")
    );
    let cat = Catalogue::bundled()
        .with_vm_skus_json(
            "constructed_vm_skus.json",
            &text("constructed_vm_skus.json"),
        )
        .unwrap();
    let mut imp = Importer::with_catalogue(cat);
    imp.add_inventory_json("vm.json", vm).unwrap();
    let o = imp.finish().unwrap();
    assert!(matches!(
        o.estate.resources[0].spec,
        ResourceSpec::Vm {
            vcpus: 12,
            active_vcpus: Some(6),
            ..
        }
    ));
    let e = Catalogue::bundled()
        .with_vm_skus_json("bad_vm_skus.json", &text("bad_vm_skus.json"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    assert_eq!(e.location().field.as_deref(), Some("capabilities[0].value"));
    assert_eq!(e.location().file.as_deref(), Some("bad_vm_skus.json"));
}

#[test]
fn bad_inventory_is_rejected_with_its_location() {
    let e = import(&["bad_vm_licensetype.json"]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownVariant);
    assert_eq!(e.location().field.as_deref(), Some("licenseType"));
    assert_eq!(e.location().record.as_ref().unwrap().index, 0);
    let e = import(&["bad_truncated.json"]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Parse);
    assert_eq!(
        (e.location().line, e.location().file.as_deref()),
        (Some(3), Some("bad_truncated.json"))
    );
}

#[test]
fn cost_exports_give_usage_and_ahb_evidence() {
    for (f, n) in [
        ("finops-toolkit_EA_ActualCost_Small.csv", 11),
        ("finops-toolkit_EA_AmortizedCost_Small.csv", 28),
        ("focus-sample-data_FOCUS-1.0_focus_sample.csv", 1000),
        ("constructed_cost_windows_byol.csv", 4),
        ("constructed_focus_hourly.csv", 3),
    ] {
        let rows = usage_from_csv(f, &data(f)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows.len(), n, "{f}");
    }
    let rows = usage_from_csv("a.csv", &data("finops-toolkit_EA_ActualCost_Small.csv")).unwrap();
    let ahb: Vec<(bool, Option<u32>)> = rows
        .iter()
        .filter_map(|r| r.ahb.map(|a| (a.enabled, r.vcores)))
        .collect();
    assert!(ahb.contains(&(true, Some(4))) && ahb.contains(&(false, Some(2))));
    let rows = usage_from_csv("c.csv", &data("constructed_cost_windows_byol.csv")).unwrap();
    let ev: Vec<_> = rows
        .iter()
        .map(|r| r.ahb.map(|a| (a.product, a.enabled)))
        .collect();
    assert_eq!(
        ev,
        [
            Some((Product::WindowsServer, true)),
            Some((Product::WindowsServer, false)),
            Some((Product::WindowsServer, true)),
            Some((Product::SqlServer, false)),
        ]
    );
    assert_eq!(rows[0].start.to_string(), "2025-05-01 00:00:00");
    assert_eq!(rows[0].vcpus, Some(4));
    assert_eq!(rows[3].tier, Some(SqlTier::BusinessCritical));
    assert_eq!(rows[3].unit_price.unwrap().to_string(), "0.10");
    let rows = usage_from_csv("f.csv", &data("constructed_focus_hourly.csv")).unwrap();
    assert_eq!((rows[0].end - rows[0].start).num_hours(), 1);
    assert!(rows.iter().all(|r| r.ahb.is_some_and(|a| a.enabled)));
}

#[test]
fn bad_cost_rows_name_line_and_column() {
    let e = usage_from_csv(
        "bad_cost_additionalinfo.csv",
        &data("bad_cost_additionalinfo.csv"),
    )
    .unwrap_err();
    let l = e.location();
    assert_eq!(
        (l.line, l.column, l.field.as_deref()),
        (Some(2), Some(5), Some("AdditionalInfo"))
    );
    let e = usage_from_csv("bad_cost_date.csv", &data("bad_cost_date.csv")).unwrap_err();
    let l = e.location();
    assert_eq!(
        (e.code(), l.line, l.column, l.field.as_deref()),
        (ErrorCode::InvalidValue, Some(3), Some(1), Some("Date"))
    );
    assert_eq!(l.file.as_deref(), Some("bad_cost_date.csv"));
}

#[test]
fn licence_inventory_reads_sam_columns() {
    let got = licences_from_csv("l.csv", &data("constructed_licences.csv")).unwrap();
    assert_eq!(got.ignored_columns, ["Cost Centre"]);
    let l = &got.licences;
    assert_eq!(l.len(), 4);
    assert_eq!(
        (l[1].quantity, l[1].edition),
        (10, Some(ahb_core::model::Edition::Standard))
    );
    assert_eq!(l[1].sa.unwrap().end.to_string(), "2026-03-31");
    assert_eq!(
        l[2].quantity, 64,
        "2-core packs count two core licences each"
    );
    assert_eq!(l[0].on_premises_in_use, 16);
    let e = licences_from_csv(
        "bad_licences_quantity.csv",
        &data("bad_licences_quantity.csv"),
    )
    .unwrap_err();
    let loc = e.location();
    assert_eq!(
        (e.code(), loc.line, loc.column, loc.field.as_deref()),
        (ErrorCode::InvalidValue, Some(3), Some(4), Some("Quantity"))
    );
    let e = licences_from_csv("bad_licences_date.csv", &data("bad_licences_date.csv")).unwrap_err();
    assert_eq!(
        (e.location().line, e.location().field.as_deref()),
        (Some(2), Some("SA End"))
    );
}

#[test]
fn licences_and_inventory_optimize_and_export_with_rollback() {
    let mut imp = Importer::new();
    for f in [
        "constructed_az_vm_list.json",
        "constructed_arg_mixed.json",
        "constructed_powershell_get_azvm.json",
    ] {
        imp.add_inventory_bytes(f, &data(f)).unwrap();
    }
    imp.add_licences_csv(
        "constructed_licences.csv",
        &data("constructed_licences.csv"),
    )
    .unwrap();
    let o = imp.finish().unwrap();
    let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let plan = optimize(&o.estate, &RuleSet::current(), &OptimizeOptions::new(d)).unwrap();
    let script = az_script(&o.estate, &plan).unwrap();
    let patches = arm_patches(&o.estate, &plan).unwrap();
    assert_eq!(patches.len(), plan.changes.len());
    assert_eq!(
        script
            .apply
            .lines()
            .filter(|l| l.starts_with("az "))
            .count(),
        plan.changes.len()
    );
    assert_eq!(
        script
            .rollback
            .lines()
            .filter(|l| l.starts_with("az "))
            .count(),
        plan.changes.len()
    );
    let pos = audit(&o.estate, &RuleSet::current(), d).unwrap();
    assert!(position_csv(&pos).lines().count() > o.estate.resources.len());
    assert_eq!(plan_csv(&plan).lines().count(), plan.assignments.len() + 1);
}

#[test]
fn sample_estate_remediation_rolls_back_to_today() {
    let estate = ahb_core::Estate::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/sample-estate.json"
    ))
    .unwrap();
    let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let plan = optimize(&estate, &RuleSet::current(), &OptimizeOptions::new(d)).unwrap();
    let s = az_script(&estate, &plan).unwrap();
    assert!(
        s.apply
            .contains("az sql vm update --ids 'sqlvm-000' --license-type 'AHUB'")
    );
    assert!(
        s.rollback
            .contains("az sql vm update --ids 'sqlvm-000' --license-type 'PAYG'")
    );
    for p in arm_patches(&estate, &plan).unwrap() {
        assert_ne!(p.body, p.rollback_body, "{}", p.resource);
    }
}
