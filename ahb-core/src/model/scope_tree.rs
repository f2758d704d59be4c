//! The scope tree as the audit reads it: which scopes lie under which, and which are Dev/Test.

use std::collections::HashMap;

use crate::model::Scope;

/// Parent links and Dev/Test flags by scope id.
pub(crate) struct ScopeTree<'a> {
    parent: HashMap<&'a str, Option<&'a str>>,
    dev_test: HashMap<&'a str, bool>,
}

impl<'a> ScopeTree<'a> {
    pub fn new(scopes: &'a [Scope]) -> ScopeTree<'a> {
        ScopeTree {
            parent: scopes
                .iter()
                .map(|s| (s.id.as_str(), s.parent.as_deref()))
                .collect(),
            dev_test: scopes.iter().map(|s| (s.id.as_str(), s.dev_test)).collect(),
        }
    }

    /// `scope` and its ancestors, nearest first. The estate was validated, so the chain ends.
    fn chain(&self, scope: Option<&'a str>) -> impl Iterator<Item = &'a str> + '_ {
        std::iter::successors(scope, |s| self.parent.get(s).copied().flatten())
    }

    /// Whether a licence assigned to `assigned` may cover a resource in `scope` (the resource
    /// lies in the assigned scope's subtree; an unassigned licence covers everything).
    pub fn covers(&self, assigned: Option<&str>, scope: Option<&'a str>) -> bool {
        match assigned {
            None => true,
            Some(a) => self.chain(scope).any(|s| s == a),
        }
    }

    /// Whether `scope` or an ancestor is a Dev/Test subscription.
    pub fn is_dev_test(&self, scope: Option<&'a str>) -> bool {
        self.chain(scope)
            .any(|s| self.dev_test.get(s).copied().unwrap_or(false))
    }
}
