//! The body of the C ABI fuzz target, shared by the cargo-fuzz binary (`fuzz_targets/ffi_bytes.rs`)
//! and by `cargo test -p ahb-ffi --test fuzz_corpus`. The first byte chooses the function that
//! takes bytes; the rest are the bytes. A caught panic (`AHB_STATUS_PANIC`) is a failure.

#![allow(dead_code)]

use std::ptr;

use ahb::bytes::ahb_bytes_free;
use ahb::estate::{ahb_estate_free, ahb_estate_from_json};
use ahb::plan::{ahb_optimize, ahb_plan_free};
use ahb::position::{ahb_audit, ahb_position_free};
use ahb::rule_set::{ahb_rule_set_free, ahb_rule_set_from_json, ahb_rule_set_new_current};
use ahb::status::{AHB_STATUS_OK, AHB_STATUS_PANIC, ahb_status};
use ahb::time::{ahb_best_assignment, ahb_simulate_central, ahb_timeline};

/// The catalogue's base estate.
pub const BASE_ESTATE: &str = include_str!("../../ahb-core/tests/bad_inputs/base/estate.json");
const USAGE: &str = "resource,hour,vcores\ndb1,2026-01-01T00:00:00,4\ndb1,2026-01-01T01:00:00,8\n";

fn ok(status: ahb_status, what: &str) -> bool {
    assert_ne!(status, AHB_STATUS_PANIC, "{what} panicked");
    status == AHB_STATUS_OK
}

/// Runs one input; panics (fails) only when a function reports a caught panic.
pub fn ffi_bytes(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    // SAFETY: every pointer passed is either NULL-checked output storage on this stack, a live
    // handle created above and freed below, or a (pointer, length) view of a live slice.
    unsafe {
        let mut estate = ptr::null_mut();
        let mut rules = ptr::null_mut();
        let base = BASE_ESTATE.as_bytes();
        assert!(ok(
            ahb_estate_from_json(base.as_ptr(), base.len(), &mut estate),
            "base"
        ));
        assert!(ok(ahb_rule_set_new_current(&mut rules), "rules"));
        let mut bytes = ptr::null_mut();
        match which % 7 {
            0 => {
                let mut e = ptr::null_mut();
                if ok(
                    ahb_estate_from_json(rest.as_ptr(), rest.len(), &mut e),
                    "estate",
                ) {
                    let mut p = ptr::null_mut();
                    let as_of = b"2026-06-01";
                    if ok(
                        ahb_audit(e, rules, as_of.as_ptr(), as_of.len(), &mut p),
                        "audit",
                    ) {
                        ahb_position_free(p);
                    }
                    let o = br#"{"as_of": "2026-06-01", "exact_work_budget": 200000}"#;
                    let mut plan = ptr::null_mut();
                    if ok(
                        ahb_optimize(e, rules, o.as_ptr(), o.len(), &mut plan),
                        "optimize",
                    ) {
                        ahb_plan_free(plan);
                    }
                    ahb_estate_free(e);
                }
            }
            1 => {
                let mut r = ptr::null_mut();
                if ok(
                    ahb_rule_set_from_json(rest.as_ptr(), rest.len(), &mut r),
                    "rule set",
                ) {
                    let mut p = ptr::null_mut();
                    let as_of = b"2026-06-01";
                    if ok(
                        ahb_audit(estate, r, as_of.as_ptr(), as_of.len(), &mut p),
                        "audit",
                    ) {
                        ahb_position_free(p);
                    }
                    ahb_rule_set_free(r);
                }
            }
            2 => {
                let mut plan = ptr::null_mut();
                if ok(
                    ahb_optimize(estate, rules, rest.as_ptr(), rest.len(), &mut plan),
                    "optimize",
                ) {
                    ahb_plan_free(plan);
                }
            }
            3 => {
                let _ = ok(
                    ahb_simulate_central(estate, rules, rest.as_ptr(), rest.len(), &mut bytes),
                    "simulate",
                );
            }
            4 => {
                let _ = ok(
                    ahb_timeline(estate, rules, rest.as_ptr(), rest.len(), &mut bytes),
                    "timeline",
                );
            }
            5 => {
                let u = USAGE.as_bytes();
                let _ = ok(
                    ahb_best_assignment(
                        estate,
                        rules,
                        u.as_ptr(),
                        u.len(),
                        rest.as_ptr(),
                        rest.len(),
                        &mut bytes,
                    ),
                    "best assignment",
                );
            }
            _ => {
                let mut p = ptr::null_mut();
                if ok(
                    ahb_audit(estate, rules, rest.as_ptr(), rest.len(), &mut p),
                    "audit as_of",
                ) {
                    ahb_position_free(p);
                }
            }
        }
        if !bytes.is_null() {
            ahb_bytes_free(bytes);
        }
        ahb_rule_set_free(rules);
        ahb_estate_free(estate);
    }
}
