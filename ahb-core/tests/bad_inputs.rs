//! The bad-input catalogue (`tests/bad_inputs/`, described in its `manifest.tsv`): every file is
//! fed to its entry point and must give exactly the typed, located error the manifest names —
//! never a panic, never a result.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use ahb_core::central::{HourlyUsage, simulate_central};
use ahb_core::import::Importer;
use ahb_core::{Error, Estate, OptimizeOptions, RuleSet, audit, optimize};
use chrono::NaiveDate;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn base() -> Estate {
    Estate::from_path(dir().join("base/estate.json")).expect("the base estate is good")
}

/// Runs one input through its entry point, as far as it gets.
fn run(entry: &str, bytes: &[u8]) -> Result<(), Error> {
    let text = || String::from_utf8_lossy(bytes).into_owned();
    match entry {
        "estate" => {
            let e = Estate::from_json_bytes(bytes)?;
            audit(&e, &RuleSet::current(), date())?;
            optimize(&e, &RuleSet::current(), &OptimizeOptions::new(date()))?;
        }
        "options" => {
            let o = OptimizeOptions::from_json(&text())?;
            optimize(&base(), &RuleSet::current(), &o)?;
        }
        "rules" => {
            let r = RuleSet::from_json(&text())?;
            audit(&base(), &r, date())?;
        }
        "usage" => {
            let u = HourlyUsage::from_csv(&text())?;
            simulate_central(&base(), &RuleSet::current(), &u)?;
        }
        "cost" => {
            let rows = ahb_core::import::usage_from_csv("cost.csv", bytes)?;
            let (u, _) = HourlyUsage::from_cost_rows(&base(), &rows)?;
            simulate_central(&base(), &RuleSet::current(), &u)?;
        }
        #[cfg(feature = "parquet")]
        "usage_parquet" => {
            let u = HourlyUsage::from_parquet(bytes)?;
            simulate_central(&base(), &RuleSet::current(), &u)?;
        }
        "licences" => {
            let mut imp = Importer::new();
            imp.add_licences_csv("licences.csv", bytes)?;
            imp.finish()?;
        }
        "inventory" => {
            let mut imp = Importer::new();
            imp.add_inventory_bytes("inventory.json", bytes)?;
            imp.finish()?;
        }
        other => panic!("unknown entry point {other:?}"),
    }
    Ok(())
}

fn code_name(e: &Error) -> String {
    serde_json::to_value(e.code())
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// Compares one expectation: `*` is not checked, `-` means absent.
fn check(what: &str, expected: &str, actual: Option<String>) -> Option<String> {
    match (expected, actual) {
        ("*", _) => None,
        ("-", None) => None,
        (e, Some(a)) if e == a => None,
        (e, a) => Some(format!(
            "{what}: expected {e}, got {}",
            a.as_deref().unwrap_or("-")
        )),
    }
}

#[test]
fn every_bad_input_gives_its_located_error() {
    let manifest = std::fs::read_to_string(dir().join("manifest.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut listed = std::collections::BTreeSet::new();
    for line in manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 6, "manifest line {line:?}");
        let (file, code, field, at_line, record) = (cols[0], cols[1], cols[2], cols[3], cols[4]);
        listed.insert(file.to_string());
        let entry = file.split('/').next().unwrap();
        if entry.ends_with("_parquet") && !cfg!(feature = "parquet") {
            // Read only with the `parquet` feature (scripts/test runs that too).
            continue;
        }
        let bytes = std::fs::read(dir().join(file)).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| run(entry, &bytes)));
        let e = match outcome {
            Err(_) => {
                failures.push(format!("{file}: PANICKED"));
                continue;
            }
            Ok(Ok(())) => {
                failures.push(format!("{file}: accepted, expected {code}"));
                continue;
            }
            Ok(Err(e)) => e,
        };
        let l = e.location();
        let problems: Vec<String> = [
            check("code", code, Some(code_name(&e))),
            check("field", field, l.field.clone()),
            check("line", at_line, l.line.map(|n| n.to_string())),
            check(
                "record",
                record,
                l.record
                    .as_ref()
                    .map(|r| format!("{}[{}]", r.collection, r.index)),
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !problems.is_empty() {
            failures.push(format!("{file}: {} ({e})", problems.join("; ")));
        }
    }
    // Every file of the catalogue is in the manifest.
    for entry in std::fs::read_dir(dir()).unwrap() {
        let entry = entry.unwrap();
        if !entry.file_type().unwrap().is_dir() || entry.file_name() == "base" {
            continue;
        }
        for f in std::fs::read_dir(entry.path()).unwrap() {
            let name = format!(
                "{}/{}",
                entry.file_name().to_string_lossy(),
                f.unwrap().file_name().to_string_lossy()
            );
            if !listed.contains(&name) {
                failures.push(format!("{name}: not in manifest.tsv"));
            }
        }
    }
    assert!(listed.len() >= 150, "only {} inputs", listed.len());
    assert!(
        failures.is_empty(),
        "{} of {} inputs:\n{}",
        failures.len(),
        listed.len(),
        failures.join("\n")
    );
}
