//! Replication records: which SQL resource is a secondary of which primary (SQL-9, SQL-14).
//! They carry no licence of their own; each gives links that [`crate::import::Importer::finish`]
//! sets on the secondaries it imported (`replica_of`, and the licence-free flag where the
//! record says so).
//!
//! - `Microsoft.SqlVirtualMachine/sqlVirtualMachineGroups/availabilityGroupListeners`:
//!   `properties.availabilityGroupConfiguration.replicas[]`, each with
//!   `sqlVirtualMachineInstanceId`, `role` (`Primary`, `Secondary`), `commit`, `failover` and
//!   `readableSecondary` (`No`, `All`, `Read_Only`). Every secondary's primary is the replica whose
//!   role is `Primary`.
//! - `Microsoft.Sql/servers/failoverGroups`: the group's own server (from its id) with
//!   `properties.replicationRole`, `properties.partnerServers[]` (`id`, `replicationRole`) and
//!   `properties.databases[]` (database ids). Each database on the secondary server is a secondary
//!   of the database of the same name on the primary server; `properties.secondaryType =
//!   Standby` makes them licence-free standbys (SQL-14).
//! - `Microsoft.Sql/locations/instanceFailoverGroups`: `properties.managedInstancePairs[]`
//!   (`primaryManagedInstanceId`, `partnerManagedInstanceId`); `secondaryType = Standby` makes the
//!   partner a licence-free DR secondary.
//! - `Microsoft.Sql/servers/databases/replicationLinks`: `properties.role`, `partnerRole`
//!   (`Primary`, `Secondary`, `NonReadableSecondary`, `Source`, `Copy`), `partnerDatabaseId` and
//!   `linkType` (`GEO`, `NAMED`, `STANDBY`).
//!
//! ARM ids are compared without case when the links are applied.

use serde_json::Value;

use super::{Ctx, R, Row, bad, missing, typed_str};
use crate::error::ErrorCode;
use crate::import::json::{self, fact};

/// One secondary → primary link read from a replication record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    /// The secondary's ARM id, and the field it was read from.
    pub secondary: (String, String),
    /// The primary's ARM id and field; `None` when the record names no primary.
    pub primary: Option<(String, String)>,
    /// The record makes the secondary licence-free (failover group `secondaryType = Standby`,
    /// replication link `linkType = STANDBY`).
    pub standby: bool,
    /// An availability-group secondary's `readableSecondary`, when it is not `No`: a readable
    /// secondary is not passive.
    pub readable: Option<String>,
    /// What the record is, for messages (`availability group ag1`).
    pub via: String,
}

/// The part of `id` before `/<child>/…` (case-insensitive), e.g. a failover group's server.
fn parent_of(id: &str, child: &str) -> Option<String> {
    let at = id
        .to_ascii_lowercase()
        .find(&format!("/{}/", child.to_ascii_lowercase()))?;
    (at > 0).then(|| id[..at].to_string())
}

/// A required string of an array element, with its field path.
fn element_str<'a>(v: &'a Value, key: &str, field: &str) -> R<&'a str> {
    match json::get(v, key) {
        None | Some(Value::Null) => Err(missing(field, &format!("`{key}`"))),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim()),
        Some(Value::String(_)) => Err(missing(field, &format!("`{key}`"))),
        Some(other) => Err(bad(
            ErrorCode::InvalidValue,
            field.to_string(),
            format!("{other} is not a string"),
        )),
    }
}

/// An array fact; absent or `null` is `None`, anything but an array is a typed error.
fn array<'a>(row: &'a Value, dotted: &str) -> R<Option<(&'a Vec<Value>, String)>> {
    match fact(row, dotted) {
        None => Ok(None),
        Some((Value::Array(a), at)) => Ok(Some((a, at))),
        Some((other, at)) => Err(bad(
            ErrorCode::InvalidValue,
            at,
            format!("{other} is not an array"),
        )),
    }
}

/// A replication role, as Azure spells it in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Primary,
    Secondary,
    /// `Source` / `Copy` of a database copy: not a replica.
    Copy,
}

fn role(s: &str, field: &str) -> R<Role> {
    match s.trim().to_ascii_lowercase().as_str() {
        "primary" => Ok(Role::Primary),
        "secondary" | "nonreadablesecondary" => Ok(Role::Secondary),
        "source" | "copy" => Ok(Role::Copy),
        _ => Err(bad(
            ErrorCode::UnknownVariant,
            field.to_string(),
            format!("unknown replication role {s:?} (Primary, Secondary, NonReadableSecondary)"),
        )),
    }
}

fn is_standby(row: &Value, dotted: &str) -> R<bool> {
    Ok(typed_str(row, dotted)?.is_some_and(|(s, _)| s.eq_ignore_ascii_case("standby")))
}

/// An availability group listener: its replicas and their roles.
pub(super) fn availability_group_listener(row: &Value, cx: &Ctx) -> R<Row> {
    let Some((replicas, at)) = array(row, "availabilityGroupConfiguration.replicas")? else {
        return Ok(Row::Skip(
            "an availability group listener without availabilityGroupConfiguration.replicas: \
             no replica roles to read"
                .into(),
        ));
    };
    let name = typed_str(row, "availabilityGroupName")?
        .map(|(s, _)| s.to_string())
        .or_else(|| cx.name.clone())
        .unwrap_or_else(|| cx.id.clone());
    let via = format!("availability group {name}");
    let mut primary: Option<(String, String)> = None;
    let mut secondaries = Vec::new();
    for (i, r) in replicas.iter().enumerate() {
        let field = |k: &str| format!("{at}[{i}].{k}");
        let id = element_str(
            r,
            "sqlVirtualMachineInstanceId",
            &field("sqlVirtualMachineInstanceId"),
        )?;
        let role_text = element_str(r, "role", &field("role"))?;
        match role(role_text, &field("role"))? {
            Role::Primary => {
                if let Some((p, _)) = &primary {
                    return Err(bad(
                        ErrorCode::InvalidValue,
                        field("role"),
                        format!("a second primary replica ({id}; the first is {p})"),
                    ));
                }
                primary = Some((id.to_string(), field("sqlVirtualMachineInstanceId")));
            }
            Role::Secondary => {
                let readable = match json::get(r, "readableSecondary") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => {
                        let s = s.trim();
                        (!s.is_empty() && !s.eq_ignore_ascii_case("no")).then(|| s.to_string())
                    }
                    Some(other) => {
                        return Err(bad(
                            ErrorCode::InvalidValue,
                            field("readableSecondary"),
                            format!("{other} is not a string"),
                        ));
                    }
                };
                secondaries.push((
                    (id.to_string(), field("sqlVirtualMachineInstanceId")),
                    readable,
                ));
            }
            Role::Copy => {
                return Err(bad(
                    ErrorCode::UnknownVariant,
                    field("role"),
                    format!("unknown availability group role {role_text:?} (Primary, Secondary)"),
                ));
            }
        }
    }
    Ok(Row::Links(
        secondaries
            .into_iter()
            .map(|(secondary, readable)| Link {
                secondary,
                primary: primary.clone(),
                standby: false,
                readable,
                via: via.clone(),
            })
            .collect(),
    ))
}

/// A failover group of logical servers: each database of the group on a secondary server is a
/// secondary of the database of the same name on the primary server.
pub(super) fn failover_group(row: &Value, cx: &Ctx) -> R<Row> {
    let own = parent_of(&cx.id, "failoverGroups").ok_or_else(|| {
        bad(
            ErrorCode::InvalidValue,
            "id".into(),
            format!(
                "{} is not a failover group id (…/servers/<server>/failoverGroups/<name>)",
                cx.id
            ),
        )
    })?;
    let (own_role, role_at) = typed_str(row, "replicationRole")?
        .ok_or_else(|| missing("properties.replicationRole", "the group's replicationRole"))?;
    let mut servers = vec![(own, role(own_role, &role_at)?, role_at.clone())];
    if let Some((partners, at)) = array(row, "partnerServers")? {
        for (i, p) in partners.iter().enumerate() {
            let field = |k: &str| format!("{at}[{i}].{k}");
            let id = element_str(p, "id", &field("id"))?;
            let r = element_str(p, "replicationRole", &field("replicationRole"))?;
            servers.push((
                id.to_string(),
                role(r, &field("replicationRole"))?,
                field("id"),
            ));
        }
    }
    let primaries: Vec<&(String, Role, String)> =
        servers.iter().filter(|s| s.1 == Role::Primary).collect();
    let [primary] = primaries.as_slice() else {
        return Err(bad(
            ErrorCode::InvalidValue,
            role_at,
            format!(
                "a failover group needs exactly one primary server; {} have replicationRole Primary",
                primaries.len()
            ),
        ));
    };
    let standby = is_standby(row, "secondaryType")?;
    let via = format!("failover group {}", cx.name.as_deref().unwrap_or(&cx.id));
    let mut links = Vec::new();
    if let Some((databases, at)) = array(row, "databases")? {
        for (j, d) in databases.iter().enumerate() {
            let field = format!("{at}[{j}]");
            let id = match d {
                Value::String(s) if !s.trim().is_empty() => s.trim(),
                Value::Object(_) => element_str(d, "id", &format!("{field}.id"))?,
                other => {
                    return Err(bad(
                        ErrorCode::InvalidValue,
                        field,
                        format!("{other} is not a database id"),
                    ));
                }
            };
            let name = id.rsplit('/').next().unwrap_or(id);
            for s in servers.iter().filter(|s| s.1 == Role::Secondary) {
                links.push(Link {
                    secondary: (format!("{}/databases/{name}", s.0), field.clone()),
                    primary: Some((format!("{}/databases/{name}", primary.0), field.clone())),
                    standby,
                    readable: None,
                    via: via.clone(),
                });
            }
        }
    }
    if links.is_empty() {
        return Ok(Row::Skip(format!(
            "{via} has no databases on a secondary server: nothing to link"
        )));
    }
    Ok(Row::Links(links))
}

/// A failover group of managed instances: each pair's partner is a secondary of its primary.
pub(super) fn instance_failover_group(row: &Value, cx: &Ctx) -> R<Row> {
    let standby = is_standby(row, "secondaryType")?;
    let via = format!(
        "instance failover group {}",
        cx.name.as_deref().unwrap_or(&cx.id)
    );
    let mut links = Vec::new();
    if let Some((pairs, at)) = array(row, "managedInstancePairs")? {
        for (i, p) in pairs.iter().enumerate() {
            let field = |k: &str| format!("{at}[{i}].{k}");
            let primary = element_str(
                p,
                "primaryManagedInstanceId",
                &field("primaryManagedInstanceId"),
            )?;
            let partner = element_str(
                p,
                "partnerManagedInstanceId",
                &field("partnerManagedInstanceId"),
            )?;
            links.push(Link {
                secondary: (partner.to_string(), field("partnerManagedInstanceId")),
                primary: Some((primary.to_string(), field("primaryManagedInstanceId"))),
                standby,
                readable: None,
                via: via.clone(),
            });
        }
    }
    if links.is_empty() {
        return Ok(Row::Skip(format!(
            "{via} has no managedInstancePairs: nothing to link"
        )));
    }
    Ok(Row::Links(links))
}

/// A database's replication link (geo-replication, named replica, standby).
pub(super) fn replication_link(row: &Value, cx: &Ctx) -> R<Row> {
    let own = parent_of(&cx.id, "replicationLinks").ok_or_else(|| {
        bad(
            ErrorCode::InvalidValue,
            "id".into(),
            format!(
                "{} is not a replication link id (…/databases/<db>/replicationLinks/<link>)",
                cx.id
            ),
        )
    })?;
    let (r, r_at) = typed_str(row, "role")?.ok_or_else(|| missing("properties.role", "`role`"))?;
    let (pr, pr_at) = typed_str(row, "partnerRole")?
        .ok_or_else(|| missing("properties.partnerRole", "`partnerRole`"))?;
    let (mine, theirs) = (role(r, &r_at)?, role(pr, &pr_at)?);
    if mine == Role::Copy || theirs == Role::Copy {
        return Ok(Row::Skip(
            "a database copy link (Source/Copy), not a replica".into(),
        ));
    }
    let Some((partner, p_at)) = typed_str(row, "partnerDatabaseId")? else {
        return Ok(Row::Skip(
            "a replication link without partnerDatabaseId (API versions before 2021-11 name only \
             the partner server): import the failover group, or list the links with a newer API"
                .into(),
        ));
    };
    let standby = is_standby(row, "linkType")?;
    let via = format!("replication link {}", cx.name.as_deref().unwrap_or(&cx.id));
    let link = match (mine, theirs) {
        (Role::Primary, Role::Secondary) => Link {
            secondary: (partner.to_string(), p_at),
            primary: Some((own, "id".into())),
            standby,
            readable: None,
            via,
        },
        (Role::Secondary, Role::Primary) => Link {
            secondary: (own, "id".into()),
            primary: Some((partner.to_string(), p_at)),
            standby,
            readable: None,
            via,
        },
        _ => {
            return Err(bad(
                ErrorCode::InvalidValue,
                r_at,
                format!(
                    "role {r} with partnerRole {pr}: a link needs one primary and one secondary"
                ),
            ));
        }
    };
    Ok(Row::Links(vec![link]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_of_ids_are_found_without_case() {
        assert_eq!(
            parent_of(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a/FAILOVERGROUPS/fg",
                "failoverGroups"
            ),
            Some("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a".into())
        );
        assert_eq!(parent_of("/x/fg", "failoverGroups"), None);
    }
}
