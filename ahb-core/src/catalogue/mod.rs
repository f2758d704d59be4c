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
//! overrides them (`Catalogue::with_vm_skus_json`, read in `crate::import`), because the Resource SKUs API is the
//! authoritative, per-region source.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

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
pub(crate) fn size_key(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    if lower.starts_with("standard_") || lower.starts_with("basic_") {
        lower
    } else {
        format!("standard_{lower}")
    }
}

impl Catalogue {
    /// The catalogue shipped with ahb (its tables are parsed once per process).
    pub fn bundled() -> Catalogue {
        static BUNDLED: OnceLock<Catalogue> = OnceLock::new();
        BUNDLED.get_or_init(parse_bundled).clone()
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

    /// The facts of a VM size, by its key.
    pub(crate) fn vm_by_key(&self, key: &str) -> Option<&SizeFacts> {
        self.vm.get(key)
    }

    /// Adds or overrides a VM size (user SKU files).
    pub(crate) fn insert_vm(&mut self, name: &str, facts: SizeFacts) {
        self.vm.insert(size_key(name), facts);
    }
}

/// One row of `vm_sizes.csv`.
#[derive(Deserialize)]
struct VmRow {
    size: String,
    vcpus: u32,
    active_vcpus: Option<u32>,
    source: String,
}

/// One row of `host_skus.csv`.
#[derive(Deserialize)]
struct HostRow {
    sku: String,
    physical_cores: u32,
    vcpus: u32,
    source: String,
}

/// Rows of a bundled table, read through the `csv` crate by header name. The tables are part of
/// the build and checked by the tests (`bundled_tables_parse`), so a malformed row is a bug of
/// the build: it is left out rather than stopping every import.
fn table<'a, T: serde::de::DeserializeOwned + 'a>(text: &'a str) -> impl Iterator<Item = T> + 'a {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
        .into_deserialize::<T>()
        .filter_map(std::result::Result::ok)
}

fn parse_bundled() -> Catalogue {
    let mut vm = BTreeMap::new();
    for r in table::<VmRow>(VM_SIZES) {
        vm.insert(
            size_key(&r.size),
            SizeFacts {
                vcpus: r.vcpus,
                active_vcpus: r.active_vcpus,
                source: FactSource::Bundled(r.source),
            },
        );
    }
    let mut hosts = BTreeMap::new();
    for r in table::<HostRow>(HOST_SKUS) {
        hosts.insert(
            r.sku.trim().to_ascii_lowercase(),
            HostFacts {
                physical_cores: r.physical_cores,
                vcpus: r.vcpus,
                source: FactSource::Bundled(r.source),
            },
        );
    }
    Catalogue { vm, hosts }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every data row of the bundled tables is read: none is malformed, none is dropped.
    #[test]
    fn bundled_tables_parse() {
        let rows = |text: &str| {
            text.lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .count()
        };
        let strict = |text: &str| {
            csv::ReaderBuilder::new()
                .trim(csv::Trim::All)
                .from_reader(text.as_bytes())
                .into_deserialize::<VmRow>()
                .map(|r| r.map(|_| ()))
                .collect::<std::result::Result<Vec<()>, _>>()
        };
        assert!(strict(VM_SIZES).is_ok(), "{:?}", strict(VM_SIZES).err());
        let c = Catalogue::bundled();
        let distinct: std::collections::BTreeSet<String> = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(VM_SIZES.as_bytes())
            .into_deserialize::<VmRow>()
            .map(|r| size_key(&r.expect("a row").size))
            .collect();
        assert_eq!(c.vm_sizes(), distinct.len());
        assert!(rows(VM_SIZES) >= distinct.len());
        assert_eq!(table::<HostRow>(HOST_SKUS).count(), rows(HOST_SKUS));
        assert!(c.host_sku("DSv3-Type1").is_some());
    }
}
