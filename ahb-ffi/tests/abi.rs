//! The C ABI called from Rust: results through the ABI equal ahb-core's own, byte for byte;
//! the last error is per thread; const handles can be shared between threads.

use std::ptr;

use ahb::bytes::{ahb_bytes, ahb_bytes_data, ahb_bytes_free, ahb_bytes_len};
use ahb::estate::{ahb_estate, ahb_estate_free, ahb_estate_from_json};
use ahb::plan::{ahb_audit_and_optimize, ahb_optimize, ahb_plan, ahb_plan_free, ahb_plan_json};
use ahb::position::{ahb_audit, ahb_position, ahb_position_free, ahb_position_json};
use ahb::rule_set::{ahb_rule_set, ahb_rule_set_free, ahb_rule_set_new_current};
use ahb::status::{
    AHB_STATUS_NULL_ARGUMENT, AHB_STATUS_OK, AHB_STATUS_PARSE, ahb_last_error_length,
    ahb_last_error_message,
};

const SAMPLE: &str = include_str!("../../examples/data/sample-estate.json");
const DATE: &str = "2026-11-25";

/// Owned handles, freed on drop, so a failing assertion does not leak.
struct Handles {
    estate: *mut ahb_estate,
    rules: *mut ahb_rule_set,
}

// SAFETY: estates and rule sets are immutable once built; sharing their const pointers across
// threads is what the header allows.
unsafe impl Send for Handles {}
// SAFETY: as above.
unsafe impl Sync for Handles {}

impl Handles {
    fn sample() -> Handles {
        let mut h = Handles {
            estate: ptr::null_mut(),
            rules: ptr::null_mut(),
        };
        // SAFETY: valid (pointer, length) and out-pointers to locals.
        unsafe {
            assert_eq!(
                ahb_estate_from_json(SAMPLE.as_ptr(), SAMPLE.len(), &mut h.estate),
                AHB_STATUS_OK
            );
            assert_eq!(ahb_rule_set_new_current(&mut h.rules), AHB_STATUS_OK);
        }
        h
    }

    fn audit_json(&self) -> String {
        let mut p: *mut ahb_position = ptr::null_mut();
        let mut b: *mut ahb_bytes = ptr::null_mut();
        // SAFETY: live handles, valid date bytes, out-pointers to locals; freed once below.
        unsafe {
            assert_eq!(
                ahb_audit(self.estate, self.rules, DATE.as_ptr(), DATE.len(), &mut p),
                AHB_STATUS_OK
            );
            assert_eq!(ahb_position_json(p, &mut b), AHB_STATUS_OK);
            let text = take(b);
            ahb_position_free(p);
            text
        }
    }
}

impl Drop for Handles {
    fn drop(&mut self) {
        // SAFETY: each handle is NULL or live, and freed exactly once here.
        unsafe {
            ahb_estate_free(self.estate);
            ahb_rule_set_free(self.rules);
        }
    }
}

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

fn core_estate() -> ahb_core::Estate {
    ahb_core::Estate::from_json(SAMPLE).unwrap()
}

#[test]
fn audit_through_the_abi_equals_core() {
    let via_abi = Handles::sample().audit_json();
    let date = DATE.parse().unwrap();
    let direct = ahb_core::audit(&core_estate(), &ahb_core::RuleSet::current(), date).unwrap();
    assert_eq!(via_abi, direct.to_json());
}

#[test]
fn optimize_through_the_abi_equals_core() {
    let h = Handles::sample();
    let options = format!(r#"{{"as_of": "{DATE}", "objective": "max_savings"}}"#);
    let mut plan: *mut ahb_plan = ptr::null_mut();
    let mut b: *mut ahb_bytes = ptr::null_mut();
    // SAFETY: live handles, valid option bytes, out-pointers to locals; freed once below.
    let via_abi = unsafe {
        assert_eq!(
            ahb_optimize(
                h.estate,
                h.rules,
                options.as_ptr(),
                options.len(),
                &mut plan
            ),
            AHB_STATUS_OK
        );
        assert_eq!(ahb_plan_json(plan, &mut b), AHB_STATUS_OK);
        let text = take(b);
        ahb_plan_free(plan);
        text
    };
    let opts = ahb_core::OptimizeOptions::from_json(&options).unwrap();
    let direct = ahb_core::optimize(&core_estate(), &ahb_core::RuleSet::current(), &opts).unwrap();
    assert_eq!(via_abi, direct.to_json());
}

#[test]
fn audit_and_optimize_through_the_abi_equals_audit_then_optimize() {
    let h = Handles::sample();
    let options = format!(r#"{{"as_of": "{DATE}"}}"#);
    let mut position: *mut ahb_position = ptr::null_mut();
    let mut plan: *mut ahb_plan = ptr::null_mut();
    let (mut a, mut b): (*mut ahb_bytes, *mut ahb_bytes) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: live handles, valid option bytes, out-pointers to locals; each result freed once.
    let (position_json, plan_json) = unsafe {
        // Either out-pointer NULL: an error, and nothing written.
        let s = ahb_audit_and_optimize(
            h.estate,
            h.rules,
            options.as_ptr(),
            options.len(),
            ptr::null_mut(),
            &mut plan,
        );
        assert_eq!(s, AHB_STATUS_NULL_ARGUMENT);
        assert!(plan.is_null());
        let s = ahb_audit_and_optimize(
            h.estate,
            h.rules,
            options.as_ptr(),
            options.len(),
            &mut position,
            &mut plan,
        );
        assert_eq!(s, AHB_STATUS_OK);
        assert_eq!(ahb_position_json(position, &mut a), AHB_STATUS_OK);
        assert_eq!(ahb_plan_json(plan, &mut b), AHB_STATUS_OK);
        let texts = (take(a), take(b));
        ahb_position_free(position);
        ahb_plan_free(plan);
        texts
    };
    assert_eq!(position_json, h.audit_json());
    let opts = ahb_core::OptimizeOptions::from_json(&options).unwrap();
    let alone = ahb_core::optimize(&core_estate(), &ahb_core::RuleSet::current(), &opts).unwrap();
    assert_eq!(plan_json, alone.to_json());
}

#[test]
fn the_last_error_belongs_to_the_thread() {
    let mut e: *mut ahb_estate = ptr::null_mut();
    // SAFETY: a valid one-byte text and an out-pointer to a local.
    assert_eq!(
        unsafe { ahb_estate_from_json(b"{".as_ptr(), 1, &mut e) },
        AHB_STATUS_PARSE
    );
    let mine = last_error();
    assert!(mine.contains("line 1"), "{mine}");
    let theirs = std::thread::spawn(|| {
        let before = last_error();
        let mut e: *mut ahb_estate = ptr::null_mut();
        // SAFETY: a valid text and an out-pointer to a local.
        let s = unsafe { ahb_estate_from_json(b"[]".as_ptr(), 2, &mut e) };
        assert_ne!(s, AHB_STATUS_OK);
        (before, last_error())
    })
    .join()
    .unwrap();
    assert_eq!(theirs.0, "", "a new thread starts without a last error");
    assert_ne!(theirs.1, mine);
    assert_eq!(
        last_error(),
        mine,
        "another thread's failure leaves this one's alone"
    );
}

#[test]
fn const_handles_can_be_shared_between_threads() {
    let h = Handles::sample();
    let expected = h.audit_json();
    std::thread::scope(|s| {
        let runs: Vec<_> = (0..4).map(|_| s.spawn(|| h.audit_json())).collect();
        for r in runs {
            assert_eq!(r.join().unwrap(), expected);
        }
    });
}

/// Hourly usage given to `ahb_simulate_central` as a Parquet file (told from CSV by its magic)
/// simulates as the same usage given as CSV; a damaged Parquet file is `AHB_STATUS_PARSE`.
#[test]
fn usage_as_parquet_simulates_as_usage_as_csv() {
    use ahb::time::ahb_simulate_central;

    let csv = include_bytes!("../../examples/data/sample-sql-usage.csv");
    let parquet = include_bytes!("../../ahb-core/tests/data/parquet/sample-sql-usage.parquet");
    let h = Handles::sample();
    let simulate = |usage: &[u8]| {
        let mut b: *mut ahb_bytes = ptr::null_mut();
        // SAFETY: live handles, a valid (pointer, length), an out-pointer to a local.
        let status =
            unsafe { ahb_simulate_central(h.estate, h.rules, usage.as_ptr(), usage.len(), &mut b) };
        // SAFETY: written only on success, then copied and freed once.
        (
            status,
            (status == AHB_STATUS_OK).then(|| unsafe { take(b) }),
        )
    };
    let (s, from_csv) = simulate(csv);
    assert_eq!(s, AHB_STATUS_OK, "{}", last_error());
    let (s, from_parquet) = simulate(parquet);
    assert_eq!(s, AHB_STATUS_OK, "{}", last_error());
    assert!(from_csv.as_ref().is_some_and(|t| t.len() > 1000));
    assert_eq!(from_parquet, from_csv);
    let (s, none) = simulate(&parquet[..parquet.len() / 2]);
    assert_eq!((s, none), (AHB_STATUS_PARSE, None));
    assert!(last_error().contains("Parquet"), "{}", last_error());
}
