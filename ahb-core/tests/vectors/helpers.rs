//! Build estates, run the audit, look things up, check citations.

#![allow(dead_code)]

pub use ahb_core::model::{LinuxUnit, SqlTier};
pub use ahb_core::position::PoolPosition;
pub use ahb_core::rules::{
    AksVcpuBasis, Assessment, Context, DatacenterDualUse, Draw, HyperscaleAhb, Pool, Requirement,
    SqlVmMinBasis, WsRule, core_licences_per_vm, line_supply, nc_per_vcore, normalised_cores,
    units_per_instance,
};
pub use ahb_core::{Estate, Position, Reason, RuleSet, audit};
pub use chrono::NaiveDate;
pub use serde_json::{Value, json};

pub use crate::common::{sa, ymd};

/// The audit date of every test unless it says otherwise (inside the SA term).
pub fn today() -> NaiveDate {
    ymd(2026, 11, 25)
}

/// An estate of `licences` and `resources` (JSON arrays), read and validated through the
/// public JSON contract.
pub fn estate(licences: Value, resources: Value) -> Estate {
    estate_in(json!([]), licences, resources)
}

/// [`estate`] with a scope tree.
pub fn estate_in(scopes: Value, licences: Value, resources: Value) -> Estate {
    crate::common::load(json!({
        "scopes": scopes,
        "licences": licences,
        "resources": resources,
    }))
}

pub fn audit_on(e: &Estate, rules: &RuleSet, date: NaiveDate) -> Position {
    audit(e, rules, date).unwrap_or_else(|e| panic!("audit failed: {e}"))
}

pub fn run(e: &Estate, rules: &RuleSet) -> Position {
    audit_on(e, rules, today())
}

/// A core licence line with active SA.
pub fn line(id: &str, product: &str, edition: &str, quantity: u32) -> Value {
    json!({
        "id": id, "product": product, "edition": edition, "metric": "core",
        "quantity": quantity, "programme": "ea", "sa": sa(),
    })
}

pub fn ws(id: &str, edition: &str, quantity: u32) -> Value {
    line(id, "windows_server", edition, quantity)
}

pub fn sql(id: &str, edition: &str, quantity: u32) -> Value {
    line(id, "sql_server", edition, quantity)
}

/// A JSON object (licence line or resource) with `field` set to `value`.
pub fn with(mut v: Value, field: &str, value: Value) -> Value {
    v[field] = value;
    v
}

/// A Windows VM with `licenseType = Windows_Server`.
pub fn win_vm(id: &str, vcpus: u32) -> Value {
    json!({"id": id, "kind": "vm", "os": "windows", "vcpus": vcpus,
           "license_type": "Windows_Server"})
}

/// `n` Windows VMs of `vcpus`, ids `{prefix}{i}`.
pub fn win_vms(prefix: &str, n: u32, vcpus: u32) -> Vec<Value> {
    (0..n)
        .map(|i| win_vm(&format!("{prefix}{i}"), vcpus))
        .collect()
}

/// A SQL Server VM.
pub fn sql_vm(id: &str, edition: &str, vcpus: u32, license_type: &str) -> Value {
    json!({"id": id, "kind": "sql_vm", "edition": edition, "vcpus": vcpus,
           "license_type": license_type})
}

/// A provisioned vCore SQL database with AHB (`BasePrice`).
pub fn sql_db(id: &str, tier: &str, vcores: u32) -> Value {
    json!({"id": id, "kind": "sql_database", "tier": tier, "vcores": vcores,
           "license_type": "BasePrice"})
}

/// General Purpose databases with AHB whose demand totals `nc` NC (1 NC per vCore, SQL-2),
/// split so that no database exceeds the validator's vCore bound.
pub fn gp_databases(prefix: &str, nc: u32) -> Vec<Value> {
    let mut left = nc;
    let mut out = Vec::new();
    while left > 0 {
        let v = left.min(4000);
        out.push(sql_db(
            &format!("{prefix}{}", out.len()),
            "general_purpose",
            v,
        ));
        left -= v;
    }
    out
}

pub fn pool(p: &Position, which: Pool) -> &PoolPosition {
    p.pools
        .iter()
        .find(|q| q.pool == which)
        .unwrap_or_else(|| panic!("no {which:?} pool in the position"))
}

pub fn assessment<'a>(p: &'a Position, id: &str) -> &'a Assessment {
    p.resources
        .iter()
        .find(|a| a.resource == id)
        .unwrap_or_else(|| panic!("no assessment of {id}"))
}

pub fn requirement<'a>(p: &'a Position, id: &str, which: Pool) -> &'a Requirement {
    assessment(p, id)
        .requirements
        .iter()
        .find(|q| q.pool == which)
        .unwrap_or_else(|| panic!("{id} has no {which:?} requirement"))
}

/// All reasons of a pool's lines.
pub fn line_reasons(p: &PoolPosition) -> Vec<Reason> {
    p.lines
        .iter()
        .flat_map(|l| l.supply.reasons.iter().cloned())
        .collect()
}

pub fn cites(reasons: &[Reason], id: &str) -> bool {
    reasons.iter().any(|r| r.rule == id)
}

#[track_caller]
pub fn assert_cites(reasons: &[Reason], ids: &[&str]) {
    let cited: Vec<&str> = reasons.iter().map(|r| r.rule).collect();
    for id in ids {
        assert!(
            cited.contains(id),
            "expected a reason citing {id}; cited: {cited:?}"
        );
    }
}

/// The current rule set with one knob changed.
pub fn current_with(change: impl FnOnce(&mut RuleSet)) -> RuleSet {
    let mut r = RuleSet::current();
    change(&mut r);
    r
}

/// Checks a Windows counting vector: under `rules` the VMs claim exactly `expected` core
/// licences; `expected` Datacenter licences cover them with nothing idle, one fewer leaves a
/// shortfall of one. Returns the position without licences, for citation checks.
#[track_caller]
pub fn check_ws_demand(rules: &RuleSet, vms: Vec<Value>, expected: u64) -> Position {
    let bare = run(&estate(json!([]), json!(vms)), rules);
    assert_eq!(pool(&bare, Pool::WindowsServer).claimed, expected);

    let q = u32::try_from(expected).expect("small");
    let exact = run(
        &estate(json!([ws("dc", "datacenter", q)]), json!(vms)),
        rules,
    );
    let wp = pool(&exact, Pool::WindowsServer);
    assert!(exact.compliant, "{expected} licences should cover the VMs");
    assert_eq!((wp.covered, wp.shortfall, wp.idle), (expected, 0, 0));

    let short = run(
        &estate(json!([ws("dc", "datacenter", q - 1)]), json!(vms)),
        rules,
    );
    let sp = pool(&short, Pool::WindowsServer);
    assert!(!short.compliant);
    assert_eq!(sp.shortfall, 1);
    bare
}

/// Checks a SQL vector: `resources` claim exactly `nc` NC; `ent` Enterprise or `std` Standard
/// core licences each cover them exactly.
#[track_caller]
pub fn check_sql_demand(
    rules: &RuleSet,
    resources: Vec<Value>,
    nc: u64,
    ent: u32,
    std: u32,
) -> Position {
    let bare = run(&estate(json!([]), json!(resources)), rules);
    assert_eq!(pool(&bare, Pool::SqlServer).claimed, nc);
    for lines in [
        json!([sql("ent", "enterprise", ent)]),
        json!([sql("std", "standard", std)]),
    ] {
        let p = run(&estate(lines, json!(resources)), rules);
        let sp = pool(&p, Pool::SqlServer);
        assert!(
            p.compliant,
            "{nc} NC should be covered by line {:?}",
            sp.lines[0].supply.line
        );
        assert_eq!((sp.covered, sp.shortfall, sp.idle), (nc, 0, 0));
    }
    bare
}
