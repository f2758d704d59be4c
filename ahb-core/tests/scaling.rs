//! Scaling smoke test: doubling the estate must not more than triple the time of any phase of
//! the path from the file to the plan (load and validate, audit, optimise with
//! recommendations, export, timeline). A quadratic step quadruples; a linear or n·log n one
//! roughly doubles. The sizes are small enough for the test profile, and every phase is timed
//! as the minimum of a few runs to keep a shared machine's noise out.
//!
//! The estate is the shape that made earlier versions quadratic: non-compliant (most claims
//! uncovered after an SA lapse), a scope chain as deep as the estate is large, licence lines
//! assigned to scopes along it (a fixed number of them), dedicated hosts with Windows VMs on them, and SQL resources,
//! some under central SQL assignments made along the chain.

use std::time::{Duration, Instant};

use ahb_core::export::az_script;
use ahb_core::{Estate, OptimizeOptions, RuleSet, audit, optimize, timeline};
use chrono::NaiveDate;
use serde_json::{Value, json};

/// Resources of the smaller estate; the larger has twice as many.
const SMALL: usize = 4_000;
/// Runs per size; the minimum is kept.
const RUNS: usize = 5;
/// Allowed ratio of the larger estate's time to the smaller's.
const MAX_RATIO: f64 = 3.0;
/// Licence lines assigned to a scope (the others are unassigned).
const SCOPED_LINES: usize = 6;
/// Central SQL assignments, at scopes along the chain.
const CENTRAL: usize = 3;
/// Slack for phases too short to time reliably.
const SLACK: Duration = Duration::from_millis(40);

fn estate_json(n: usize) -> String {
    // A chain of n/2 scopes: each scope is the parent of the next.
    let depth = n / 2;
    let scopes: Vec<Value> = (0..depth)
        .map(|i| {
            let mut s = json!({"id": format!("s{i:06}"), "kind": "resource_group"});
            if i > 0 {
                s["parent"] = json!(format!("s{:06}", i - 1));
            }
            if i == depth / 2 {
                s["dev_test"] = json!(true);
            }
            s
        })
        .collect();
    let hosts = (n / 100).max(1);
    let mut resources: Vec<Value> = (0..hosts)
        .map(|h| {
            json!({"id": format!("dh{h:05}"), "kind": "dedicated_host", "physical_cores": 64,
                   "license_type": "None", "scope": "s000000"})
        })
        .collect();
    let mut x: u64 = 7;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) % m
    };
    for i in 0..n - hosts {
        let scope = format!("s{:06}", next(depth as u64));
        let vcpus = [2, 4, 8, 16, 32][next(5) as usize];
        let payg = format!("{}.{:02}", 1 + next(9), next(100));
        let r = match next(10) {
            0..=5 => {
                let mut r = json!({"id": format!("vm{i:07}"), "kind": "vm", "os": "windows",
                    "vcpus": vcpus, "scope": scope, "license_type": "Windows_Server",
                    "prices": {"payg_per_hour": payg, "ahb_per_hour": "0.50"}});
                if next(20) == 0 {
                    r["host"] = json!(format!("dh{:05}", next(hosts as u64)));
                }
                r
            }
            6 | 7 => json!({"id": format!("sqlvm{i:07}"), "kind": "sql_vm",
                "edition": "standard", "vcpus": vcpus.max(4), "scope": scope,
                "license_type": "AHUB",
                "prices": {"payg_per_hour": payg, "ahb_per_hour": "0.10"}}),
            _ => json!({"id": format!("db{i:07}"), "kind": "sql_database",
                "tier": "general_purpose", "vcores": vcpus, "scope": scope,
                "license_type": "LicenseIncluded",
                "prices": {"payg_per_hour": payg, "ahb_per_hour": "0.20"}}),
        };
        resources.push(r);
    }
    // Lines: a few unassigned, most assigned along the chain; most SA terms lapsed.
    let lines = (n / 50).max(4);
    let licences: Vec<Value> = (0..lines)
        .map(|k| {
            let (product, edition) = match k % 3 {
                0 => ("windows_server", "datacenter"),
                1 => ("windows_server", "standard"),
                _ => ("sql_server", "standard"),
            };
            let end = if k % 4 == 0 {
                "2027-06-30"
            } else {
                "2026-06-30"
            };
            let mut l = json!({"id": format!("L{k:05}"), "product": product, "edition": edition,
                "metric": "core", "quantity": 16 + (k % 7) * 8, "programme": "ea",
                "sa": {"start": "2024-07-01", "end": end}});
            // A fixed number of lines assigned along the chain: the supply network links each
            // claimed scope to each assigned line group above it, so scoped groups × claimed
            // scopes is the network's size (see benches/README.md).
            if k < SCOPED_LINES {
                l["scope"] = json!(format!("s{:06}", (k * depth) / SCOPED_LINES));
            }
            l
        })
        .collect();
    // Central SQL assignments at a fixed number of scopes along the chain: every SQL resource
    // below them is centrally managed (SQL-20), found by walking up the chain.
    let central: Vec<Value> = (0..CENTRAL)
        .map(|k| {
            json!({"id": format!("CA{k}"), "scope": format!("s{:06}", (k * depth) / CENTRAL),
                   "edition": "standard", "cores": 64, "start": "2026-01-01"})
        })
        .collect();
    json!({"schema": "ahb.estate/1", "scopes": scopes, "licences": licences,
           "resources": resources, "central_assignments": central})
    .to_string()
}

const PHASES: [&str; 5] = ["load", "audit", "optimize", "export", "timeline"];

/// Times each phase once.
fn time_once(text: &str, best: &mut [Duration; 5]) {
    let rules = RuleSet::current();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date");
    let mut t = Instant::now();
    let mut lap = |k: usize, best: &mut [Duration; 5]| {
        best[k] = best[k].min(t.elapsed());
        t = Instant::now();
    };
    let estate = Estate::from_json(text).expect("a valid estate");
    lap(0, best);
    let position = audit(&estate, &rules, as_of).expect("an audit");
    assert!(
        !position.compliant,
        "the smoke estate is meant to be non-compliant"
    );
    lap(1, best);
    // With the purchase and renewal recommendations (each pool re-solved up to 32 times).
    let options = OptimizeOptions::new(as_of);
    assert!(options.recommendations);
    let plan = optimize(&estate, &rules, &options).expect("a plan");
    assert!(!plan.recommendations.purchases.is_empty());
    lap(2, best);
    let script = az_script(&estate, &plan).expect("a script");
    assert!(!plan.changes.is_empty() && !script.apply.is_empty());
    lap(3, best);
    let to = NaiveDate::from_ymd_opt(2027, 1, 31).expect("a date");
    timeline(&estate, &rules, as_of, to).expect("a timeline");
    lap(4, best);
}

/// The minimum time of each phase over [`RUNS`] runs of each estate, the runs interleaved so
/// that a burst of load on a shared machine hits both sizes alike.
fn time_phases(small: &str, large: &str) -> ([Duration; 5], [Duration; 5]) {
    let (mut a, mut b) = ([Duration::MAX; 5], [Duration::MAX; 5]);
    for _ in 0..RUNS {
        time_once(small, &mut a);
        time_once(large, &mut b);
    }
    (a, b)
}

/// The tests of this file time themselves: they run one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn doubling_the_estate_at_most_triples_the_time_of_every_phase() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (small_text, large_text) = (estate_json(SMALL), estate_json(2 * SMALL));
    // A phase fails only if it fails two measurements in a row: a quadratic step does every
    // time, a burst of load on a shared machine seldom twice.
    let mut reports = Vec::new();
    for _ in 0..2 {
        let (small, large) = time_phases(&small_text, &large_text);
        let mut report = String::new();
        let mut failed = false;
        for (k, name) in PHASES.iter().enumerate() {
            let (a, b) = (small[k], large[k]);
            let ratio = b.as_secs_f64() / a.as_secs_f64().max(1e-9);
            let bad = b.as_secs_f64() > MAX_RATIO * a.as_secs_f64() + SLACK.as_secs_f64();
            failed |= bad;
            report.push_str(&format!(
                "{name:>9}: {a:>10.1?} at {SMALL}, {b:>10.1?} at {}: x{ratio:.2}{}\n",
                2 * SMALL,
                if bad { "  <-- more than x3" } else { "" }
            ));
        }
        println!("{report}");
        if !failed {
            return;
        }
        reports.push(report);
    }
    panic!(
        "a phase grows faster than linearly, twice:\n{}",
        reports.join("\n")
    );
}

/// An estate whose scopes form one chain `depth` deep, optionally closed into a cycle at the top.
fn chain_estate(depth: usize, cycle: bool) -> String {
    let scopes: Vec<Value> = (0..depth)
        .map(|i| {
            let parent = match (i, cycle) {
                (0, false) => Value::Null,
                (0, true) => json!(format!("c{:06}", depth - 1)),
                _ => json!(format!("c{:06}", i - 1)),
            };
            json!({"id": format!("c{i:06}"), "kind": "resource_group", "parent": parent})
        })
        .collect();
    json!({"schema": "ahb.estate/1", "scopes": scopes, "licences": [], "resources": []}).to_string()
}

#[test]
fn a_30000_deep_scope_chain_validates_in_linear_time() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let time = |depth: usize| {
        let text = chain_estate(depth, false);
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                Estate::from_json(&text).expect("a valid chain");
                t.elapsed()
            })
            .min()
            .expect("runs")
    };
    let (half, full) = (time(15_000), time(30_000));
    assert!(
        full.as_secs_f64() <= MAX_RATIO * half.as_secs_f64() + SLACK.as_secs_f64(),
        "15,000 deep: {half:?}; 30,000 deep: {full:?}"
    );
    // The same chain closed into a cycle is rejected, naming the first scope.
    let e = Estate::from_json(&chain_estate(30_000, true)).expect_err("a cycle");
    assert_eq!(e.code(), ahb_core::ErrorCode::InvalidValue, "{e}");
    assert!(e.to_string().contains("cycle"), "{e}");
    assert_eq!(
        e.location().record.as_ref().map(|r| r.index),
        Some(0),
        "{e}"
    );
}
