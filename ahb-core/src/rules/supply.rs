//! What one licence line supplies on a date: eligibility (GEN-1…GEN-5, OQ-9, LNX-4) and the
//! units left for Azure after on-premises use and dual-use windows (WS-7, WS-8, WS-10, HCI-4,
//! SQL-11, LNX-2).

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::{DatacenterDualUse, Knobs, Pool, Reason};
use crate::model::{Edition, LicenceLine, Metric, Product, Programme};

/// The dual-use window of Windows Standard and SQL Server after migration (WS-7, SQL-11).
pub const MIGRATION_WINDOW_DAYS: u64 = 180;

/// One licence line on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LineSupply {
    /// The line id.
    pub line: String,
    /// The pool it feeds.
    pub pool: Pool,
    /// Its edition (none for Linux).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<Edition>,
    /// The scope it is assigned to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The last day of its SA or subscription term.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sa_end: Option<NaiveDate>,
    /// Core licences (or subscription units) owned.
    pub licences: u64,
    /// Pool units per licence: 4 NC per SQL Enterprise core, otherwise 1 (SQL-1).
    pub units_per_licence: u64,
    /// Whether the line qualifies for AHB on the date.
    pub eligible: bool,
    /// Pool units available to Azure VMs and PaaS on the date.
    pub for_vms: u64,
    /// Pool units available for host-level licensing (Dedicated Host, Azure Local).
    pub for_hosts: u64,
    /// Whether the line's programme may license Azure Local (HCI-1, OQ-9).
    pub azure_local_programme: bool,
    /// Pool units counted for additive AKS hybrid use (AKS-4): all eligible units.
    pub additive: u64,
    /// Why.
    pub reasons: Vec<Reason>,
}

/// The pool a line feeds.
pub fn pool_of(product: Product) -> Pool {
    match product {
        Product::WindowsServer => Pool::WindowsServer,
        Product::SqlServer => Pool::SqlServer,
        Product::Rhel => Pool::Rhel,
        Product::Sles => Pool::Sles,
    }
}

fn in_window(start: Option<NaiveDate>, days: u64, date: NaiveDate) -> Option<NaiveDate> {
    let s = start?;
    let end = s.checked_add_days(Days::new(days))?;
    (s <= date && date < end).then_some(end)
}

/// What `line` supplies on `date` under `k`. The unit of a Linux line must be the rule set's
/// unit for its distribution; the caller checks that.
pub fn line_supply(line: &LicenceLine, date: NaiveDate, k: &Knobs) -> LineSupply {
    let pool = pool_of(line.product);
    let per = match (line.product, line.edition) {
        (Product::SqlServer, Some(Edition::Enterprise)) => 4,
        _ => 1,
    };
    let licences = line.units();
    let mut reasons = Vec::new();
    if line.metric == Metric::TwoProcessor {
        reasons.push(Reason::new(
            "WS-2",
            format!(
                "{} two-processor licences = {licences} core licences",
                line.quantity
            ),
        ));
    }
    let eligible = eligibility(line, date, k, &mut reasons);
    let owned = licences * per;
    if line.product == Product::SqlServer && line.metric == Metric::Core {
        // SQL-1: the SQL pool counts normalised cores, so every SQL line explains its NC.
        reasons.push(Reason::new(
            "SQL-1",
            format!(
                "{licences} {:?} core licences × {per} NC = {owned} NC",
                line.edition.unwrap_or(Edition::Standard)
            ),
        ));
    }
    let on_prem = line.on_premises_units() * per;
    let free = owned - on_prem.min(owned);
    let (mut for_vms, mut for_hosts) = (0, 0);
    if eligible {
        let window = in_window(line.migration_start, MIGRATION_WINDOW_DAYS, date);
        let dual = |rule: &'static str, reasons: &mut Vec<Reason>, end: Option<NaiveDate>| {
            if on_prem == 0 {
                return owned;
            }
            match end {
                Some(end) => {
                    reasons.push(Reason::new(
                        rule,
                        format!("dual use during migration until {end}: all {owned} units count"),
                    ));
                    owned
                }
                None => {
                    reasons.push(Reason::new(
                        rule,
                        format!("{on_prem} units in use on premises: {free} left for Azure"),
                    ));
                    free
                }
            }
        };
        match (line.product, line.edition) {
            (Product::WindowsServer, Some(Edition::Datacenter)) => {
                for_vms = match k.ws_datacenter_dual_use {
                    DatacenterDualUse::Unconditional => {
                        if on_prem > 0 {
                            reasons.push(Reason::new(
                                "WS-8",
                                "Datacenter VM licensing: simultaneous use on premises and in Azure",
                            ));
                        }
                        owned
                    }
                    DatacenterDualUse::MigrationOnly if line.migration_start.is_some() => {
                        if on_prem > 0 {
                            reasons.push(Reason::new(
                                "OQ-3",
                                "Datacenter dual use for migrated workloads (migration_only)",
                            ));
                        }
                        owned
                    }
                    _ => dual("WS-7", &mut reasons, window),
                };
                let host_days = u64::from(k.ws_dh_dual_use_days);
                let host_window = in_window(line.migration_start, host_days, date);
                for_hosts = dual("WS-10", &mut reasons, host_window);
            }
            (Product::WindowsServer, _) => {
                for_vms = dual("WS-7", &mut reasons, window);
            }
            (Product::SqlServer, _) => {
                for_vms = dual("SQL-11", &mut reasons, window);
                for_hosts = for_vms;
            }
            (Product::Rhel | Product::Sles, _) => {
                for_vms = dual("LNX-2", &mut reasons, None);
            }
        }
    }
    let azure_local_programme = k.azure_local_programmes.contains(&line.programme);
    LineSupply {
        line: line.id.clone(),
        pool,
        edition: line.edition,
        scope: line.scope.clone(),
        sa_end: line.sa.map(|t| t.end),
        licences,
        units_per_licence: per,
        eligible,
        for_vms,
        for_hosts,
        azure_local_programme,
        additive: if eligible { owned } else { 0 },
        reasons,
    }
}

fn eligibility(line: &LicenceLine, date: NaiveDate, k: &Knobs, reasons: &mut Vec<Reason>) -> bool {
    if line.metric == Metric::ServerCal {
        reasons.push(Reason::new(
            "GEN-5",
            "server + CAL licences are not eligible (License Mobility only)",
        ));
        return false;
    }
    if line.virtual_datacenters {
        reasons.push(Reason::new(
            "LNX-4",
            "RHEL for Virtual Datacenters is not supported on Azure",
        ));
        return false;
    }
    if k.ineligible_programmes.contains(&line.programme) {
        reasons.push(Reason::new(
            "OQ-9",
            format!("programme {:?} is configured as ineligible", line.programme),
        ));
        return false;
    }
    let rule = match line.product {
        Product::WindowsServer => "GEN-1",
        Product::SqlServer => "GEN-2",
        Product::Rhel | Product::Sles => "LNX-2",
    };
    match line.sa {
        None => {
            let what = match line.programme {
                Programme::Oem | Programme::Retail => "OEM/retail licence",
                _ => "licence",
            };
            reasons.push(Reason::new(
                "GEN-3",
                format!("{what} without SA or subscription: no benefit"),
            ));
            false
        }
        Some(t) if date < t.start => {
            reasons.push(Reason::new(
                "GEN-3",
                format!("SA/subscription starts {}: not active on {date}", t.start),
            ));
            false
        }
        Some(t) if date > t.end => {
            reasons.push(Reason::new("GEN-3", format!("SA ended {}", t.end)));
            false
        }
        Some(t) => {
            reasons.push(Reason::new(
                rule,
                format!("SA/subscription active {} to {}", t.start, t.end),
            ));
            true
        }
    }
}
