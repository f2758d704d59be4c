//! The replica links of an import: each secondary names its primary (`replica_of`) as Azure's
//! replication records say (availability groups, failover groups, replication links, a
//! database's `sourceDatabaseId`), so that the audit can apply the free passive replica
//! allowances of SQL-9 and SQL-14 to the right primary.
//!
//! ARM ids compare without case; the spelling the import kept is the one written. A primary
//! outside the import is the partial-inventory case (docs/IMPORT-FORMATS.md §1.3): by default
//! the secondary still names it — a placeholder the audit reports as "not in the estate", so
//! the replica is licensed as usual — with a warning; strict mode makes it an error.

use std::collections::HashMap;

use super::azure::Link;
use super::{Origin, ReplicaLink, Warning, record};
use crate::error::{Error, ErrorCode, Result};
use crate::model::{Resource, ResourceSpec, SqlVmLicenseType};

/// The field of a database row that names its source (primary).
const SOURCE_FIELD: &str = "properties.sourceDatabaseId";

/// Sets every secondary's `replica_of` from `links` (and from the databases' own
/// `sourceDatabaseId`), returning the links applied. `origins[i]` is where `resources[i]` came
/// from.
pub(super) fn link(
    resources: &mut [Resource],
    origins: &[&Origin],
    links: &[(Origin, Link)],
    strict: bool,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<ReplicaLink>> {
    let index: HashMap<String, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.to_ascii_lowercase(), i))
        .collect();
    // A database's own `sourceDatabaseId` is a link like any other; it is resolved (and its
    // spelling checked) with them.
    let mut all: Vec<(Origin, Link)> = Vec::new();
    for (r, o) in resources.iter_mut().zip(origins) {
        if let ResourceSpec::SqlDatabase { replica_of, .. } = &mut r.spec
            && let Some(p) = replica_of.take()
        {
            all.push((
                (*o).clone(),
                Link {
                    secondary: (r.id.clone(), "id".into()),
                    primary: Some((p, SOURCE_FIELD.into())),
                    standby: false,
                    readable: None,
                    via: "its sourceDatabaseId".into(),
                },
            ));
        }
    }
    all.extend(links.iter().cloned());

    let mut applied = Vec::new();
    for (origin, l) in &all {
        let locate = |code, field: &str, message: String| {
            Error::at_record(code, record(origin), field.to_string(), message)
                .in_file(origin.file.clone())
        };
        let mut warn = |field: &str, message: String| {
            warnings.push(Warning {
                origin: origin.clone(),
                field: field.to_string(),
                message,
            });
        };
        let (sec_id, sec_field) = &l.secondary;
        let Some(&si) = index.get(&sec_id.to_ascii_lowercase()) else {
            if strict {
                return Err(locate(
                    ErrorCode::UnknownReference,
                    sec_field,
                    format!(
                        "secondary {sec_id} of {} is not in the imported inventory; import it too",
                        l.via
                    ),
                ));
            }
            warn(
                sec_field,
                format!(
                    "secondary {sec_id} of {} is not in the import: nothing to link",
                    l.via
                ),
            );
            continue;
        };
        let (primary, imported) = match &l.primary {
            None => {
                warn(
                    sec_field,
                    format!(
                        "{} names no primary for {sec_id}: a free passive replica without a \
                         primary is licensed as usual (SQL-9, SQL-14)",
                        l.via
                    ),
                );
                continue;
            }
            Some((p, p_field)) => match index.get(&p.to_ascii_lowercase()) {
                Some(&pi) if pi == si => {
                    warn(
                        p_field,
                        format!("{} names {sec_id} as its own primary: ignored", l.via),
                    );
                    continue;
                }
                Some(&pi) => (resources[pi].id.clone(), true),
                None if strict => {
                    return Err(locate(
                        ErrorCode::UnknownReference,
                        p_field,
                        format!(
                            "primary {p} of {} is not in the imported inventory; import it too",
                            l.via
                        ),
                    ));
                }
                None => {
                    warn(
                        p_field,
                        format!(
                            "primary {p} of {} is not in the import: {sec_id} names it as a \
                             placeholder and is licensed as usual until the primary is imported \
                             (SQL-9, SQL-14; strict mode makes this an error)",
                            l.via
                        ),
                    );
                    (p.clone(), false)
                }
            },
        };
        let secondary = resources[si].id.clone();
        let kind = resources[si].spec.kind();
        let (replica_of, free, dr) = match &mut resources[si].spec {
            ResourceSpec::SqlVm {
                replica_of,
                license_type,
                ..
            } => (replica_of, None, *license_type == SqlVmLicenseType::Dr),
            ResourceSpec::SqlDatabase {
                replica_of,
                standby,
                ..
            } => (replica_of, Some(standby), false),
            ResourceSpec::SqlManagedInstance {
                replica_of,
                passive_dr,
                ..
            } => (replica_of, Some(passive_dr), false),
            _ => {
                return Err(locate(
                    ErrorCode::InvalidValue,
                    sec_field,
                    format!(
                        "{secondary} is a {kind}, not a SQL VM, database or managed instance: \
                         it cannot be a replica of {}",
                        l.via
                    ),
                ));
            }
        };
        // The same link read twice (a failover group exported from both servers) is one link.
        let again = replica_of
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(&primary));
        if let Some(existing) = replica_of.as_deref()
            && !again
        {
            let existing = existing.to_string();
            warn(
                sec_field,
                format!(
                    "{secondary} is already a replica of {existing}; {} names {primary} too: \
                     the first link is kept",
                    l.via
                ),
            );
            continue;
        }
        *replica_of = Some(primary.clone());
        if let Some(flag) = free
            && l.standby
        {
            *flag = true;
        }
        if let Some(r) = &l.readable
            && dr
        {
            warn(
                sec_field,
                format!(
                    "{secondary} is licensed DR (a free passive replica) but is a readable \
                     secondary of {} (readableSecondary = {r}): a passive replica serves no \
                     reads (SQL-9); license it or make it non-readable",
                    l.via
                ),
            );
        }
        if again {
            continue;
        }
        applied.push(ReplicaLink {
            secondary,
            primary,
            primary_imported: imported,
            origin: origin.clone(),
        });
    }
    Ok(applied)
}
