//! Maximum flow (Dinic's algorithm) on small integer networks. Compliance is a transportation
//! problem: licence groups supply units, demand groups need them, and an edge says a group of
//! lines may cover a group of demand. The maximum flow is the most demand that can be covered
//! at once, exactly.

/// A flow network with `u64` capacities.
#[derive(Clone)]
pub(crate) struct Network {
    /// Edges as (to, capacity left); edge `e ^ 1` is the reverse of edge `e`.
    edges: Vec<(usize, u64)>,
    adjacency: Vec<Vec<usize>>,
}

impl Network {
    pub fn new(nodes: usize) -> Network {
        Network {
            edges: Vec::new(),
            adjacency: vec![Vec::new(); nodes],
        }
    }

    pub fn add_node(&mut self) -> usize {
        self.adjacency.push(Vec::new());
        self.adjacency.len() - 1
    }

    /// Adds an edge and returns its index, whose flow [`Network::flow`] reports.
    pub fn add_edge(&mut self, from: usize, to: usize, capacity: u64) -> usize {
        let e = self.edges.len();
        self.edges.push((to, capacity));
        self.edges.push((from, 0));
        self.adjacency[from].push(e);
        self.adjacency[to].push(e + 1);
        e
    }

    /// The flow through edge `e` (the capacity of its reverse edge).
    pub fn flow(&self, e: usize) -> u64 {
        self.edges[e ^ 1].1
    }

    /// Capacity of edge `e` not yet used.
    pub fn residual(&self, e: usize) -> u64 {
        self.edges[e].1
    }

    /// Raises the capacity of edge `e` by `delta`.
    pub fn add_capacity(&mut self, e: usize, delta: u64) {
        self.edges[e].1 += delta;
    }

    /// Undoes part of a demand: edge `e` (from `node` to the sink) loses `capacity` of
    /// capacity and `flow` of flow, and that flow is sent back from `node` to `source` along
    /// the paths it came by. The edge must have been saturated before `capacity` was added.
    pub fn retract(&mut self, e: usize, capacity: u64, flow: u64, node: usize, source: usize) {
        self.edges[e].1 = self.edges[e].1 + flow - capacity;
        self.edges[e ^ 1].1 -= flow;
        let back = self.max_flow_limited(node, source, flow);
        debug_assert_eq!(
            back, flow,
            "the retracted flow reached the node from the source"
        );
    }

    /// Pushes the maximum flow from `s` to `t` and returns its value.
    pub fn max_flow(&mut self, s: usize, t: usize) -> u64 {
        self.max_flow_limited(s, t, u64::MAX)
    }

    /// Pushes up to `limit` units of flow from `s` to `t` and returns how much it pushed.
    pub fn max_flow_limited(&mut self, s: usize, t: usize, limit: u64) -> u64 {
        let n = self.adjacency.len();
        let mut total = 0u64;
        loop {
            if total == limit {
                return total;
            }
            let mut level = vec![usize::MAX; n];
            level[s] = 0;
            let mut queue = std::collections::VecDeque::from([s]);
            while let Some(u) = queue.pop_front() {
                for &e in &self.adjacency[u] {
                    let (v, cap) = self.edges[e];
                    if cap > 0 && level[v] == usize::MAX {
                        level[v] = level[u] + 1;
                        queue.push_back(v);
                    }
                }
            }
            if level[t] == usize::MAX {
                return total;
            }
            let mut next = vec![0usize; n];
            loop {
                let pushed = self.augment(s, t, limit - total, &level, &mut next);
                if pushed == 0 {
                    break;
                }
                total += pushed;
                if total == limit {
                    return total;
                }
            }
        }
    }

    /// One blocking-flow step, iterative to keep the stack flat on deep networks.
    fn augment(
        &mut self,
        s: usize,
        t: usize,
        limit: u64,
        level: &[usize],
        next: &mut [usize],
    ) -> u64 {
        let mut path: Vec<usize> = Vec::new();
        let mut u = s;
        loop {
            if u == t {
                let pushed = path
                    .iter()
                    .map(|&e| self.edges[e].1)
                    .min()
                    .unwrap_or(limit)
                    .min(limit);
                for &e in &path {
                    self.edges[e].1 -= pushed;
                    self.edges[e ^ 1].1 += pushed;
                }
                return pushed;
            }
            let mut advanced = false;
            while next[u] < self.adjacency[u].len() {
                let e = self.adjacency[u][next[u]];
                let (v, cap) = self.edges[e];
                if cap > 0 && level[v] == level[u] + 1 {
                    path.push(e);
                    u = v;
                    advanced = true;
                    break;
                }
                next[u] += 1;
            }
            if !advanced {
                if u == s {
                    return 0;
                }
                let e = path
                    .pop()
                    .expect("a non-source node was reached by an edge");
                u = self.edges[e ^ 1].0;
                next[u] += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Network;

    #[test]
    fn bipartite_flow_matches_hand_computation() {
        // s → a (5), s → b (3); a → t (4), a → c (2), b → c (3); c → t (4).
        let mut n = Network::new(5);
        let (s, a, b, c, t) = (0, 1, 2, 3, 4);
        n.add_edge(s, a, 5);
        n.add_edge(s, b, 3);
        let at = n.add_edge(a, t, 4);
        n.add_edge(a, c, 2);
        n.add_edge(b, c, 3);
        n.add_edge(c, t, 4);
        assert_eq!(n.max_flow(s, t), 8);
        assert_eq!(n.flow(at), 4);
    }

    #[test]
    fn no_path_means_no_flow() {
        let mut n = Network::new(3);
        n.add_edge(0, 1, 7);
        assert_eq!(n.max_flow(0, 2), 0);
    }
}
