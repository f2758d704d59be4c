//! Spellings through the C ABI: *licence* fields and headers read as *license* too, the yearly
//! price keys `…_per_core_year` with their deprecated names, one canonical spelling written,
//! and one field under two names a status with the field named in the last error.

use std::ptr;

use ahb::bytes::{ahb_bytes, ahb_bytes_data, ahb_bytes_free, ahb_bytes_len};
use ahb::estate::{ahb_estate, ahb_estate_free, ahb_estate_from_json};
use ahb::import::{
    ahb_importer, ahb_importer_add_licences_csv, ahb_importer_finish, ahb_importer_free,
    ahb_importer_new,
};
use ahb::plan::{ahb_optimize, ahb_plan, ahb_plan_free, ahb_plan_json};
use ahb::position::{ahb_audit, ahb_position, ahb_position_free, ahb_position_json};
use ahb::rule_set::{
    ahb_rule_set, ahb_rule_set_free, ahb_rule_set_from_json, ahb_rule_set_json,
    ahb_rule_set_new_current,
};
use ahb::status::{
    AHB_STATUS_INVALID_OPTION, AHB_STATUS_INVALID_VALUE, AHB_STATUS_OK, AHB_STATUS_PARSE,
    ahb_last_error_length, ahb_last_error_message, ahb_status,
};
use ahb::time::ahb_best_assignment;

const SAMPLE: &str = include_str!("../../examples/data/sample-estate.json");
const USAGE: &str = include_str!("../../examples/data/sample-sql-usage.csv");
const DATE: &str = "2026-11-25";

/// Copies and frees an `ahb_bytes`.
///
/// # Safety
///
/// `b` must be a live `ahb_bytes`, not used afterwards.
unsafe fn take(b: *mut ahb_bytes) -> String {
    // SAFETY: `b` is live; data/len describe its buffer until it is freed after the copy.
    unsafe {
        let bytes = std::slice::from_raw_parts(ahb_bytes_data(b), ahb_bytes_len(b)).to_vec();
        ahb_bytes_free(b);
        String::from_utf8(bytes).unwrap()
    }
}

fn last_error() -> String {
    let mut buf = vec![0u8; ahb_last_error_length() + 1];
    let mut n = 0;
    // SAFETY: `buf` is valid for its length; `n` is a local.
    let s = unsafe { ahb_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) };
    assert_eq!(s, AHB_STATUS_OK);
    buf.truncate(n);
    String::from_utf8(buf).unwrap()
}

/// The current rule set, freed on drop.
struct Rules(*mut ahb_rule_set);

impl Rules {
    fn current() -> Rules {
        let mut r = ptr::null_mut();
        // SAFETY: an out-pointer to a local.
        assert_eq!(unsafe { ahb_rule_set_new_current(&mut r) }, AHB_STATUS_OK);
        Rules(r)
    }
}

impl Drop for Rules {
    fn drop(&mut self) {
        // SAFETY: NULL or live, freed once.
        unsafe { ahb_rule_set_free(self.0) }
    }
}

/// An estate handle, freed on drop.
struct Estate(*mut ahb_estate);

impl Drop for Estate {
    fn drop(&mut self) {
        // SAFETY: NULL or live, freed once.
        unsafe { ahb_estate_free(self.0) }
    }
}

fn estate(json: &str) -> Result<Estate, ahb_status> {
    let mut e = ptr::null_mut();
    // SAFETY: valid (pointer, length) and an out-pointer to a local.
    match unsafe { ahb_estate_from_json(json.as_ptr(), json.len(), &mut e) } {
        AHB_STATUS_OK => Ok(Estate(e)),
        s => Err(s),
    }
}

fn audit_json(e: &Estate) -> String {
    let rules = Rules::current();
    let mut p: *mut ahb_position = ptr::null_mut();
    let mut b = ptr::null_mut();
    // SAFETY: live handles, valid date bytes, out-pointers to locals; freed once below.
    unsafe {
        assert_eq!(
            ahb_audit(e.0, rules.0, DATE.as_ptr(), DATE.len(), &mut p),
            AHB_STATUS_OK
        );
        assert_eq!(ahb_position_json(p, &mut b), AHB_STATUS_OK);
        ahb_position_free(p);
        take(b)
    }
}

fn plan_json(e: &Estate, options: &str) -> Result<String, ahb_status> {
    let rules = Rules::current();
    let mut p: *mut ahb_plan = ptr::null_mut();
    let mut b = ptr::null_mut();
    // SAFETY: live handles, valid option bytes, out-pointers to locals; freed once below.
    unsafe {
        let s = ahb_optimize(e.0, rules.0, options.as_ptr(), options.len(), &mut p);
        if s != AHB_STATUS_OK {
            return Err(s);
        }
        assert_eq!(ahb_plan_json(p, &mut b), AHB_STATUS_OK);
        ahb_plan_free(p);
        Ok(take(b))
    }
}

#[test]
fn estate_json_reads_license_spellings() {
    let canonical = estate(SAMPLE).unwrap();
    let american = SAMPLE
        .replace("\"licences\":", "\"licenses\":")
        .replace("\"license_type\":", "\"licence_type\":");
    assert_ne!(american, SAMPLE);
    let american = estate(&american).unwrap();
    assert_eq!(audit_json(&american), audit_json(&canonical));

    let both = SAMPLE.replacen("\"licences\":", "\"licenses\": [], \"licences\":", 1);
    assert_eq!(estate(&both).err(), Some(AHB_STATUS_INVALID_VALUE));
    assert!(last_error().contains("licences"), "{}", last_error());
}

#[test]
fn optimize_options_read_license_and_old_price_names() {
    let e = estate(SAMPLE).unwrap();
    let canonical = plan_json(
        &e,
        &format!(
            r#"{{"as_of": "{DATE}", "licence_prices_per_year":
                {{"windows_server_per_core_year": "120", "sql_standard_per_core_year": "493"}}}}"#
        ),
    )
    .unwrap();
    assert!(canonical.contains("\"windows_server_per_core_year\""));
    let other = plan_json(
        &e,
        &format!(
            r#"{{"as_of": "{DATE}", "license_prices_per_year":
                {{"windows_server_core": "120", "sql_standard_core": "493"}}}}"#
        ),
    )
    .unwrap();
    assert_eq!(other, canonical);

    let both = format!(
        r#"{{"as_of": "{DATE}", "licence_prices_per_year":
            {{"windows_server_core": "1", "windows_server_per_core_year": "1"}}}}"#
    );
    assert_eq!(plan_json(&e, &both).err(), Some(AHB_STATUS_INVALID_OPTION));
    assert!(
        last_error().contains("licence_prices_per_year.windows_server_per_core_year"),
        "{}",
        last_error()
    );
}

#[test]
fn best_assignment_reads_the_deprecated_price_names() {
    let e = estate(SAMPLE).unwrap();
    let rules = Rules::current();
    let best = |options: &str| {
        let mut b = ptr::null_mut();
        // SAFETY: live handles, valid (pointer, length) pairs, an out-pointer to a local.
        unsafe {
            let s = ahb_best_assignment(
                e.0,
                rules.0,
                USAGE.as_ptr(),
                USAGE.len(),
                options.as_ptr(),
                options.len(),
                &mut b,
            );
            if s == AHB_STATUS_OK {
                Ok(take(b))
            } else {
                Err(s)
            }
        }
    };
    let new = best(
        r#"{"scope": "sub-prod-data", "prices": {"sql_enterprise_per_core_year": "1890",
            "sql_standard_per_core_year": "493"}}"#,
    )
    .unwrap();
    let old = best(
        r#"{"scope": "sub-prod-data", "prices": {"enterprise_core": "1890",
            "standard_core": "493"}}"#,
    )
    .unwrap();
    assert_eq!(new, old);
    let negative =
        best(r#"{"scope": "sub-prod-data", "prices": {"sql_standard_per_core_year": "-1"}}"#);
    assert_eq!(negative.err(), Some(AHB_STATUS_INVALID_OPTION));
    assert!(
        last_error().contains("prices.sql_standard_per_core_year"),
        "{}",
        last_error()
    );
}

#[test]
fn rule_set_knobs_read_license_spellings() {
    let json_of = |text: &str| {
        let mut r = ptr::null_mut();
        let mut b = ptr::null_mut();
        // SAFETY: valid (pointer, length), out-pointers to locals; freed once below.
        unsafe {
            let s = ahb_rule_set_from_json(text.as_ptr(), text.len(), &mut r);
            if s != AHB_STATUS_OK {
                return Err(s);
            }
            let _owner = Rules(r);
            assert_eq!(ahb_rule_set_json(r, &mut b), AHB_STATUS_OK);
            Ok(take(b))
        }
    };
    let uk = json_of(r#"{"version": "2023-04", "knobs": {"estate_minimum_core_licences": 16}}"#)
        .unwrap();
    let us = json_of(r#"{"version": "2023-04", "knobs": {"estate_minimum_core_licenses": 16}}"#)
        .unwrap();
    assert_eq!(us, uk);
    assert!(!us.contains("licenses"));
    let both = json_of(
        r#"{"version": "2023-04", "knobs": {"estate_minimum_core_licences": 16,
            "estate_minimum_core_licenses": 16}}"#,
    );
    assert_eq!(both.err(), Some(AHB_STATUS_INVALID_OPTION));
    assert!(last_error().contains("knobs.estate_minimum_core_licences"));
}

#[test]
fn the_licence_csv_importer_reads_license_headers() {
    let import = |csv: &str| {
        let mut imp: *mut ahb_importer = ptr::null_mut();
        let mut e = ptr::null_mut();
        let name = "licences.csv";
        // SAFETY: valid (pointer, length) pairs and out-pointers to locals; freed once below.
        unsafe {
            assert_eq!(ahb_importer_new("{}".as_ptr(), 2, &mut imp), AHB_STATUS_OK);
            let mut s = ahb_importer_add_licences_csv(
                imp,
                name.as_ptr(),
                name.len(),
                csv.as_ptr(),
                csv.len(),
            );
            if s == AHB_STATUS_OK {
                s = ahb_importer_finish(imp, &mut e);
            }
            ahb_importer_free(imp);
            if s == AHB_STATUS_OK {
                Ok(Estate(e))
            } else {
                Err(s)
            }
        }
    };
    let uk = "Licence ID,Product,Edition,Licence Metric,Effective Licence Quantity,Programme,\
              SA Start,SA End\nWS,Windows Server,Datacenter,Core,16,EA,2025-07-01,2028-06-30\n";
    let us = uk.replace("Licence", "License");
    let a = audit_json(&import(uk).unwrap());
    assert!(a.contains("\"WS\""));
    assert_eq!(audit_json(&import(&us).unwrap()), a);
    let both = uk
        .replace("Licence ID,", "Licence ID,License ID,")
        .replace("WS,", "WS,WS,");
    assert_eq!(import(&both).err(), Some(AHB_STATUS_PARSE));
    assert!(last_error().contains("License ID"), "{}", last_error());
}
