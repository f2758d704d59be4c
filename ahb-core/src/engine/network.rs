//! The supply network of one pool, shared by the audit and the optimiser.
//!
//! Eligible licence lines are grouped by (assigned scope, the draws they admit); each group is
//! a source node with its total capacity, split into a VM part and a host part (a Datacenter
//! line in use on premises may still cover VMs, WS-8, but not whole hosts, WS-10). Demand
//! nodes are keyed by (scope, draw) and fed by every group that may cover them. A maximum flow
//! then decides exactly how much of the demand the lines can cover at once.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use super::flow::Network;
use crate::model::Edition;
use crate::model::ScopeTree;
use crate::rules::{Draw, LineSupply, Pool};

/// The draws a line can serve, in a fixed order (the grouping signature).
const DRAWS: [Draw; 5] = [
    Draw::Any,
    Draw::DatacenterHost,
    Draw::DatacenterAzureLocal,
    Draw::EnterpriseOnly,
    Draw::StandardOnly,
];

/// Whether a line may cover a draw: `Some(true)` through its host capacity, `Some(false)`
/// through its VM capacity, `None` not at all.
pub(crate) fn admits(line: &LineSupply, draw: Draw) -> Option<bool> {
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

/// Where a demand node may draw from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reach<'a> {
    /// Lines assigned to this scope or an ancestor, and unassigned lines.
    Scope(Option<&'a str>),
    /// Every line, wherever assigned (the estate-wide minimum of WS-3).
    Anywhere,
}

#[derive(Clone)]
struct Group {
    scope: Option<String>,
    lines: Vec<usize>,
    vm_node: usize,
    host_node: usize,
    vm_edge: usize,
    host_edge: usize,
}

/// A demand node: its edge to the sink and the edges that feed it, by group.
#[derive(Clone)]
struct Demand {
    node: usize,
    sink_edge: usize,
    feeds: Vec<(usize, bool, usize)>,
}

/// One pool's lines as a flow network with demand nodes added on request.
#[derive(Clone)]
pub(crate) struct SupplyNetwork {
    /// The lines, later-expiring first (or by id), the order their use is attributed in.
    /// Shared, so that cloning the network to try alternatives copies only the graph.
    pub lines: Arc<Vec<LineSupply>>,
    groups: Vec<Group>,
    demands: Vec<Demand>,
    net: Network,
}

const SOURCE: usize = 0;
const SINK: usize = 1;
/// Capacity of an edge that never binds.
const OPEN: u64 = u64::MAX / 4;

impl SupplyNetwork {
    /// Builds the network. `later_first` orders lines by SA end, latest first, so that the
    /// lines that last longest are the ones in use; otherwise by id.
    pub fn new(mut lines: Vec<LineSupply>, later_first: bool) -> SupplyNetwork {
        if later_first {
            lines.sort_by(|a, b| b.sa_end.cmp(&a.sa_end).then_with(|| a.line.cmp(&b.line)));
        } else {
            lines.sort_by(|a, b| a.line.cmp(&b.line));
        }
        // Lines with the same assigned scope and the same admitted draws form one group.
        type Signature = (Option<String>, Vec<Option<bool>>);
        let mut keyed: BTreeMap<Signature, Vec<usize>> = BTreeMap::new();
        for (i, l) in lines.iter().enumerate().filter(|(_, l)| l.eligible) {
            let signature = DRAWS.iter().map(|&d| admits(l, d)).collect();
            keyed
                .entry((l.scope.clone(), signature))
                .or_default()
                .push(i);
        }
        let mut net = Network::new(2);
        let groups = keyed
            .into_iter()
            .map(|((scope, _), members)| {
                let (mut vm, mut host, mut total) = (0, 0, 0);
                for &i in &members {
                    vm += lines[i].for_vms;
                    host += lines[i].for_hosts;
                    total += lines[i].for_vms.max(lines[i].for_hosts);
                }
                let node = net.add_node();
                let vm_node = net.add_node();
                let host_node = net.add_node();
                net.add_edge(SOURCE, node, total);
                Group {
                    scope,
                    lines: members,
                    vm_node,
                    host_node,
                    vm_edge: net.add_edge(node, vm_node, vm),
                    host_edge: net.add_edge(node, host_node, host),
                }
            })
            .collect();
        SupplyNetwork {
            lines: Arc::new(lines),
            groups,
            demands: Vec::new(),
            net,
        }
    }

    /// Adds a demand node for `draw` reaching `reach`, with no demand yet; returns its handle.
    pub fn add_demand<'a>(
        &mut self,
        draw: Draw,
        reach: Reach<'a>,
        scopes: &ScopeTree<'a>,
    ) -> usize {
        let node = self.net.add_node();
        let sink_edge = self.net.add_edge(node, SINK, 0);
        let mut feeds = Vec::new();
        for (gi, g) in self.groups.iter().enumerate() {
            let reaches = match reach {
                Reach::Anywhere => true,
                Reach::Scope(s) => scopes.covers(g.scope.as_deref(), s),
            };
            let Some(via_host) = admits(&self.lines[g.lines[0]], draw) else {
                continue;
            };
            if reaches {
                let from = if via_host { g.host_node } else { g.vm_node };
                feeds.push((gi, via_host, self.net.add_edge(from, node, OPEN)));
            }
        }
        self.demands.push(Demand {
            node,
            sink_edge,
            feeds,
        });
        self.demands.len() - 1
    }

    /// Raises a demand node's demand by `units`.
    pub fn raise(&mut self, demand: usize, units: u64) {
        self.net.add_capacity(self.demands[demand].sink_edge, units);
    }

    /// Covers as much demand as possible; returns the total covered so far.
    pub fn cover(&mut self) -> u64 {
        self.net.max_flow(SOURCE, SINK);
        self.demands
            .iter()
            .map(|d| self.net.flow(d.sink_edge))
            .sum()
    }

    /// Demand raised but not covered, over all nodes, after the last [`SupplyNetwork::cover`].
    pub fn shortfall(&self) -> u64 {
        self.demands
            .iter()
            .map(|d| self.net.residual(d.sink_edge))
            .sum()
    }

    /// Demand of a node covered by the last [`SupplyNetwork::cover`].
    pub fn covered(&self, demand: usize) -> u64 {
        self.net.flow(self.demands[demand].sink_edge)
    }

    /// How much more demand the node could take on top of what is covered now, without
    /// changing anything (the flow is pushed, measured and retracted).
    pub fn headroom(&mut self, demand: usize) -> u64 {
        let edge = self.demands[demand].sink_edge;
        self.net.add_capacity(edge, OPEN);
        let pushed = self.net.max_flow(SOURCE, SINK);
        self.net
            .retract(edge, OPEN, pushed, self.demands[demand].node, SOURCE);
        pushed
    }

    /// Units of each line (in [`SupplyNetwork::lines`] order) that the current flow uses, and
    /// for each demand node the (line, units) shares that feed it.
    pub fn attribute(&self) -> (Vec<u64>, Vec<Vec<(usize, u64)>>) {
        let mut used = vec![0u64; self.lines.len()];
        // Per group, per line: units serving hosts and units serving VMs.
        let mut host_left: Vec<VecDeque<(usize, u64)>> = Vec::with_capacity(self.groups.len());
        let mut vm_left: Vec<VecDeque<(usize, u64)>> = Vec::with_capacity(self.groups.len());
        for g in &self.groups {
            let (mut host, mut vm) = (self.net.flow(g.host_edge), self.net.flow(g.vm_edge));
            let mut h = vec![0u64; g.lines.len()];
            // Host use first where it costs no VM room (for_hosts above for_vms), then anywhere.
            for (j, &i) in g.lines.iter().enumerate() {
                let l = &self.lines[i];
                let take = host.min(l.for_hosts.saturating_sub(l.for_vms));
                h[j] += take;
                host -= take;
            }
            for (j, &i) in g.lines.iter().enumerate() {
                let take = host.min(self.lines[i].for_hosts - h[j]);
                h[j] += take;
                host -= take;
            }
            let mut hv = VecDeque::new();
            let mut vv = VecDeque::new();
            for (j, &i) in g.lines.iter().enumerate() {
                let l = &self.lines[i];
                let room = l.for_vms.min(l.for_vms.max(l.for_hosts) - h[j]);
                let take = vm.min(room);
                vm -= take;
                used[i] += h[j] + take;
                if h[j] > 0 {
                    hv.push_back((i, h[j]));
                }
                if take > 0 {
                    vv.push_back((i, take));
                }
            }
            host_left.push(hv);
            vm_left.push(vv);
        }
        let shares = self
            .demands
            .iter()
            .map(|d| {
                let mut out = Vec::new();
                for &(gi, via_host, e) in &d.feeds {
                    let mut need = self.net.flow(e);
                    let queue = if via_host {
                        &mut host_left[gi]
                    } else {
                        &mut vm_left[gi]
                    };
                    while need > 0 {
                        let Some(front) = queue.front_mut() else {
                            break;
                        };
                        let take = need.min(front.1);
                        out.push((front.0, take));
                        front.1 -= take;
                        need -= take;
                        if front.1 == 0 {
                            queue.pop_front();
                        }
                    }
                }
                out
            })
            .collect();
        (used, shares)
    }
}
