//! Azure inventory JSON → resources: Resource Graph rows (`az graph query` output), `az … list`
//! and `az … show`, ARM GET bodies (also the REST spec examples' `responses.200.body`),
//! `{"value": [...]}` list responses and PowerShell `Get-AzVM | ConvertTo-Json`.
//!
//! One file per resource family: [`compute`] (VMs, scale sets, dedicated hosts), [`sql`] (SQL
//! VMs and PaaS), [`hybrid`] (AKS on Azure Local, Azure Local clusters), [`replication`]
//! (availability groups, failover groups and replication links: which SQL resource is a
//! secondary of which primary). This module only converts: it reads the facts (size, OS, edition, tier, vCores, the current
//! AHB setting) into the model; what they mean for licensing is decided in `rules/`.

mod compute;
mod hybrid;
mod replication;
mod sql;

pub(crate) use replication::Link;

use serde_json::Value;

use super::json::{self, fact, fact_str};
use crate::catalogue::Catalogue;
use crate::error::{Error, ErrorCode, RecordRef};
use crate::model::{Os, ResourceSpec, SqlVmEdition, SqlVmLicenseType, VmLicenseType};

/// One resource read from a file, before the SQL VM → VM and VM → host joins.
#[derive(Debug, Clone)]
pub(crate) enum Row {
    /// A resource ready for the estate.
    Resource(Pending),
    /// A resource of a kind that carries no AHB setting, or whose licence is carried elsewhere.
    Skip(String),
    /// A replication record: secondary → primary links, no resource of its own.
    Links(Vec<Link>),
    /// A VM size or host SKU the catalogue does not know.
    Unknown {
        /// The size or SKU.
        size: String,
        /// The field it was read from.
        field: String,
    },
}

/// A converted resource; `vm` and `host` references still need joining.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub id: String,
    pub name: Option<String>,
    pub running: bool,
    pub spec: Spec,
}

#[derive(Debug, Clone)]
pub(crate) enum Spec {
    Vm {
        os: Os,
        vcpus: u32,
        active: Option<u32>,
        size: String,
        license: VmLicenseType,
        host: Option<(String, String)>,
        sql_image: bool,
    },
    Ready(ResourceSpec),
    SqlVm {
        edition: SqlVmEdition,
        license: SqlVmLicenseType,
        vm: (String, String),
    },
}

/// The resource rows of a parsed inventory document, whatever its envelope.
pub(crate) fn rows(doc: &Value) -> std::result::Result<Vec<&Value>, String> {
    match doc {
        Value::Array(a) => Ok(a.iter().collect()),
        Value::Object(_) => {
            if let Some(resp) = json::get(doc, "responses") {
                for code in ["200", "201", "202"] {
                    if let Some(body) = json::get(resp, code).and_then(|r| json::get(r, "body")) {
                        return rows(body);
                    }
                }
                return Err("a REST example without a 200/201/202 response body".into());
            }
            for key in ["value", "data"] {
                match json::get(doc, key) {
                    Some(Value::Array(a)) => return Ok(a.iter().collect()),
                    Some(Value::Object(t)) if t.contains_key("columns") => {
                        return Err("Resource Graph table output: query with --output json (objectArray result format)".into());
                    }
                    _ => {}
                }
            }
            if json::get(doc, "id").is_some() || json::get(doc, "type").is_some() {
                Ok(vec![doc])
            } else {
                Err("not an Azure resource, an array of resources or {\"value\": [...]}".into())
            }
        }
        _ => Err("expected a JSON object or array of Azure resources".into()),
    }
}

/// What went wrong with one row: the code, the field (dotted, as found) and the message. The
/// importer locates it in the file with [`locate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConvertError {
    /// The stable code.
    pub code: ErrorCode,
    /// The field, as a dotted path (`properties.hardwareProfile.vmSize`); empty for the row.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// A [`ConvertError`].
pub(super) fn bad(code: ErrorCode, field: String, message: String) -> ConvertError {
    ConvertError {
        code,
        field,
        message,
    }
}

pub(super) type R<T> = std::result::Result<T, ConvertError>;

pub(super) fn missing(field: &str, what: &str) -> ConvertError {
    bad(
        ErrorCode::MissingField,
        field.to_string(),
        format!("missing {what}"),
    )
}

/// The id and name every resource of a row shares.
pub(super) struct Ctx {
    pub id: String,
    pub name: Option<String>,
}

impl Ctx {
    /// A resource that needs no join.
    pub fn ready(&self, spec: ResourceSpec) -> Row {
        Row::Resource(Pending {
            id: self.id.clone(),
            name: self.name.clone(),
            running: true,
            spec: Spec::Ready(spec),
        })
    }
}

/// Converts one row, by resource family.
pub(crate) fn convert(row: &Value, cat: &Catalogue) -> R<Row> {
    if !row.is_object() {
        return Err(bad(
            ErrorCode::InvalidValue,
            String::new(),
            "a resource must be a JSON object".into(),
        ));
    }
    let ty = json::get_str(row, "type")
        .or_else(|| json::get_str(row, "resourceType"))
        .map(str::to_ascii_lowercase);
    let ty = match ty.or_else(|| json::get_str(row, "id").and_then(type_from_id)) {
        Some(t) => t,
        None if fact(row, "hardwareProfile").is_some() => {
            "microsoft.compute/virtualmachines".into()
        }
        None => return Err(missing("type", "resource `type`")),
    };
    let id = json::get_str(row, "id")
        .or_else(|| json::get_str(row, "resourceId"))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("id", "resource `id`"))?
        .to_string();
    let name = json::get_str(row, "name").map(str::to_string);
    let cx = Ctx { id, name };
    match ty.as_str() {
        "microsoft.compute/virtualmachines" => compute::vm(row, cat, &cx),
        "microsoft.compute/virtualmachinescalesets" => compute::scale_set(row, cat, &cx),
        "microsoft.compute/hostgroups/hosts" => compute::host(row, cat, &cx),
        "microsoft.sqlvirtualmachine/sqlvirtualmachines" => sql::sql_vm(row, &cx),
        "microsoft.sql/servers/databases" => sql::database(row, &cx),
        "microsoft.sql/servers/elasticpools" => sql::elastic_pool(row, &cx),
        "microsoft.sql/managedinstances" => sql::managed_instance(row, &cx),
        "microsoft.sql/instancepools" => sql::instance_pool(row, &cx),
        "microsoft.hybridcontainerservice/provisionedclusterinstances" => {
            hybrid::aks(row, cat, &cx)
        }
        "microsoft.azurestackhci/clusters" => hybrid::azure_local(row, &cx),
        "microsoft.sqlvirtualmachine/sqlvirtualmachinegroups/availabilitygrouplisteners" => {
            replication::availability_group_listener(row, &cx)
        }
        "microsoft.sql/servers/failovergroups" => replication::failover_group(row, &cx),
        "microsoft.sql/locations/instancefailovergroups" => {
            replication::instance_failover_group(row, &cx)
        }
        "microsoft.sql/servers/databases/replicationlinks" => {
            replication::replication_link(row, &cx)
        }
        other => Ok(Row::Skip(format!(
            "type {other} carries no Azure Hybrid Benefit setting"
        ))),
    }
}

/// The resource type named by an ARM id, for bodies that omit `type` (some REST examples):
/// `…/providers/Microsoft.Compute/hostGroups/g/hosts/h` → `microsoft.compute/hostgroups/hosts`.
fn type_from_id(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    let rest = &lower[lower.rfind("/providers/")? + "/providers/".len()..];
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() < 3 || parts.len() % 2 == 0 {
        return None;
    }
    let mut t = parts[0].to_string();
    for name in parts[1..].iter().step_by(2) {
        t.push('/');
        t.push_str(name);
    }
    Some(t)
}

/// A string fact that must be a string when present: `null` and `""` are absent, a number,
/// boolean, array or object is a typed error naming the field (PowerShell writes some enums as
/// numbers, and a number must never be read as "not set").
pub(super) fn typed_str<'a>(row: &'a Value, dotted: &str) -> R<Option<(&'a str, String)>> {
    match fact(row, dotted) {
        None => Ok(None),
        Some((Value::String(s), at)) => {
            let s = s.trim();
            Ok((!s.is_empty()).then_some((s, at)))
        }
        Some((other, at)) => Err(bad(
            ErrorCode::InvalidValue,
            at,
            format!("{other} is not a string"),
        )),
    }
}

/// A whole-number field that must be a JSON number when present: `null` is absent; a string,
/// a fraction or a negative number is a typed error naming the field.
pub(super) fn count(v: Option<&Value>, field: &str) -> R<Option<u64>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(x) => x.as_u64().map(Some).ok_or_else(|| {
            bad(
                ErrorCode::InvalidValue,
                field.to_string(),
                format!("{x} is not a whole number"),
            )
        }),
    }
}

/// A licence-type string; absent, `null`, `""` and `"None"` all mean "not set" (see
/// docs/IMPORT-FORMATS.md §1.1); any other type is an error.
pub(super) fn license_text<'a>(row: &'a Value, dotted: &str) -> R<Option<(&'a str, String)>> {
    Ok(typed_str(row, dotted)?.filter(|(s, _)| !s.eq_ignore_ascii_case("none")))
}

/// Whether the VM needs its licences, from `az vm list -d` (`VM deallocated`), Resource Graph
/// (`extended.instanceView.powerState.code`) or an ARM instance view; unknown means running.
/// Only a deallocated VM is off (OQ-11): a `stopped` VM is still allocated and billed, and
/// keeps needing its licences.
pub(super) fn running(row: &Value) -> bool {
    let mut states: Vec<String> = Vec::new();
    for p in [
        "powerState",
        "extended.instanceView.powerState.code",
        "instanceView.powerState.code",
    ] {
        if let Some((s, _)) = fact_str(row, p) {
            states.push(s.to_ascii_lowercase());
        }
    }
    if let Some((Value::Array(st), _)) = fact(row, "instanceView.statuses") {
        for s in st {
            if let Some(c) = json::get_str(s, "code") {
                states.push(c.to_ascii_lowercase());
            }
        }
    }
    !states.iter().any(|s| s.contains("deallocat"))
}

/// Locates a conversion error at `index` of `file`.
pub(crate) fn locate(file: &str, index: usize, row: &Value, e: ConvertError) -> Error {
    Error::at_record(
        e.code,
        RecordRef {
            collection: "resources",
            index,
            id: json::get_str(row, "id").map(str::to_string),
        },
        e.field,
        e.message,
    )
    .in_file(file)
}
