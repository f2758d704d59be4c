//! The scope tree as the audit reads it: which scopes lie under which, and which are Dev/Test.
//!
//! Both questions are answered in constant time from one depth-first pass: a scope lies under
//! another when its entry time falls within the other's subtree interval, and the Dev/Test flag
//! is inherited down the tree once. A 30,000-deep chain costs no more than 30,000 siblings.

use crate::model::Scope;
use crate::text::IdMap;

/// Parent links and Dev/Test flags by scope id.
pub(crate) struct ScopeTree<'a> {
    index: IdMap<&'a str, usize>,
    parent: Vec<Option<&'a str>>,
    dev_test: Vec<bool>,
    /// Per scope whose chain ends at a root: (entry time, last entry time in its subtree,
    /// whether it or an ancestor is Dev/Test). `None` for scopes whose chain never reaches a
    /// root (only possible in an unvalidated scope list: a cycle or an unknown parent).
    span: Vec<Option<(usize, usize, bool)>>,
}

impl<'a> ScopeTree<'a> {
    pub fn new(scopes: &'a [Scope]) -> ScopeTree<'a> {
        // Later duplicates win, as a map built from the list would have it.
        let mut index: IdMap<&'a str, usize> =
            IdMap::with_capacity_and_hasher(scopes.len(), Default::default());
        let mut nodes: Vec<&'a Scope> = Vec::with_capacity(scopes.len());
        for s in scopes {
            match index.get(s.id.as_str()) {
                Some(&i) => nodes[i] = s,
                None => {
                    index.insert(s.id.as_str(), nodes.len());
                    nodes.push(s);
                }
            }
        }
        let n = nodes.len();
        let parent: Vec<Option<&'a str>> = nodes.iter().map(|s| s.parent.as_deref()).collect();
        let dev_test: Vec<bool> = nodes.iter().map(|s| s.dev_test).collect();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p {
                None => roots.push(i),
                Some(p) => {
                    if let Some(&j) = index.get(p) {
                        children[j].push(i);
                    }
                }
            }
        }
        // Iterative depth-first pass: entry times and inherited Dev/Test flags.
        let mut span: Vec<Option<(usize, usize, bool)>> = vec![None; n];
        let mut time = 0;
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for root in roots {
            span[root] = Some((time, time, dev_test[root]));
            time += 1;
            stack.push((root, 0));
            while let Some(top) = stack.last_mut() {
                let u = top.0;
                if let Some(&v) = children[u].get(top.1) {
                    top.1 += 1;
                    let inherited = span[u].is_some_and(|s| s.2) || dev_test[v];
                    span[v] = Some((time, time, inherited));
                    time += 1;
                    stack.push((v, 0));
                } else {
                    stack.pop();
                    if let Some(s) = span[u].as_mut() {
                        s.1 = time - 1;
                    }
                }
            }
        }
        ScopeTree {
            index,
            parent,
            dev_test,
            span,
        }
    }

    fn span_of(&self, scope: &str) -> Option<(usize, usize, bool)> {
        self.index.get(scope).and_then(|&i| self.span[i])
    }

    /// `scope` and its ancestors, nearest first, for scopes outside the depth-first pass;
    /// bounded, so that a cycle in an unvalidated list ends.
    fn chain(&self, scope: Option<&'a str>) -> impl Iterator<Item = &'a str> + '_ {
        std::iter::successors(scope, |s| self.index.get(s).and_then(|&i| self.parent[i]))
            .take(self.parent.len() + 2)
    }

    /// Whether a licence assigned to `assigned` may cover a resource in `scope` (the resource
    /// lies in the assigned scope's subtree; an unassigned licence covers everything).
    pub fn covers(&self, assigned: Option<&str>, scope: Option<&'a str>) -> bool {
        let Some(a) = assigned else { return true };
        let Some(s) = scope else { return false };
        if let Some((entry, _, _)) = self.span_of(s) {
            // Every ancestor of a scope in the pass is in the pass too.
            return self
                .span_of(a)
                .is_some_and(|(from, to, _)| from <= entry && entry <= to);
        }
        self.chain(scope).any(|s| s == a)
    }

    /// Whether `scope` or an ancestor is a Dev/Test subscription.
    pub fn is_dev_test(&self, scope: Option<&'a str>) -> bool {
        let Some(s) = scope else { return false };
        if let Some((_, _, dev)) = self.span_of(s) {
            return dev;
        }
        self.chain(scope)
            .any(|s| self.index.get(s).is_some_and(|&i| self.dev_test[i]))
    }
}

#[cfg(test)]
mod tests {
    use super::ScopeTree;
    use crate::model::Scope;

    fn scope(id: &str, parent: Option<&str>, dev_test: bool) -> Scope {
        serde_json::from_value(serde_json::json!({
            "id": id, "kind": "resource_group", "parent": parent, "dev_test": dev_test,
        }))
        .expect("a scope")
    }

    #[test]
    fn covers_and_dev_test_follow_the_chain() {
        let scopes = vec![
            scope("ea", None, false),
            scope("a", Some("ea"), false),
            scope("a/dev", Some("a"), true),
            scope("a/dev/rg", Some("a/dev"), false),
            scope("b", Some("ea"), false),
        ];
        let t = ScopeTree::new(&scopes);
        assert!(t.covers(None, None));
        assert!(t.covers(Some("ea"), Some("a/dev/rg")));
        assert!(t.covers(Some("a"), Some("a/dev/rg")));
        assert!(t.covers(Some("a/dev/rg"), Some("a/dev/rg")));
        assert!(!t.covers(Some("b"), Some("a/dev/rg")));
        assert!(!t.covers(Some("a/dev/rg"), Some("a")));
        assert!(!t.covers(Some("a"), None));
        assert!(!t.covers(Some("nowhere"), Some("a")));
        assert!(t.is_dev_test(Some("a/dev/rg")));
        assert!(t.is_dev_test(Some("a/dev")));
        assert!(!t.is_dev_test(Some("a")));
        assert!(!t.is_dev_test(Some("unknown")));
        assert!(!t.is_dev_test(None));
    }

    #[test]
    fn unvalidated_lists_end_without_hanging() {
        // A cycle and an unknown parent: answered by walking, and the walk ends.
        let scopes = vec![
            scope("x", Some("y"), false),
            scope("y", Some("x"), true),
            scope("z", Some("missing"), false),
        ];
        let t = ScopeTree::new(&scopes);
        assert!(t.covers(Some("y"), Some("x")));
        assert!(!t.covers(Some("q"), Some("x")));
        assert!(t.is_dev_test(Some("x")));
        assert!(t.covers(Some("missing"), Some("z")));
        assert!(!t.is_dev_test(Some("z")));
    }

    #[test]
    fn a_deep_chain_is_linear() {
        let n = 30_000;
        let scopes: Vec<Scope> = (0..n)
            .map(|i| {
                let parent = (i > 0).then(|| format!("s{}", i - 1));
                scope(&format!("s{i}"), parent.as_deref(), i == 1)
            })
            .collect();
        let t = ScopeTree::new(&scopes);
        let last = format!("s{}", n - 1);
        for _ in 0..n {
            assert!(t.covers(Some("s0"), Some(&last)));
            assert!(t.is_dev_test(Some(&last)));
        }
        assert!(!t.is_dev_test(Some("s0")));
    }
}
