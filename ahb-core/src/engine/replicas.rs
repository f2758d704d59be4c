//! Free passive replicas need a primary, and each primary frees only so many (SQL-9, SQL-14).
//!
//! - SQL-9 (SQL Server on Azure VMs, `sqlServerLicenseType = DR`): "you can have two free
//!   passive secondaries when all three replicas are hosted in Azure", and "when all three
//!   replicas are hosted in Azure, pay-as-you-go customers are also entitled to use the HA/DR
//!   license type": a primary SQL VM in Azure licensed with AHB (SA or subscription), by the
//!   host (SQL-10), or pay-as-you-go frees two passive replicas. In the hybrid case, "a licensed
//!   primary on-premises … and one free passive for DR in Azure": one per on-premises primary
//!   (its SA is the customer's attestation, SQL-23, not checked here).
//! - SQL-14 (SQL Database standby): "only one standby per primary"; managed-instance
//!   failover groups (`hybridSecondaryUsage = Passive`) have the analogous licence-free
//!   secondary, one per primary.
//!
//! A replica that names no primary, names one that is not a licensed primary of its kind, or
//! is beyond its primary's allowance is licensed as usual: its free setting is a claim on the
//! SQL pool, with a reason saying why. Within one primary's allowance the replicas needing the
//! most normalised cores go free first (then by id), so the allowance is worth the most.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Estate, PaasLicenseType, ResourceSpec, SqlTier, SqlVmLicenseType};
use crate::rules::{Assessment, Context, Pool, Reason, RuleSet};

/// What kind of replica, for its allowance and rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    SqlVm,
    ManagedInstance,
    Standby,
}

/// The spec of a replica as if it carried the benefit as usual (no free replica setting).
fn licensed(spec: &ResourceSpec) -> ResourceSpec {
    let mut s = spec.clone();
    match &mut s {
        ResourceSpec::SqlVm { license_type, .. } => *license_type = SqlVmLicenseType::Ahub,
        ResourceSpec::SqlManagedInstance {
            passive_dr,
            license_type,
            ..
        } => {
            *passive_dr = false;
            *license_type = PaasLicenseType::BasePrice;
        }
        ResourceSpec::SqlDatabase {
            standby,
            license_type,
            ..
        } => {
            *standby = false;
            *license_type = PaasLicenseType::BasePrice;
        }
        _ => {}
    }
    s
}

/// The replica's kind and the primary it names, for the free-replica resources.
/// Whether a resource of this spec is a free passive replica (SQL-9, SQL-14), whose
/// assessment depends on its primary's.
pub(super) fn is_replica(spec: &ResourceSpec) -> bool {
    replica(spec).is_some()
}

fn replica(spec: &ResourceSpec) -> Option<(Kind, Option<&str>, bool)> {
    match spec {
        ResourceSpec::SqlVm {
            license_type: SqlVmLicenseType::Dr,
            replica_of,
            primary_on_premises,
            ..
        } => Some((Kind::SqlVm, replica_of.as_deref(), *primary_on_premises)),
        ResourceSpec::SqlManagedInstance {
            passive_dr: true,
            replica_of,
            ..
        } => Some((Kind::ManagedInstance, replica_of.as_deref(), false)),
        ResourceSpec::SqlDatabase {
            standby: true,
            tier: SqlTier::GeneralPurpose | SqlTier::BusinessCritical,
            replica_of,
            ..
        } => Some((Kind::Standby, replica_of.as_deref(), false)),
        _ => None,
    }
}

/// Whether `primary` is a licensed primary for a replica of `kind`, and how many free
/// replicas it allows; `Err` says why not.
fn allowance(kind: Kind, primary: &ResourceSpec, host_licensed: bool) -> Result<usize, String> {
    match (kind, primary) {
        (Kind::SqlVm, ResourceSpec::SqlVm { license_type, .. }) => match license_type {
            SqlVmLicenseType::Ahub | SqlVmLicenseType::Payg => Ok(2),
            SqlVmLicenseType::Dr if host_licensed => Ok(2),
            SqlVmLicenseType::Dr => {
                Err("is itself a passive replica, not a licensed primary".into())
            }
        },
        (Kind::ManagedInstance, ResourceSpec::SqlManagedInstance { passive_dr, .. }) => {
            if *passive_dr {
                Err("is itself a passive secondary, not a primary".into())
            } else {
                Ok(1)
            }
        }
        (Kind::Standby, ResourceSpec::SqlDatabase { standby, .. }) => {
            if *standby {
                Err("is itself a standby replica, not a primary".into())
            } else {
                Ok(1)
            }
        }
        (_, other) => Err(format!("is a {}, not a primary of this kind", other.kind())),
    }
}

/// A primary's allowance and its entitled replicas, as (NC each would need, resource index).
type Group = (usize, Vec<(u64, usize)>);

fn rule(kind: Kind) -> &'static str {
    match kind {
        Kind::SqlVm | Kind::ManagedInstance => "SQL-9",
        Kind::Standby => "SQL-14",
    }
}

/// Applies the primary and allowance rules to the assessments of free replicas.
pub(super) fn apply(
    estate: &Estate,
    specs: &[&ResourceSpec],
    rules: &RuleSet,
    contexts: &[Context],
    assessments: &mut [Assessment],
) {
    // The resources by id, to find replicas' primaries: built at the first replica, so an
    // estate without replicas (most) does not hash a million ids for nothing.
    let index = std::cell::OnceCell::new();
    let index = || -> &HashMap<&str, usize> {
        index.get_or_init(|| {
            (estate.resources.iter())
                .enumerate()
                .map(|(i, r)| (r.id.as_str(), i))
                .collect()
        })
    };
    // Replicas entitled to a free slot, by (kind, primary key), with the NC each would need.
    let mut groups: BTreeMap<(Kind, String), Group> = BTreeMap::new();
    let mut need_licence: Vec<(usize, Reason)> = Vec::new();
    let mut as_licensed: HashMap<usize, Assessment> = HashMap::new();
    for (i, r) in estate.resources.iter().enumerate() {
        let Some((kind, primary, on_premises)) = replica(specs[i]) else {
            continue;
        };
        let sql = |a: &Assessment| {
            a.requirements
                .iter()
                .find(|q| q.pool == Pool::SqlServer)
                .map_or(0, |q| q.units)
        };
        let scope = assessments[i].scope.clone();
        let licensed_assessment = rules.assess_as(r, &licensed(specs[i]), &contexts[i], scope);
        let units = sql(&licensed_assessment);
        as_licensed.insert(i, licensed_assessment);
        let rule = rule(kind);
        let entitled = if kind == Kind::SqlVm && on_premises {
            let key = primary.map_or_else(|| format!("(on premises, {})", r.id), str::to_string);
            Ok((key, 1, "a licensed primary on premises".to_string()))
        } else {
            match primary {
                None => Err(format!(
                    "names no primary: a free passive replica needs a licensed primary ({rule})"
                )),
                Some(p) => match index().get(p) {
                    None => Err(format!("names primary {p:?}, which is not in the estate")),
                    Some(&pi) => allowance(kind, specs[pi], contexts[pi].host_sql_licensed)
                        .map(|n| (p.to_string(), n, format!("primary {p:?}")))
                        .map_err(|why| format!("names primary {p:?}, which {why}")),
                },
            }
        };
        match entitled {
            Ok((key, n, _)) => {
                let g = groups.entry((kind, key)).or_insert((n, Vec::new()));
                g.1.push((units, i));
            }
            Err(why) => need_licence.push((
                i,
                Reason::new(
                    rule,
                    format!("{why}; licensed as usual: {units} NC from the licences"),
                ),
            )),
        }
    }
    for ((kind, key), (n, mut members)) in groups {
        members.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| estate.resources[a.1].id.cmp(&estate.resources[b.1].id))
        });
        let rule = rule(kind);
        for (k, &(units, i)) in members.iter().enumerate() {
            if k < n {
                for q in assessments[i]
                    .requirements
                    .iter_mut()
                    .filter(|q| q.pool == Pool::SqlServer)
                {
                    q.reasons.push(Reason::new(
                        rule,
                        format!(
                            "free passive replica {} of {n} allowed for {key:?}: 0 NC",
                            k + 1
                        ),
                    ));
                }
            } else {
                need_licence.push((
                    i,
                    Reason::new(
                        rule,
                        format!(
                            "{key:?} allows {n} free passive replica(s) and {} are linked to it; \
                             this one is beyond the allowance: licensed as usual, {units} NC",
                            members.len()
                        ),
                    ),
                ));
            }
        }
    }
    for (i, why) in need_licence {
        let Some(mut a) = as_licensed.remove(&i) else {
            continue;
        };
        for q in a
            .requirements
            .iter_mut()
            .filter(|q| q.pool == Pool::SqlServer)
        {
            // The free setting claims the benefit: it must be covered like any claim.
            q.claimed = true;
            q.reasons.insert(0, why.clone());
        }
        assessments[i] = a;
    }
}
