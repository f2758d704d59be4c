//! Importers fill the replica link where Azure's data carries it (issue 11, SQL-9 and SQL-14):
//! availability group listeners (`availabilityGroupConfiguration.replicas[]`), failover groups
//! of logical servers and of managed instances, replication links, and the passive-replica
//! properties (`sqlServerLicenseType = DR`, `hybridSecondaryUsage = Passive`, `secondaryType =
//! Standby`). The fixtures are Resource Graph and `az` output in the documented shapes
//! (tests/data/SOURCES.md); a primary outside the import is a warning and a placeholder, or an
//! error in strict mode.

use ahb_core::import::{ImportOutcome, Importer};
use ahb_core::model::ResourceSpec;
use ahb_core::rules::Pool;
use ahb_core::{ErrorCode, RuleSet, audit};

const AG: &str = "constructed_arg_sql_ag_replicas.json";
const FOG: &str = "constructed_arg_sql_failover_groups.json";
const LINKS: &str = "constructed_az_sql_db_replica_list_links.json";
const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000002";

/// 40 SQL Server Enterprise core licences with SA (160 NC): enough for every primary.
const LICENCES: &str = "Licence ID,Product,Edition,Metric,Quantity,Program,SA Start,SA End\n\
                        sql-ent,SQL Server,Enterprise,core,40,EA,2025-01-01,2027-12-31\n";

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn import(files: &[&str], strict: bool) -> ahb_core::Result<ImportOutcome> {
    let mut imp = Importer::new();
    imp.set_strict(strict);
    for f in files {
        imp.add_inventory_bytes(f, &data(f))?;
    }
    imp.add_licences_csv("licences.csv", LICENCES.as_bytes())?;
    imp.finish()
}

fn sql_vm(name: &str) -> String {
    format!(
        "{SUB}/resourceGroups/RG-SQL/providers/Microsoft.SqlVirtualMachine/sqlVirtualMachines/{name}"
    )
}

fn sql(path: &str) -> String {
    format!("{SUB}/resourceGroups/RG-DB/providers/Microsoft.Sql/{path}")
}

fn spec<'a>(o: &'a ImportOutcome, id: &str) -> &'a ResourceSpec {
    &o.estate
        .resources
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} not imported"))
        .spec
}

fn replica_of<'a>(o: &'a ImportOutcome, id: &str) -> Option<&'a str> {
    match spec(o, id) {
        ResourceSpec::SqlVm { replica_of, .. }
        | ResourceSpec::SqlDatabase { replica_of, .. }
        | ResourceSpec::SqlManagedInstance { replica_of, .. } => replica_of.as_deref(),
        other => panic!("{id} is a {}", other.kind()),
    }
}

/// The SQL requirement of `id` in the audit: (units, claimed, reasons).
fn sql_need(p: &ahb_core::Position, id: &str) -> (u64, bool, String) {
    let a = p.resources.iter().find(|a| a.resource == id).unwrap();
    let q = a
        .requirements
        .iter()
        .find(|q| q.pool == Pool::SqlServer)
        .unwrap_or_else(|| panic!("{id} has no SQL requirement: {a:?}"));
    let why: Vec<String> = q.reasons.iter().map(ToString::to_string).collect();
    (q.units, q.claimed, why.join(" | "))
}

fn date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

#[test]
fn sql_9_availability_group_secondaries_name_their_primary_and_go_free() {
    let o = import(&[AG], false).unwrap();
    // The listener spells the primary's id in lower case: ARM ids compare without case, and
    // the link is written in the spelling the import kept.
    assert_eq!(
        replica_of(&o, &sql_vm("sql2")),
        Some(sql_vm("sql1").as_str())
    );
    assert_eq!(
        replica_of(&o, &sql_vm("sql3")),
        Some(sql_vm("sql1").as_str())
    );
    assert_eq!(replica_of(&o, &sql_vm("sql1")), None);
    // sql4 is DR but no record names its primary.
    assert_eq!(replica_of(&o, &sql_vm("sql4")), None);
    let links: Vec<(&str, &str, bool)> = o
        .replica_links
        .iter()
        .map(|l| (l.secondary.as_str(), l.primary.as_str(), l.primary_imported))
        .collect();
    assert!(
        links.contains(&(&sql_vm("sql2"), &sql_vm("sql1"), true)),
        "{links:?}"
    );

    let p = audit(&o.estate, &RuleSet::current(), date()).unwrap();
    // sql1 (AHUB, 8 vCPU Enterprise = 32 NC) is covered by licences with SA; its two passive
    // secondaries are free (SQL-9: two free passive secondaries in Azure).
    let (units, claimed, _) = sql_need(&p, &sql_vm("sql1"));
    assert_eq!((units, claimed), (32, true));
    for s in ["sql2", "sql3"] {
        let (units, _, why) = sql_need(&p, &sql_vm(s));
        assert_eq!(units, 0, "{s}: {why}");
        assert!(why.contains("free passive replica"), "{s}: {why}");
    }
    // A DR replica with no primary needs its licences (SQL-9), as a claim on the pool.
    let (units, claimed, why) = sql_need(&p, &sql_vm("sql4"));
    assert_eq!((units, claimed), (32, true), "{why}");
    assert!(why.contains("names no primary"), "{why}");
    assert!(p.compliant, "{}", p.to_text());
}

#[test]
fn a_secondary_whose_primary_is_not_imported_is_a_placeholder_with_a_warning_or_a_strict_error() {
    let o = import(&[AG], false).unwrap();
    let missing = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/RG-HR/providers/Microsoft.SqlVirtualMachine/sqlVirtualMachines/sql9";
    // sql5's availability group names a primary in a subscription that was not exported.
    assert_eq!(replica_of(&o, &sql_vm("sql5")), Some(missing));
    let w = o
        .warnings
        .iter()
        .find(|w| w.message.contains("sql9"))
        .expect("a warning for the missing primary");
    assert_eq!(w.origin.file, AG);
    assert_eq!(
        w.field,
        "properties.availabilityGroupConfiguration.replicas[0].sqlVirtualMachineInstanceId"
    );
    assert!(w.message.contains("not in the import"), "{}", w.message);
    assert!(
        o.replica_links
            .iter()
            .any(|l| l.primary == missing && !l.primary_imported)
    );
    // The audit licenses it as usual and says why.
    let p = audit(&o.estate, &RuleSet::current(), date()).unwrap();
    let (units, claimed, why) = sql_need(&p, &sql_vm("sql5"));
    assert_eq!((units, claimed), (32, true), "{why}");
    assert!(why.contains("not in the estate"), "{why}");

    // Strict: the same reference is an error naming the file, record and field.
    let e = import(&[AG], true).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownReference);
    let at = e.location();
    assert_eq!(at.file.as_deref(), Some(AG));
    assert_eq!(
        at.field.as_deref(),
        Some("properties.availabilityGroupConfiguration.replicas[0].sqlVirtualMachineInstanceId")
    );
    assert!(e.message().contains("sql9"), "{}", e.message());
}

#[test]
fn sql_14_failover_groups_and_replication_links_link_standby_databases_and_instances() {
    let o = import(&[FOG, LINKS], false).unwrap();
    // Logical-server failover group: the database of the same name on the secondary server.
    let orders = sql("servers/sales-neu/databases/orders");
    assert_eq!(
        replica_of(&o, &orders),
        Some(sql("servers/sales-weu/databases/orders").as_str())
    );
    // Replication link (`az sql db replica list-links`): linkType STANDBY makes it a standby
    // even though the database row does not say so.
    let invoices = sql("servers/sales-neu/databases/invoices");
    assert_eq!(
        replica_of(&o, &invoices),
        Some(sql("servers/sales-weu/databases/invoices").as_str())
    );
    assert!(matches!(
        spec(&o, &invoices),
        ResourceSpec::SqlDatabase { standby: true, .. }
    ));
    // Instance failover group: the partner instance (hybridSecondaryUsage = Passive).
    let mi = sql("managedInstances/mi-sales-neu");
    assert_eq!(
        replica_of(&o, &mi),
        Some(sql("managedInstances/mi-sales-weu").as_str())
    );
    assert!(matches!(
        spec(&o, &mi),
        ResourceSpec::SqlManagedInstance {
            passive_dr: true,
            ..
        }
    ));
    // The failover group read from the secondary server names a primary server whose database
    // was not exported: a placeholder and a warning.
    let staff = sql("servers/hr-neu/databases/staff");
    assert_eq!(
        replica_of(&o, &staff),
        Some(sql("servers/hr-weu/databases/staff").as_str())
    );
    let w = o
        .warnings
        .iter()
        .find(|w| w.message.contains("hr-weu"))
        .expect("a warning for the missing primary database");
    assert_eq!(
        (w.origin.file.as_str(), w.field.as_str()),
        (FOG, "properties.databases[0]")
    );

    let p = audit(&o.estate, &RuleSet::current(), date()).unwrap();
    for free in [&orders, &invoices, &mi] {
        let (units, _, why) = sql_need(&p, free);
        assert_eq!(units, 0, "{free}: {why}");
        assert!(why.contains("free passive replica 1 of 1"), "{free}: {why}");
    }
    // The standby without its primary in the estate is licensed as usual (SQL-14).
    let (units, claimed, why) = sql_need(&p, &staff);
    assert_eq!((units, claimed), (4, true), "{why}");
    assert!(why.contains("not in the estate"), "{why}");

    let e = import(&[FOG, LINKS], true).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownReference);
    assert_eq!(
        e.location().field.as_deref(),
        Some("properties.databases[0]")
    );
}

#[test]
fn replica_links_are_in_the_import_report() {
    let o = import(&[AG, FOG, LINKS], false).unwrap();
    let v: serde_json::Value = serde_json::from_str(&o.report_json()).unwrap();
    let links = v["replica_links"].as_array().unwrap();
    assert_eq!(links.len(), o.replica_links.len());
    assert!(links.iter().any(|l| l["secondary"] == sql_vm("sql2")
        && l["primary"] == sql_vm("sql1")
        && l["origin"]["file"] == AG));
}

/// One inventory document of the given rows.
fn rows(rows: &str) -> ahb_core::Result<ImportOutcome> {
    let mut imp = Importer::new();
    imp.add_inventory_json("inv.json", &format!("[{rows}]"))?;
    imp.finish()
}

const VM: &str = r#"{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/NAME",
  "type": "Microsoft.Compute/virtualMachines", "hardwareProfile": {"vmSize": "Standard_D4s_v5"},
  "storageProfile": {"osDisk": {"osType": "Windows"}}}"#;
const SQLVM: &str = r#"{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.SqlVirtualMachine/sqlVirtualMachines/NAME",
  "type": "Microsoft.SqlVirtualMachine/sqlVirtualMachines",
  "properties": {"sqlImageSku": "Enterprise", "sqlServerLicenseType": "LIC",
    "virtualMachineResourceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/NAME"}}"#;

fn sql_vm_rows(name: &str, lic: &str) -> String {
    format!(
        "{},{}",
        VM.replace("NAME", name),
        SQLVM.replace("NAME", name).replace("LIC", lic)
    )
}

fn listener(replicas: &str) -> String {
    format!(
        r#"{{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.SqlVirtualMachine/sqlVirtualMachineGroups/g/availabilityGroupListeners/l",
            "type": "Microsoft.SqlVirtualMachine/sqlVirtualMachineGroups/availabilityGroupListeners",
            "properties": {{"availabilityGroupName": "ag1", "availabilityGroupConfiguration": {{"replicas": [{replicas}]}}}}}}"#
    )
}

fn replica(name: &str, role: &str, readable: &str) -> String {
    format!(
        r#"{{"sqlVirtualMachineInstanceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.SqlVirtualMachine/sqlVirtualMachines/{name}",
            "role": "{role}", "commit": "Synchronous_Commit", "failover": "Automatic", "readableSecondary": "{readable}"}}"#
    )
}

#[test]
fn a_readable_dr_secondary_is_warned_about_and_bad_roles_are_typed_errors() {
    let o = rows(&format!(
        "{},{},{}",
        sql_vm_rows("p", "AHUB"),
        sql_vm_rows("d", "DR"),
        listener(&format!(
            "{},{}",
            replica("p", "Primary", "No"),
            replica("d", "Secondary", "All")
        ))
    ))
    .unwrap();
    assert!(
        o.warnings
            .iter()
            .any(|w| w.message.contains("readable") && w.message.contains("SQL-9")),
        "{:?}",
        o.warnings
    );
    // A role Azure does not have is an error at its field, not a silent guess.
    let e = rows(&format!(
        "{},{}",
        sql_vm_rows("d", "DR"),
        listener(&replica("d", "Witness", "No"))
    ))
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownVariant);
    assert_eq!(
        e.location().field.as_deref(),
        Some("properties.availabilityGroupConfiguration.replicas[0].role")
    );
    // Two primaries in one group are an error too.
    let e = rows(&listener(&format!(
        "{},{}",
        replica("a", "Primary", "No"),
        replica("b", "PRIMARY", "No")
    )))
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
}

#[test]
fn a_group_without_a_primary_links_nothing_and_says_so() {
    let o = rows(&format!(
        "{},{}",
        sql_vm_rows("d", "DR"),
        listener(&replica("d", "Secondary", "No"))
    ))
    .unwrap();
    assert!(o.replica_links.is_empty());
    assert!(
        o.warnings
            .iter()
            .any(|w| w.message.contains("names no primary")),
        "{:?}",
        o.warnings
    );
}

#[test]
fn a_replica_link_to_a_resource_that_is_not_sql_is_an_error() {
    let e = rows(&format!(
        "{},{},{}",
        VM.replace("NAME", "web"),
        sql_vm_rows("p", "AHUB"),
        listener(&format!(
            "{},{}",
            replica("p", "Primary", "No"),
            r#"{"sqlVirtualMachineInstanceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web", "role": "Secondary"}"#
        ))
    ))
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    assert!(e.message().contains("not a SQL VM"), "{}", e.message());
}
