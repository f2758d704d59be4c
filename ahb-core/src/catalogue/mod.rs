//! The VM size and dedicated-host SKU catalogue: vCPUs, active vCPUs of constrained sizes, and
//! physical cores of host SKUs.
//!
//! Why a table and not the size name: public tools read the first number of the name and are
//! wrong for 43 of the 55 sizes of `tests/data/vm_vcpu_test_vectors.csv` (`DS3_v2` has 4 vCPUs,
//! `D15_v2` 20, `A5` 2, `E32-8s_v5` 8 active). An unknown size is therefore reported by the
//! importers, never guessed.
//!
//! The bundled tables (`vm_sizes.csv`, `host_skus.csv`, embedded with `include_str!`) list the
//! Microsoft Learn page (CC BY 4.0) each fact comes from. The user's own `az vm list-skus` JSON
//! overrides them ([`Catalogue::with_vm_skus_json`]), because the Resource SKUs API is the
//! authoritative, per-region source.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Error, ErrorCode, RecordRef, Result};

const VM_SIZES: &str = include_str!("vm_sizes.csv");
const HOST_SKUS: &str = include_str!("host_skus.csv");

/// Where a catalogue fact comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactSource {
    /// The table shipped with ahb; the string is the documentation page.
    Bundled(String),
    /// The user's `az vm list-skus` output; the string is the file name.
    UserSkus(String),
}

/// The vCPUs of one VM size.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SizeFacts {
    /// vCPUs of the size (for a constrained size, those of its base size: the price is the
    /// base size's).
    pub vcpus: u32,
    /// Active vCPUs when fewer than `vcpus` (constrained sizes; SQL Server is licensed on these).
    pub active_vcpus: Option<u32>,
    /// Where the fact comes from.
    pub source: FactSource,
}

/// The cores of one dedicated-host SKU.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HostFacts {
    /// Physical cores: what host-level Windows Server licensing counts (WS-9).
    pub physical_cores: u32,
    /// vCPUs the host can give to VMs.
    pub vcpus: u32,
    /// Where the fact comes from.
    pub source: FactSource,
}

/// VM sizes and host SKUs, looked up case-insensitively.
#[derive(Debug, Clone)]
pub struct Catalogue {
    vm: BTreeMap<String, SizeFacts>,
    hosts: BTreeMap<String, HostFacts>,
}

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue::bundled()
    }
}

/// Sizes are compared without case (ARM ids and exports disagree on it) and with the
/// `Standard_` prefix made explicit (cost rows and some tools drop it).
fn size_key(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    if lower.starts_with("standard_") || lower.starts_with("basic_") {
        lower
    } else {
        format!("standard_{lower}")
    }
}

impl Catalogue {
    /// The catalogue shipped with ahb.
    pub fn bundled() -> Catalogue {
        let mut vm = BTreeMap::new();
        for line in VM_SIZES.lines().skip(1).filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.splitn(4, ',').collect();
            let vcpus = f[1].parse().expect("bundled vm_sizes.csv is well formed");
            let active = (!f[2].is_empty()).then(|| f[2].parse().expect("bundled active vCPUs"));
            vm.insert(
                size_key(f[0]),
                SizeFacts {
                    vcpus,
                    active_vcpus: active,
                    source: FactSource::Bundled(f[3].to_string()),
                },
            );
        }
        let mut hosts = BTreeMap::new();
        for line in HOST_SKUS.lines().skip(1).filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.splitn(4, ',').collect();
            hosts.insert(
                f[0].to_ascii_lowercase(),
                HostFacts {
                    physical_cores: f[1].parse().expect("bundled host_skus.csv is well formed"),
                    vcpus: f[2].parse().expect("bundled host vCPUs"),
                    source: FactSource::Bundled(f[3].to_string()),
                },
            );
        }
        Catalogue { vm, hosts }
    }

    /// An empty catalogue: every size is unknown until `az vm list-skus` output is added.
    pub fn empty() -> Catalogue {
        Catalogue {
            vm: BTreeMap::new(),
            hosts: BTreeMap::new(),
        }
    }

    /// The vCPUs of a VM size, if the catalogue knows it.
    pub fn vm_size(&self, name: &str) -> Option<&SizeFacts> {
        self.vm.get(&size_key(name))
    }

    /// The cores of a dedicated-host SKU (`DSv3-Type1`), if the catalogue knows it.
    pub fn host_sku(&self, name: &str) -> Option<&HostFacts> {
        self.hosts.get(&name.trim().to_ascii_lowercase())
    }

    /// Number of VM sizes known.
    pub fn vm_sizes(&self) -> usize {
        self.vm.len()
    }

    /// Adds or overrides VM sizes from the JSON of `az vm list-skus` (or the Resource SKUs REST
    /// response `{"value": [...]}`). Each `virtualMachines` record's string capabilities
    /// `vCPUs` and `vCPUsAvailable` are read; records of other resource types (disks, hosts,
    /// availability sets) are not VM sizes and are passed over. The same size listed for several
    /// regions must agree, otherwise the file is rejected: ahb cannot tell which is right.
    pub fn with_vm_skus_json(mut self, file: &str, text: &str) -> Result<Catalogue> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::parse(e.line(), e.column(), format!("az vm list-skus JSON: {e}")).in_file(file)
        })?;
        let items = match &value {
            Value::Array(a) => a.as_slice(),
            Value::Object(o) => match crate::import::json::get(&value, "value") {
                Some(Value::Array(a)) => a.as_slice(),
                _ => {
                    let _ = o;
                    return Err(Error::new(
                        ErrorCode::InvalidValue,
                        "expected the array printed by `az vm list-skus` or {\"value\": [...]}",
                    )
                    .in_file(file));
                }
            },
            _ => {
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    "expected the array printed by `az vm list-skus`",
                )
                .in_file(file));
            }
        };
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (index, item) in items.iter().enumerate() {
            let at = |code, field: &str, msg: String| {
                Error::at_record(
                    code,
                    RecordRef {
                        collection: "skus",
                        index,
                        id: crate::import::json::get_str(item, "name").map(str::to_string),
                    },
                    field,
                    msg,
                )
                .in_file(file)
            };
            let kind = crate::import::json::get_str(item, "resourceType").unwrap_or("");
            if !kind.eq_ignore_ascii_case("virtualMachines") {
                continue;
            }
            let Some(name) = crate::import::json::get_str(item, "name") else {
                return Err(at(
                    ErrorCode::MissingField,
                    "name",
                    "a SKU without a name".into(),
                ));
            };
            let mut vcpus = None;
            let mut available = None;
            if let Some(Value::Array(caps)) = crate::import::json::get(item, "capabilities") {
                for (ci, cap) in caps.iter().enumerate() {
                    let cname = crate::import::json::get_str(cap, "name").unwrap_or("");
                    let target = if cname.eq_ignore_ascii_case("vCPUs") {
                        &mut vcpus
                    } else if cname.eq_ignore_ascii_case("vCPUsAvailable") {
                        &mut available
                    } else {
                        continue;
                    };
                    let field = format!("capabilities[{ci}].value");
                    let raw = match crate::import::json::get(cap, "value") {
                        Some(Value::String(s)) => s.trim().to_string(),
                        Some(Value::Number(n)) => n.to_string(),
                        _ => {
                            return Err(at(
                                ErrorCode::MissingField,
                                &field,
                                format!("capability {cname} has no value"),
                            ));
                        }
                    };
                    let n: u32 = raw.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                        at(
                            ErrorCode::InvalidValue,
                            &field,
                            format!("capability {cname} = {raw:?} is not a positive whole number"),
                        )
                    })?;
                    *target = Some(n);
                }
            }
            let Some(vcpus) = vcpus else {
                return Err(at(
                    ErrorCode::MissingField,
                    "capabilities",
                    format!("VM size {name} has no vCPUs capability"),
                ));
            };
            let active = available.filter(|&a| a != vcpus);
            if let Some(a) = active
                && a > vcpus
            {
                return Err(at(
                    ErrorCode::InvalidValue,
                    "capabilities",
                    format!("VM size {name}: vCPUsAvailable {a} exceeds vCPUs {vcpus}"),
                ));
            }
            let key = size_key(name);
            if let Some(&first) = seen.get(&key) {
                let old = &self.vm[&key];
                if old.vcpus != vcpus || old.active_vcpus != active {
                    return Err(at(
                        ErrorCode::InvalidValue,
                        "capabilities",
                        format!("VM size {name} disagrees with its listing at index {first}"),
                    ));
                }
                continue;
            }
            seen.insert(key.clone(), index);
            self.vm.insert(
                key,
                SizeFacts {
                    vcpus,
                    active_vcpus: active,
                    source: FactSource::UserSkus(file.to_string()),
                },
            );
        }
        Ok(self)
    }
}
