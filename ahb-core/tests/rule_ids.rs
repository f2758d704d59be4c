//! Every rule ID of docs/RULES.md is either enforced — cited in the code and exercised by a
//! test — or listed in RULES.md §13 as informational, with why (never both, never neither).
//! And the knob names and values of RULES.md §11 are the code's, exactly.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ahb_core::{Estate, Knobs, OptimizeOptions, RuleSet, audit, optimize};
use chrono::NaiveDate;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rules_md() -> String {
    std::fs::read_to_string(root().join("docs/RULES.md")).unwrap()
}

/// The text of every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut String) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push_str(&std::fs::read_to_string(&p).unwrap());
            out.push('\n');
        }
    }
}

/// The rule IDs RULES.md defines (`**GEN-1: …**` headings), in order.
fn rule_ids(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in md.lines() {
        let Some(rest) = line.strip_prefix("**") else {
            continue;
        };
        let Some((id, _)) = rest.split_once(':') else {
            continue;
        };
        let Some((family, n)) = id.split_once('-') else {
            continue;
        };
        if ["GEN", "WS", "HCI", "AKS", "SQL", "LNX", "WC", "API"].contains(&family)
            && n.chars().all(|c| c.is_ascii_digit())
        {
            out.push(id.to_string());
        }
    }
    out
}

/// Whether `text` mentions `id` as a whole word (`SQL-1` is not `SQL-10`).
fn mentions(text: &str, id: &str) -> bool {
    text.match_indices(id).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + id.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
            && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// A test function named after the rule (`fn sql_9_…`, `fn api_3_sql_13_…`).
fn test_named(tests: &str, id: &str) -> bool {
    let snake = format!("{}_", id.to_ascii_lowercase().replace('-', "_"));
    tests
        .lines()
        .filter_map(|l| l.trim().strip_prefix("fn "))
        .any(|name| {
            name.match_indices(&snake)
                .any(|(i, _)| i == 0 || name.as_bytes()[i - 1] == b'_')
        })
}

/// RULES.md §13: `| ID | why |` rows of the informational rules.
fn informational(md: &str) -> BTreeMap<String, String> {
    let start = md
        .find("## 13.")
        .expect("RULES.md has a §13 listing informational rules");
    md[start..]
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells.len() >= 4 && cells[1].contains('-') && !cells[1].starts_with("--"))
                .then(|| (cells[1].trim_matches('*').to_string(), cells[2].to_string()))
        })
        .filter(|(id, _)| id != "ID")
        .collect()
}

/// The rule IDs the bundled sample estate's audit and plan cite.
fn cited_by_sample() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("examples/data/sample-estate.json")).unwrap();
    let estate = Estate::from_json(&text).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let mut json = audit(&estate, &RuleSet::current(), as_of)
        .unwrap()
        .to_json();
    let mut options = OptimizeOptions::new(as_of);
    options.recommendations = false;
    json += &optimize(&estate, &RuleSet::current(), &options)
        .unwrap()
        .to_json();
    let v: serde_json::Value = serde_json::from_str(&format!("[{}]", json.replace("}{", "},{")))
        .expect("the audit and the plan are JSON objects");
    let mut out = BTreeSet::new();
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(r)) = m.get("rule") {
                    out.insert(r.clone());
                }
                m.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&v, &mut out);
    out
}

#[test]
fn every_rule_id_is_enforced_with_a_test_or_listed_as_informational() {
    let md = rules_md();
    let ids = rule_ids(&md);
    assert!(ids.len() > 80, "RULES.md rule headings not found: {ids:?}");
    let (mut src, mut tests) = (String::new(), String::new());
    sources(&root().join("ahb-core/src"), &mut src);
    sources(&root().join("ahb-core/tests"), &mut tests);
    // This file names every ID; it must not count as their test.
    let own = std::fs::read_to_string(root().join("ahb-core/tests/rule_ids.rs")).unwrap();
    let tests = tests.replace(&own, "");
    let sample = cited_by_sample();
    let info = informational(&md);
    let mut problems = Vec::new();
    for id in &ids {
        let cited = mentions(&src, id);
        let tested = mentions(&tests, id) || test_named(&tests, id) || sample.contains(id);
        match (cited && tested, info.get(id)) {
            (true, Some(_)) => problems.push(format!(
                "{id} is enforced and tested: remove it from RULES.md §13"
            )),
            (false, None) => problems.push(format!(
                "{id}: cited in code {cited}, tested {tested}; enforce and test it, or list it \
                 in RULES.md §13 with why"
            )),
            (false, Some(why)) if why.len() < 20 => {
                problems.push(format!("{id}: §13 must say why it is informational"))
            }
            _ => {}
        }
    }
    for id in info.keys() {
        if !ids.contains(id) {
            problems.push(format!("§13 lists {id}, which RULES.md does not define"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `name: v1 | v2` items of the `*In code:*` lines of RULES.md §11.
fn knob_items(md: &str) -> Vec<(String, Vec<String>)> {
    let start = md.find("## 11.").unwrap();
    let end = md.find("## 12.").unwrap();
    let mut out = Vec::new();
    for line in md[start..end]
        .lines()
        .filter(|l| l.starts_with("- *In code:*"))
    {
        for (k, chunk) in line.split('`').enumerate() {
            if k % 2 == 0 {
                continue;
            }
            let Some((name, values)) = chunk.split_once(':') else {
                continue;
            };
            let name = name.trim();
            if name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
                && name.contains('_')
            {
                let values = values
                    .split('|')
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect();
                out.push((name.to_string(), values));
            }
        }
    }
    out
}

#[test]
fn rules_md_section_11_knob_names_and_values_match_the_code() {
    let md = rules_md();
    let items = knob_items(&md);
    let fields: BTreeSet<String> = serde_json::to_value(Knobs::default())
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let named: BTreeSet<String> = items.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(named, fields, "RULES.md §11 `*In code:*` knobs vs Knobs");
    for (name, values) in &items {
        assert!(!values.is_empty(), "{name}: §11 gives no value");
        for v in values {
            let json = format!("{{\"{name}\": {v}}}");
            let k: Result<Knobs, _> = serde_json::from_str(&json);
            assert!(
                k.is_ok(),
                "RULES.md §11: {json} is not a value of the knob: {k:?}"
            );
        }
        // The first value listed is the default.
        let default = serde_json::to_value(Knobs::default()).unwrap()[name].clone();
        let first: serde_json::Value = serde_json::from_str(&values[0]).unwrap();
        assert_eq!(first, default, "RULES.md §11: the default of {name}");
    }
    // Every backticked `name: …` or `name = …` in §11 is a knob.
    let start = md.find("## 11.").unwrap();
    let end = md.find("## 12.").unwrap();
    for (k, chunk) in md[start..end].split('`').enumerate() {
        if k % 2 == 0 {
            continue;
        }
        let Some((name, _)) = chunk.split_once([':', '=']) else {
            continue;
        };
        let name = name.trim();
        if !name.is_empty()
            && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            && name.contains('_')
        {
            assert!(
                fields.contains(name),
                "RULES.md §11 names `{name}`, not a knob"
            );
        }
    }
}
