//! VM sizes from the user's own `az vm list-skus` output (or the Resource SKUs REST response),
//! added to a [`Catalogue`]. It lives with the importers because it reads Azure JSON; the
//! catalogue itself only stores facts.

use std::collections::BTreeMap;

use serde_json::Value;

use super::json;
use crate::catalogue::{Catalogue, FactSource, SizeFacts, size_key};
use crate::error::{Error, ErrorCode, RecordRef, Result};

impl Catalogue {
    /// Adds or overrides VM sizes from the JSON of `az vm list-skus`, PowerShell
    /// `Get-AzComputeResourceSku | ConvertTo-Json` (the same records in PascalCase) or
    /// `Get-AzVMSize | ConvertTo-Json` (`Name`, `NumberOfCores`) (or the Resource SKUs REST
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
            Value::Object(_) => match json::get(&value, "value") {
                Some(Value::Array(a)) => a.as_slice(),
                _ => {
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
                        id: json::get_str(item, "name").map(str::to_string),
                    },
                    field,
                    msg,
                )
                .in_file(file)
            };
            let kind = json::get_str(item, "resourceType");
            // `Get-AzVMSize`: no resource type, `Name` and `NumberOfCores`.
            let vm_size_list = kind.is_none() && json::get(item, "NumberOfCores").is_some();
            if !vm_size_list && !kind.is_some_and(|k| k.eq_ignore_ascii_case("virtualMachines")) {
                continue;
            }
            let Some(name) = json::get_str(item, "name") else {
                return Err(at(
                    ErrorCode::MissingField,
                    "name",
                    "a SKU without a name".into(),
                ));
            };
            let mut vcpus = None;
            let mut available = None;
            if vm_size_list {
                let cores = json::get(item, "NumberOfCores")
                    .and_then(Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|&n| n > 0)
                    .ok_or_else(|| {
                        at(
                            ErrorCode::InvalidValue,
                            "NumberOfCores",
                            format!("VM size {name}: NumberOfCores is not a positive whole number"),
                        )
                    })?;
                // A constrained size (`Standard_E8-4ds_v5`) reports its active vCPUs; its
                // documented name gives the base size's vCPUs before the dash.
                match constrained(name) {
                    Some((base, active)) if active == cores && base > active => {
                        vcpus = Some(base);
                        available = Some(active);
                    }
                    _ => vcpus = Some(cores),
                }
            }
            if let Some(Value::Array(caps)) = json::get(item, "capabilities") {
                for (ci, cap) in caps.iter().enumerate() {
                    let cname = json::get_str(cap, "name").unwrap_or("");
                    let target = if cname.eq_ignore_ascii_case("vCPUs") {
                        &mut vcpus
                    } else if cname.eq_ignore_ascii_case("vCPUsAvailable") {
                        &mut available
                    } else {
                        continue;
                    };
                    let field = format!("capabilities[{ci}].value");
                    let raw = match json::get(cap, "value") {
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
                if self
                    .vm_by_key(&key)
                    .is_some_and(|old| old.vcpus != vcpus || old.active_vcpus != active)
                {
                    return Err(at(
                        ErrorCode::InvalidValue,
                        "capabilities",
                        format!("VM size {name} disagrees with its listing at index {first}"),
                    ));
                }
                continue;
            }
            seen.insert(key, index);
            self.insert_vm(
                name,
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

/// The base and active vCPUs of a constrained-vCPU size name (`Standard_E8-4ds_v5` → (8, 4)),
/// following the documented naming of constrained sizes.
fn constrained(name: &str) -> Option<(u32, u32)> {
    let rest = name.split_once('_').map_or(name, |(_, r)| r);
    let (head, tail) = rest.split_once('-')?;
    let base: String = head
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let active: String = tail.chars().take_while(char::is_ascii_digit).collect();
    Some((base.parse().ok()?, active.parse().ok()?))
}
