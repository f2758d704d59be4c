//! Simulates the sample estate's central SQL assignments over a month of hourly usage and
//! finds the best number of licences to assign to the scope.
//!
//! ```text
//! cargo run -p ahb-core --example central [-- ESTATE.json USAGE.csv SCOPE]
//! ```

use std::process::ExitCode;

use ahb_core::central::{HourlyUsage, LicencePricesPerYear};
use ahb_core::{RuleSet, ValidEstate};
use rust_decimal::Decimal;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/data/");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let estate_path = args
        .first()
        .cloned()
        .unwrap_or(format!("{data}sample-estate.json"));
    let usage_path = args
        .get(1)
        .cloned()
        .unwrap_or(format!("{data}sample-sql-usage.csv"));
    let scope = args.get(2).cloned().unwrap_or("sub-prod-data".into());
    let estate = ValidEstate::from_path(&estate_path).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&usage_path).map_err(|e| format!("{usage_path}: {e}"))?;
    let usage = HourlyUsage::from_csv(&text).map_err(|e| e.in_file(usage_path).to_string())?;
    let rules = RuleSet::current();
    let sim = estate
        .simulate_central(&rules, &usage)
        .map_err(|e| e.to_string())?;
    emit(&sim.to_text());
    // Software Assurance renewal of licences already owned, per core per year (about a quarter
    // of the licence price).
    let prices = LicencePricesPerYear {
        sql_enterprise_per_core_year: Some(Decimal::from(1890)),
        sql_standard_per_core_year: Some(Decimal::from(493)),
    };
    let best = estate
        .best_assignment(&rules, &usage, &scope, &prices)
        .map_err(|e| e.to_string())?;
    emit(&best.to_text());
    Ok(())
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
