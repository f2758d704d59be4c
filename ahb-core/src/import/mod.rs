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

mod azure;
mod cost;
pub(crate) mod json;
mod licences;
mod table;
pub mod usage;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use cost::usage_from_csv;
pub use licences::{LicenceImport, licences_from_csv};
pub use usage::{AhbEvidence, UsageRow};

use crate::catalogue::Catalogue;
use crate::error::{Error, ErrorCode, RecordRef, Result};
use crate::model::{Estate, LicenceLine, Resource, ResourceSpec, Scope, ScopeKind};

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
    /// The validated estate.
    pub estate: Estate,
    /// Records that carry no AHB setting of their own.
    pub skipped: Vec<Skipped>,
    /// Records left out because their size is unknown.
    pub unknown_sizes: Vec<UnknownSize>,
    /// Licence-file columns ahb did not read, per file.
    pub ignored_columns: Vec<(String, Vec<String>)>,
}

impl ImportOutcome {
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
}

/// Collects inventory, licence files into one estate.
pub struct Importer {
    catalogue: Catalogue,
    items: Vec<Item>,
    licences: Vec<LicenceLine>,
    skipped: Vec<Skipped>,
    unknown: Vec<UnknownSize>,
    ignored: Vec<(String, Vec<String>)>,
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
            skipped: Vec::new(),
            unknown: Vec::new(),
            ignored: Vec::new(),
        }
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
            match converted {
                azure::Row::Resource(pending) => self.items.push(Item { origin, pending }),
                azure::Row::Skip(reason) => self.skipped.push(Skipped { origin, reason }),
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
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let before = &bytes[..e.valid_up_to()];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            Error::parse(line, 1, "the input is not valid UTF-8").in_file(file)
        })?;
        self.add_inventory_json(file, text)
    }

    /// Adds a licence-inventory CSV (columns in [`licences_from_csv`]).
    pub fn add_licences_csv(&mut self, file: &str, bytes: &[u8]) -> Result<()> {
        let got = licences_from_csv(file, bytes)?;
        for l in got.licences {
            if self.licences.iter().any(|x| x.id == l.id) {
                return Err(Error::new(
                    ErrorCode::DuplicateId,
                    format!("licence id {:?} is already used by another file", l.id),
                )
                .in_file(file)
                .with_field("id"));
            }
            self.licences.push(l);
        }
        if !got.ignored_columns.is_empty() {
            self.ignored.push((file.to_string(), got.ignored_columns));
        }
        Ok(())
    }

    /// Joins SQL VMs to their compute VMs and VMs to their hosts, builds the subscription and
    /// resource-group scopes from the ARM ids, and validates the estate.
    pub fn finish(self) -> Result<ImportOutcome> {
        let Importer {
            items,
            licences,
            skipped,
            mut unknown,
            ignored,
            ..
        } = self;
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
        for it in &items {
            let p = &it.pending;
            let resolve = |(target, field): &(String, String), what: &str| -> Result<usize> {
                by_id
                    .get(&target.to_ascii_lowercase())
                    .copied()
                    .ok_or_else(|| {
                        Error::at_record(
                            ErrorCode::UnknownReference,
                            record(&it.origin),
                            field.clone(),
                            format!(
                                "{what} {target} is not in the imported inventory; import it too"
                            ),
                        )
                        .in_file(it.origin.file.clone())
                    })
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
                    host: match host {
                        None => None,
                        Some(h) => Some(items[resolve(h, "dedicated host")?].pending.id.clone()),
                    },
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
                    let target = &items[resolve(vm, "compute VM")?].pending;
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
                        host: match host {
                            None => None,
                            Some(h) => {
                                Some(items[resolve(h, "dedicated host")?].pending.id.clone())
                            }
                        },
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
        }
        let estate = Estate {
            licences,
            resources,
            scopes: scopes.into_values().collect(),
            ..Estate::default()
        };
        estate.validate()?;
        Ok(ImportOutcome {
            estate,
            skipped,
            unknown_sizes: unknown,
            ignored_columns: ignored,
        })
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
