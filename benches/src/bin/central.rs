//! A year of hourly usage for N SQL databases (N × 8,760 rows) simulated under central
//! assignment; prints rows, the median time of `simulate_central` (validation included) and
//! the totals, as JSON, for benches/compare_numpy.py to check against.
//!
//! ```text
//! cargo run --release -p ahb-benches --bin central -- [RESOURCES]
//! cargo run --release -p ahb-benches --bin central -- --write-csv FILE [RESOURCES]
//! cargo run --release -p ahb-benches --bin central -- --read-csv FILE [RUNS]
//! ```
//!
//! `--write-csv` writes the same usage as a CSV file; `--read-csv` times reading such a file
//! (`std::fs::read_to_string` and `HourlyUsage::from_csv`), median of RUNS (default 3), and
//! prints the rows and the sums of vCores and prices for the script to check.

use std::time::Instant;

use ahb_core::central::{HourlyUsage, simulate_central};
use ahb_core::{Estate, RuleSet};
use serde_json::json;

/// The allocator of the faces (feature `mimalloc`, on by default; see benches/README.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// vCores of database `r` (General Purpose: 2, 4, 8 or 16).
pub fn base_vcores(r: u32) -> u32 {
    [2, 4, 8, 16][(r.wrapping_mul(2_654_435_761) >> 30) as usize % 4]
}

/// Licence price per vCore-hour of database `r` in micro-units: ten meters (regions and
/// hardware) around $0.0963.
pub fn price_micro(r: u32) -> i64 {
    86_000 + 2_500 * i64::from(r % 10)
}

/// vCores used by database `r` in hour `h`: a third double in business hours.
pub fn used(r: u32, h: u32) -> u32 {
    let busy = (8..18).contains(&(h % 24)) && r % 3 == 0;
    base_vcores(r) * if busy { 2 } else { 1 }
}

/// Writes the usage of `n` databases over `hours` hours as CSV, in hour order.
fn write_csv(path: &str, n: u32, hours: u32) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(out, "resource,hour,vcores,licence_price_per_vcore_hour")?;
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    for h in 0..hours {
        let at = (start + chrono::Duration::hours(i64::from(h))).format("%Y-%m-%dT%H:%M:%S");
        let at = at.to_string();
        for r in 0..n {
            writeln!(out, "db{r},{at},{},0.{:06}", used(r, h), price_micro(r))?;
        }
    }
    out.flush()
}

/// Times reading the usage CSV at `path`, `runs` times.
fn read_csv(path: &str, runs: usize) {
    let mut times = Vec::new();
    let mut parse_times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let text = std::fs::read_to_string(path).expect("the file reads");
        let p = Instant::now();
        let usage = HourlyUsage::from_csv(&text).expect("the usage CSV loads");
        parse_times.push(p.elapsed().as_secs_f64());
        drop(text);
        times.push(t.elapsed().as_secs_f64());
        last = Some(usage);
    }
    times.sort_by(f64::total_cmp);
    parse_times.sort_by(f64::total_cmp);
    let u = last.expect("at least one run");
    println!(
        "{}",
        json!({
            "rows": u.resource.len(), "resources": u.resources.len(), "hours": u.hours(),
            "median_seconds": times[times.len() / 2],
            "median_parse_seconds": parse_times[parse_times.len() / 2],
            "vcores_sum": u.vcores.iter().map(|&v| u64::from(v)).sum::<u64>(),
            "price_micro_sum": u.price_micro.iter().sum::<i64>(),
        })
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let hours = 8_760u32;
    match args.get(1).map(String::as_str) {
        Some("--write-csv") => {
            let n = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10_000);
            write_csv(&args[2], n, hours).expect("the CSV writes");
            return;
        }
        Some("--read-csv") => {
            read_csv(
                &args[2],
                args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3),
            );
            return;
        }
        _ => {}
    }
    let n: u32 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let resources: Vec<serde_json::Value> = (0..n)
        .map(|r| {
            json!({"id": format!("db{r}"), "kind": "sql_database", "tier": "general_purpose",
                        "vcores": base_vcores(r), "scope": "sub"})
        })
        .collect();
    let mean: u64 = (0..n)
        .map(|r| u64::from(used(r, 3) + used(r, 12)) / 2)
        .sum();
    let cores = (mean * 6 / 10) as u32;
    let estate = Estate::from_json(
        &json!({"schema": "ahb.estate/1", "scopes": [{"id": "sub", "kind": "subscription"}],
                "resources": resources,
                "central_assignments": [{"id": "A", "scope": "sub", "edition": "standard", "cores": cores,
                                         "start": "2025-01-01", "review_date": "2027-06-30"}]})
        .to_string(),
    )
    .expect("the generated estate is valid");
    let rows = n as usize * hours as usize;
    let mut usage = HourlyUsage {
        start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
        resources: (0..n).map(|r| format!("db{r}")).collect(),
        resource: Vec::with_capacity(rows),
        hour: Vec::with_capacity(rows),
        vcores: Vec::with_capacity(rows),
        price_micro: Vec::with_capacity(rows),
    };
    for h in 0..hours {
        for r in 0..n {
            usage.resource.push(r);
            usage.hour.push(h);
            usage.vcores.push(used(r, h));
            usage.price_micro.push(price_micro(r));
        }
    }
    let rules = RuleSet::current();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let t = Instant::now();
        let sim = simulate_central(&estate, &rules, &usage).expect("the simulation runs");
        times.push(t.elapsed().as_secs_f64());
        last = Some(sim);
    }
    times.sort_by(f64::total_cmp);
    let sim = last.expect("ran three times");
    let s = &sim.scopes[0];
    println!(
        "{}",
        json!({
            "resources": n, "rows": rows, "assigned_nc": cores,
            "median_seconds": times[1],
            "covered_nc_hours": s.covered_nc.iter().sum::<u64>(),
            "demand_nc_hours": s.demand_nc.iter().sum::<u64>(),
            "total_savings": s.total_savings.to_string(),
        })
    );
}
