//! The optimiser against a brute-force oracle: every subset of claims is audited, and the best
//! compliant subset's savings must equal the plan's (or lie within its certificate when the
//! plan is not proven optimal). Plus feasibility, monotonicity in supply, permutation
//! invariance, determinism, the traps where ranking by savings per licence fails, and the
//! typed errors of bad options.

use ahb_core::solve::{Action, CertificateScope, Objective, UnpricedValuation};
use ahb_core::{ErrorCode, Estate, OptimizeOptions, RuleSet, audit, audit_and_optimize, optimize};
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

mod common;

/// The audit date of these tests.
fn date() -> NaiveDate {
    common::ymd(2026, 6, 1)
}

/// A resource of a random kind with prices; `on` sets today's claim.
fn resource(kind: u8, size: u32, price: u32, on: bool) -> Value {
    let prices = json!({"payg_per_hour": format!("{}.{:02}", price / 100 + 1, price % 100), "ahb_per_hour": "1.00"});
    let mut r = match kind {
        0 => json!({"kind": "vm", "os": "windows", "vcpus": size,
                    "license_type": if on { "Windows_Server" } else { "None" }}),
        1 => json!({"kind": "dedicated_host", "physical_cores": size * 4,
                    "license_type": if on { "Windows_Server_Hybrid" } else { "None" }}),
        2 => json!({"kind": "azure_local_cluster", "node_cores": [size * 2, size * 2], "ahb": on}),
        3 => {
            json!({"kind": "sql_vm", "edition": if size % 2 == 0 { "enterprise" } else { "standard" },
                    "vcpus": size, "license_type": if on { "AHUB" } else { "PAYG" }})
        }
        4 => {
            json!({"kind": "sql_database", "tier": if size % 3 == 0 { "business_critical" } else { "general_purpose" },
                    "vcores": size, "license_type": if on { "BasePrice" } else { "LicenseIncluded" }})
        }
        _ => json!({"kind": "vm", "os": "rhel", "vcpus": size,
                    "license_type": if on { "RHEL_BYOS" } else { "None" }}),
    };
    r["prices"] = prices;
    r
}

fn line(kind: u8, q: u32, onprem: u32, window: bool, programme: u8) -> Value {
    let (product, edition) = match kind {
        0 => ("windows_server", Some("standard")),
        1 => ("windows_server", Some("datacenter")),
        2 => ("sql_server", Some("standard")),
        3 => ("sql_server", Some("enterprise")),
        _ => ("rhel", None),
    };
    let programme = ["ea", "csp", "mpsa"][programme as usize % 3];
    let mut l = json!({"product": product, "metric": if edition.is_some() { "core" } else { "subscription" },
                       "quantity": q, "programme": programme,
                       "on_premises_in_use": onprem.min(q),
                       "sa": {"start": "2025-01-01", "end": "2027-12-31"}});
    if let Some(e) = edition {
        l["edition"] = json!(e);
    }
    if window {
        l["migration_start"] = json!("2026-04-01");
    }
    l
}

#[derive(Debug, Clone)]
struct Case {
    resources: Vec<(u8, u32, u32, bool, u8)>,
    lines: Vec<(u8, u32, u32, bool, u8, bool)>,
}

fn case(scoped: bool) -> impl Strategy<Value = Case> {
    let res = (0u8..6, 1u32..20, 0u32..400, any::<bool>(), 0u8..2);
    let lin = (
        0u8..5,
        1u32..48,
        0u32..24,
        any::<bool>(),
        0u8..3,
        any::<bool>(),
    );
    (
        prop::collection::vec(res, 1..8),
        prop::collection::vec(lin, 1..5),
    )
        .prop_map(move |(mut r, mut l)| {
            // HCI-5: an activated Azure Local benefit cannot be deactivated, so the oracle's
            // subsets (which may drop any claim) only match when no cluster is on today; the
            // irreversible case is tested in compliance.rs.
            for x in &mut r {
                if x.0 == 2 {
                    x.3 = false;
                }
            }
            if !scoped {
                for x in &mut l {
                    x.5 = false;
                }
            }
            Case {
                resources: r,
                lines: l,
            }
        })
}

fn estate_json(c: &Case, claims: Option<&[bool]>) -> Value {
    let resources: Vec<Value> = c
        .resources
        .iter()
        .enumerate()
        .map(|(i, &(k, s, p, on, sc))| {
            let on = claims.map_or(on, |cl| cl[i]);
            let mut r = resource(k, s, p, on);
            r["id"] = json!(format!("r{i}"));
            r["scope"] = json!(if sc == 0 { "sub-a" } else { "sub-b" });
            r
        })
        .collect();
    let lines: Vec<Value> = c
        .lines
        .iter()
        .enumerate()
        .map(|(i, &(k, q, o, w, p, scoped))| {
            let mut l = line(k, q, o, w, p);
            l["id"] = json!(format!("L{i}"));
            if scoped {
                l["scope"] = json!("sub-a");
            }
            l
        })
        .collect();
    json!({"schema": "ahb.estate/1",
           "scopes": [{"id": "sub-a", "kind": "subscription"}, {"id": "sub-b", "kind": "subscription"}],
           "licences": lines, "resources": resources})
}

fn load(v: &Value) -> Estate {
    Estate::from_json(&v.to_string()).unwrap()
}

/// The best savings of any compliant set of claims, by auditing every subset of the
/// resources that have a requirement as given (a dedicated host without Windows VMs has none
/// unless it is licensed at host level today).
fn oracle(c: &Case, only_today: bool) -> Decimal {
    let n = c.resources.len();
    let given = audit(&load(&estate_json(c, None)), &RuleSet::current(), date()).unwrap();
    let claimable: Vec<bool> = given
        .resources
        .iter()
        .map(|a| a.requirements.iter().any(|q| q.eligible && q.units > 0))
        .collect();
    let mut best = Decimal::ZERO;
    for mask in 0u32..1 << n {
        let claims: Vec<bool> = (0..n).map(|i| mask >> i & 1 == 1).collect();
        if claims.iter().zip(&claimable).any(|(on, ok)| *on && !ok) {
            continue;
        }
        if only_today && claims.iter().zip(&c.resources).any(|(on, r)| *on && !r.3) {
            continue;
        }
        let p = audit(
            &load(&estate_json(c, Some(&claims))),
            &RuleSet::current(),
            date(),
        )
        .unwrap();
        if !p.compliant {
            continue;
        }
        let savings: Decimal = p
            .resources
            .iter()
            .flat_map(|a| &a.requirements)
            .filter(|q| q.claimed && q.units > 0)
            .filter_map(|q| q.monthly_savings)
            .sum();
        best = best.max(savings);
    }
    best
}

/// Applies a plan's decisions and audits the result.
fn plan_is_compliant(c: &Case, plan: &ahb_core::Plan) -> bool {
    let claims: Vec<bool> = (0..c.resources.len())
        .map(|i| {
            plan.assignments
                .iter()
                .any(|a| a.resource == format!("r{i}") && a.carry)
        })
        .collect();
    audit(
        &load(&estate_json(c, Some(&claims))),
        &RuleSet::current(),
        date(),
    )
    .unwrap()
    .compliant
}

/// `case`'s estate with the resources marked in `unpriced` stripped of their prices.
fn without_prices(v: &mut Value, unpriced: &[bool]) {
    for (r, &u) in v["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(unpriced)
    {
        if u {
            r.as_object_mut().unwrap().remove("prices");
        }
    }
}

/// The lexicographic optimum of `unpriced = by_units` by brute force: over every compliant
/// subset of claims, the most money, then the most licence units carried by eligible
/// requirements without prices.
fn unit_proxy_oracle(c: &Case, unpriced: &[bool]) -> (Decimal, u64) {
    let n = c.resources.len();
    // As in `oracle`: only resources with a requirement as given may claim.
    let mut given = estate_json(c, None);
    without_prices(&mut given, unpriced);
    let claimable: Vec<bool> = audit(&load(&given), &RuleSet::current(), date())
        .unwrap()
        .resources
        .iter()
        .map(|a| a.requirements.iter().any(|q| q.eligible && q.units > 0))
        .collect();
    let mut best = (Decimal::MIN, 0);
    for mask in 0u32..1 << n {
        let claims: Vec<bool> = (0..n).map(|i| mask >> i & 1 == 1).collect();
        if claims.iter().zip(&claimable).any(|(on, ok)| *on && !ok) {
            continue;
        }
        let mut v = estate_json(c, Some(&claims));
        without_prices(&mut v, unpriced);
        let p = audit(&load(&v), &RuleSet::current(), date()).unwrap();
        let reqs = || {
            p.resources
                .iter()
                .flat_map(|a| &a.requirements)
                .filter(|q| q.claimed && q.units > 0)
        };
        // A claim the rules do not allow (no requirement, ineligible) is not a plan.
        if !p.compliant || reqs().any(|q| !q.eligible) {
            continue;
        }
        let money: Decimal = reqs().filter_map(|q| q.monthly_savings).sum();
        let units: u64 = reqs()
            .filter(|q| q.monthly_savings.is_none())
            .map(|q| q.units)
            .sum();
        best = best.max((money, units));
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// `unpriced = by_units` against brute force: the plan's money is the best money of any
    /// compliant set of claims and, among those, its unpriced licence units are the most; the
    /// plan audits compliant and is proven optimal.
    #[test]
    fn by_units_plans_are_the_lexicographic_optimum_of_brute_force(
        c in case(false),
        unpriced in prop::collection::vec(any::<bool>(), 8),
    ) {
        let mut v = estate_json(&c, None);
        without_prices(&mut v, &unpriced);
        let mut o = OptimizeOptions::new(date());
        o.unpriced = UnpricedValuation::ByUnits;
        let plan = optimize(&load(&v), &RuleSet::current(), &o).unwrap();
        let (money, units) = unit_proxy_oracle(&c, &unpriced);
        let carried: u64 = plan
            .unpriced_summary
            .by_pool
            .iter()
            .filter_map(|p| p.carried_units)
            .sum();
        prop_assert!(plan.certificate.proven_optimal, "{:?}", plan.certificate);
        prop_assert_eq!(plan.certificate.gap, Decimal::ZERO);
        prop_assert_eq!(plan.certificate.objective, money);
        prop_assert_eq!(carried, units, "{}", plan.to_text());
        prop_assert!(plan.verification.compliant);
        let claims: Vec<bool> = (0..c.resources.len())
            .map(|i| plan.assignments.iter().any(|a| a.resource == format!("r{i}") && a.carry))
            .collect();
        let mut applied = estate_json(&c, Some(&claims));
        without_prices(&mut applied, &unpriced);
        prop_assert!(audit(&load(&applied), &RuleSet::current(), date()).unwrap().compliant);
        if plan.unpriced_summary.resources > 0 {
            prop_assert_eq!(plan.certificate.scope, CertificateScope::PricedThenUnpricedByUnits);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn unscoped_plans_are_proven_optimal_and_equal_brute_force(c in case(false)) {
        let plan = optimize(&load(&estate_json(&c, None)), &RuleSet::current(), &OptimizeOptions::new(date())).unwrap();
        prop_assert!(plan.certificate.proven_optimal, "{:?}", plan.certificate);
        prop_assert_eq!(plan.certificate.gap, Decimal::ZERO);
        prop_assert_eq!(plan.certificate.objective, oracle(&c, false));
        prop_assert!(plan_is_compliant(&c, &plan));
    }

    #[test]
    fn scoped_plans_are_feasible_and_bracket_the_optimum(c in case(true)) {
        let plan = optimize(&load(&estate_json(&c, None)), &RuleSet::current(), &OptimizeOptions::new(date())).unwrap();
        let best = oracle(&c, false);
        prop_assert!(plan.certificate.objective <= best);
        prop_assert!(plan.certificate.upper_bound >= best, "{:?} vs {best}", plan.certificate);
        if plan.certificate.proven_optimal {
            prop_assert_eq!(plan.certificate.objective, best);
        }
        prop_assert!(plan_is_compliant(&c, &plan));
    }

    #[test]
    fn compliance_first_never_enables_and_keeps_the_most(c in case(false)) {
        let mut o = OptimizeOptions::new(date());
        o.objective = Objective::ComplianceFirst;
        let plan = optimize(&load(&estate_json(&c, None)), &RuleSet::current(), &o).unwrap();
        prop_assert!(plan.changes.iter().all(|ch| ch.action == Action::Disable));
        prop_assert_eq!(plan.certificate.objective, oracle(&c, true));
        prop_assert!(plan_is_compliant(&c, &plan));
    }

    #[test]
    fn more_supply_never_lowers_the_optimum(c in case(false), extra in 1u32..32, kind in 0u8..5) {
        let before = optimize(&load(&estate_json(&c, None)), &RuleSet::current(), &OptimizeOptions::new(date())).unwrap();
        let mut more = c.clone();
        more.lines.push((kind, extra, 0, false, 0, false));
        let after = optimize(&load(&estate_json(&more, None)), &RuleSet::current(), &OptimizeOptions::new(date())).unwrap();
        prop_assert!(after.certificate.objective >= before.certificate.objective);
    }

    #[test]
    fn plans_are_deterministic_and_permutation_invariant(c in case(false)) {
        let e = load(&estate_json(&c, None));
        let o = OptimizeOptions::new(date());
        let a = optimize(&e, &RuleSet::current(), &o).unwrap();
        prop_assert_eq!(a.to_json(), optimize(&e, &RuleSet::current(), &o).unwrap().to_json());
        let mut rev = e.clone();
        rev.resources.reverse();
        rev.licences.reverse();
        let b = optimize(&rev, &RuleSet::current(), &o).unwrap();
        prop_assert_eq!(a.certificate.objective, b.certificate.objective);
    }
}

fn vm(id: &str, vcpus: u32, saving_per_hour: &str) -> Value {
    json!({"id": id, "kind": "vm", "os": "windows", "vcpus": vcpus,
           "prices": {"payg_per_hour": saving_per_hour, "ahb_per_hour": "0"}})
}

fn ws(q: u32) -> Value {
    json!({"id": "L", "product": "windows_server", "edition": "standard", "metric": "core",
           "quantity": q, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2027-12-31"}})
}

fn plan_of(
    resources: Value,
    licences: Value,
    o: &OptimizeOptions,
) -> ahb_core::Result<ahb_core::Plan> {
    let e = Estate::from_json(
        &json!({"schema": "ahb.estate/1", "licences": licences, "resources": resources})
            .to_string(),
    )?;
    optimize(&e, &RuleSet::current(), o)
}

fn carried(plan: &ahb_core::Plan) -> Vec<&str> {
    plan.assignments
        .iter()
        .filter(|a| a.carry)
        .map(|a| a.resource.as_str())
        .collect()
}

#[test]
fn trap_one_16_vcpu_vm_crowds_out_two_12s_that_save_more() {
    // Per licence the 16 saves more (1.10/16 > 0.80/12), but two 12s save 1.60 in 24 licences.
    let plan = plan_of(
        json!([
            vm("big", 16, "1.10"),
            vm("a12", 12, "0.80"),
            vm("b12", 12, "0.80")
        ]),
        json!([ws(24)]),
        &OptimizeOptions::new(date()),
    )
    .unwrap();
    assert_eq!(carried(&plan), vec!["a12", "b12"]);
    assert!(plan.certificate.proven_optimal);
    assert_eq!(
        plan.certificate.objective,
        Decimal::new(160, 2) * Decimal::from(730)
    );
}

#[test]
fn trap_small_vms_waste_licences_under_the_8_minimum() {
    // Four 2-vCPU VMs each need 8 licences (WS-1); one 32-vCPU VM saving less per VM wins.
    let plan = plan_of(
        json!([
            vm("s1", 2, "0.30"),
            vm("s2", 2, "0.30"),
            vm("s3", 2, "0.30"),
            vm("s4", 2, "0.30"),
            vm("big", 32, "1.50")
        ]),
        json!([ws(32)]),
        &OptimizeOptions::new(date()),
    )
    .unwrap();
    assert_eq!(carried(&plan), vec!["big"]);
}

#[test]
fn ties_keep_todays_setting_then_resource_id() {
    let mut a = vm("a", 8, "1.00");
    let mut b = vm("b", 8, "1.00");
    a["license_type"] = json!("None");
    b["license_type"] = json!("Windows_Server");
    let plan = plan_of(json!([a, b]), json!([ws(8)]), &OptimizeOptions::new(date())).unwrap();
    assert_eq!(carried(&plan), vec!["b"]);
    assert!(plan.changes.is_empty());
    let plan = plan_of(
        json!([vm("b", 8, "1.00"), vm("a", 8, "1.00")]),
        json!([ws(8)]),
        &OptimizeOptions::new(date()),
    )
    .unwrap();
    assert_eq!(carried(&plan), vec!["a"]);
}

#[test]
fn pins_excludes_and_reserve_are_honoured() {
    let resources = json!([vm("x", 8, "2.00"), vm("y", 8, "1.00"), vm("z", 8, "0.50")]);
    let mut o = OptimizeOptions::new(date());
    o.pin = vec!["z".into()];
    o.exclude = vec!["x".into()];
    o.reserve.windows_server = 8;
    let plan = plan_of(resources, json!([ws(24)]), &o).unwrap();
    assert_eq!(carried(&plan), vec!["y", "z"]);
    assert_eq!(plan.pools[0].reserve, 8);
}

#[test]
fn a_change_penalty_keeps_small_improvements_off() {
    let mut a = vm("a", 8, "1.00");
    a["license_type"] = json!("Windows_Server");
    let b = vm("b", 8, "1.01");
    let mut o = OptimizeOptions::new(date());
    let plan = plan_of(json!([a.clone(), b.clone()]), json!([ws(8)]), &o).unwrap();
    assert_eq!(carried(&plan), vec!["b"]);
    o.change_penalty_per_month = Some(Decimal::from(10));
    let plan = plan_of(json!([a, b]), json!([ws(8)]), &o).unwrap();
    assert_eq!(carried(&plan), vec!["a"]);
}

#[test]
fn min_change_removes_the_fewest_claims() {
    // 24 licences and claims of 16, 8, 8 and 8: dropping the 16 alone is the single change
    // that restores compliance, though it saves the most.
    let mut big = vm("big", 16, "5.00");
    let mut a = vm("a", 8, "1.00");
    let mut b = vm("b", 8, "1.00");
    let mut c = vm("c", 8, "0.10");
    for r in [&mut big, &mut a, &mut b, &mut c] {
        r["license_type"] = json!("Windows_Server");
    }
    let mut o = OptimizeOptions::new(date());
    o.objective = Objective::MinChange;
    let plan = plan_of(json!([big, a, b, c]), json!([ws(24)]), &o).unwrap();
    assert_eq!(plan.changes.len(), 1);
    assert_eq!(carried(&plan), vec!["a", "b", "c"]);
    assert_eq!(plan.certificate.measure, "claims_kept");
}

#[test]
fn bad_options_give_typed_errors() {
    let resources = json!([vm("x", 8, "2.00")]);
    let mut o = OptimizeOptions::new(date());
    o.pin = vec!["nope".into()];
    let e = plan_of(resources.clone(), json!([ws(8)]), &o).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    assert_eq!(e.location().field.as_deref(), Some("pin[0]"));
    let mut o = OptimizeOptions::new(date());
    o.pin = vec!["x".into()];
    o.exclude = vec!["x".into()];
    let e = plan_of(resources.clone(), json!([ws(8)]), &o).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    let e =
        OptimizeOptions::from_json(r#"{"as_of": "2026-06-01", "reserve": {"windows_server": -8}}"#)
            .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    assert_eq!(
        e.location().field.as_deref(),
        Some("reserve.windows_server")
    );
    let e = OptimizeOptions::from_json(r#"{"as_of": "2026-06-01", "objective": "cheapest"}"#)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    // Pins beyond supply.
    let mut o = OptimizeOptions::new(date());
    o.pin = vec!["x".into()];
    let e = plan_of(resources, json!([ws(4)]), &o).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidOption);
    assert!(e.message().contains("cover only"), "{e}");
}

#[test]
fn the_sample_estate_plan_is_proven_optimal() {
    let e = Estate::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/sample-estate.json"
    ))
    .unwrap();
    let plan = optimize(
        &e,
        &RuleSet::current(),
        &OptimizeOptions::new(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()),
    )
    .unwrap();
    assert!(plan.certificate.proven_optimal, "{:?}", plan.certificate);
    assert_eq!(plan.certificate.gap, Decimal::ZERO);
    // The plan is compliant when applied.
    assert!(
        plan.pools
            .iter()
            .all(|p| p.used + p.idle + p.reserve >= p.used)
    );
}

#[test]
fn many_host_level_candidates_use_greedy_then_exact_knapsack_within_the_bound() {
    // More Azure Local clusters than the exact method enumerates: the plan must stay compliant
    // and its certificate must bracket the brute-force optimum.
    let n_special = ahb_core::solve::MAX_SPECIAL + 1;
    let c = Case {
        resources: (0..n_special as u32)
            .map(|i| (2u8, 1 + i % 5, 10 + 37 * i % 390, false, 0u8))
            .chain([(0u8, 12, 300, false, 0u8), (0u8, 4, 90, false, 0u8)])
            .collect(),
        lines: vec![(1, 40, 0, false, 0, false), (0, 16, 0, false, 0, false)],
    };
    let plan = optimize(
        &load(&estate_json(&c, None)),
        &RuleSet::current(),
        &OptimizeOptions::new(date()),
    )
    .unwrap();
    let windows = plan
        .pools
        .iter()
        .find(|p| p.pool == ahb_core::rules::Pool::WindowsServer)
        .unwrap();
    assert_eq!(windows.method, ahb_core::solve::Method::GreedyWithBound);
    let best = oracle(&c, false);
    assert!(plan.certificate.objective <= best);
    assert!(
        plan.certificate.upper_bound >= best,
        "{:?} vs {best}",
        plan.certificate
    );
    assert!(plan_is_compliant(&c, &plan));
}

/// An optimum that values unpriced resources at zero says so in its report, with the licence
/// units at stake, and never reads as a finished optimum for them.
#[test]
fn a_plan_over_unpriced_resources_says_so_in_its_report() {
    let line = json!({"id": "ws", "product": "windows_server", "edition": "datacenter",
        "metric": "core", "quantity": 32, "programme": "ea",
        "sa": {"start": "2025-01-01", "end": "2027-12-31"}});
    let vm = |id: &str, priced: bool| {
        let mut v =
            json!({"id": id, "kind": "vm", "os": "windows", "vcpus": 8, "license_type": "None"});
        if priced {
            v["prices"] = json!({"payg_per_hour": "0.50", "ahb_per_hour": "0.30"});
        }
        v
    };
    let estate = |resources: Value| {
        Estate::from_json(
            &json!({"schema": "ahb.estate/1", "licences": [line.clone()], "resources": resources})
                .to_string(),
        )
        .unwrap()
    };
    let options = OptimizeOptions::new(date());
    let mixed = optimize(
        &estate(json!([vm("a", true), vm("b", false)])),
        &RuleSet::current(),
        &options,
    )
    .unwrap();
    let text = mixed.to_text();
    assert!(
        text.contains("proven optimal over the priced resources"),
        "{text}"
    );
    assert!(
        text.contains(
            "UNPRICED: 1 resources that could carry the benefit (8 licence units: 8 Windows \
             Server core licences)"
        ),
        "{text}"
    );
    let priced = optimize(
        &estate(json!([vm("a", true)])),
        &RuleSet::current(),
        &options,
    )
    .unwrap();
    let text = priced.to_text();
    assert!(
        !text.contains("UNPRICED") && text.contains("— proven optimal\n"),
        "{text}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// `audit_and_optimize` assesses the estate once for both results: its position is
    /// `audit`'s and its plan `optimize`'s, byte for byte (and the plan's verification is the
    /// audit of the estate with the plan applied) — under both rule sets (the 2021 one
    /// has the WS-3 estate minimum, whose repair solves reuse the assessments), every
    /// objective, and any claims today (activated Azure Local clusters included).
    #[test]
    fn audit_and_optimize_is_audit_then_optimize(
        c in case(true),
        claims in prop::collection::vec(any::<bool>(), 8),
        legacy in any::<bool>(),
        objective in 0u8..3,
    ) {
        let estate = load(&estate_json(&c, Some(&claims)));
        let rules = if legacy { RuleSet::legacy_2021() } else { RuleSet::current() };
        let mut o = OptimizeOptions::new(date());
        o.objective = [Objective::MaxSavings, Objective::MinChange, Objective::ComplianceFirst]
            [objective as usize];
        let (position, plan) = audit_and_optimize(&estate, &rules, &o).unwrap();
        prop_assert_eq!(position.to_json(), audit(&estate, &rules, date()).unwrap().to_json());
        prop_assert_eq!(plan.to_json(), optimize(&estate, &rules, &o).unwrap().to_json());
        // The re-audit, which assesses the changed resources' specs in place, says what the
        // audit of a copy of the estate with the plan applied says.
        let applied = audit(&ahb_core::solve::apply_plan(&estate, &plan), &rules, date()).unwrap();
        prop_assert_eq!(plan.verification.compliant, applied.compliant);
        prop_assert_eq!(&plan.verification.over_claimed, &applied.over_claimed);
    }
}

/// An estate of dedicated hosts (Windows and SQL host-level licensing on or off today) with
/// Windows and SQL Server VMs on them or on no host, and Windows and SQL lines.
fn hosted_estate(
    hosts: &[(u32, bool, bool, u32)],
    vms: &[(u8, bool, u32, bool, u32)],
    lines: &[(u8, u32)],
) -> Estate {
    let prices = |p: u32| json!({"payg_per_hour": format!("{}.{:02}", p / 100 + 2, p % 100), "ahb_per_hour": "1.00"});
    let mut resources: Vec<Value> = hosts
        .iter()
        .enumerate()
        .map(|(h, &(cores, windows, sql, price))| {
            json!({"id": format!("dh{h}"), "kind": "dedicated_host", "physical_cores": cores * 8,
                   "license_type": if windows { "Windows_Server_Hybrid" } else { "None" },
                   "sql_host_level": sql, "prices": prices(price), "sql_prices": prices(price * 3)})
        })
        .collect();
    for (i, &(host, sql, vcpus, on, price)) in vms.iter().enumerate() {
        let mut r = if sql {
            json!({"id": format!("sql{i}"), "kind": "sql_vm", "edition": "enterprise",
                   "vcpus": vcpus, "license_type": if on { "AHUB" } else { "PAYG" }})
        } else {
            json!({"id": format!("vm{i}"), "kind": "vm", "os": "windows", "vcpus": vcpus,
                   "license_type": if on { "Windows_Server" } else { "None" }})
        };
        r["prices"] = prices(price);
        if (host as usize) < hosts.len() {
            r["host"] = json!(format!("dh{host}"));
        }
        resources.push(r);
    }
    let licences: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(k, &(kind, q))| {
            let (product, edition) = [
                ("windows_server", "datacenter"),
                ("windows_server", "standard"),
                ("sql_server", "enterprise"),
            ][kind as usize % 3];
            json!({"id": format!("L{k}"), "product": product, "edition": edition,
                   "metric": "core", "quantity": q, "programme": "ea",
                   "sa": {"start": "2025-01-01", "end": "2027-12-31"}})
        })
        .collect();
    load(&json!({"schema": "ahb.estate/1", "licences": licences, "resources": resources}))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The re-audit of a plan assesses again only the resources the plan changes and the VMs
    /// on hosts it changes, taking the others' assessments from the audit: its verdict is the
    /// audit of a copy of the estate with the plan applied, on estates of hosts with VMs on
    /// them whose host-level licensing the plan switches.
    #[test]
    fn the_reaudit_of_hosted_vms_is_the_audit_of_the_plan_applied(
        hosts in prop::collection::vec((1u32..8, any::<bool>(), any::<bool>(), 0u32..900), 0..4),
        vms in prop::collection::vec((0u8..5, any::<bool>(), 1u32..24, any::<bool>(), 0u32..400), 1..10),
        lines in prop::collection::vec((0u8..3, 1u32..96), 1..4),
        legacy in any::<bool>(),
    ) {
        let estate = hosted_estate(&hosts, &vms, &lines);
        let rules = if legacy { RuleSet::legacy_2021() } else { RuleSet::current() };
        let plan = optimize(&estate, &rules, &OptimizeOptions::new(date())).unwrap();
        let applied = audit(&ahb_core::solve::apply_plan(&estate, &plan), &rules, date()).unwrap();
        prop_assert_eq!(plan.verification.compliant, applied.compliant);
        prop_assert_eq!(&plan.verification.over_claimed, &applied.over_claimed);
    }
}
