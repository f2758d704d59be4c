//! Real exports in, decisions out: prices from the Retail Prices API and the cost export,
//! partial inventories, slash dates, currencies and wrong-typed fields (files in tests/data,
//! sources in tests/data/SOURCES.md).

use ahb_core::import::{Importer, PriceSource, PriceType, licences_from_csv_with_order};
use ahb_core::text::DateOrder;
use ahb_core::{ErrorCode, OptimizeOptions, RuleSet, optimize};
use rust_decimal::Decimal;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn text(name: &str) -> String {
    String::from_utf8(data(name)).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

const APP01: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/RG-APP/providers/Microsoft.Compute/virtualMachines/app01";

fn inventory(imp: &mut Importer) {
    for f in [
        "constructed_az_vm_list.json",
        "constructed_arg_mixed.json",
        "constructed_powershell_get_azvm.json",
        "bellhop_arg_sqlelasticpool.json",
    ] {
        imp.add_inventory_bytes(f, &data(f)).unwrap();
    }
}

fn prices(imp: &mut Importer) {
    for f in ["retail_prices_page1.json", "retail_prices_page2.json"] {
        imp.add_retail_prices_json(f, &text(f)).unwrap();
    }
}

#[test]
fn retail_prices_price_windows_vms_and_sql_paas_and_skip_spot_low_priority_reservations() {
    let mut imp = Importer::new();
    inventory(&mut imp);
    prices(&mut imp);
    let o = imp.finish().unwrap();
    assert_eq!(o.currency.as_deref(), Some("USD"));
    let r = o.estate.resources.iter().find(|r| r.id == APP01).unwrap();
    let p = r.prices.as_ref().unwrap();
    // GEN-11: the Windows meter against the base meter of the same ARM SKU and region; the
    // Spot, Low Priority and DevTestConsumption meters of the same SKU were passed over.
    assert_eq!(
        (p.payg_per_hour, p.ahb_per_hour, p.currency.as_deref()),
        (dec("0.414"), dec("0.23"), Some("USD"))
    );
    let src = o.priced.iter().find(|x| x.resource == APP01).unwrap();
    assert_eq!(
        src.source,
        PriceSource::RetailList {
            price_type: PriceType::Consumption
        }
    );
    // The vCore elastic pool (westus2, 4 vCores, GP): the SQL License meter × vCores.
    let pool = o
        .estate
        .resources
        .iter()
        .find(|r| r.name.as_deref() == Some("sqlelastic"))
        .unwrap();
    let p = pool.prices.as_ref().unwrap();
    assert_eq!((p.payg_per_hour, p.ahb_per_hour), (dec("0.4"), dec("0")));
    // Unpriced is loud: every eligible resource without a price is listed with its reason.
    assert!(!o.unpriced.is_empty());
    assert!(
        o.unpriced.iter().any(|u| u.reason.contains("no location")),
        "{:?}",
        o.unpriced
    );
    let eligible_priced = o.priced.len();
    let with_prices = o
        .estate
        .resources
        .iter()
        .filter(|r| r.prices.is_some())
        .count();
    assert_eq!(eligible_priced, with_prices);
}

#[test]
fn cost_export_effective_prices_are_preferred_and_say_so() {
    let mut imp = Importer::new();
    inventory(&mut imp);
    prices(&mut imp);
    imp.add_cost_export_csv(
        "constructed_cost_effective.csv",
        &data("constructed_cost_effective.csv"),
    )
    .unwrap();
    let o = imp.finish().unwrap();
    let r = o.estate.resources.iter().find(|r| r.id == APP01).unwrap();
    let p = r.prices.as_ref().unwrap();
    // Billed with the benefit at 0.2 against a list base of 0.23: the same discount applies to
    // the Windows meter, 0.414 × 0.2 / 0.23 = 0.36.
    assert_eq!((p.payg_per_hour, p.ahb_per_hour), (dec("0.36"), dec("0.2")));
    let src = o.priced.iter().find(|x| x.resource == APP01).unwrap();
    assert_eq!(
        src.source,
        PriceSource::CostExport {
            file: "constructed_cost_effective.csv".into(),
            line: 2
        }
    );
}

#[test]
fn an_imported_priced_estate_gives_a_plan_with_changes() {
    let mut imp = Importer::new();
    inventory(&mut imp);
    prices(&mut imp);
    let o = imp.finish().unwrap();
    let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    // No licences imported: every Windows AHB claim is uncovered and the plan must turn
    // them off; the priced ones carry money.
    let plan = optimize(&o.estate, &RuleSet::current(), &OptimizeOptions::new(d)).unwrap();
    assert!(!plan.changes.is_empty());
    assert!(
        plan.changes
            .iter()
            .any(|c| c.resource == APP01 && c.monthly_savings_delta.is_some()),
        "{:?}",
        plan.changes
    );
}

#[test]
fn mixed_currencies_are_a_located_typed_error() {
    let mut imp = Importer::new();
    prices(&mut imp);
    let eur = text("retail_prices_page2.json").replace("\"USD\"", "\"EUR\"");
    let e = imp.add_retail_prices_json("eur.json", &eur).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    let l = e.location();
    assert_eq!(l.file.as_deref(), Some("eur.json"));
    assert_eq!(l.field.as_deref(), Some("currencyCode"));
    assert_eq!(l.record.as_ref().unwrap().index, 0);
    assert!(e.message().contains("EUR") && e.message().contains("USD"));
    // A cost export in another currency than the list is rejected at finish, with its line.
    let mut imp = Importer::new();
    inventory(&mut imp);
    prices(&mut imp);
    let csv = String::from_utf8(data("constructed_cost_effective.csv"))
        .unwrap()
        .replace(",USD,", ",EUR,");
    imp.add_cost_export_csv("eur.csv", csv.as_bytes()).unwrap();
    let e = imp.finish().unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    assert_eq!(e.location().file.as_deref(), Some("eur.csv"));
    assert_eq!(e.location().line, Some(2));
}

#[test]
fn wrong_typed_price_fields_are_typed_errors() {
    let mut imp = Importer::new();
    let bad = text("retail_prices_page2.json").replacen(
        "\"retailPrice\": 0.11",
        "\"retailPrice\": \"cheap\"",
        1,
    );
    let e = imp.add_retail_prices_json("bad.json", &bad).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    assert_eq!(e.location().field.as_deref(), Some("retailPrice"));
}

const SQLVM: &str = r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.SqlVirtualMachine/sqlVirtualMachines/db1",
  "type": "Microsoft.SqlVirtualMachine/sqlVirtualMachines",
  "properties": {"sqlImageSku": "Enterprise", "sqlServerLicenseType": "PAYG",
    "virtualMachineResourceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/db1"}}]"#;

const ON_FOREIGN_HOST: &str = r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
  "type": "Microsoft.Compute/virtualMachines", "licenseType": "Windows_Server",
  "hardwareProfile": {"vmSize": "Standard_D4s_v5"},
  "storageProfile": {"osDisk": {"osType": "Windows"}},
  "host": {"id": "/subscriptions/other/resourceGroups/hosts/providers/Microsoft.Compute/hostGroups/g/hosts/h9"}}]"#;

#[test]
fn partial_inventories_become_warnings_and_skips_and_strict_restores_the_error() {
    let mut imp = Importer::new();
    imp.add_inventory_json("sqlvm.json", SQLVM).unwrap();
    imp.add_inventory_json("vms.json", ON_FOREIGN_HOST).unwrap();
    let o = imp.finish().unwrap();
    assert_eq!(o.estate.resources.len(), 1, "the VM is imported");
    assert!(matches!(
        &o.estate.resources[0].spec,
        ahb_core::ResourceSpec::Vm { host: None, .. }
    ));
    assert_eq!(o.warnings.len(), 1);
    assert_eq!(o.warnings[0].field, "host.id");
    assert!(o.warnings[0].message.contains("h9"));
    assert_eq!(o.skipped.len(), 1);
    assert!(o.skipped[0].reason.contains("compute VM"));
    for (file, text) in [("sqlvm.json", SQLVM), ("vms.json", ON_FOREIGN_HOST)] {
        let mut imp = Importer::new();
        imp.set_strict(true);
        imp.add_inventory_json(file, text).unwrap();
        let e = imp.finish().unwrap_err();
        assert_eq!(e.code(), ErrorCode::UnknownReference);
        assert_eq!(e.location().file.as_deref(), Some(file));
    }
}

const AMBIGUOUS: &str = "id,product,edition,metric,quantity,programme,sa start,sa end\n\
ws,Windows Server,Datacenter,core,16,EA,01/07/2025,01/06/2028\n";

#[test]
fn ambiguous_slash_dates_need_a_stated_order_and_clear_ones_are_inferred() {
    let e = licences_from_csv_with_order("l.csv", AMBIGUOUS.as_bytes(), None).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    let l = e.location();
    assert_eq!(
        (l.file.as_deref(), l.line, l.field.as_deref()),
        (Some("l.csv"), Some(2), Some("sa start"))
    );
    assert!(e.message().contains("date_order"), "{e}");
    let dmy =
        licences_from_csv_with_order("l.csv", AMBIGUOUS.as_bytes(), Some(DateOrder::Dmy)).unwrap();
    let sa = dmy.licences[0].sa.unwrap();
    assert_eq!(sa.start.to_string(), "2025-07-01");
    let mdy =
        licences_from_csv_with_order("l.csv", AMBIGUOUS.as_bytes(), Some(DateOrder::Mdy)).unwrap();
    assert_eq!(mdy.licences[0].sa.unwrap().start.to_string(), "2025-01-07");
    // One day above 12 anywhere in the file shows the order.
    let shown = AMBIGUOUS.replace("01/06/2028", "30/06/2028");
    let got = licences_from_csv_with_order("l.csv", shown.as_bytes(), None).unwrap();
    assert_eq!(got.licences[0].sa.unwrap().start.to_string(), "2025-07-01");
    // The importer passes its stated order on.
    let mut imp = Importer::new();
    imp.set_date_order(Some(DateOrder::Dmy));
    imp.add_licences_csv("l.csv", AMBIGUOUS.as_bytes()).unwrap();
    let o = imp.finish().unwrap();
    assert_eq!(
        o.estate.licences[0].sa.unwrap().end.to_string(),
        "2028-06-01"
    );
}

#[test]
fn licence_errors_raised_at_finish_keep_file_and_line() {
    let csv = "id,product,edition,metric,quantity,programme,scope\n\
ws,Windows Server,Datacenter,core,16,EA,\n\
ws2,Windows Server,Datacenter,core,16,EA,/subscriptions/nowhere\n";
    let mut imp = Importer::new();
    imp.add_licences_csv("lic.csv", csv.as_bytes()).unwrap();
    let e = imp.finish().unwrap_err();
    let l = e.location();
    assert_eq!(l.file.as_deref(), Some("lic.csv"), "{e}");
    assert_eq!(l.line, Some(3), "{e}");
    assert!(l.field.is_some(), "{e}");
}

#[test]
fn wrong_typed_azure_fields_are_typed_errors() {
    let vm = ON_FOREIGN_HOST.replace("\"licenseType\": \"Windows_Server\"", "\"licenseType\": 1");
    let mut imp = Importer::new();
    let e = imp.add_inventory_json("vm.json", &vm).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    assert_eq!(e.location().field.as_deref(), Some("licenseType"));
    let vm = ON_FOREIGN_HOST.replace("\"vmSize\": \"Standard_D4s_v5\"", "\"vmSize\": 4");
    let e = Importer::new()
        .add_inventory_json("vm.json", &vm)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    assert_eq!(
        e.location().field.as_deref(),
        Some("hardwareProfile.vmSize")
    );
}

#[test]
fn stopped_vms_need_their_licences_and_deallocated_ones_do_not() {
    for (state, running) in [
        ("VM stopped", true),
        ("VM deallocated", false),
        ("VM running", true),
    ] {
        let vm = ON_FOREIGN_HOST.replace(
            "\"licenseType\"",
            &format!("\"powerState\": \"{state}\", \"licenseType\""),
        );
        let mut imp = Importer::new();
        imp.add_inventory_json("vm.json", &vm).unwrap();
        let o = imp.finish().unwrap();
        assert_eq!(o.estate.resources[0].running, running, "{state}");
    }
}

#[test]
fn one_decimal_rule_for_json_and_csv() {
    // Scientific notation is accepted, underscores are not, whether the amount arrives in
    // estate JSON or in a cost-export CSV.
    let estate = |amount: &str| {
        ahb_core::Estate::from_json(&format!(
            r#"{{"schema": "ahb.estate/1", "resources": [{{"id": "vm", "kind": "vm",
            "os": "windows", "vcpus": 4, "license_type": "None",
            "prices": {{"payg_per_hour": "{amount}", "ahb_per_hour": "0"}}}}]}}"#
        ))
    };
    let cost = |amount: &str| {
        let csv = format!(
            "Date,MeterCategory,Quantity,UnitPrice,ResourceId\n2025-01-01,Virtual Machines,24,{amount},/x\n"
        );
        ahb_core::import::usage_from_csv("c.csv", csv.as_bytes())
    };
    for ok in ["1.5", "1.0E-4", "2e3"] {
        assert!(estate(ok).is_ok(), "{ok}");
        assert!(cost(ok).is_ok(), "{ok}");
        assert_eq!(
            cost(ok).unwrap()[0].unit_price,
            ahb_core::text::parse_decimal(ok)
        );
    }
    for bad in ["1_000", "1,5", "NaN"] {
        assert!(estate(bad).is_err(), "{bad}");
        assert!(cost(bad).is_err(), "{bad}");
    }
}

#[allow(dead_code)]
#[path = "../../examples/rust/import_loop.rs"]
mod import_loop;

#[test]
fn readme_loop_output_is_what_the_example_prints() {
    let printed = import_loop::run().unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let at = readme
        .find("`cargo run -p ahb-core --example import_loop` prints:")
        .expect("README section");
    let start = readme[at..].find("```text\n").unwrap() + at + "```text\n".len();
    let end = readme[start..].find("```").unwrap() + start;
    assert_eq!(&readme[start..end], printed);
    // The loop gives a plan with changes and says what is unpriced.
    let changes: u32 = printed
        .split("plan: ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a plan line");
    assert!(changes > 0 && printed.contains("UNPRICED: "));
}

#[test]
fn rhel_and_sql_vm_licence_meters_price_by_vcpu_band() {
    let inv = r#"[
      {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/r1",
       "type": "Microsoft.Compute/virtualMachines", "location": "West US 2", "licenseType": "RHEL_BASE",
       "hardwareProfile": {"vmSize": "Standard_D2s_v3"},
       "storageProfile": {"osDisk": {"osType": "Linux"}, "imageReference": {"publisher": "RedHat"}}},
      {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/db1",
       "type": "Microsoft.Compute/virtualMachines", "location": "westeurope",
       "hardwareProfile": {"vmSize": "Standard_E8-4ds_v5"},
       "storageProfile": {"osDisk": {"osType": "Linux"}}},
      {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.SqlVirtualMachine/sqlVirtualMachines/db1",
       "type": "Microsoft.SqlVirtualMachine/sqlVirtualMachines", "location": "westeurope",
       "properties": {"sqlImageSku": "Enterprise", "sqlServerLicenseType": "PAYG",
         "virtualMachineResourceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/db1"}}]"#;
    let mut imp = Importer::new();
    imp.add_inventory_json("inv.json", inv).unwrap();
    prices(&mut imp);
    let o = imp.finish().unwrap();
    let price = |name: &str| {
        let r = o
            .estate
            .resources
            .iter()
            .find(|r| r.id.ends_with(name))
            .unwrap();
        let p = r
            .prices
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: {:?}", o.unpriced));
        (p.payg_per_hour, p.ahb_per_hour)
    };
    // RHEL: the 1-4 vCPU software meter, which BYOS removes; the display name of the region
    // ("West US 2") matches the ARM name (westus2).
    assert_eq!(price("virtualMachines/r1"), (dec("0.06"), dec("0")));
    // SQL-2: licensed on the 4 active vCPUs of E8-4ds_v5, so the 4 vCPU band, not the 8.
    assert_eq!(price("sqlVirtualMachines/db1"), (dec("0.75"), dec("0")));
}

#[test]
fn get_azvmsize_and_get_azcomputeresourcesku_extend_the_catalogue() {
    use ahb_core::catalogue::Catalogue;
    // Constructed in the shapes of `Get-AzVMSize | ConvertTo-Json` and
    // `Get-AzComputeResourceSku | ConvertTo-Json`, with made-up sizes the catalogue lacks.
    let vm_size = r#"[{"Name": "Standard_Z4_v9", "NumberOfCores": 4, "MemoryInMB": 16384},
                      {"Name": "Standard_Z8-2s_v9", "NumberOfCores": 2, "MemoryInMB": 65536}]"#;
    let resource_sku = r#"[{"ResourceType": "virtualMachines", "Name": "Standard_Z16_v9",
        "Capabilities": [{"Name": "vCPUs", "Value": "16"}, {"Name": "vCPUsAvailable", "Value": "16"}]},
        {"ResourceType": "disks", "Name": "Premium_LRS"}]"#;
    let cat = Catalogue::bundled()
        .with_vm_skus_json("sizes.json", vm_size)
        .unwrap()
        .with_vm_skus_json("skus.json", resource_sku)
        .unwrap();
    let f = |n: &str| cat.vm_size(n).map(|f| (f.vcpus, f.active_vcpus));
    assert_eq!(f("Standard_Z4_v9"), Some((4, None)));
    assert_eq!(f("Standard_Z8-2s_v9"), Some((8, Some(2))));
    assert_eq!(f("Standard_Z16_v9"), Some((16, None)));
    assert_eq!(f("Premium_LRS"), None);
    let bad = r#"[{"Name": "Standard_Z4_v9", "NumberOfCores": "four"}]"#;
    let e = Catalogue::bundled()
        .with_vm_skus_json("bad.json", bad)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    assert_eq!(e.location().field.as_deref(), Some("NumberOfCores"));
}

#[test]
fn wrong_typed_counts_are_typed_errors() {
    let vmss = r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss",
      "type": "Microsoft.Compute/virtualMachineScaleSets",
      "sku": {"name": "Standard_D4s_v5", "capacity": "3"},
      "properties": {"virtualMachineProfile": {"storageProfile": {"osDisk": {"osType": "Windows"}}}}}]"#;
    let e = Importer::new()
        .add_inventory_json("ss.json", vmss)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    assert_eq!(e.location().field.as_deref(), Some("sku.capacity"));
    let pool = r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/x/elasticPools/p",
      "type": "Microsoft.Sql/servers/elasticPools", "sku": {"name": "GP_Gen5", "tier": "GeneralPurpose", "capacity": 4.5}}]"#;
    let e = Importer::new()
        .add_inventory_json("p.json", pool)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    assert_eq!(e.location().field.as_deref(), Some("sku.capacity"));
}

#[test]
fn a_date_that_contradicts_the_file_order_is_rejected_where_it_stands() {
    let csv = "id,product,edition,metric,quantity,programme,sa start,sa end\n\
a,Windows Server,Datacenter,core,16,EA,13/07/2025,01/06/2028\n\
b,Windows Server,Datacenter,core,16,EA,07/13/2025,01/06/2028\n";
    let e = licences_from_csv_with_order("l.csv", csv.as_bytes(), None).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidValue);
    assert_eq!(
        (e.location().line, e.location().field.as_deref()),
        (Some(3), Some("sa start"))
    );
    assert!(e.message().contains("DD/MM/YYYY"), "{e}");
}

#[test]
fn the_sample_pages_pass_over_reservations_spot_low_priority_and_compute_only_meters() {
    let mut list = ahb_core::import::RetailPrices::new();
    for f in ["retail_prices_page1.json", "retail_prices_page2.json"] {
        list.add_json(f, &text(f)).unwrap();
    }
    // Page 1: the Learn F16s Spot (DevTest) and E64 v4 Reservation items, the D4s v5 Spot and
    // Low Priority meters; page 2: the SQL Database Compute Gen5 meter (not a licence).
    assert_eq!((list.items, list.passed_over), (18, 5));
    assert_eq!(list.currency(), Some("USD"));
}

/// app01's prices (pay-as-you-go, with the benefit) and their source, imported with the cost
/// export `bytes` (any format `add_cost_export` reads).
fn priced_by_cost_export(file: &str, bytes: &[u8]) -> (Decimal, Decimal, PriceSource) {
    let mut imp = Importer::new();
    inventory(&mut imp);
    prices(&mut imp);
    imp.add_cost_export(file, bytes).unwrap();
    let o = imp.finish().unwrap();
    let r = o.estate.resources.iter().find(|r| r.id == APP01).unwrap();
    let p = r.prices.clone().unwrap();
    let src = o.priced.iter().find(|x| x.resource == APP01).unwrap();
    (p.payg_per_hour, p.ahb_per_hour, src.source.clone())
}

/// A CSV export as Cost Management also delivers it, a Parquet file (every column text, empty
/// cells null), compressed with `compression`.
#[cfg(feature = "parquet")]
fn as_parquet(csv: &[u8], compression: parquet::basic::Compression) -> Vec<u8> {
    use std::sync::Arc;

    use ahb_core::arrow::array::{ArrayRef, StringArray};
    use ahb_core::arrow::{DataType, Field, RecordBatch, Schema};

    let csv = csv.strip_prefix("\u{feff}".as_bytes()).unwrap_or(csv);
    let mut reader = csv::Reader::from_reader(csv);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let schema = Arc::new(Schema::new(
        (header.iter())
            .map(|h| Field::new(h.as_str(), DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let columns: Vec<ArrayRef> = (0..header.len())
        .map(|c| {
            let cells = records.iter().map(|r| r.get(c).filter(|s| !s.is_empty()));
            Arc::new(cells.collect::<StringArray>()) as ArrayRef
        })
        .collect();
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(compression)
        .build();
    let mut out = Vec::new();
    let mut writer = parquet::arrow::ArrowWriter::try_new(&mut out, schema, Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    out
}

/// Cost Management writes its exports as CSV or as Parquet: the importer tells them apart by
/// the Parquet magic and prices the estate alike from either, gzip-compressed (a Spark option)
/// or Snappy; the rows of both are the same.
#[cfg(feature = "parquet")]
#[test]
fn a_cost_export_as_parquet_prices_the_estate_as_its_csv() {
    use ahb_core::import::{is_parquet, usage_from_export};
    use parquet::basic::{Compression, GzipLevel};

    let csv = data("constructed_cost_effective.csv");
    let from_csv = priced_by_cost_export("cost.csv", &csv);
    assert_eq!((from_csv.0, from_csv.1), (dec("0.36"), dec("0.2")));
    assert!(!is_parquet(&csv));
    for compression in [Compression::GZIP(GzipLevel::default()), Compression::SNAPPY] {
        let pq = as_parquet(&csv, compression);
        assert!(is_parquet(&pq), "{compression:?}");
        let from_parquet = priced_by_cost_export("cost.parquet", &pq);
        assert_eq!((from_parquet.0, from_parquet.1), (from_csv.0, from_csv.1));
        // The price source names the file and the row (the CSV's line 2 is the first row).
        assert_eq!(
            from_parquet.2,
            PriceSource::CostExport {
                file: "cost.parquet".into(),
                line: 1
            }
        );
        let mut a = usage_from_export("cost.csv", &csv, None).unwrap();
        let mut b = usage_from_export("cost.parquet", &pq, None).unwrap();
        assert!(!a.is_empty());
        for r in a.iter_mut().chain(b.iter_mut()) {
            r.line = 0;
        }
        assert_eq!(a, b, "{compression:?}");
    }
    // A damaged Parquet file is a located parse error, never read as CSV.
    let mut cut = as_parquet(&csv, Compression::SNAPPY);
    cut.truncate(cut.len() / 2);
    let e = Importer::new()
        .add_cost_export("cut.parquet", &cut)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Parse);
    assert_eq!(e.location().file.as_deref(), Some("cut.parquet"));
}

/// Cost Management compresses CSV exports with gzip when asked: such a file prices the estate
/// as the CSV does, its errors name the file and the inflated CSV's line.
#[test]
fn a_gzip_compressed_cost_export_prices_the_estate_as_its_csv() {
    use std::io::Write;

    let csv = data("constructed_cost_effective.csv");
    let gz = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    };
    let compressed = gz(&csv);
    assert!(ahb_core::import::is_gzip(&compressed));
    assert_eq!(
        priced_by_cost_export("cost.csv.gz", &compressed),
        (
            dec("0.36"),
            dec("0.2"),
            PriceSource::CostExport {
                file: "cost.csv.gz".into(),
                line: 2
            }
        )
    );
    // A bad cell inside: the inflated CSV's line, in the compressed file's name.
    let bad = String::from_utf8(csv.clone())
        .unwrap()
        .replacen(",24,1 Hour,", ",many,1 Hour,", 1);
    let e = Importer::new()
        .add_cost_export("bad.csv.gz", &gz(bad.as_bytes()))
        .unwrap_err();
    assert_eq!(e.location().file.as_deref(), Some("bad.csv.gz"));
    assert_eq!(e.location().line, Some(2), "{e}");
    // Cut short: a parse error, never read as CSV.
    let e = Importer::new()
        .add_cost_export("cut.csv.gz", &compressed[..compressed.len() / 2])
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Parse);
    assert_eq!(e.location().file.as_deref(), Some("cut.csv.gz"));
}
