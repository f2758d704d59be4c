//! Knobs that act on pool totals: OQ-10 (one edition per VM), OQ-8 (packs), OQ-16 (recorded).

use ahb_core::{Estate, RuleSet, audit};
use chrono::NaiveDate;
use serde_json::json;

fn estate() -> Estate {
    let line = |id: &str, edition: &str, q: u32| {
        json!({"id": id, "product": "windows_server", "edition": edition, "metric": "core", "quantity": q,
               "programme": "ea", "sa": {"start": "2025-01-01", "end": "2027-12-31"}})
    };
    let vm = |id: &str| json!({"id": id, "kind": "vm", "os": "windows", "vcpus": 12, "license_type": "Windows_Server"});
    Estate::from_json(
        &json!({"schema": "ahb.estate/1",
        "licences": [line("S", "standard", 16), line("D", "datacenter", 8)],
        "resources": [vm("a"), vm("b")]})
        .to_string(),
    )
    .unwrap()
}

mod common;

/// The audit date of these tests.
fn date() -> NaiveDate {
    common::ymd(2026, 6, 1)
}

#[test]
fn oq_10_whole_vms_from_one_edition_can_leave_a_shortfall() {
    let mixed = audit(&estate(), &RuleSet::current(), date()).unwrap();
    assert!(mixed.compliant);
    let mut rules = RuleSet::current();
    rules.knobs.ws_single_edition_per_vm = true;
    let strict = audit(&estate(), &rules, date()).unwrap();
    assert!(!strict.compliant);
    assert_eq!(strict.pools[0].shortfall, 4);
    assert!(strict.pools[0].reasons.iter().any(|r| r.rule == "OQ-10"));
}

#[test]
fn oq_8_packs_and_oq_16_are_reported() {
    let mut rules = RuleSet::current();
    rules.knobs.ws_single_edition_per_vm = true;
    rules.knobs.display_pack_size = 16;
    rules.knobs.reassignment_min_days = Some(90);
    let p = audit(&estate(), &rules, date()).unwrap();
    let text: Vec<String> = p.pools[0]
        .reasons
        .iter()
        .map(|r| format!("{} {}", r.rule, r.text))
        .collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("OQ-8") && t.contains("1 packs of 16")),
        "{text:?}"
    );
    assert!(text.iter().any(|t| t.starts_with("OQ-16")), "{text:?}");
}

/// WS-3: a rule-set document naming `2021-11` keeps that version's own defaults (groups of 8,
/// the 16-licence estate minimum) for every knob it does not set.
#[test]
fn ws_3_a_legacy_rule_set_document_keeps_the_legacy_defaults() {
    let legacy =
        RuleSet::from_json(r#"{"version": "2021-11", "knobs": {"display_pack_size": 4}}"#).unwrap();
    assert_eq!(legacy.knobs.estate_minimum_core_licences, 16);
    assert_eq!(legacy.knobs.ws_rule, RuleSet::legacy_2021().knobs.ws_rule);
    assert_eq!(legacy.knobs.display_pack_size, 4);
    let current = RuleSet::from_json(r#"{"version": "2023-04"}"#).unwrap();
    assert_eq!(current, RuleSet::current());
    let round_trip = RuleSet::from_json(&serde_json::to_string(&legacy).unwrap()).unwrap();
    assert_eq!(round_trip, legacy);
}
