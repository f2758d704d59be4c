//! Reasons: the rule ID and the facts a decision used, so that an auditor can check it.

use serde::Serialize;

/// One step of an explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Reason {
    /// The rule of RULES.md (`WS-1`, `SQL-5`, `OQ-3`, …).
    pub rule: &'static str,
    /// What the rule concluded, with the facts it used.
    // Borrowed when the text is fixed (most are: an estate of 10⁶ resources holds millions of
    // reasons, and its plan copies them), owned when it states facts.
    pub text: std::borrow::Cow<'static, str>,
}

impl Reason {
    /// A reason citing `rule`.
    pub fn new(rule: &'static str, text: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        Reason {
            rule,
            text: text.into(),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.text, self.rule)
    }
}
