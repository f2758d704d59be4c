//! Writes a generated instance as JSON for the HiGHS comparison, solves it with ahb, and prints
//! ahb's objective, method, median solve time and peak memory.
//!
//! ```text
//! cargo run --release -p ahb-benches --bin instance -- RESOURCES LINES SEED OUT.json
//! ```

use std::time::Instant;

use ahb_benches::windows_instance;
use ahb_core::model::Edition;
use ahb_core::rules::{Draw, Pool};
use ahb_core::solve::{knapsack::DEFAULT_BUDGET, solve_candidates};
use serde_json::json;

/// The allocator of the faces (feature `mimalloc`, on by default; see benches/README.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Peak resident memory of this process in KiB (Linux), from /proc/self/status.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: u64| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let (n, lines, seed) = (num(0, 10_000) as usize, num(1, 1_000) as usize, num(2, 42));
    let out = args.get(3).cloned();
    let inst = windows_instance(n, lines, seed);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let lines = inst.lines.clone();
        let t = Instant::now();
        let sol = solve_candidates(
            Pool::WindowsServer,
            lines,
            &inst.candidates,
            0,
            &[],
            DEFAULT_BUDGET,
        )
        .expect("generated instances are solvable");
        times.push(t.elapsed().as_secs_f64());
        last = Some(sol);
    }
    times.sort_by(f64::total_cmp);
    let sol = last.expect("solved five times");
    let savings: i128 = inst
        .savings
        .iter()
        .zip(&sol.chosen)
        .filter(|(_, c)| **c)
        .map(|(s, _)| *s)
        .sum();
    if let Some(path) = out {
        let draw = |d: Draw| match d {
            Draw::Any => "any",
            Draw::DatacenterHost => "host",
            _ => "azure_local",
        };
        let doc = json!({
            "lines": inst.lines.iter().map(|l| json!({
                "datacenter": l.edition == Some(Edition::Datacenter),
                "azure_local": l.azure_local_programme,
                "for_vms": l.for_vms, "for_hosts": l.for_hosts})).collect::<Vec<_>>(),
            "items": inst.candidates.iter().zip(&inst.savings).map(|(c, s)| json!({
                "class": draw(c.draw), "units": c.units, "savings": s.to_string()})).collect::<Vec<_>>(),
        });
        std::fs::write(&path, doc.to_string()).expect("the output file is writable");
    }
    println!(
        "{}",
        json!({
            "resources": n, "lines": lines, "seed": seed,
            "objective_micro": savings.to_string(),
            "proven_optimal": sol.value == sol.bound,
            "method": format!("{:?}", sol.method),
            "median_solve_seconds": times[times.len() / 2],
            "peak_rss_kib": peak_kib(),
        })
    );
}
