//! Actions out: a [`Plan`]'s changes as an `az` CLI script and as ARM/JSON patches, each with its
//! rollback, and the [`Position`] and the [`Plan`] as JSON and CSV.
//!
//! The exporters translate a change (resource, pool, enable or disable) into Azure's own setting
//! for that resource kind (API-1…API-7): `licenseType` `Windows_Server` / `None`, `RHEL_BYOS` /
//! `RHEL_BASE`, `SLES_BYOS` / `SLES`, `sqlServerLicenseType` `AHUB` / `PAYG`, `licenseType`
//! `BasePrice` / `LicenseIncluded`, host `Windows_Server_Hybrid` / `None`, AKS Arc
//! `azureHybridBenefit`, Azure Local software assurance. The rollback restores the value the
//! estate records today, so running it returns every resource to where it was.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::error::Result;
use crate::model::Estate;
use crate::position::Position;
use crate::rules::Pool;
use crate::solve::{Action, Plan};

/// The `schema` value of [`arm_patches`] output.
pub const PATCHES_SCHEMA: &str = "ahb.patches/1";

/// An `az` script and the script that undoes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzScript {
    /// Applies the plan's changes.
    pub apply: String,
    /// Restores today's settings, in reverse order.
    pub rollback: String,
}

/// One ARM request that applies a change, with the request that undoes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmPatch {
    /// The resource.
    pub resource: String,
    /// Its kind.
    pub kind: &'static str,
    /// The pool of the change.
    pub pool: Pool,
    /// Enable or disable.
    pub action: Action,
    /// HTTP method: `PATCH`, or `PUT` where the resource's PATCH does not accept the setting
    /// (SQL VMs: read the resource, merge `body`, PUT it back), or `POST` for an action.
    pub method: &'static str,
    /// Path and query below `https://management.azure.com`.
    pub url: String,
    /// The body to send (a JSON merge patch for `PATCH` and `PUT`).
    pub body: Value,
    /// The method of the rollback request.
    pub rollback_method: &'static str,
    /// The body of the rollback request (today's setting), `null` for a `DELETE`.
    pub rollback_body: Value,
}

#[derive(Serialize)]
struct Patches<'a> {
    schema: &'static str,
    as_of: chrono::NaiveDate,
    patches: &'a [ArmPatch],
}

mod setting;

use setting::{Setting, find, serde_str, setting};

fn settings(estate: &Estate, plan: &Plan) -> Result<Vec<Setting>> {
    // Resources by id, once: one lookup per change (the first of a duplicated id wins, as a
    // scan would find it).
    let mut by_id = std::collections::HashMap::with_capacity(estate.resources.len());
    for r in &estate.resources {
        by_id.entry(r.id.as_str()).or_insert(r);
    }
    plan.changes
        .iter()
        .map(|c| setting(find(&by_id, &c.resource)?, c.pool, c.action))
        .collect()
}

/// The plan's changes as a bash script of `az` commands, and its rollback. Commands run in the
/// plan's order; `set -euo pipefail` stops at the first failure so the rollback of the changes
/// made so far can be run.
pub fn az_script(estate: &Estate, plan: &Plan) -> Result<AzScript> {
    let s = settings(estate, plan)?;
    let header = |what: &str| {
        format!(
            "#!/usr/bin/env bash\n# ahb {}: {what} for the plan of {} ({} changes, {} per month)\nset -euo pipefail\n",
            plan.engine,
            plan.as_of,
            plan.changes.len(),
            plan.totals.monthly_savings
        )
    };
    let mut apply = header("apply");
    let mut rollback = header("rollback");
    for (c, st) in plan.changes.iter().zip(&s) {
        let _ = writeln!(
            apply,
            "# {} {}: {} units, savings {} per month",
            serde_str(&c.action),
            serde_str(&c.pool),
            c.units,
            c.monthly_savings_delta
                .map_or_else(|| "unpriced".to_string(), |d| d.to_string())
        );
        let _ = writeln!(apply, "{}", st.az);
    }
    for (c, st) in plan.changes.iter().zip(&s).rev() {
        let _ = writeln!(
            rollback,
            "# undo {} {} of {}",
            serde_str(&c.action),
            serde_str(&c.pool),
            c.resource
        );
        let _ = writeln!(rollback, "{}", st.az_back);
    }
    Ok(AzScript { apply, rollback })
}

/// The plan's changes as ARM requests with their rollbacks.
pub fn arm_patches(estate: &Estate, plan: &Plan) -> Result<Vec<ArmPatch>> {
    Ok(settings(estate, plan)?
        .into_iter()
        .map(|s| s.patch)
        .collect())
}

/// [`arm_patches`] as versioned JSON (`ahb.patches/1`).
pub fn arm_patches_json(estate: &Estate, plan: &Plan) -> Result<String> {
    let patches = arm_patches(estate, plan)?;
    Ok(serde_json::to_string_pretty(&Patches {
        schema: PATCHES_SCHEMA,
        as_of: plan.as_of,
        patches: &patches,
    })
    .expect("patches always serialise"))
}

/// The position as JSON (`ahb.position/1`).
pub fn position_json(position: &Position) -> String {
    position.to_json()
}

/// The plan as JSON (`ahb.plan/1`).
pub fn plan_json(plan: &Plan) -> String {
    plan.to_json()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// CSV text through the `csv` crate: RFC 4180 quoting only where needed, `\n` line ends.
fn csv_text(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail, and every record has the header's length.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The position as CSV: one row per requirement of each resource (a resource without any
/// requirement gets one row with an empty pool), with the rule IDs of its reasons.
pub fn position_csv(position: &Position) -> String {
    let mut rows = Vec::new();
    for a in &position.resources {
        let scope = a.scope.as_deref().unwrap_or_default().to_string();
        if a.requirements.is_empty() {
            let rules: Vec<&str> = a.notes.iter().map(|r| r.rule).collect();
            let mut row = vec![a.resource.to_string(), a.kind.to_string(), scope.clone()];
            row.extend(std::iter::repeat_n(String::new(), 6));
            row.push(rules.join(" "));
            rows.push(row);
        }
        for r in &a.requirements {
            let rules: Vec<&str> = r.reasons.iter().map(|x| x.rule).collect();
            rows.push(vec![
                a.resource.to_string(),
                a.kind.to_string(),
                scope.clone(),
                serde_str(&r.pool),
                r.units.to_string(),
                r.eligible.to_string(),
                r.claimed.to_string(),
                opt(r.monthly_savings),
                opt(r.hourly_savings),
                rules.join(" "),
            ]);
        }
    }
    csv_text(
        &[
            "resource",
            "kind",
            "scope",
            "pool",
            "units",
            "eligible",
            "claimed",
            "monthly_savings",
            "hourly_savings",
            "rules",
        ],
        rows,
    )
}

/// The plan as CSV: one row per assignment, with the licence lines that cover it.
pub fn plan_csv(plan: &Plan) -> String {
    let rows = plan.assignments.iter().map(|a| {
        let lines: Vec<String> = a
            .lines
            .iter()
            .map(|l| format!("{}:{}", l.line, l.units))
            .collect();
        let rules: Vec<&str> = a.reasons.iter().map(|x| x.rule).collect();
        vec![
            a.resource.to_string(),
            a.kind.to_string(),
            serde_str(&a.pool),
            serde_str(&a.action),
            a.carry.to_string(),
            a.claimed_today.to_string(),
            a.units.to_string(),
            lines.join(" "),
            opt(a.monthly_savings),
            rules.join(" "),
        ]
    });
    csv_text(
        &[
            "resource",
            "kind",
            "pool",
            "action",
            "carry",
            "claimed_today",
            "units",
            "lines",
            "monthly_savings",
            "rules",
        ],
        rows,
    )
}
