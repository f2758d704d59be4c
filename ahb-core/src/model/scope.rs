//! Scopes: billing account → subscription → resource group.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The level of a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// A billing account (EA enrolment or MCA billing profile): the widest scope (SQL-15).
    BillingAccount,
    /// An Azure subscription.
    Subscription,
    /// A resource group.
    ResourceGroup,
}

/// One node of the scope tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Unique id (the ARM id or the billing account id).
    pub id: String,
    /// The level.
    pub kind: ScopeKind,
    /// The enclosing scope, absent for a root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A Dev/Test subscription (MS-AZR-0148P / 0023P): SQL software is free there (SQL-15), and
    /// Hyperscale AHB is unavailable (SQL-5). Inherited by the scopes below it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dev_test: bool,
}
