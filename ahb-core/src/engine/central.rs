//! Centrally managed SQL AHB in the audit (SQL-15…SQL-23).
//!
//! - SQL-23: only licences "that aren't already in use elsewhere" may be assigned to a scope.
//!   Each assignment active on the audit date is therefore a claim on the SQL licence supply
//!   of that date, like any resource's claim: Enterprise cores on Enterprise licences (4 NC
//!   each), Standard cores on any SQL licence (1 NC each, SQL-1; an Enterprise licence gives 4
//!   Standard NC) or, under strict edition matching (SQL-4), on Standard licences. Cores the
//!   licences do not back, or that back something else too, are a shortfall naming the
//!   assignment.
//! - SQL-20: once licences are assigned to a scope, resource-level elections below it "no
//!   longer apply" and the setting "doesn't have any effect". Resources the central
//!   mechanism covers (SQL-16: SQL VMs, databases, elastic pools, managed instances and
//!   instance pools — not SSIS, not dedicated hosts) are reported as centrally managed: their
//!   `BasePrice`/`AHUB` setting is neither a claim nor an under-claim.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::model::{CentralAssignment, Edition, Estate, ResourceSpec};
use crate::rules::{Assessment, Draw, Pool, Reason, RuleSet};

/// Whether the central mechanism covers a resource of this kind (SQL-16). A SQL VM on a
/// dedicated host is licensed with the host (SQL-10, SQL-16).
fn centrally_coverable(spec: &ResourceSpec) -> bool {
    match spec {
        ResourceSpec::SqlVm { host, .. } => host.is_none(),
        ResourceSpec::SqlDatabase { .. }
        | ResourceSpec::SqlElasticPool { .. }
        | ResourceSpec::SqlManagedInstance { .. }
        | ResourceSpec::SqlInstancePool { .. } => true,
        _ => false,
    }
}

/// The assignments active on `as_of` (SQL-21: they lapse 90 days after the review date).
pub(crate) fn active(estate: &Estate, as_of: NaiveDate) -> Vec<&CentralAssignment> {
    estate
        .central_assignments
        .iter()
        .filter(|a| a.active_on(as_of))
        .collect()
}

/// Which licence lines may back an assignment (SQL-1, SQL-4, SQL-23).
pub(crate) fn draw_of(a: &CentralAssignment, rules: &RuleSet) -> Draw {
    match a.edition {
        Edition::Enterprise => Draw::EnterpriseOnly,
        _ if rules.knobs.sql_strict_edition_match => Draw::StandardOnly,
        _ => Draw::Any,
    }
}

/// Marks the SQL requirements of the resources under central management on `as_of`
/// (SQL-20): the requirement records the scope whose assignments apply, and its
/// resource-level setting is reported as having no effect.
pub(crate) fn mark(estate: &Estate, as_of: NaiveDate, assessments: &mut [Assessment]) {
    mark_each(estate, as_of, assessments.iter_mut().zip(&estate.resources));
}

/// [`mark`] of some of the estate's resources, each with its assessment.
pub(crate) fn mark_each<'e, 'x>(
    estate: &'e Estate,
    as_of: NaiveDate,
    each: impl Iterator<Item = (&'x mut Assessment, &'e crate::model::Resource)>,
) {
    let assignments = active(estate, as_of);
    if assignments.is_empty() {
        return;
    }
    let mut by_scope: HashMap<&str, Vec<&str>> = HashMap::new();
    for a in &assignments {
        by_scope
            .entry(a.scope.as_str())
            .or_default()
            .push(a.id.as_str());
    }
    let parent: HashMap<&str, Option<&str>> = estate
        .scopes
        .iter()
        .map(|s| (s.id.as_str(), s.parent.as_deref()))
        .collect();
    let nearest = nearest_managing(&parent, &by_scope);
    // The statement each nearest managing scope gives its resources, written once: the
    // managing scopes (it and those above it with assignments, nearest first) and their ids.
    let mut texts: HashMap<&str, (String, String)> = HashMap::new();
    // (A scope the estate does not declare has no parent: it manages itself or nothing.)
    let nearest_of = |s: &'e str| {
        nearest
            .get(s)
            .copied()
            .unwrap_or(by_scope.contains_key(s).then_some(s))
    };
    for (a, r) in each {
        if !centrally_coverable(&r.spec) {
            continue;
        }
        let Some(first) = r.scope.as_deref().and_then(nearest_of) else {
            continue;
        };
        let (scope, text) = texts.entry(first).or_insert_with(|| {
            let managing: Vec<&str> = std::iter::successors(Some(first), |m| {
                parent.get(m).copied().flatten().and_then(nearest_of)
            })
            .take(by_scope.len())
            .collect();
            let ids: Vec<&str> = managing
                .iter()
                .flat_map(|s| by_scope[s].iter().copied())
                .collect();
            (
                first.to_string(),
                format!(
                    "centrally managed: the licences assigned to {} ({}) apply; the \
                     resource-level setting has no effect",
                    managing.join(", "),
                    ids.join(", ")
                ),
            )
        });
        for q in a
            .requirements
            .iter_mut()
            .filter(|q| q.pool == Pool::SqlServer)
        {
            q.central = Some(scope.clone());
            q.reasons.push(Reason::new("SQL-20", text.clone()));
        }
    }
}

/// For every scope, the nearest scope at or above it that carries assignments (`None`: none
/// does). Each scope is walked once: a walk up the tree stops at the first scope already
/// known, so a deep chain costs its length, not its length squared. A walk longer than the
/// number of scopes (a cycle, which validation refuses) ends as if at the top.
fn nearest_managing<'a>(
    parent: &HashMap<&'a str, Option<&'a str>>,
    by_scope: &HashMap<&str, Vec<&str>>,
) -> HashMap<&'a str, Option<&'a str>> {
    let mut nearest: HashMap<&'a str, Option<&'a str>> = HashMap::with_capacity(parent.len());
    let mut path = Vec::new();
    for &start in parent.keys() {
        let mut at = Some(start);
        let found = loop {
            let Some(s) = at else { break None };
            if let Some(&known) = nearest.get(s) {
                break known;
            }
            if by_scope.contains_key(s) {
                break Some(s);
            }
            if path.len() > parent.len() {
                break None;
            }
            path.push(s);
            at = parent.get(s).copied().flatten();
        };
        if let Some(s) = found {
            nearest.insert(s, Some(s));
        }
        for s in path.drain(..) {
            nearest.insert(s, found);
        }
    }
    nearest
}

/// The shortfall reason of an assignment the licences do not back (SQL-23, SQL-20).
pub(crate) fn shortfall_reason(a: &CentralAssignment, short: u64) -> Reason {
    let edition = if a.edition == Edition::Enterprise {
        "Enterprise"
    } else {
        "Standard"
    };
    Reason::new(
        "SQL-23",
        format!(
            "central assignment {:?} assigns {} {edition} core licences ({} NC) to {:?}, but {short} \
             NC are not backed by licences that are not already in use elsewhere; assign fewer \
             or buy licences (resource-level settings under it have no effect, SQL-20)",
            a.id,
            a.cores,
            a.normalised_cores(),
            a.scope
        ),
    )
}

/// The SQL lines with what the active central assignments use of them taken out (SQL-23):
/// the optimiser can only give resources the licences the assignments leave. The assignments
/// draw first, as far as the lines back them (an unbacked remainder stays a shortfall the
/// audit of the plan reports).
pub(crate) fn lines_left(
    estate: &Estate,
    rules: &RuleSet,
    as_of: NaiveDate,
    lines: Vec<crate::rules::LineSupply>,
    tree: &crate::model::ScopeTree<'_>,
    later_first: bool,
) -> Vec<crate::rules::LineSupply> {
    use super::network::{Reach, SupplyNetwork};
    let assignments = active(estate, as_of);
    if assignments.is_empty() {
        return lines;
    }
    let mut net = SupplyNetwork::new(lines, later_first);
    for a in &assignments {
        let node = net.add_demand(draw_of(a, rules), Reach::Scope(Some(&a.scope)), tree);
        net.raise(node, a.normalised_cores());
    }
    net.cover();
    let (used, _) = net.attribute();
    let lines = std::sync::Arc::try_unwrap(net.lines).unwrap_or_else(|a| (*a).clone());
    lines
        .into_iter()
        .zip(used)
        .map(|(mut l, u)| {
            if u > 0 {
                let left = l.for_vms.max(l.for_hosts).saturating_sub(u);
                l.for_vms = l.for_vms.min(left);
                l.for_hosts = l.for_hosts.min(left);
                l.reasons.push(Reason::new(
                    "SQL-23",
                    format!("{u} NC back central SQL licence assignments"),
                ));
            }
            l
        })
        .collect()
}
