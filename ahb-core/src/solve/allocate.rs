//! The optimum of one pool: which candidate requirements to cover so that the covered value is
//! largest and the licence lines can cover them all at once.
//!
//! Two methods, chosen by the shape of the pool:
//! - **exact**: when no line is assigned to a scope and at most [`MAX_SPECIAL`] candidates need
//!   special lines (whole hosts, Azure Local, one SQL edition), every subset of those special
//!   candidates is tried (best bound first, pruned by the incumbent); for each, the lines' room
//!   left for ordinary candidates is one number and the rest is an exact knapsack.
//! - **greedy with bound**: otherwise, candidates are added in order of value per unit while the
//!   supply network can still cover them, and the LP relaxation (fractional greedy over the same
//!   network, exact for polymatroids) bounds the optimum; the gap is reported.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use super::knapsack::{Item, Knapsack, Solution};
use crate::engine::network::{Reach, SupplyNetwork};
use crate::error::{Error, Result};
use crate::model::ScopeTree;
use crate::rules::{Draw, LineSupply, Pool};

/// Candidates needing special lines that the exact method enumerates in all combinations.
pub const MAX_SPECIAL: usize = 12;

/// One requirement the optimiser may cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// Which lines may cover it.
    pub draw: Draw,
    /// The resource's scope (it may draw on lines assigned to it or an ancestor).
    pub scope: Option<&'a str>,
    /// Pool units it needs.
    pub units: u64,
    /// The objective's value of covering it; not covered unless positive or forced.
    pub value: i128,
    /// Pinned: must be covered.
    pub forced: bool,
}

/// How a pool was solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Subsets of special candidates × exact knapsack.
    Exact,
    /// Greedy over the supply network with the LP bound.
    GreedyWithBound,
}

impl Method {
    /// The method as people read it (`exact`, `greedy with bound`).
    pub fn display_name(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::GreedyWithBound => "greedy with bound",
        }
    }
}

/// The pool's solution.
#[derive(Debug, Clone)]
pub struct PoolSolution {
    /// Which candidates are covered.
    pub chosen: Vec<bool>,
    /// Their total value.
    pub value: i128,
    /// No selection has a larger value.
    pub bound: i128,
    /// How it was found.
    pub method: Method,
    /// For each candidate, the (line index, units) that cover it.
    pub shares: Vec<Vec<(usize, u64)>>,
    /// The lines, in attribution order.
    pub lines: Vec<LineSupply>,
    /// Units of each line in use.
    pub used: Vec<u64>,
}

/// The demand nodes of a network, by (draw, scope).
struct Classes<'a> {
    nodes: BTreeMap<(Draw, Option<&'a str>), usize>,
    /// Each candidate's node, looked up once.
    node_of: Vec<usize>,
    reserve: Option<usize>,
}

/// Which scope stands for each candidate scope in the demand nodes. Two scopes that the same
/// assigned lines reach are interchangeable in the supply network, so they share one node: the
/// network has a node per (draw, set of reaching lines), not per (draw, scope), and a deep or
/// wide scope tree does not multiply the flow computations of the greedy.
/// The final flow, whose decomposition says which lines cover which candidate, keeps a node
/// per (draw, scope), so that the attribution is the one each scope's own node gives.
struct Scoping<'a> {
    /// Whether any eligible line is assigned to a scope (otherwise every candidate reaches
    /// every line and the scope plays no part).
    scoped: bool,
    /// Candidate scope → the scope whose node it shares; `None`: each scope has its own node.
    representative: Option<std::collections::HashMap<Option<&'a str>, Option<&'a str>>>,
}

impl<'a> Scoping<'a> {
    fn new(lines: &[LineSupply], cands: &[Candidate<'a>], scopes: &ScopeTree<'a>) -> Scoping<'a> {
        let mut assigned: Vec<&str> = lines
            .iter()
            .filter(|l| l.eligible)
            .filter_map(|l| l.scope.as_deref())
            .collect();
        if assigned.is_empty() {
            return Scoping {
                scoped: false,
                representative: None,
            };
        }
        assigned.sort_unstable();
        assigned.dedup();
        let mut by_reach: std::collections::HashMap<Vec<usize>, Option<&'a str>> =
            std::collections::HashMap::new();
        let mut representative = std::collections::HashMap::new();
        for c in cands {
            representative.entry(c.scope).or_insert_with(|| {
                let reach: Vec<usize> = (0..assigned.len())
                    .filter(|&k| scopes.covers(Some(assigned[k]), c.scope))
                    .collect();
                *by_reach.entry(reach).or_insert(c.scope)
            });
        }
        Scoping {
            scoped: true,
            representative: Some(representative),
        }
    }

    /// The same scoping with a node per (draw, scope).
    fn per_scope(&self) -> Scoping<'a> {
        Scoping {
            scoped: self.scoped,
            representative: None,
        }
    }

    fn key(&self, c: &Candidate<'a>) -> (Draw, Option<&'a str>) {
        match (&self.representative, self.scoped) {
            (_, false) => (c.draw, None),
            (None, true) => (c.draw, c.scope),
            (Some(r), true) => (c.draw, r.get(&c.scope).copied().unwrap_or(c.scope)),
        }
    }
}

/// A network with a demand node for every class of `cands`, the reserve and the forced
/// candidates covered; an error when they cannot all be covered. `prepared` (the pool's
/// [`Prepared`]) saves looking up each candidate's class again when lines are not scoped.
#[allow(clippy::too_many_arguments)]
fn base_network<'a>(
    pool: Pool,
    lines: Vec<LineSupply>,
    cands: &[Candidate<'a>],
    reserve: u64,
    scoping: &Scoping<'a>,
    scopes: &ScopeTree<'a>,
    later_first: bool,
    prepared: Option<&Prepared>,
) -> Result<(SupplyNetwork, Classes<'a>)> {
    let mut net = SupplyNetwork::new(lines, later_first);
    let mut classes = Classes {
        nodes: BTreeMap::new(),
        node_of: Vec::with_capacity(cands.len()),
        reserve: None,
    };
    match prepared {
        // Without assigned lines a candidate's node is its draw's: the draws' order of first
        // appearance, found once per pool, gives the same nodes in the same order.
        Some(prep) if !scoping.scoped => {
            let (draws, draw_of) = prep.by_draw(cands);
            let nodes: Vec<usize> = (draws.iter())
                .map(|&d| {
                    let node = net.add_demand(d, Reach::Scope(None), scopes);
                    classes.nodes.insert((d, None), node);
                    node
                })
                .collect();
            classes.node_of.extend(draw_of.iter().map(|&k| nodes[k]));
        }
        _ => {
            for c in cands {
                let key = scoping.key(c);
                let node = *classes
                    .nodes
                    .entry(key)
                    .or_insert_with(|| net.add_demand(key.0, Reach::Scope(key.1), scopes));
                classes.node_of.push(node);
            }
        }
    }
    let mut forced = 0;
    if reserve > 0 {
        let node = net.add_demand(Draw::Any, Reach::Anywhere, scopes);
        net.raise(node, reserve);
        classes.reserve = Some(node);
        forced = reserve;
    }
    for (c, &node) in cands.iter().zip(&classes.node_of).filter(|(c, _)| c.forced) {
        net.raise(node, c.units);
        forced = forced.saturating_add(c.units);
    }
    let covered = net.cover();
    if covered < forced {
        // The most flow covers at least the reserve when the reserve alone fits: less means
        // the reserve itself is too large, whatever is pinned.
        let field = if covered < reserve {
            format!("reserve.{}", reserve_key(pool))
        } else {
            "pin".to_string()
        };
        return Err(Error::option(
            field,
            format!(
                "the pinned resources and the reserve need {forced} {} of the {} pool, \
                 but its licences cover only {covered}",
                pool.unit(),
                pool.display_name()
            ),
        ));
    }
    Ok((net, classes))
}

/// The option name of a pool's reserve (`reserve.windows_server`, …).
fn reserve_key(pool: Pool) -> &'static str {
    match pool {
        Pool::WindowsServer => "windows_server",
        Pool::SqlServer => "sql_server",
        Pool::Rhel => "rhel",
        Pool::Sles => "sles",
    }
}

/// Solves one pool given as candidates and licence lines, without an estate: the entry point
/// of the benchmarks and of front ends that build their own candidates. `scopes` resolves
/// scope assignments.
pub fn solve_candidates(
    pool: Pool,
    lines: Vec<LineSupply>,
    cands: &[Candidate],
    reserve: u64,
    scopes: &[crate::model::Scope],
    budget: u64,
) -> Result<PoolSolution> {
    solve(
        pool,
        lines,
        cands,
        reserve,
        &ScopeTree::new(scopes),
        true,
        budget,
    )
}

/// A free candidate in the greedy's order: its index, units and value.
struct Ranked {
    index: usize,
    units: u64,
    value: i128,
}

/// What a pool's candidates alone decide, whatever the lines: which candidates are free to
/// choose, which of those need special lines, the greedy's order and the knapsack over the
/// ordinary ones. Computed once per pool and shared by every solve of it with other lines
/// (the recommendations re-solve a pool up to 32 times), so no re-solve sorts the candidates
/// again.
pub(crate) struct Prepared<'k> {
    /// Free candidates (not forced, with a positive value and units) that need special lines (any draw but `Any`).
    special: Vec<usize>,
    /// Free candidates any line may cover; the knapsack's items, in this order.
    ordinary: Vec<usize>,
    /// The free candidates, in [`Prepared::order`]'s order once it is first asked for.
    free: Vec<usize>,
    order: std::sync::OnceLock<Vec<Ranked>>,
    items: &'k [Item],
    /// Built on first use: a pool solved by the greedy alone never needs it.
    knap: std::sync::OnceLock<Knapsack<'k>>,
    /// The knapsack's solutions by (capacity, budget): re-solves whose lines leave the same
    /// room for ordinary candidates (lapsing any one of several equal lines, say) are solved
    /// once. A solve is deterministic, so a cached solution is the one a new solve would give.
    solutions: Mutex<HashMap<(u64, u64), Arc<Solution>>>,
    /// The candidates' draws in order of first appearance, and each candidate's (an index
    /// into them): the demand nodes of a network without assigned lines.
    by_draw: std::sync::OnceLock<(Vec<Draw>, Vec<usize>)>,
}

impl<'k> Prepared<'k> {
    /// The candidates free to choose: not forced, with a positive value and units.
    fn free(cands: &[Candidate]) -> Vec<usize> {
        (0..cands.len())
            .filter(|&i| !cands[i].forced && cands[i].value > 0 && cands[i].units > 0)
            .collect()
    }

    /// The knapsack items of the ordinary candidates, which [`Prepared::new`] borrows.
    pub(crate) fn items(cands: &[Candidate]) -> Vec<Item> {
        Prepared::free(cands)
            .into_iter()
            .filter(|&i| cands[i].draw == Draw::Any)
            .map(|i| Item {
                units: cands[i].units,
                value: cands[i].value,
            })
            .collect()
    }

    /// `items` must be [`Prepared::items`] of the same candidates.
    pub(crate) fn new(cands: &[Candidate], items: &'k [Item]) -> Prepared<'k> {
        let free = Prepared::free(cands);
        let (special, ordinary) = free.iter().partition(|&&i| cands[i].draw != Draw::Any);
        Prepared {
            special,
            ordinary,
            free,
            order: std::sync::OnceLock::new(),
            items,
            knap: std::sync::OnceLock::new(),
            solutions: Mutex::new(HashMap::new()),
            by_draw: std::sync::OnceLock::new(),
        }
    }

    /// The candidates' draws in order of first appearance and each candidate's, found once.
    fn by_draw(&self, cands: &[Candidate]) -> &(Vec<Draw>, Vec<usize>) {
        self.by_draw.get_or_init(|| {
            let mut draws: Vec<Draw> = Vec::new();
            let draw_of = (cands.iter())
                .map(|c| {
                    // A handful of draws exist (the `Draw` variants): a scan finds one.
                    draws.iter().position(|&d| d == c.draw).unwrap_or_else(|| {
                        draws.push(c.draw);
                        draws.len() - 1
                    })
                })
                .collect();
            (draws, draw_of)
        })
    }

    /// The free candidates, best value per unit first (ties: fewer units, then index): the
    /// greedy's order. Sorted on first use: a pool solved exactly never needs it. Each
    /// carries its units and value, laid out in that order: the greedy walks it once per
    /// re-solve, and reading the candidates scattered over a large pool in this order missed
    /// the cache at nearly every step.
    fn order(&self, cands: &[Candidate]) -> &[Ranked] {
        self.order.get_or_init(|| {
            let mut order = self.free.clone();
            order.sort_by(|&a, &b| {
                let (x, y) = (&cands[a], &cands[b]);
                super::knapsack::best_ratio_first((x.value, x.units, a), (y.value, y.units, b))
            });
            let ranked = order.iter().map(|&index| Ranked {
                index,
                units: cands[index].units,
                value: cands[index].value,
            });
            ranked.collect()
        })
    }

    fn knapsack(&self) -> &Knapsack<'k> {
        debug_assert_eq!(self.items.len(), self.ordinary.len());
        self.knap.get_or_init(|| Knapsack::new(self.items))
    }

    /// The knapsack's solution for `capacity`, solved once per capacity and budget. Two
    /// threads asking for the same new capacity at once may both solve it; they find the same
    /// solution.
    fn knapsack_solution(&self, capacity: u64, budget: u64) -> Arc<Solution> {
        let cached = |solutions: &Mutex<HashMap<_, _>>| {
            solutions
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&(capacity, budget))
                .cloned()
        };
        if let Some(solution) = cached(&self.solutions) {
            return solution;
        }
        let solution = Arc::new(self.knapsack().solve(capacity, budget));
        self.solutions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((capacity, budget), solution.clone());
        solution
    }
}

/// Which candidates a pool's optimum covers, before the lines are attributed to them.
pub(crate) struct Choice<'a> {
    /// Which candidates are covered (forced ones included).
    pub chosen: Vec<bool>,
    value: i128,
    bound: i128,
    method: Method,
    forced_value: i128,
    base: SupplyNetwork,
    classes: Classes<'a>,
    per_scope: Option<(Vec<LineSupply>, Scoping<'a>)>,
}

/// Solves one pool. `reserve` units are held back; forced candidates must be covered.
pub(crate) fn solve<'a>(
    pool: Pool,
    lines: Vec<LineSupply>,
    cands: &[Candidate<'a>],
    reserve: u64,
    scopes: &ScopeTree<'a>,
    later_first: bool,
    budget: u64,
) -> Result<PoolSolution> {
    let items = Prepared::items(cands);
    let prep = Prepared::new(cands, &items);
    let choice = choose(
        &prep,
        pool,
        lines,
        cands,
        reserve,
        scopes,
        later_first,
        budget,
    )?;
    attribute(pool, choice, cands, reserve, scopes, later_first)
}

/// The optimum's choice of candidates, without the attribution of lines to them: what the
/// recommendations need when they re-solve a pool with other lines.
#[allow(clippy::too_many_arguments)]
pub(crate) fn choose<'a>(
    prep: &Prepared,
    pool: Pool,
    lines: Vec<LineSupply>,
    cands: &[Candidate<'a>],
    reserve: u64,
    scopes: &ScopeTree<'a>,
    later_first: bool,
    budget: u64,
) -> Result<Choice<'a>> {
    let scoping = Scoping::new(&lines, cands, scopes);
    let scoped = scoping.scoped;
    // With assigned lines, the final attribution runs on a network with a node per scope.
    let per_scope = scoped.then(|| (lines.clone(), scoping.per_scope()));
    let (base, classes) = base_network(
        pool,
        lines,
        cands,
        reserve,
        &scoping,
        scopes,
        later_first,
        Some(prep),
    )?;
    let special = &prep.special;
    let forced_value: i128 = cands.iter().filter(|c| c.forced).map(|c| c.value).sum();
    let (mut chosen, value, bound, method) = if scoped {
        let (chosen, value, bound) = greedy_with_bound(cands, prep, &base, &classes);
        (chosen, value, bound, Method::GreedyWithBound)
    } else if special.len() <= MAX_SPECIAL {
        let subsets = (0u32..1 << special.len())
            .map(|mask| (0..special.len()).map(|b| mask >> b & 1 == 1).collect())
            .collect();
        let (chosen, value, bound) = exact(cands, prep, subsets, &base, &classes, budget);
        (chosen, value, bound, Method::Exact)
    } else {
        // Too many special candidates to try every combination: keep the greedy's choice of
        // them, complete it with the exact knapsack, and bound with the LP relaxation.
        let (greedy, _, lp) = greedy_with_bound(cands, prep, &base, &classes);
        let subset = special.iter().map(|&i| greedy[i]).collect();
        let (chosen, value, bound) = exact(cands, prep, vec![subset], &base, &classes, budget);
        let bound = if bound > value {
            lp.max(value)
        } else {
            lp.max(bound)
        };
        (chosen, value, bound, Method::GreedyWithBound)
    };
    for (i, c) in cands.iter().enumerate() {
        if c.forced {
            chosen[i] = true;
        }
    }
    Ok(Choice {
        chosen,
        value,
        bound,
        method,
        forced_value,
        base,
        classes,
        per_scope,
    })
}

/// The final flow of a choice, and each chosen candidate's lines.
fn attribute<'a>(
    pool: Pool,
    choice: Choice<'a>,
    cands: &[Candidate<'a>],
    reserve: u64,
    scopes: &ScopeTree<'a>,
    later_first: bool,
) -> Result<PoolSolution> {
    let Choice {
        chosen,
        value,
        bound,
        method,
        forced_value,
        base,
        classes,
        per_scope,
    } = choice;
    let (mut net, classes) = match per_scope {
        Some((lines, per)) => {
            base_network(pool, lines, cands, reserve, &per, scopes, later_first, None)?
        }
        None => (base, classes),
    };
    for (i, c) in cands.iter().enumerate() {
        if chosen[i] && !c.forced {
            net.raise(classes.node_of[i], c.units);
        }
    }
    net.cover();
    let (used, node_shares) = net.attribute();
    let mut queues: BTreeMap<usize, std::collections::VecDeque<(usize, u64)>> = classes
        .nodes
        .values()
        .map(|&n| (n, node_shares[n].iter().copied().collect()))
        .collect();
    let mut shares = vec![Vec::new(); cands.len()];
    // Forced first, then the rest, in candidate (resource id) order.
    let order = (0..cands.len())
        .filter(|&i| chosen[i] && cands[i].forced)
        .chain((0..cands.len()).filter(|&i| chosen[i] && !cands[i].forced));
    for i in order {
        let q = queues
            .get_mut(&classes.node_of[i])
            .expect("every class has a node");
        let mut need = cands[i].units;
        while need > 0 {
            let Some(front) = q.front_mut() else { break };
            let take = need.min(front.1);
            shares[i].push((front.0, take));
            front.1 -= take;
            need -= take;
            if front.1 == 0 {
                q.pop_front();
            }
        }
    }
    let lines = std::sync::Arc::try_unwrap(net.lines).unwrap_or_else(|a| (*a).clone());
    Ok(PoolSolution {
        chosen,
        value: value + forced_value,
        bound: bound + forced_value,
        method,
        shares,
        lines,
        used,
    })
}

/// The given subsets of the special candidates, each completed by an exact knapsack of the
/// ordinary ones; the best is returned with a bound valid over those subsets.
fn exact(
    cands: &[Candidate],
    prep: &Prepared,
    subsets: Vec<Vec<bool>>,
    base: &SupplyNetwork,
    classes: &Classes,
    budget: u64,
) -> (Vec<bool>, i128, i128) {
    let (special, ordinary) = (&prep.special, &prep.ordinary);
    let knap = prep.knapsack();
    let any_node = classes.nodes.get(&(Draw::Any, None)).copied();
    // Every feasible subset, with the room it leaves for ordinary candidates and a bound.
    let mut options = Vec::new();
    for (k, subset) in subsets.into_iter().enumerate() {
        let mut net = base.clone();
        let mut value = 0i128;
        for (&i, _) in special.iter().zip(&subset).filter(|(_, on)| **on) {
            let c = &cands[i];
            net.raise(classes.nodes[&(c.draw, None)], c.units);
            value += c.value;
        }
        net.cover();
        if net.shortfall() > 0 {
            continue;
        }
        let room = any_node.map_or(0, |n| net.headroom(n));
        options.push((value + knap.lp_bound(room), k, subset, value, room));
    }
    options.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut best: Option<(i128, Vec<bool>, Vec<bool>)> = None;
    let mut bound = i128::MIN;
    for (ub, _, subset, value, room) in options {
        if best.as_ref().is_some_and(|b| ub <= b.0) {
            // Every remaining subset is bounded by this one's bound.
            bound = bound.max(ub);
            break;
        }
        let sol = prep.knapsack_solution(room, budget);
        bound = bound.max(value + sol.bound);
        if best.as_ref().is_none_or(|b| value + sol.value > b.0) {
            best = Some((value + sol.value, subset, sol.chosen.clone()));
        }
    }
    let mut chosen = vec![false; cands.len()];
    let Some((value, subset, picked)) = best else {
        return (chosen, 0, 0);
    };
    for (&i, on) in special.iter().zip(subset) {
        chosen[i] = on;
    }
    for (j, &i) in ordinary.iter().enumerate() {
        chosen[i] = picked[j];
    }
    (chosen, value, bound.max(value))
}

/// A lower bound on a demand node's headroom that stays valid while demand is added: each
/// unit added anywhere lowers any node's headroom by at most one (the feasible demands form a
/// polymatroid), so the network is consulted only when a candidate does not fit the bound.
struct Headroom {
    /// Per demand node (they are numbered from 0): its headroom when last probed and the
    /// units added by then.
    known: Vec<Option<(u64, u64)>>,
    added: u64,
}

impl Headroom {
    fn new() -> Headroom {
        Headroom {
            known: Vec::new(),
            added: 0,
        }
    }

    /// How much of `units` the node can take now (all, or its exact headroom if less).
    fn fit(&mut self, net: &mut SupplyNetwork, node: usize, units: u64) -> u64 {
        if let Some(&Some((h, at))) = self.known.get(node) {
            if h.saturating_sub(self.added - at) >= units {
                return units;
            }
            // Demand is only ever added, so a node's headroom never grows: none is none
            // for good, without probing the network again.
            if h == 0 {
                return 0;
            }
        }
        net.cover();
        let h = net.headroom(node);
        if self.known.len() <= node {
            self.known.resize(node + 1, None);
        }
        self.known[node] = Some((h, self.added));
        h.min(units)
    }

    /// Records that `units` were added to `node`.
    /// Whether `units` fit whole. A node whose last known headroom is smaller cannot take
    /// them now (headroom never grows), so the network is not probed for it.
    fn fits(&mut self, net: &mut SupplyNetwork, node: usize, units: u64) -> bool {
        if let Some(&Some((h, _))) = self.known.get(node)
            && h < units
        {
            return false;
        }
        self.fit(net, node, units) == units
    }

    fn take(&mut self, net: &mut SupplyNetwork, node: usize, units: u64) {
        net.raise(node, units);
        self.added += units;
    }
}

/// Greedy by value per unit over the supply network, with the fractional greedy (exact for
/// the LP relaxation over a polymatroid) as the bound.
fn greedy_with_bound<'a>(
    cands: &[Candidate<'a>],
    prep: &Prepared,
    base: &SupplyNetwork,
    classes: &Classes<'a>,
) -> (Vec<bool>, i128, i128) {
    let order = prep.order(cands);
    let mut chosen = vec![false; cands.len()];
    let (mut net, mut room) = (base.clone(), Headroom::new());
    let (mut lp, mut lp_room) = (base.clone(), Headroom::new());
    let (mut value, mut bound) = (0i128, 0i128);
    for c in order {
        let node = classes.node_of[c.index];
        if room.fits(&mut net, node, c.units) {
            room.take(&mut net, node, c.units);
            chosen[c.index] = true;
            value += c.value;
        }
        let part = lp_room.fit(&mut lp, node, c.units);
        if part > 0 {
            lp_room.take(&mut lp, node, part);
            let units = i128::from(c.units);
            bound += (c.value * i128::from(part) + units - 1) / units;
        }
    }
    (chosen, value, bound.max(value))
}
