//! The whole loop from real exports to a change script: Azure inventory (Resource Graph, `az vm
//! list -d`, PowerShell `Get-AzVM`), a SAM licence CSV, two pages of the Retail Prices API and a
//! cost export (all in `ahb-core/tests/data`, sources in its SOURCES.md) → an estate → today's
//! position → a priced plan → the `az` script and its rollback.
//!
//! ```text
//! cargo run -p ahb-core --example import_loop
//! ```

use std::io::Write;
use std::process::ExitCode;

use ahb_core::export::az_script;
use ahb_core::import::{Importer, PriceSource};
use ahb_core::solve::UnpricedValuation;
use ahb_core::{OptimizeOptions, RuleSet};

fn main() -> ExitCode {
    match run() {
        Ok(text) => {
            // A closed pipe (`| head`) is not an error: stop quietly.
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn data(name: &str) -> Result<Vec<u8>, String> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).map_err(|e| format!("{path}: {e}"))
}

fn text(name: &str) -> Result<String, String> {
    String::from_utf8(data(name)?).map_err(|e| format!("{name}: {e}"))
}

/// Runs the loop and returns what `main` prints (the README test calls it too).
pub fn run() -> Result<String, String> {
    use std::fmt::Write as _;
    let e = |e: ahb_core::Error| e.to_string();
    let mut imp = Importer::new();
    for f in [
        "constructed_arg_mixed.json",
        "constructed_az_vm_list.json",
        "constructed_powershell_get_azvm.json",
    ] {
        imp.add_inventory_bytes(f, &data(f)?).map_err(e)?;
    }
    imp.add_licences_csv(
        "constructed_licences.csv",
        &data("constructed_licences.csv")?,
    )
    .map_err(e)?;
    for f in ["retail_prices_page1.json", "retail_prices_page2.json"] {
        imp.add_retail_prices_json(f, &text(f)?).map_err(e)?;
    }
    imp.add_cost_export(
        "constructed_cost_effective.csv",
        &data("constructed_cost_effective.csv")?,
    )
    .map_err(e)?;
    let o = imp.finish().map_err(e)?;

    let mut s = String::new();
    let _ = writeln!(
        s,
        "imported {} resources, {} licence lines; {} skipped, {} unknown sizes, {} warnings",
        o.estate.resources.len(),
        o.estate.licences.len(),
        o.skipped.len(),
        o.unknown_sizes.len(),
        o.warnings.len()
    );
    let currency = o.currency.as_deref().unwrap_or("-");
    for p in &o.priced {
        let r = o
            .estate
            .resources
            .iter()
            .find(|r| r.id == p.resource)
            .and_then(|r| r.prices.as_ref().map(|x| (r, x)));
        let Some((r, prices)) = r else { continue };
        let source = match &p.source {
            PriceSource::CostExport { file, line } => format!("effective, {file} line {line}"),
            PriceSource::RetailList { .. } => "retail list".to_string(),
        };
        let _ = writeln!(
            s,
            "priced {}: {} / {} {currency} per hour ({source})",
            r.name.as_deref().unwrap_or(&r.id),
            prices.payg_per_hour,
            prices.ahb_per_hour
        );
    }
    let _ = writeln!(
        s,
        "UNPRICED: {} resources that could carry the benefit",
        o.unpriced.len()
    );

    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("bad date")?;
    let rules = RuleSet::current();
    // The position and the plan from one assessment of the estate.
    let (position, plan) = o
        .estate
        .audit_and_optimize(&rules, &OptimizeOptions::new(as_of))
        .map_err(e)?;
    let _ = writeln!(
        s,
        "\nposition on {as_of}: {}",
        if position.compliant {
            "compliant"
        } else {
            "NOT compliant"
        }
    );
    let _ = writeln!(
        s,
        "plan: {} changes, {} unpriced resources valued at zero",
        plan.changes.len(),
        plan.unpriced.len()
    );
    let u = &plan.unpriced_summary;
    if !u.is_empty() {
        let _ = writeln!(
            s,
            "CAVEAT: {} resources ({}) have no price and count as zero: this is not a finished \
             optimum for them (certificate scope: {})",
            u.resources,
            u.units_text(),
            plan.certificate.scope.display_name()
        );
    }
    let changes = |s: &mut String, plan: &ahb_core::Plan| {
        for c in &plan.changes {
            let _ = writeln!(
                s,
                "  {:?} {:?} on {}: {} per month",
                c.action,
                c.pool,
                c.resource.rsplit('/').next().unwrap_or(&c.resource),
                c.monthly_savings_delta
                    .map_or_else(|| "unpriced".to_string(), |d| d.to_string())
            );
        }
    };
    changes(&mut s, &plan);
    // The unit proxy: the unpriced resources valued by the licence units they would use.
    let mut by_units = OptimizeOptions::new(as_of);
    by_units.unpriced = UnpricedValuation::ByUnits;
    let proxy = o.estate.optimize(&rules, &by_units).map_err(e)?;
    let carried: u64 = proxy
        .unpriced_summary
        .by_pool
        .iter()
        .filter_map(|p| p.carried_units)
        .sum();
    let _ = writeln!(
        s,
        "plan with unpriced = by_units (a unit proxy, not money): {} changes; the unpriced \
         resources carry {carried} licence units; re-audit {}",
        proxy.changes.len(),
        if proxy.verification.compliant {
            "compliant"
        } else {
            "NOT compliant"
        }
    );
    changes(&mut s, &proxy);
    let script = az_script(&o.estate, &plan).map_err(e)?;
    let _ = writeln!(s, "\n{}\n# rollback:\n{}", script.apply, script.rollback);
    Ok(s)
}
