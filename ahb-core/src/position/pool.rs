//! Compliance of one pool: the claimed demand against the supply of its licence lines, solved
//! exactly as a maximum flow over (line group → demand group) edges that respect editions,
//! host-level dual use, Azure Local programmes and scope assignments.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::flow::Network;
use super::scopes::ScopeTree;
use crate::model::Edition;
use crate::rules::{Draw, LineSupply, Pool, Reason};

/// One claimed requirement, as the pool check needs it.
pub(crate) struct Claim<'a> {
    pub resource: &'a str,
    pub scope: Option<&'a str>,
    pub units: u64,
    pub draw: Draw,
    pub monthly_savings: Option<Decimal>,
}

/// A line's share of the covered demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineUse {
    /// The line's supply on the date, with its reasons.
    #[serde(flatten)]
    pub supply: LineSupply,
    /// Pool units of this line that cover today's claims.
    pub used: u64,
}

/// Additive use (AKS hybrid, AKS-4): compared with the licences held, never deducted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdditiveCheck {
    /// Claimed additive demand.
    pub demand: u64,
    /// Eligible units held.
    pub supply: u64,
    /// Demand beyond supply.
    pub shortfall: u64,
}

/// Where a pool stands on the audit date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolPosition {
    /// The pool.
    pub pool: Pool,
    /// Its unit.
    pub unit: &'static str,
    /// Units available to Azure VMs and PaaS, summed over eligible lines.
    pub supply_for_vms: u64,
    /// Units available for host-level licensing, summed over eligible lines.
    pub supply_for_hosts: u64,
    /// Claimed exclusive demand (today's settings), including any estate minimum.
    pub claimed: u64,
    /// The estate-wide minimum added to the claimed demand (WS-3, OQ-1).
    pub estate_minimum_topup: u64,
    /// Demand if every eligible resource claimed the benefit.
    pub eligible_demand: u64,
    /// Claimed demand the supply covers.
    pub covered: u64,
    /// Claimed demand the supply cannot cover.
    pub shortfall: u64,
    /// The shortfall by kind of demand.
    pub shortfall_by_draw: BTreeMap<Draw, u64>,
    /// The shortfall as licences to buy: for SQL, Enterprise cores or Standard cores (SQL-1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortfall_licences: Option<ShortfallLicences>,
    /// Supply not used by today's claims.
    pub idle: u64,
    /// The AKS hybrid check (Windows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additive: Option<AdditiveCheck>,
    /// Whether today's claims are covered.
    pub compliant: bool,
    /// Each line's supply and use.
    pub lines: Vec<LineUse>,
    /// Pool-level reasons.
    pub reasons: Vec<Reason>,
}

/// A SQL shortfall in licences (TV-32: 24 NC = 6 Enterprise or 24 Standard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortfallLicences {
    /// Enterprise core licences that would close it.
    pub enterprise: u64,
    /// Standard core licences that would close it.
    pub standard: u64,
}

/// Which claims the supply leaves uncovered.
pub(crate) struct Uncovered<'a> {
    pub resource: &'a str,
    pub units: u64,
    pub short: u64,
}

/// Whether a line may cover a draw, and through which of its capacities.
fn admits(line: &LineSupply, draw: Draw) -> Option<bool> {
    // Some(true): through the host capacity; Some(false): through the VM capacity.
    match (line.pool, draw, line.edition) {
        (_, Draw::Additive, _) => None,
        (Pool::WindowsServer, Draw::DatacenterHost, Some(Edition::Datacenter)) => Some(true),
        (Pool::WindowsServer, Draw::DatacenterAzureLocal, Some(Edition::Datacenter)) => {
            line.azure_local_programme.then_some(true)
        }
        (Pool::SqlServer, Draw::EnterpriseOnly, Some(Edition::Enterprise)) => Some(true),
        (Pool::SqlServer, Draw::StandardOnly, Some(Edition::Standard)) => Some(false),
        (_, Draw::Any, _) => Some(false),
        _ => None,
    }
}

/// A set of lines that admit the same draws from the same scope: one flow node.
struct Group {
    scope: Option<String>,
    lines: Vec<usize>,
    for_vms: u64,
    for_hosts: u64,
    total: u64,
}

/// Checks one pool. `claims` are the claimed exclusive requirements; `topup` is the estate
/// minimum's extra demand at the root.
pub(crate) fn check<'a>(
    pool: Pool,
    mut lines: Vec<LineSupply>,
    claims: &[Claim<'a>],
    topup: u64,
    eligible_demand: u64,
    additive: Option<AdditiveCheck>,
    scopes: &ScopeTree<'a>,
) -> (PoolPosition, Vec<Uncovered<'a>>) {
    // Later-expiring lines first, then by id: the attribution is deterministic and keeps the
    // lines that last longest in use.
    lines.sort_by(|a, b| b.sa_end.cmp(&a.sa_end).then_with(|| a.line.cmp(&b.line)));
    let draws = [
        Draw::Any,
        Draw::DatacenterHost,
        Draw::DatacenterAzureLocal,
        Draw::EnterpriseOnly,
        Draw::StandardOnly,
    ];
    // Group lines by (scope, the draws they admit).
    let mut groups: BTreeMap<(Option<String>, Vec<Option<bool>>), Group> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate().filter(|(_, l)| l.eligible) {
        let signature: Vec<Option<bool>> = draws.iter().map(|&d| admits(l, d)).collect();
        let g = groups
            .entry((l.scope.clone(), signature))
            .or_insert_with(|| Group {
                scope: l.scope.clone(),
                lines: Vec::new(),
                for_vms: 0,
                for_hosts: 0,
                total: 0,
            });
        g.lines.push(i);
        g.for_vms += l.for_vms;
        g.for_hosts += l.for_hosts;
        g.total += l.for_vms.max(l.for_hosts);
    }
    // Demand by (scope, draw), claims in a deterministic order.
    let mut demand: BTreeMap<(Option<&'a str>, Draw), Vec<usize>> = BTreeMap::new();
    for (i, c) in claims.iter().enumerate().filter(|(_, c)| c.units > 0) {
        demand.entry((c.scope, c.draw)).or_default().push(i);
    }
    let mut net = Network::new(2);
    let (s, t) = (0, 1);
    let mut group_edges = Vec::new();
    let mut group_nodes = Vec::new();
    for g in groups.values() {
        let node = net.add_node();
        let vm = net.add_node();
        let host = net.add_node();
        net.add_edge(s, node, g.total);
        let ev = net.add_edge(node, vm, g.for_vms);
        let eh = net.add_edge(node, host, g.for_hosts);
        group_nodes.push((vm, host));
        group_edges.push((ev, eh));
    }
    let mut demand_edges = Vec::new();
    for key in demand.keys() {
        let (scope, draw) = *key;
        let units: u64 = demand[key].iter().map(|&i| claims[i].units).sum();
        let node = net.add_node();
        demand_edges.push((*key, net.add_edge(node, t, units), units));
        for (gi, g) in groups.values().enumerate() {
            let first = &lines[g.lines[0]];
            if !scopes.covers(g.scope.as_deref(), scope) {
                continue;
            }
            if let Some(via_host) = admits(first, draw) {
                let from = if via_host {
                    group_nodes[gi].1
                } else {
                    group_nodes[gi].0
                };
                net.add_edge(from, node, u64::MAX / 4);
            }
        }
    }
    // WS-3 (OQ-1): the estate minimum is a number of licences held, wherever they are
    // assigned, so any line that may cover per-VM demand may meet it, whatever its scope.
    let topup_edge = (topup > 0).then(|| {
        let node = net.add_node();
        for (gi, g) in groups.values().enumerate() {
            if admits(&lines[g.lines[0]], Draw::Any).is_some() {
                net.add_edge(group_nodes[gi].0, node, u64::MAX / 4);
            }
        }
        net.add_edge(node, t, topup)
    });
    let covered = net.max_flow(s, t);
    let claimed: u64 = claims.iter().map(|c| c.units).sum::<u64>() + topup;

    // Attribute each group's use to its lines in order: host use first, then VM use.
    let mut used = vec![0u64; lines.len()];
    for (g, &(ev, eh)) in groups.values().zip(&group_edges) {
        let (mut host, mut vm) = (net.flow(eh), net.flow(ev));
        for &i in &g.lines {
            let take = host.min(lines[i].for_hosts);
            used[i] += take;
            host -= take;
        }
        for &i in &g.lines {
            let room = lines[i].for_vms.max(lines[i].for_hosts) - used[i];
            let take = vm.min(room).min(lines[i].for_vms);
            used[i] += take;
            vm -= take;
        }
    }

    // Uncovered demand, attributed to the claims that save least per unit, then by id.
    let mut shortfall_by_draw = BTreeMap::new();
    let mut uncovered = Vec::new();
    for ((key, e, units), _) in demand_edges.iter().zip(0..) {
        let short = units - net.flow(*e);
        if short == 0 {
            continue;
        }
        *shortfall_by_draw.entry(key.1).or_insert(0) += short;
        let members = demand[key].iter().map(|&i| &claims[i]).collect();
        attribute(members, short, &mut uncovered);
    }
    if let Some(e) = topup_edge {
        let short = topup - net.flow(e);
        if short > 0 {
            // The unmet estate minimum, attributed to per-VM claims not already uncovered.
            *shortfall_by_draw.entry(Draw::Any).or_insert(0) += short;
            let members = claims
                .iter()
                .filter(|c| c.draw == Draw::Any && c.units > 0)
                .filter(|c| !uncovered.iter().any(|u| u.resource == c.resource))
                .collect();
            attribute(members, short, &mut uncovered);
        }
    }
    let shortfall = claimed - covered;
    let supply_for_vms = lines.iter().map(|l| l.for_vms).sum();
    let supply_for_hosts = lines.iter().map(|l| l.for_hosts).sum();
    let capacity: u64 = lines.iter().map(|l| l.for_vms.max(l.for_hosts)).sum();
    let mut reasons = Vec::new();
    if topup > 0 {
        reasons.push(Reason::new(
            "WS-3",
            format!(
                "estate minimum: {topup} core licences added to reach the 16-licence minimum (OQ-1)"
            ),
        ));
    }
    let additive_short = additive.as_ref().is_some_and(|a| a.shortfall > 0);
    let position = PoolPosition {
        pool,
        unit: pool.unit(),
        supply_for_vms,
        supply_for_hosts,
        claimed,
        estate_minimum_topup: topup,
        eligible_demand,
        covered,
        shortfall,
        shortfall_by_draw,
        shortfall_licences: (pool == Pool::SqlServer && shortfall > 0).then(|| ShortfallLicences {
            enterprise: shortfall.div_ceil(4),
            standard: shortfall,
        }),
        idle: capacity - covered,
        additive,
        compliant: shortfall == 0 && !additive_short,
        lines: lines
            .into_iter()
            .zip(used)
            .map(|(supply, used)| LineUse { supply, used })
            .collect(),
        reasons,
    };
    (position, uncovered)
}

/// Attributes `short` uncovered units to `members`, least savings per unit first, then by id.
fn attribute<'a>(mut members: Vec<&Claim<'a>>, short: u64, uncovered: &mut Vec<Uncovered<'a>>) {
    members.sort_by(|a, b| {
        per_unit(a)
            .cmp(&per_unit(b))
            .then_with(|| a.resource.cmp(b.resource))
    });
    let mut left = short;
    for c in members {
        if left == 0 {
            break;
        }
        uncovered.push(Uncovered {
            resource: c.resource,
            units: c.units,
            short: left.min(c.units),
        });
        left = left.saturating_sub(c.units);
    }
}

/// Savings per unit, for ordering which claims lose cover first (unknown prices count as 0).
fn per_unit(c: &Claim) -> Decimal {
    c.monthly_savings.unwrap_or(Decimal::ZERO) / Decimal::from(c.units.max(1))
}
