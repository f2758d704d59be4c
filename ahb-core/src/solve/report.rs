//! A readable plain-text report of a [`Plan`], shared by every face of ahb.

use std::fmt::Write;

use super::{Action, CertificateScope, Plan, UnpricedValuation};
use crate::money::display;

/// How many changes the report lists before summarising the rest.
const CHANGES_SHOWN: usize = 25;

impl Plan {
    /// The plan as a plain-text report.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let c = &self.certificate;
        let _ = writeln!(
            o,
            "ahb {} optimal plan on {} ({})",
            self.engine,
            self.as_of,
            self.options.objective.display_name()
        );
        let _ = writeln!(
            o,
            "certificate ({}, over the requirements that draw on licences): {}, upper bound {}, gap {}{}\n",
            c.measure,
            display(c.objective),
            display(c.upper_bound),
            display(c.gap),
            match (c.proven_optimal, c.scope) {
                (true, CertificateScope::AllResources) => " — proven optimal",
                (true, CertificateScope::PricedResourcesOnly) =>
                    " — proven optimal over the priced resources",
                (true, CertificateScope::PricedThenUnpricedByUnits) =>
                    " — proven optimal over the priced savings, then the unpriced resources' licence units",
                (false, CertificateScope::AllResources) => "",
                (false, CertificateScope::PricedResourcesOnly) => " (priced resources only)",
                (false, CertificateScope::PricedThenUnpricedByUnits) =>
                    " (priced savings, then the unpriced resources' licence units)",
            }
        );
        // Unpriced is loud: an optimum that values some resources at zero is not a finished one.
        let u = &self.unpriced_summary;
        if !u.is_empty() {
            match self.options.unpriced {
                UnpricedValuation::Ignore => {
                    let _ = writeln!(
                        o,
                        "UNPRICED: {} resources that could carry the benefit ({} licence units: \
                         {}) have no price and count as zero: give their prices, or optimise with \
                         unpriced = by_units, to finish the optimum for them\n",
                        u.resources,
                        u.units,
                        u.units_text()
                    );
                }
                UnpricedValuation::ByUnits => {
                    let carried: u64 = u.by_pool.iter().filter_map(|p| p.carried_units).sum();
                    let _ = writeln!(
                        o,
                        "UNIT PROXY (unpriced = by_units): {} resources that could carry the \
                         benefit ({} licence units: {}) have no price and were valued by the \
                         licence units they would use, after every priced saving (a proxy, not \
                         money): the plan gives them {carried} units; their savings are not in \
                         the totals\n",
                        u.resources,
                        u.units,
                        u.units_text()
                    );
                }
            }
        }
        // The re-audit, when it had something to say.
        let v = &self.verification;
        if !v.compliant {
            let _ = writeln!(
                o,
                "re-audit of the plan: NOT COMPLIANT for causes no AHB setting can remove:"
            );
            for x in &v.over_claimed {
                let _ = writeln!(o, "  {:<24} {}", x.resource, x.reason);
            }
        }
        for r in &v.reasons {
            let _ = writeln!(o, "re-audit: {r}");
        }
        if !v.compliant || !v.reasons.is_empty() {
            o.push('\n');
        }
        let _ = writeln!(
            o,
            "{:<15} {:>18} {:>8} {:>8} {:>8} {:>14} {:>6}",
            "pool", "method", "used", "idle", "reserve", "savings/month", "gap"
        );
        for p in &self.pools {
            let _ = writeln!(
                o,
                "{:<15} {:>18} {:>8} {:>8} {:>8} {:>14} {:>6}",
                p.pool.display_name(),
                p.method.display_name(),
                p.used,
                p.idle,
                p.reserve,
                display(p.monthly_savings),
                p.certificate.gap
            );
        }
        let t = &self.totals;
        let _ = writeln!(
            o,
            "\nSavings: {} per hour, {} per month, {} per year (today: {} per month)",
            display(t.hourly_savings),
            display(t.monthly_savings),
            display(t.yearly_savings),
            display(t.today_monthly_savings)
        );
        let _ = writeln!(o, "\nChanges ({}):", self.changes.len());
        for ch in self.changes.iter().take(CHANGES_SHOWN) {
            let verb = if ch.action == Action::Enable {
                "enable "
            } else {
                "disable"
            };
            let _ = writeln!(
                o,
                "  {verb} {:<24} {:<15} {:>5} units  {:>12} / month",
                ch.resource,
                ch.pool.display_name(),
                ch.units,
                ch.monthly_savings_delta.map_or("no prices".into(), display)
            );
        }
        if self.changes.len() > CHANGES_SHOWN {
            let _ = writeln!(
                o,
                "  … and {} more (see the JSON)",
                self.changes.len() - CHANGES_SHOWN
            );
        }
        let r = &self.recommendations;
        if !r.purchases.is_empty() {
            let _ = writeln!(o, "\nMore licences (extra savings per year):");
            for p in &r.purchases {
                let pts: Vec<String> = p
                    .curve
                    .iter()
                    .map(|m| format!("+{} → {}", m.extra_units, display(m.extra_yearly_savings)))
                    .collect();
                let _ = writeln!(o, "  {:<15} {}", p.pool.display_name(), pts.join(", "));
                if let Some(u) = p.recommended_extra_units {
                    let _ = writeln!(o, "  {:<15} buy {u} more units ({})", "", p.basis);
                }
            }
        }
        if !r.renewals.is_empty() {
            let _ = writeln!(o, "\nSA renewals (savings per year lost at expiry):");
            for n in &r.renewals {
                let _ = writeln!(
                    o,
                    "  {:<18} ends {}  {:>12}{}",
                    n.line,
                    n.sa_end,
                    display(n.yearly_savings_lost),
                    match n.worth_renewing {
                        Some(true) => "  worth renewing",
                        Some(false) => "  not worth renewing",
                        None => "",
                    }
                );
            }
        }
        if !r.dedicated_hosts.is_empty() {
            let _ = writeln!(o, "\nDedicated hosts:");
            for h in &r.dedicated_hosts {
                let _ = writeln!(o, "  {:<12} {:<22} {}", h.host, h.recommendation, h.reason);
            }
        }
        o
    }
}
