//! Real data in: Azure inventories, cost exports and SAM licence lists, converted into an
//! [`Estate`].
//!
//! ```
//! use ahb_core::import::Importer;
//! let mut imp = Importer::new();
//! imp.add_inventory_json("vms.json", r#"[{"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/app01",
//!   "type": "Microsoft.Compute/virtualMachines", "licenseType": null,
//!   "hardwareProfile": {"vmSize": "Standard_D4s_v5"},
//!   "storageProfile": {"osDisk": {"osType": "Windows"}}}]"#).unwrap();
//! let out = imp.finish().unwrap();
//! assert_eq!(out.estate.resources.len(), 1);
//! assert!(out.unknown_sizes.is_empty());
//! ```
//!
//! Why an `Importer` and not one function per file: a SQL VM gets its vCPUs from its compute VM,
//! and a VM refers to its dedicated host, and these often come from different files (`az sql vm
//! list` and `az vm list`). The joins happen in [`Importer::finish`], which also validates the
//! estate. Nothing is dropped silently: a resource without an AHB setting is listed in
//! [`ImportOutcome::skipped`] with the reason, and a VM size the catalogue does not know in
//! [`ImportOutcome::unknown_sizes`].

#[cfg(feature = "parquet")]
mod arrow_rows;
mod azure;
mod cost;
mod gzip;
mod hourly;
pub(crate) mod json;
mod licences;
mod prices;
mod replicas;
mod skus;
mod table;
pub mod usage;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use crate::text::is_parquet;
#[cfg(feature = "parquet")]
pub use cost::{
    usage_from_arrow, usage_from_arrow_with_order, usage_from_parquet,
    usage_from_parquet_with_order,
};
pub use cost::{usage_from_csv, usage_from_csv_with_order, usage_from_export};
pub use gzip::is_gzip;
pub use hourly::CostRowsUsed;
pub use licences::{LicenceImport, licences_from_csv, licences_from_csv_with_order};
pub use prices::{PriceSource, PriceType, Priced, RetailPrices, Unpriced};
pub use usage::{AhbEvidence, UsageRow};

use crate::catalogue::Catalogue;
use crate::error::{Error, ErrorCode, RecordRef, Result};
use crate::model::{Estate, LicenceLine, Resource, ResourceSpec, Scope, ScopeKind, ValidEstate};
use crate::text::DateOrder;

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The file name given to the importer.
    pub file: String,
    /// Zero-based index of the record in the file's resource list.
    pub index: usize,
    /// The record's id.
    pub id: String,
}

/// A resource the importer did not turn into an estate resource, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The record.
    pub origin: Origin,
    /// Why it carries no licence of its own.
    pub reason: String,
}

/// A VM size or host SKU the catalogue does not know: the resource is left out of the estate
/// until the size is added (`az vm list-skus`), because guessing vCPUs from the name is wrong
/// for most older sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownSize {
    /// The record (for a SQL VM, the SQL VM whose compute VM has the unknown size).
    pub origin: Origin,
    /// The size or SKU name.
    pub size: String,
    /// The field it was read from.
    pub field: String,
}

/// What [`Importer::finish`] produces.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOutcome {
    /// The estate, validated.
    pub estate: ValidEstate,
    /// Records that carry no AHB setting of their own.
    pub skipped: Vec<Skipped>,
    /// Records left out because their size is unknown.
    pub unknown_sizes: Vec<UnknownSize>,
    /// Licence-file columns ahb did not read, per file.
    pub ignored_columns: Vec<(String, Vec<String>)>,
    /// References to resources outside the import (a dedicated host, a SQL VM's compute VM, a
    /// replica's primary) that were left out, cut or kept as placeholders, with what was done
    /// (empty of these in strict mode, where they are errors); and replication facts worth a
    /// look (a group that names no primary, a readable secondary licensed `DR`).
    pub warnings: Vec<Warning>,
    /// Resources priced, and from which source (cost export preferred over list prices).
    pub priced: Vec<Priced>,
    /// Resources that can carry the benefit but have no price: their savings count as zero, so
    /// any plan over them is not a finished optimum. Loud on purpose: check this list.
    pub unpriced: Vec<Unpriced>,
    /// The one currency of every price of the estate, when there are prices.
    pub currency: Option<String>,
    /// Secondaries linked to their primaries (`replica_of`) from Azure's replication records:
    /// availability groups, failover groups, replication links, `sourceDatabaseId`.
    pub replica_links: Vec<ReplicaLink>,
}

/// A secondary linked to its primary by the import (SQL-9, SQL-14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplicaLink {
    /// The secondary, as imported.
    pub secondary: String,
    /// Its primary: as imported, or as the record names it when it is not in the import.
    pub primary: String,
    /// Whether the primary is in the import (when not, the secondary is licensed as usual and
    /// [`ImportOutcome::warnings`] says why).
    pub primary_imported: bool,
    /// The record the link was read from.
    pub origin: Origin,
}

/// A reference the importer could not follow, and what it did instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The record that holds the reference.
    pub origin: Origin,
    /// The field of the reference.
    pub field: String,
    /// What was missing and what was done.
    pub message: String,
}

/// The `schema` value of [`ImportOutcome::report_json`].
pub const IMPORT_REPORT_SCHEMA: &str = "ahb.import/1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    resources: usize,
    licences: usize,
    skipped: &'a [Skipped],
    unknown_sizes: &'a [UnknownSize],
    warnings: &'a [Warning],
    ignored_columns: &'a [(String, Vec<String>)],
    currency: Option<&'a str>,
    priced: &'a [Priced],
    unpriced: &'a [Unpriced],
    replica_links: &'a [ReplicaLink],
}

impl ImportOutcome {
    /// What the import did besides the estate, as versioned JSON (`ahb.import/1`): counts,
    /// skipped records, unknown sizes, warnings, ignored columns, the currency, which
    /// resources were priced (and from where) or left unpriced (and why), and the replica links.
    /// For the C face and for logs.
    pub fn report_json(&self) -> String {
        serde_json::to_string_pretty(&Report {
            schema: IMPORT_REPORT_SCHEMA,
            resources: self.estate.resources.len(),
            licences: self.estate.licences.len(),
            skipped: &self.skipped,
            unknown_sizes: &self.unknown_sizes,
            warnings: &self.warnings,
            ignored_columns: &self.ignored_columns,
            currency: self.currency.as_deref(),
            priced: &self.priced,
            unpriced: &self.unpriced,
            replica_links: &self.replica_links,
        })
        .unwrap_or_default()
    }

    /// Fails with the first unknown size, for callers that want a complete estate or nothing.
    pub fn require_known_sizes(&self) -> Result<()> {
        match self.unknown_sizes.first() {
            None => Ok(()),
            Some(u) => Err(Error::at_record(
                ErrorCode::UnknownVariant,
                RecordRef {
                    collection: "resources",
                    index: u.origin.index,
                    id: Some(u.origin.id.clone()),
                },
                u.field.clone(),
                format!(
                    "VM size or host SKU {:?} is not in the catalogue; add your `az vm list-skus` output",
                    u.size
                ),
            )
            .in_file(u.origin.file.clone())),
        }
    }
}

struct Item {
    origin: Origin,
    pending: azure::Pending,
    /// The ARM `location` (region), for prices.
    location: Option<String>,
}

/// Collects inventory, licence files, price lists and cost exports into one estate.
pub struct Importer {
    catalogue: Catalogue,
    items: Vec<Item>,
    licences: Vec<LicenceLine>,
    /// File and line of each licence line, for errors raised at `finish`.
    licence_at: Vec<(String, usize)>,
    /// Licence ids seen, for the duplicate check across files without a quadratic scan.
    licence_ids: std::collections::HashSet<String>,
    skipped: Vec<Skipped>,
    unknown: Vec<UnknownSize>,
    ignored: Vec<(String, Vec<String>)>,
    retail: Option<RetailPrices>,
    effective: prices::Effective,
    strict: bool,
    date_order: Option<DateOrder>,
    /// Secondary → primary links from replication records, with the record each came from.
    links: Vec<(Origin, azure::Link)>,
}

impl Default for Importer {
    fn default() -> Self {
        Importer::new()
    }
}

impl Importer {
    /// An importer with the bundled catalogue.
    pub fn new() -> Importer {
        Importer::with_catalogue(Catalogue::bundled())
    }

    /// An importer with a catalogue of the caller's (for example with `az vm list-skus` added).
    pub fn with_catalogue(catalogue: Catalogue) -> Importer {
        Importer {
            catalogue,
            items: Vec::new(),
            licences: Vec::new(),
            licence_at: Vec::new(),
            licence_ids: std::collections::HashSet::new(),
            skipped: Vec::new(),
            unknown: Vec::new(),
            ignored: Vec::new(),
            retail: None,
            effective: prices::Effective::default(),
            strict: false,
            date_order: None,
            links: Vec::new(),
        }
    }

    /// Strict mode: a reference to a resource outside the import (a dedicated host, a SQL VM's
    /// compute VM) is an error, as it was before partial inventories were accepted. Off by
    /// default: such references become [`ImportOutcome::warnings`] or [`ImportOutcome::skipped`].
    pub fn set_strict(&mut self, strict: bool) {
        self.strict = strict;
    }

    /// States the order of slash dates (`01/07/2025`) in the CSV files added after this call;
    /// `None` infers it from each file and rejects an ambiguous one.
    pub fn set_date_order(&mut self, order: Option<DateOrder>) {
        self.date_order = order;
    }

    /// Adds one page of the Azure Retail Prices API response (`{"Items": [...]}`); call once
    /// per page file. Prices must all be in one currency.
    pub fn add_retail_prices_json(&mut self, file: &str, text: &str) -> Result<()> {
        self.retail
            .get_or_insert_with(RetailPrices::new)
            .add_json(file, text)
    }

    /// Adds a cost export (EA, MCA or FOCUS CSV) whose hourly VM rows give effective prices,
    /// preferred over list prices for the resources they bill (see [`RetailPrices`]).
    pub fn add_cost_export_csv(&mut self, file: &str, bytes: &[u8]) -> Result<()> {
        let rows = usage_from_csv_with_order(file, bytes, self.date_order)?;
        self.effective.add_rows(file, &rows);
        Ok(())
    }

    /// [`Importer::add_cost_export_csv`] of an export delivered as CSV, gzip-compressed CSV or
    /// Parquet (Cost Management writes each), told apart by their first bytes.
    ///
    /// # Errors
    ///
    /// Those of [`usage_from_export`]: a cell that does not read, with its file and line (or
    /// row); a Parquet file without the cargo feature `parquet`.
    pub fn add_cost_export(&mut self, file: &str, bytes: &[u8]) -> Result<()> {
        let rows = usage_from_export(file, bytes, self.date_order)?;
        self.effective.add_rows(file, &rows);
        Ok(())
    }

    /// Adds Azure inventory JSON: Resource Graph rows, `az vm|vmss|sql … list/show`, ARM GET
    /// bodies and list responses, REST examples, PowerShell `ConvertTo-Json`. `file` names the
    /// input in errors. A byte-order mark is accepted.
    pub fn add_inventory_json(&mut self, file: &str, text: &str) -> Result<()> {
        // A byte-order mark is accepted and a key given twice is an error, as for estates.
        let doc: Value = crate::strict_json::value_from_str(text).map_err(|e| e.in_file(file))?;
        let rows =
            azure::rows(&doc).map_err(|m| Error::new(ErrorCode::InvalidValue, m).in_file(file))?;
        for (index, row) in rows.into_iter().enumerate() {
            let converted = azure::convert(row, &self.catalogue)
                .map_err(|e| azure::locate(file, index, row, e))?;
            let origin = Origin {
                file: file.to_string(),
                index,
                id: json::get_str(row, "id").unwrap_or("").to_string(),
            };
            let location = json::get_str(row, "location")
                .map(|l| l.replace(' ', "").to_ascii_lowercase())
                .filter(|l| !l.is_empty());
            match converted {
                azure::Row::Resource(pending) => self.items.push(Item {
                    origin,
                    pending,
                    location,
                }),
                azure::Row::Skip(reason) => self.skipped.push(Skipped { origin, reason }),
                azure::Row::Links(links) => self
                    .links
                    .extend(links.into_iter().map(|l| (origin.clone(), l))),
                azure::Row::Unknown { size, field } => self.unknown.push(UnknownSize {
                    origin,
                    size,
                    field,
                }),
            }
        }
        Ok(())
    }

    /// Adds Azure inventory from bytes that must be UTF-8.
    pub fn add_inventory_bytes(&mut self, file: &str, bytes: &[u8]) -> Result<()> {
        let text = crate::text::utf8(bytes).map_err(|(_, line, column)| {
            Error::parse(line, column, "the input is not valid UTF-8").in_file(file)
        })?;
        self.add_inventory_json(file, text)
    }

    /// Adds a licence-inventory CSV (columns in [`licences_from_csv`]).
    pub fn add_licences_csv(&mut self, file: &str, bytes: &[u8]) -> Result<()> {
        let got = licences_from_csv_with_order(file, bytes, self.date_order)?;
        for (l, line) in got.licences.into_iter().zip(got.lines) {
            if !self.licence_ids.insert(l.id.clone()) {
                return Err(Error::new(
                    ErrorCode::DuplicateId,
                    format!("licence id {:?} is already used by another file", l.id),
                )
                .in_file(file)
                .with_line(line, None)
                .with_field("id"));
            }
            self.licences.push(l);
            self.licence_at.push((file.to_string(), line));
        }
        if !got.ignored_columns.is_empty() {
            self.ignored.push((file.to_string(), got.ignored_columns));
        }
        Ok(())
    }

    /// Joins SQL VMs to their compute VMs and VMs to their hosts, links each SQL secondary to
    /// its primary as the replication records say (availability group listeners, failover
    /// groups, replication links: [`ImportOutcome::replica_links`]), builds the subscription and
    /// resource-group scopes from the ARM ids, prices the resources, and validates the estate.
    ///
    /// # Errors
    ///
    /// A resource id imported twice (`duplicate_id`); in strict mode, a reference to a resource
    /// outside the import (`unknown_reference`: a host, a compute VM, a replica's primary or a
    /// replication record's secondary); a SQL VM whose compute VM is not a VM, or a replica
    /// link to a resource that is not a SQL VM, database or managed instance
    /// (`invalid_value`); prices in a second currency (`invalid_value`, field `currency`); and
    /// any estate validation error, located in the file and line (licence CSV) or record
    /// (inventory) it came from.
    ///
    /// # Examples
    ///
    /// ```
    /// use ahb_core::import::Importer;
    /// let mut imp = Importer::new();
    /// imp.add_inventory_json("sqlvm.json", r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.SqlVirtualMachine/sqlVirtualMachines/db1",
    ///   "type": "Microsoft.SqlVirtualMachine/sqlVirtualMachines",
    ///   "properties": {"sqlImageSku": "Enterprise", "sqlServerLicenseType": "PAYG",
    ///     "virtualMachineResourceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/db1"}}]"#).unwrap();
    /// let out = imp.finish().unwrap();
    /// // The compute VM was not exported: the SQL VM is skipped with the reason, not an error.
    /// assert!(out.estate.resources.is_empty());
    /// assert!(out.skipped[0].reason.contains("not in the import"));
    /// ```
    pub fn finish(self) -> Result<ImportOutcome> {
        let Importer {
            items,
            licences,
            licence_at,
            mut skipped,
            mut unknown,
            ignored,
            retail,
            effective,
            strict,
            links,
            ..
        } = self;
        let mut warnings = Vec::new();
        // ARM ids compare without case; the first spelling seen is the one kept.
        let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
        for (i, it) in items.iter().enumerate() {
            if let Some(&first) = by_id.get(&it.pending.id.to_ascii_lowercase()) {
                let f = &items[first].origin;
                return Err(Error::at_record(
                    ErrorCode::DuplicateId,
                    record(&it.origin),
                    "id",
                    format!(
                        "resource {} is also record {} of {}",
                        it.pending.id, f.index, f.file
                    ),
                )
                .in_file(it.origin.file.clone()));
            }
            by_id.insert(it.pending.id.to_ascii_lowercase(), i);
        }
        let unknown_ids: BTreeMap<String, String> = unknown
            .iter()
            .map(|u| (u.origin.id.to_ascii_lowercase(), u.size.clone()))
            .collect();
        let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
        let mut resources = Vec::new();
        let mut origins: Vec<&Item> = Vec::new();
        for it in &items {
            let p = &it.pending;
            let missing_ref = |(target, field): &(String, String), what: &str| {
                Error::at_record(
                    ErrorCode::UnknownReference,
                    record(&it.origin),
                    field.clone(),
                    format!("{what} {target} is not in the imported inventory; import it too"),
                )
                .in_file(it.origin.file.clone())
            };
            // A host outside the import: strict fails; otherwise the resource is imported as
            // if not on a dedicated host, with a warning (its host-level cover is unknown).
            let mut host_of = |h: &Option<(String, String)>| -> Result<Option<String>> {
                let Some(h) = h else { return Ok(None) };
                match by_id.get(&h.0.to_ascii_lowercase()) {
                    Some(&i) => Ok(Some(items[i].pending.id.clone())),
                    None if strict => Err(missing_ref(h, "dedicated host")),
                    None => {
                        warnings.push(Warning {
                            origin: it.origin.clone(),
                            field: h.1.clone(),
                            message: format!(
                                "dedicated host {} is not in the import: imported as a VM \
                                 without host; import the host to see host-level licensing",
                                h.0
                            ),
                        });
                        Ok(None)
                    }
                }
            };
            let spec = match &p.spec {
                azure::Spec::Ready(s) => s.clone(),
                azure::Spec::Vm {
                    os,
                    vcpus,
                    active,
                    size,
                    license,
                    host,
                    sql_image,
                } => ResourceSpec::Vm {
                    os: *os,
                    vcpus: *vcpus,
                    active_vcpus: *active,
                    size: Some(size.clone()),
                    license_type: *license,
                    host: host_of(host)?,
                    sql_image: *sql_image,
                },
                azure::Spec::SqlVm {
                    edition,
                    license,
                    vm,
                } => {
                    if let Some(size) = unknown_ids.get(&vm.0.to_ascii_lowercase()) {
                        unknown.push(UnknownSize {
                            origin: it.origin.clone(),
                            size: size.clone(),
                            field: vm.1.clone(),
                        });
                        continue;
                    }
                    let Some(&target) = by_id.get(&vm.0.to_ascii_lowercase()) else {
                        if strict {
                            return Err(missing_ref(vm, "compute VM"));
                        }
                        skipped.push(Skipped {
                            origin: it.origin.clone(),
                            reason: format!(
                                "its compute VM {} is not in the import ({}): its vCPUs are \
                                 unknown; import the VM too (strict mode makes this an error)",
                                vm.0, vm.1
                            ),
                        });
                        continue;
                    };
                    let target = &items[target].pending;
                    let azure::Spec::Vm {
                        vcpus,
                        active,
                        host,
                        ..
                    } = &target.spec
                    else {
                        return Err(Error::at_record(
                            ErrorCode::InvalidValue,
                            record(&it.origin),
                            vm.1.clone(),
                            format!("{} is not a virtual machine", vm.0),
                        )
                        .in_file(it.origin.file.clone()));
                    };
                    ResourceSpec::SqlVm {
                        edition: *edition,
                        vcpus: *vcpus,
                        active_vcpus: *active,
                        license_type: *license,
                        vm: Some(target.id.clone()),
                        host: host_of(host)?,
                        replica_of: None,
                        primary_on_premises: false,
                    }
                }
            };
            let running = match &p.spec {
                azure::Spec::SqlVm { vm, .. } => by_id
                    .get(&vm.0.to_ascii_lowercase())
                    .is_none_or(|&i| items[i].pending.running),
                _ => p.running,
            };
            resources.push(Resource {
                id: p.id.clone(),
                name: p.name.clone(),
                scope: scope_of(&p.id, &mut scopes),
                prices: None,
                hours_per_month: None,
                running,
                spec,
            });
            origins.push(it);
        }
        // SQL-9, SQL-14: each secondary names its primary, as the replication records say.
        let resource_origins: Vec<&Origin> = origins.iter().map(|it| &it.origin).collect();
        let replica_links = replicas::link(
            &mut resources,
            &resource_origins,
            &links,
            strict,
            &mut warnings,
        )?;
        // Prices: the cost export's effective rate where it bills the resource, else the list.
        let (priced, unpriced, currency) =
            price_all(&mut resources, &origins, retail.as_ref(), &effective)?;
        let estate = Estate {
            licences,
            resources,
            scopes: scopes.into_values().collect(),
            ..Estate::default()
        };
        let estate =
            ValidEstate::new(estate).map_err(|e| locate_in_files(e, &licence_at, &origins))?;
        Ok(ImportOutcome {
            estate,
            skipped,
            unknown_sizes: unknown,
            ignored_columns: ignored,
            warnings,
            priced,
            unpriced,
            currency,
            replica_links,
        })
    }
}

/// Whether a resource can carry the benefit at all, so that a missing price matters.
fn benefit_possible(spec: &ResourceSpec) -> bool {
    use crate::model::{Os, SqlVmEdition};
    match spec {
        ResourceSpec::Vm { os, .. } | ResourceSpec::ScaleSet { os, .. } => {
            matches!(os, Os::Windows | Os::Rhel | Os::Sles)
        }
        ResourceSpec::SqlVm { edition, .. } => {
            matches!(edition, SqlVmEdition::Enterprise | SqlVmEdition::Standard)
        }
        ResourceSpec::SqlDatabase { tier, .. }
        | ResourceSpec::SqlElasticPool { tier, .. }
        | ResourceSpec::SqlManagedInstance { tier, .. }
        | ResourceSpec::SqlInstancePool { tier, .. } => !tier.is_dtu(),
        _ => true,
    }
}

type PriceResult = (Vec<Priced>, Vec<Unpriced>, Option<String>);

/// Prices every resource that can carry the benefit; one currency for all.
fn price_all(
    resources: &mut [Resource],
    origins: &[&Item],
    retail: Option<&RetailPrices>,
    effective: &prices::Effective,
) -> Result<PriceResult> {
    let mut priced = Vec::new();
    let mut unpriced = Vec::new();
    let mut currency: Option<(String, String)> = retail
        .and_then(RetailPrices::currency)
        .map(|c| (c.to_string(), "the retail price list".to_string()));
    for (c, file, line) in effective.currencies() {
        let c = c.trim().to_ascii_uppercase();
        match &currency {
            None => currency = Some((c, format!("{file} line {line}"))),
            Some((have, from)) if *have != c => {
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    format!(
                        "cost in {c}, but {from} is in {have}: one estate takes one currency \
                         (ahb never adds amounts in two currencies)"
                    ),
                )
                .in_file(file)
                .with_line(line, None)
                .with_field("BillingCurrency"));
            }
            Some(_) => {}
        }
    }
    for (r, it) in resources.iter_mut().zip(origins) {
        if !benefit_possible(&r.spec) {
            continue;
        }
        let list = match retail {
            None => Err("no price list was imported".to_string()),
            Some(l) => l.price(&r.spec, it.location.as_deref(), PriceType::Consumption),
        };
        let windows_like = matches!(
            r.spec,
            ResourceSpec::Vm { .. } | ResourceSpec::ScaleSet { .. }
        );
        let eff = if windows_like {
            effective.price(&r.id, list.as_ref().ok())
        } else {
            None
        };
        match (eff, list) {
            (Some((p, source)), _) => {
                r.prices = Some(p);
                priced.push(Priced {
                    resource: r.id.clone(),
                    source,
                });
            }
            (None, Ok(p)) => {
                r.prices = Some(p);
                priced.push(Priced {
                    resource: r.id.clone(),
                    source: PriceSource::RetailList {
                        price_type: PriceType::Consumption,
                    },
                });
            }
            (None, Err(reason)) => unpriced.push(Unpriced {
                resource: r.id.clone(),
                reason,
            }),
        }
    }
    Ok((priced, unpriced, currency.map(|(c, _)| c)))
}

/// An estate validation error, pointed back at the file it came from: the licence CSV's file
/// and line, or the inventory file and record of a resource.
fn locate_in_files(e: Error, licence_at: &[(String, usize)], origins: &[&Item]) -> Error {
    let Some(rec) = e.location().record.clone() else {
        return e;
    };
    match rec.collection {
        "licences" => match licence_at.get(rec.index) {
            Some((file, line)) => e.in_file(file.clone()).with_line(*line, None),
            None => e,
        },
        "resources" => match origins.get(rec.index) {
            Some(it) => e
                .in_file(it.origin.file.clone())
                .with_record(record(&it.origin)),
            None => e,
        },
        _ => e,
    }
}

fn record(o: &Origin) -> RecordRef {
    RecordRef {
        collection: "resources",
        index: o.index,
        id: Some(o.id.clone()),
    }
}

/// The resource group scope of an ARM id (creating it and its subscription), so that licence
/// lines and central assignments can be scoped to real subscriptions.
fn scope_of(id: &str, scopes: &mut BTreeMap<String, Scope>) -> Option<String> {
    let parts: Vec<&str> = id.split('/').collect();
    if parts.len() < 5
        || !parts[1].eq_ignore_ascii_case("subscriptions")
        || !parts[3].eq_ignore_ascii_case("resourcegroups")
        || parts[2].is_empty()
        || parts[4].is_empty()
    {
        return None;
    }
    let sub = format!("/subscriptions/{}", parts[2]);
    let sub_key = sub.to_ascii_lowercase();
    let sub_id = scopes
        .entry(sub_key)
        .or_insert_with(|| Scope {
            id: sub.clone(),
            kind: ScopeKind::Subscription,
            parent: None,
            name: None,
            dev_test: false,
        })
        .id
        .clone();
    let rg = format!("{sub_id}/resourceGroups/{}", parts[4]);
    let rg_id = scopes
        .entry(rg.to_ascii_lowercase())
        .or_insert_with(|| Scope {
            id: rg.clone(),
            kind: ScopeKind::ResourceGroup,
            parent: Some(sub_id),
            name: Some(parts[4].to_string()),
            dev_test: false,
        })
        .id
        .clone();
    Some(rg_id)
}
