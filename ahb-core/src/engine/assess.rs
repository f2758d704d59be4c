//! What every resource needs and what every licence line supplies, on a date: the facts that
//! the audit and the optimiser both start from.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::{Error, ErrorCode, RecordRef, Result};
use crate::model::{Estate, HostLicenseType, Id, Os, Product, ResourceSpec, ScopeTree};
use crate::rules::{Assessment, Context, LineSupply, Pool, RuleSet, line_supply};

/// What every licence line supplies on `as_of`, by pool.
pub(crate) fn supply_by_pool(
    estate: &Estate,
    rules: &RuleSet,
    as_of: NaiveDate,
) -> Result<HashMap<Pool, Vec<LineSupply>>> {
    let mut supply: HashMap<Pool, Vec<LineSupply>> = HashMap::new();
    for (i, line) in estate.licences.iter().enumerate() {
        check_linux_unit(i, line, rules)?;
        let s = line_supply(line, as_of, &rules.knobs);
        supply.entry(s.pool).or_default().push(s);
    }
    Ok(supply)
}

/// Assesses every resource with the facts of the estate around it, without a date (rules
/// that end on a date are assessed as in force).
pub(crate) fn assess_all<'a>(
    estate: &'a Estate,
    rules: &RuleSet,
    tree: &ScopeTree<'a>,
) -> Vec<Assessment> {
    assess_all_on(estate, rules, tree, None)
}

/// Assesses every resource with the facts of the estate around it, on `as_of` (OQ-7).
pub(crate) fn assess_all_on<'a>(
    estate: &'a Estate,
    rules: &RuleSet,
    tree: &ScopeTree<'a>,
    as_of: Option<NaiveDate>,
) -> Vec<Assessment> {
    assess_all_as(estate, rules, tree, as_of, &[])
}

/// [`assess_all_on`] as if the resources at the indices of `respecified` (sorted by index)
/// had those specs: the re-audit of a plan assesses the estate with the plan's AHB settings
/// this way, without copying the estate.
pub(crate) fn assess_all_as<'a>(
    estate: &'a Estate,
    rules: &RuleSet,
    tree: &ScopeTree<'a>,
    as_of: Option<NaiveDate>,
    respecified: &'a [(usize, ResourceSpec)],
) -> Vec<Assessment> {
    let facts = Facts::new(estate, tree, as_of, respecified);
    let contexts: Vec<Context> = (0..estate.resources.len())
        .map(|i| facts.context(i))
        .collect();
    let mut scopes = ScopeNames::default();
    let mut assessments: Vec<Assessment> = (estate.resources.iter().zip(&facts.specs))
        .zip(&contexts)
        .map(|((r, spec), ctx)| rules.assess_as(r, spec, ctx, scopes.get(&r.scope)))
        .collect();
    // SQL-9, SQL-14: free passive replicas need a licensed primary, within its allowance.
    super::replicas::apply(estate, &facts.specs, rules, &contexts, &mut assessments);
    assessments
}

/// What [`assess_all_as`] would give for the resources whose assessment `respecified` can
/// change, by index (sorted): the respecified resources themselves and the VMs on respecified
/// dedicated hosts (a host's licensing is part of its VMs' context). Every other resource's
/// assessment depends on its own spec and on facts the specs do not change (scopes, hosts'
/// VM counts, the licences held, the date), so it is the one the estate had already.
/// `None` when the estate has replicas under either specs: a replica's assessment depends on
/// its primary's, so only a whole assessment is sure to be right.
pub(crate) fn reassess_respecified<'a>(
    estate: &'a Estate,
    rules: &RuleSet,
    tree: &ScopeTree<'a>,
    as_of: Option<NaiveDate>,
    respecified: &'a [(usize, ResourceSpec)],
) -> Option<Vec<(usize, Assessment)>> {
    let replicas = (estate.resources.iter().map(|r| &r.spec))
        .chain(respecified.iter().map(|(_, s)| s))
        .any(super::replicas::is_replica);
    if replicas {
        return None;
    }
    let facts = Facts::new(estate, tree, as_of, respecified);
    let hosts: std::collections::HashSet<&str> = (respecified.iter())
        .filter(|(_, s)| matches!(s, ResourceSpec::DedicatedHost { .. }))
        .map(|&(i, _)| estate.resources[i].id.as_str())
        .collect();
    let on_hosts = (estate.resources.iter().enumerate()).filter_map(|(i, r)| match &r.spec {
        ResourceSpec::Vm { host: Some(h), .. } | ResourceSpec::SqlVm { host: Some(h), .. }
            if hosts.contains(h.as_str()) =>
        {
            Some(i)
        }
        _ => None,
    });
    let mut which: Vec<usize> = respecified
        .iter()
        .map(|&(i, _)| i)
        .chain(on_hosts)
        .collect();
    which.sort_unstable();
    which.dedup();
    let mut scopes = ScopeNames::default();
    Some(
        which
            .into_iter()
            .map(|i| {
                let r = &estate.resources[i];
                let scope = scopes.get(&r.scope);
                (
                    i,
                    rules.assess_as(r, facts.specs[i], &facts.context(i), scope),
                )
            })
            .collect(),
    )
}

/// The scopes of the resources as shared strings, one per scope: each assessment holds its
/// resource's scope, and an estate of 10⁶ resources has a few thousand scopes.
#[derive(Default)]
struct ScopeNames<'a>(crate::text::IdMap<&'a str, Id>);

impl<'a> ScopeNames<'a> {
    fn get(&mut self, scope: &'a Option<String>) -> Option<Id> {
        let scope = scope.as_deref()?;
        Some(
            self.0
                .entry(scope)
                .or_insert_with(|| Id::from(scope))
                .clone(),
        )
    }
}

/// The facts around each resource that its assessment reads, under the given specs.
struct Facts<'a> {
    /// Each resource's spec: its own, or the one `respecified` gives it.
    specs: Vec<&'a ResourceSpec>,
    /// Dedicated hosts by id: (Windows licensed, SQL licensed, Windows VMs on it, SQL VMs on it).
    hosts: HashMap<&'a str, (bool, bool, usize, usize)>,
    estate: &'a Estate,
    tree: &'a ScopeTree<'a>,
    as_of: Option<NaiveDate>,
    sql_editions_held: (bool, bool),
}

impl<'a> Facts<'a> {
    fn new(
        estate: &'a Estate,
        tree: &'a ScopeTree<'a>,
        as_of: Option<NaiveDate>,
        respecified: &'a [(usize, ResourceSpec)],
    ) -> Facts<'a> {
        let mut specs: Vec<&ResourceSpec> = estate.resources.iter().map(|r| &r.spec).collect();
        for (i, spec) in respecified {
            specs[*i] = spec;
        }
        let mut hosts: HashMap<&str, (bool, bool, usize, usize)> = HashMap::new();
        for (r, spec) in estate.resources.iter().zip(&specs) {
            if let ResourceSpec::DedicatedHost {
                license_type,
                sql_host_level,
                ..
            } = spec
            {
                let windows = *license_type == HostLicenseType::WindowsServerHybrid;
                hosts.insert(&r.id, (windows, *sql_host_level, 0, 0));
            }
        }
        for spec in &specs {
            match spec {
                ResourceSpec::Vm {
                    os: Os::Windows,
                    host: Some(h),
                    ..
                } => {
                    if let Some(e) = hosts.get_mut(h.as_str()) {
                        e.2 += 1;
                    }
                }
                ResourceSpec::SqlVm { host: Some(h), .. } => {
                    if let Some(e) = hosts.get_mut(h.as_str()) {
                        e.3 += 1;
                    }
                }
                _ => {}
            }
        }
        let held = |e: crate::model::Edition| {
            estate
                .licences
                .iter()
                .any(|l| l.product == Product::SqlServer && l.edition == Some(e))
        };
        let sql_editions_held = (
            held(crate::model::Edition::Enterprise),
            held(crate::model::Edition::Standard),
        );
        Facts {
            specs,
            hosts,
            estate,
            tree,
            as_of,
            sql_editions_held,
        }
    }

    /// The context of resource `i`.
    fn context(&self, i: usize) -> Context {
        let (r, spec) = (&self.estate.resources[i], self.specs[i]);
        let host = match spec {
            ResourceSpec::Vm { host, .. } | ResourceSpec::SqlVm { host, .. } => host
                .as_deref()
                .and_then(|h| self.hosts.get(h))
                .copied()
                .unwrap_or_default(),
            _ => Default::default(),
        };
        // Only a host has counts of its own (most resources are not hosts: no lookup).
        let own = match spec {
            ResourceSpec::DedicatedHost { .. } => self.hosts.get(r.id.as_str()).copied(),
            _ => None,
        }
        .unwrap_or_default();
        Context {
            dev_test: self.tree.is_dev_test(r.scope.as_deref()),
            host_windows_licensed: host.0,
            host_sql_licensed: host.1,
            windows_vms_on_host: own.2,
            sql_vms_on_host: own.3,
            as_of: self.as_of,
            sql_editions_held: self.sql_editions_held,
        }
    }
}

/// A Linux line must count in its distribution's unit (OQ-17): mixing units in one pool would
/// make the pool's arithmetic meaningless, so it is an error, not a guess.
fn check_linux_unit(index: usize, line: &crate::model::LicenceLine, rules: &RuleSet) -> Result<()> {
    let (Some(unit), expected) = (
        line.unit,
        match line.product {
            Product::Rhel => rules.knobs.rhel_unit,
            Product::Sles => rules.knobs.sles_unit,
            _ => return Ok(()),
        },
    ) else {
        return Ok(());
    };
    if unit == expected {
        return Ok(());
    }
    Err(Error::at_record(
        ErrorCode::InvalidOption,
        RecordRef {
            collection: "licences",
            index,
            id: Some(line.id.clone()),
        },
        "unit",
        format!(
            "the line counts {unit:?} but the rule set counts {:?} subscriptions in {expected:?}; \
             set knobs.{}_unit (OQ-17)",
            line.product,
            if line.product == Product::Rhel {
                "rhel"
            } else {
                "sles"
            }
        ),
    ))
}
