//! A readable plain-text report of a [`Position`], shared by the Rust example, the Python
//! command line and the C examples so that every face prints the same thing.

use std::fmt::Write;

use super::Position;
use crate::money::display;
use crate::rules::Knobs;

/// How many under-claimed resources the report lists before summarising the rest.
const UNDER_CLAIMED_SHOWN: usize = 15;

impl Position {
    /// The position as a plain-text report.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let knobs = if self.rule_set.knobs == Knobs::default() {
            "§11 defaults".to_string()
        } else {
            "custom knobs (see JSON)".to_string()
        };
        let version = serde_json::to_value(self.rule_set.version)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "ahb {} audit on {} under rule set {version} ({knobs})",
            self.engine, self.as_of
        );
        let _ = writeln!(
            o,
            "{} resources assessed; compliance: {}",
            self.resources.len(),
            if self.compliant {
                "COMPLIANT"
            } else {
                "NOT COMPLIANT"
            }
        );
        // Unpriced is loud: their savings are missing from every money figure below.
        let u = &self.unpriced_summary;
        if !u.is_empty() {
            let claimed: u64 = u.by_pool.iter().map(|p| p.claimed_units).sum();
            let _ = writeln!(
                o,
                "UNPRICED: {} eligible resources ({} licence units: {}; {claimed} of them claimed \
                 today) have no price: their savings count as zero in the totals and the \
                 under-claimed ranking below",
                u.resources,
                u.units,
                u.units_text()
            );
        }
        o.push('\n');
        let _ = writeln!(
            o,
            "{:<15} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9}  unit",
            "pool", "for VMs", "for hosts", "claimed", "covered", "short", "idle", "eligible"
        );
        for p in &self.pools {
            let _ = writeln!(
                o,
                "{:<15} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9}  {}",
                p.pool.display_name(),
                p.supply_for_vms,
                p.supply_for_hosts,
                p.claimed,
                p.covered,
                p.shortfall,
                p.idle,
                p.eligible_demand,
                p.unit
            );
            if let Some(s) = &p.shortfall_licences {
                let _ = writeln!(
                    o,
                    "{:<15} shortfall = {} Enterprise or {} Standard core licences (SQL-1)",
                    "", s.enterprise, s.standard
                );
            }
            if let Some(a) = &p.additive {
                let _ = writeln!(
                    o,
                    "{:<15} AKS hybrid (additive, AKS-4): {} needed, {} held, short {}",
                    "", a.demand, a.supply, a.shortfall
                );
            }
            for r in &p.reasons {
                let _ = writeln!(o, "{:<15} {r}", "");
            }
        }
        let _ = writeln!(o, "\nLicence lines on {}:", self.as_of);
        for p in &self.pools {
            for l in &p.lines {
                let s = &l.supply;
                let why: Vec<String> = s.reasons.iter().map(ToString::to_string).collect();
                let _ = writeln!(
                    o,
                    "  {:<18} {:<15} {:>6} lic  {:>6} for VMs {:>6} for hosts {:>6} used  {}",
                    s.line,
                    s.pool.display_name(),
                    s.licences,
                    s.for_vms,
                    s.for_hosts,
                    l.used,
                    why.join("; ")
                );
            }
        }
        let _ = writeln!(o, "\nOver-claimed ({}):", self.over_claimed.len());
        for c in &self.over_claimed {
            let _ = writeln!(
                o,
                "  {:<24} {:<15} {:>5} units {:>5} uncovered  {}",
                c.resource,
                c.pool.display_name(),
                c.units,
                c.uncovered,
                c.reason
            );
        }
        let _ = writeln!(
            o,
            "\nUnder-claimed ({} eligible resources without the benefit):",
            self.under_claimed.len()
        );
        for u in self.under_claimed.iter().take(UNDER_CLAIMED_SHOWN) {
            let _ = writeln!(
                o,
                "  {:<24} {:<15} {:>5} units  {:>12} / month",
                u.resource,
                u.pool.display_name(),
                u.units,
                u.monthly_savings.map_or("no prices".to_string(), display)
            );
        }
        if self.under_claimed.len() > UNDER_CLAIMED_SHOWN {
            let _ = writeln!(
                o,
                "  … and {} more (see the JSON)",
                self.under_claimed.len() - UNDER_CLAIMED_SHOWN
            );
        }
        let t = &self.totals;
        let _ = writeln!(
            o,
            "\nSavings per month: claimed and covered {}; at risk {}; unclaimed {} ({} per year)",
            display(t.claimed_monthly_savings),
            display(t.at_risk_monthly_savings),
            display(t.unclaimed_monthly_savings),
            display(t.unclaimed_yearly_savings)
        );
        o
    }
}
