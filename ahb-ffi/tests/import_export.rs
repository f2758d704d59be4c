//! The importer and the exporters through the C ABI give what ahb-core gives, byte for byte:
//! Azure exports, licences, a cost export and price pages of `ahb-core/tests/data` to an
//! estate, a plan, its az script, ARM patches and CSV; and the over/under-claimed row accessors
//! agree with the position JSON.

use std::ptr;

use ahb::bytes::{ahb_bytes, ahb_bytes_data, ahb_bytes_free, ahb_bytes_len};
use ahb::estate::{ahb_estate, ahb_estate_free};
use ahb::export::{ahb_plan_arm_patches_json, ahb_plan_az_script, ahb_plan_csv, ahb_position_csv};
use ahb::import::{
    ahb_importer, ahb_importer_add_catalogue, ahb_importer_add_cost_csv,
    ahb_importer_add_inventory, ahb_importer_add_licences_csv, ahb_importer_add_retail_prices,
    ahb_importer_finish, ahb_importer_free, ahb_importer_new, ahb_importer_report_json,
};
use ahb::plan::{ahb_optimize, ahb_plan, ahb_plan_free, ahb_plan_json};
use ahb::position::*;
use ahb::rule_set::{ahb_rule_set, ahb_rule_set_free, ahb_rule_set_new_current};
use ahb::status::AHB_STATUS_OK;
use ahb_core::export;
use ahb_core::import::Importer;

const DATE: &str = "2026-11-25";

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../ahb-core/tests/data/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

const SKUS: &str = "constructed_vm_skus.json";
const INVENTORY: [&str; 3] = [
    "constructed_az_vm_list.json",
    "constructed_arg_mixed.json",
    "constructed_powershell_get_azvm.json",
];
const LICENCES: &str = "constructed_licences.csv";
const COSTS: &str = "constructed_cost_effective.csv";
const PRICES: [&str; 2] = ["retail_prices_page1.json", "retail_prices_page2.json"];

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

type Add = unsafe extern "C" fn(*mut ahb_importer, *const u8, usize, *const u8, usize) -> u32;

/// Every handle of the test, freed on drop.
struct Run {
    importer: *mut ahb_importer,
    estate: *mut ahb_estate,
    rules: *mut ahb_rule_set,
    plan: *mut ahb_plan,
    position: *mut ahb_position,
}

impl Drop for Run {
    fn drop(&mut self) {
        // SAFETY: each handle is NULL or live, and freed exactly once here.
        unsafe {
            ahb_position_free(self.position);
            ahb_plan_free(self.plan);
            ahb_rule_set_free(self.rules);
            ahb_estate_free(self.estate);
            ahb_importer_free(self.importer);
        }
    }
}

fn run() -> Run {
    let mut r = Run {
        importer: ptr::null_mut(),
        estate: ptr::null_mut(),
        rules: ptr::null_mut(),
        plan: ptr::null_mut(),
        position: ptr::null_mut(),
    };
    let files: Vec<(&str, Add)> = std::iter::once((SKUS, ahb_importer_add_catalogue as Add))
        .chain(
            INVENTORY
                .iter()
                .map(|f| (*f, ahb_importer_add_inventory as Add)),
        )
        .chain(std::iter::once((
            LICENCES,
            ahb_importer_add_licences_csv as Add,
        )))
        .chain(std::iter::once((COSTS, ahb_importer_add_cost_csv as Add)))
        .chain(
            PRICES
                .iter()
                .map(|f| (*f, ahb_importer_add_retail_prices as Add)),
        )
        .collect();
    let options = format!(r#"{{"as_of": "{DATE}"}}"#);
    // SAFETY: valid (pointer, length) pairs and out-pointers to fields of `r`.
    unsafe {
        assert_eq!(ahb_importer_new(b"{}".as_ptr(), 2, &mut r.importer), 0);
        for (name, add) in files {
            let bytes = data(name);
            let s = add(
                r.importer,
                name.as_ptr(),
                name.len(),
                bytes.as_ptr(),
                bytes.len(),
            );
            assert_eq!(s, AHB_STATUS_OK, "{name}");
        }
        assert_eq!(ahb_importer_finish(r.importer, &mut r.estate), 0);
        assert_eq!(ahb_rule_set_new_current(&mut r.rules), 0);
        let s = ahb_optimize(
            r.estate,
            r.rules,
            options.as_ptr(),
            options.len(),
            &mut r.plan,
        );
        assert_eq!(s, AHB_STATUS_OK);
        let s = ahb_audit(
            r.estate,
            r.rules,
            DATE.as_ptr(),
            DATE.len(),
            &mut r.position,
        );
        assert_eq!(s, AHB_STATUS_OK);
    }
    r
}

fn core() -> (
    ahb_core::import::ImportOutcome,
    ahb_core::Plan,
    ahb_core::Position,
) {
    let cat = ahb_core::catalogue::Catalogue::bundled()
        .with_vm_skus_json(SKUS, std::str::from_utf8(&data(SKUS)).unwrap())
        .unwrap();
    let mut imp = Importer::with_catalogue(cat);
    for f in INVENTORY {
        imp.add_inventory_bytes(f, &data(f)).unwrap();
    }
    imp.add_licences_csv(LICENCES, &data(LICENCES)).unwrap();
    imp.add_cost_export_csv(COSTS, &data(COSTS)).unwrap();
    for f in PRICES {
        imp.add_retail_prices_json(f, std::str::from_utf8(&data(f)).unwrap())
            .unwrap();
    }
    let o = imp.finish().unwrap();
    let d = DATE.parse().unwrap();
    let rules = ahb_core::RuleSet::current();
    let plan = ahb_core::optimize(&o.estate, &rules, &ahb_core::OptimizeOptions::new(d)).unwrap();
    let pos = ahb_core::audit(&o.estate, &rules, d).unwrap();
    (o, plan, pos)
}

#[test]
fn azure_exports_to_a_plan_and_its_scripts_equal_core() {
    let r = run();
    let (outcome, plan, pos) = core();
    let (mut apply, mut rollback, mut b) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    // SAFETY: live handles and out-pointers to locals; each buffer is taken (freed) once.
    unsafe {
        assert_eq!(ahb_plan_json(r.plan, &mut b), 0);
        assert_eq!(take(b), plan.to_json());
        assert_eq!(
            ahb_plan_az_script(r.estate, r.plan, &mut apply, &mut rollback),
            0
        );
        let script = export::az_script(&outcome.estate, &plan).unwrap();
        assert_eq!(take(apply), script.apply);
        assert_eq!(take(rollback), script.rollback);
        assert!(
            !plan.changes.is_empty(),
            "the test data must give a plan with changes"
        );
        assert_eq!(ahb_plan_arm_patches_json(r.estate, r.plan, &mut b), 0);
        assert_eq!(
            take(b),
            export::arm_patches_json(&outcome.estate, &plan).unwrap()
        );
        assert_eq!(ahb_plan_csv(r.plan, &mut b), 0);
        assert_eq!(take(b), export::plan_csv(&plan));
        assert_eq!(ahb_position_csv(r.position, &mut b), 0);
        assert_eq!(take(b), export::position_csv(&pos));
        assert_eq!(ahb_position_json(r.position, &mut b), 0);
        assert_eq!(take(b), pos.to_json());
    }
}

#[test]
fn the_import_report_lists_what_was_left_out() {
    let r = run();
    let (outcome, _, _) = core();
    let mut b = ptr::null_mut();
    // SAFETY: a live importer and an out-pointer to a local.
    let report = unsafe {
        assert_eq!(ahb_importer_report_json(r.importer, &mut b), 0);
        take(b)
    };
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["schema"], "ahb.import-report/1");
    assert_eq!(v["resources"], outcome.estate.resources.len());
    assert_eq!(v["licences"], outcome.estate.licences.len());
    assert_eq!(
        v["skipped"],
        serde_json::to_value(&outcome.skipped).unwrap()
    );
    assert_eq!(
        v["unknown_sizes"],
        serde_json::to_value(&outcome.unknown_sizes).unwrap()
    );
    assert_eq!(v["priced"], serde_json::to_value(&outcome.priced).unwrap());
    assert_eq!(
        v["currency"],
        serde_json::to_value(&outcome.currency).unwrap()
    );
    assert!(!outcome.skipped.is_empty() && !outcome.priced.is_empty());
}

#[test]
fn row_accessors_agree_with_the_position_json() {
    let r = run();
    let (_, _, pos) = core();
    let (mut over, mut under) = (0usize, 0usize);
    // SAFETY: a live position, out-pointers to locals, buffers of the sizes given.
    unsafe {
        assert_eq!(ahb_position_over_claimed_count(r.position, &mut over), 0);
        assert_eq!(ahb_position_under_claimed_count(r.position, &mut under), 0);
        assert_eq!(
            (over, under),
            (pos.over_claimed.len(), pos.under_claimed.len())
        );
        assert!(
            over > 0 && under > 0,
            "the test data has both kinds of rows"
        );
        let mut b = ptr::null_mut();
        assert_eq!(ahb_position_over_claimed_json(r.position, &mut b), 0);
        let json: serde_json::Value = serde_json::from_str(&take(b)).unwrap();
        assert_eq!(json, serde_json::to_value(&pos.over_claimed).unwrap());
        assert_eq!(ahb_position_under_claimed_json(r.position, &mut b), 0);
        let json: serde_json::Value = serde_json::from_str(&take(b)).unwrap();
        assert_eq!(json, serde_json::to_value(&pos.under_claimed).unwrap());
        for (i, row) in pos.over_claimed.iter().enumerate() {
            let (mut units, mut uncovered, mut kind) = (0u64, 0u64, 99u32);
            assert_eq!(
                ahb_position_over_claimed_units(r.position, i, &mut units),
                0
            );
            assert_eq!(
                ahb_position_over_claimed_uncovered(r.position, i, &mut uncovered),
                0
            );
            assert_eq!(ahb_position_over_claimed_pool(r.position, i, &mut kind), 0);
            assert_eq!((units, uncovered), (row.units, row.uncovered));
            let name = std::ffi::CStr::from_ptr(ahb_pool_name(kind));
            assert_eq!(
                serde_json::to_value(row.pool).unwrap(),
                name.to_str().unwrap()
            );
            assert_eq!(ahb_position_over_claimed_resource(r.position, i, &mut b), 0);
            assert_eq!(take(b), row.resource);
            assert_eq!(ahb_position_over_claimed_reason(r.position, i, &mut b), 0);
            assert_eq!(take(b), row.reason.to_string());
            let mut buf = [0u8; AHB_DECIMAL_CAPACITY];
            let mut n = 0;
            let s = ahb_position_over_claimed_monthly_savings(
                r.position,
                i,
                buf.as_mut_ptr(),
                buf.len(),
                &mut n,
            );
            assert_eq!(s, 0);
            let want = row
                .monthly_savings
                .map(|d| d.to_string())
                .unwrap_or_default();
            assert_eq!(&buf[..n], want.as_bytes());
        }
        for (i, row) in pos.under_claimed.iter().enumerate() {
            let mut units = 0u64;
            assert_eq!(
                ahb_position_under_claimed_units(r.position, i, &mut units),
                0
            );
            assert_eq!(units, row.units);
            let mut b = ptr::null_mut();
            assert_eq!(
                ahb_position_under_claimed_resource(r.position, i, &mut b),
                0
            );
            assert_eq!(take(b), row.resource);
            let mut buf = [0u8; AHB_DECIMAL_CAPACITY];
            let mut n = 0;
            let s = ahb_position_under_claimed_monthly_savings(
                r.position,
                i,
                buf.as_mut_ptr(),
                buf.len(),
                &mut n,
            );
            assert_eq!(s, 0);
            let want = row
                .monthly_savings
                .map(|d| d.to_string())
                .unwrap_or_default();
            assert_eq!(&buf[..n], want.as_bytes());
        }
    }
}

#[test]
fn unpriced_accessors_agree_with_the_json_and_by_units_reaches_the_solver() {
    use ahb::plan::{
        AHB_SCOPE_PRICED_RESOURCES_ONLY, AHB_SCOPE_PRICED_THEN_UNPRICED_BY_UNITS,
        ahb_plan_certificate_scope, ahb_plan_unpriced_resources,
    };
    let r = run();
    let (_, plan, pos) = core();
    assert!(
        pos.unpriced_summary.resources > 0,
        "the test data has unpriced resources"
    );
    // SAFETY: live handles, out-pointers to locals; the second plan is freed once.
    unsafe {
        let (mut n, mut scope) = (0usize, 99u32);
        assert_eq!(ahb_position_unpriced_resources(r.position, &mut n), 0);
        assert_eq!(n, pos.unpriced_summary.resources);
        for (i, p) in pos.pools.iter().enumerate() {
            let mut units = u64::MAX;
            assert_eq!(
                ahb_position_pool_unpriced_units(r.position, i, &mut units),
                0
            );
            let want = pos
                .unpriced_summary
                .by_pool
                .iter()
                .find(|u| u.pool == p.pool)
                .map_or(0, |u| u.units);
            assert_eq!(units, want);
        }
        let mut units = 0u64;
        assert_ne!(
            ahb_position_pool_unpriced_units(r.position, pos.pools.len(), &mut units),
            0
        );
        assert_eq!(ahb_plan_unpriced_resources(r.plan, &mut n), 0);
        assert_eq!(n, plan.unpriced_summary.resources);
        assert_eq!(ahb_plan_certificate_scope(r.plan, &mut scope), 0);
        assert_eq!(scope, AHB_SCOPE_PRICED_RESOURCES_ONLY);
        // The option through the C options JSON.
        let options = format!(r#"{{"as_of": "{DATE}", "unpriced": "by_units"}}"#);
        let mut by_units = ptr::null_mut();
        let s = ahb_optimize(
            r.estate,
            r.rules,
            options.as_ptr(),
            options.len(),
            &mut by_units,
        );
        assert_eq!(s, AHB_STATUS_OK);
        assert_eq!(ahb_plan_certificate_scope(by_units, &mut scope), 0);
        assert_eq!(scope, AHB_SCOPE_PRICED_THEN_UNPRICED_BY_UNITS);
        let mut b = ptr::null_mut();
        assert_eq!(ahb_plan_json(by_units, &mut b), 0);
        let v: serde_json::Value = serde_json::from_str(&take(b)).unwrap();
        assert_eq!(v["options"]["unpriced"], "by_units");
        assert!(v["verification"]["compliant"].as_bool().unwrap());
        ahb_plan_free(by_units);
    }
}
