//! Compliance of one pool: the claimed demand against the supply of its licence lines, solved
//! exactly as a maximum flow over (line group → demand group) edges that respect editions,
//! host-level dual use, Azure Local programmes and scope assignments.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::engine::network::{Reach, SupplyNetwork};
use crate::model::ScopeTree;
use crate::rules::{Draw, LineSupply, Pool, Reason};

/// One claimed requirement, as the pool check needs it.
pub(crate) struct Claim<'a> {
    pub resource: &'a str,
    /// The resource's id as its assessment shares it (`None` for a central assignment), for
    /// the rows that report the claim.
    pub shared: Option<&'a crate::model::Id>,
    pub scope: Option<&'a str>,
    pub units: u64,
    pub draw: Draw,
    pub monthly_savings: Option<Decimal>,
    /// A central SQL assignment (SQL-23): uncovered units are attributed to it before any
    /// resource's claim, since only licences not in use elsewhere may be assigned.
    pub assignment: bool,
}

/// A line's share of the covered demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LineUse {
    /// The line's supply on the date, with its reasons.
    #[serde(flatten)]
    pub supply: LineSupply,
    /// Pool units of this line that cover today's claims.
    pub used: u64,
}

/// Additive use (AKS hybrid, AKS-4): compared with the licences held, never deducted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AdditiveCheck {
    /// Claimed additive demand.
    pub demand: u64,
    /// Eligible units held.
    pub supply: u64,
    /// Demand beyond supply.
    pub shortfall: u64,
}

/// Where a pool stands on the audit date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ShortfallLicences {
    /// Enterprise core licences that would close it.
    pub enterprise: u64,
    /// Standard core licences that would close it.
    pub standard: u64,
}

/// Which claims the supply leaves uncovered.
pub(crate) struct Uncovered<'a> {
    /// Index of the claim in the slice given to [`check`].
    pub claim: usize,
    pub resource: &'a str,
    pub units: u64,
    pub short: u64,
}

/// Checks one pool. `claims` are the claimed exclusive requirements; `topup` is the estate
/// minimum's extra demand at the root.
pub(crate) fn check<'a>(
    pool: Pool,
    lines: Vec<LineSupply>,
    claims: &[Claim<'a>],
    topup: u64,
    eligible_demand: u64,
    additive: Option<AdditiveCheck>,
    scopes: &ScopeTree<'a>,
) -> (PoolPosition, Vec<Uncovered<'a>>) {
    let mut network = SupplyNetwork::new(lines, true);
    // Demand by (scope, draw), in key order, each group's claims in claim order. Grouped by
    // hash and then sorted once by key: scope ids share long prefixes, so an ordered map
    // compared them a dozen times per claim.
    let mut groups: std::collections::HashMap<(Option<&'a str>, Draw), Vec<usize>> =
        std::collections::HashMap::new();
    for (i, c) in claims.iter().enumerate().filter(|(_, c)| c.units > 0) {
        groups.entry((c.scope, c.draw)).or_default().push(i);
    }
    let mut demand: Vec<_> = groups.into_iter().collect();
    demand.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut nodes = Vec::new();
    for (g, (key, members)) in demand.iter().enumerate() {
        let node = network.add_demand(key.1, Reach::Scope(key.0), scopes);
        let units: u64 = members.iter().map(|&i| claims[i].units).sum();
        network.raise(node, units);
        nodes.push((*key, node, units, g));
    }
    // WS-3 (OQ-1): the estate minimum is a number of licences held, wherever they are
    // assigned, so any line that may cover per-VM demand may meet it, whatever its scope.
    let topup_node = (topup > 0).then(|| {
        let node = network.add_demand(Draw::Any, Reach::Anywhere, scopes);
        network.raise(node, topup);
        node
    });
    let covered = network.cover();
    let claimed: u64 = claims.iter().map(|c| c.units).sum::<u64>() + topup;
    let (used, _) = network.attribute();

    // Uncovered demand, attributed to the claims that save least per unit, then by id.
    let mut shortfall_by_draw = BTreeMap::new();
    let mut uncovered = Vec::new();
    for (key, node, units, g) in &nodes {
        let short = units - network.covered(*node);
        if short == 0 {
            continue;
        }
        *shortfall_by_draw.entry(key.1).or_insert(0) += short;
        attribute(claims, demand[*g].1.clone(), short, &mut uncovered);
    }
    if let Some(node) = topup_node {
        let short = topup - network.covered(node);
        if short > 0 {
            // The unmet estate minimum, attributed to per-VM claims not already uncovered.
            *shortfall_by_draw.entry(Draw::Any).or_insert(0) += short;
            let already: std::collections::HashSet<&str> =
                uncovered.iter().map(|u| u.resource).collect();
            let members = (0..claims.len())
                .filter(|&i| claims[i].draw == Draw::Any && claims[i].units > 0)
                .filter(|&i| !already.contains(claims[i].resource))
                .collect();
            attribute(claims, members, short, &mut uncovered);
        }
    }
    let shortfall = claimed - covered;
    let lines =
        std::sync::Arc::try_unwrap(network.lines).unwrap_or_else(|shared| (*shared).clone());
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

/// Attributes `short` uncovered units to `members` (indices into `claims`): central
/// assignments first (SQL-23), then least savings per unit, then by id.
fn attribute<'a>(
    claims: &[Claim<'a>],
    mut members: Vec<usize>,
    short: u64,
    uncovered: &mut Vec<Uncovered<'a>>,
) {
    // The key is computed once per claim (a decimal division), not once per comparison; many
    // claims tie on savings per unit, and their ids' prefixes settle most of those ties.
    members.sort_by_cached_key(|&i| {
        let c = &claims[i];
        (
            std::cmp::Reverse(c.assignment),
            per_unit(c),
            crate::text::id_prefix(c.resource),
            c.resource,
        )
    });
    let mut left = short;
    for i in members {
        if left == 0 {
            break;
        }
        let c = &claims[i];
        uncovered.push(Uncovered {
            claim: i,
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
