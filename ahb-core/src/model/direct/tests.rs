//! Differential tests: whatever the direct reader accepts, the located reader accepts with the
//! same estate (compared field by field and as JSON, so that a decimal's scale counts too).
//! Records are generated from each kind's fields with plausible and implausible values, then
//! mutated: keys repeated or given under both spellings, fields dropped, values of the wrong
//! type, fields of another kind, unknown fields, nulls, numbers out of range.

use super::{MIN_RESOURCE_BYTES, read, resources_hint};
use crate::model::load::read_located;

/// A small deterministic generator (xorshift64*), so that a failure names its case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const COUNTS: &[&str] = &[
    "1",
    "4",
    "8",
    "0",
    "16",
    "null",
    "4294967295",
    "4294967296",
    "-1",
    "-0",
    "4.0",
    "1e2",
    "1e400",
    "\"4\"",
];
const TEXTS: &[&str] = &["\"s\"", "\"\"", "null", "\"a\\u0062c\"", "7", "[\"s\"]"];
const BOOLS: &[&str] = &["true", "false", "null", "0", "\"true\""];
const AMOUNTS: &[&str] = &[
    "\"730\"",
    "\"500\"",
    "\"0.5\"",
    "\"1.50\"",
    "\"1e2\"",
    "null",
    "730",
    "\"-1\"",
    "\"abc\"",
    "\"0.0000001\"",
];
const PRICES: &[&str] = &[
    r#"{"payg_per_hour": "1.0", "ahb_per_hour": "0.50"}"#,
    r#"{"ahb_per_hour": "0.5", "payg_per_hour": "1", "currency": "USD"}"#,
    r#"{"payg_per_hour": "1", "ahb_per_hour": "0.5", "currency": null}"#,
    r#"{"payg_per_hour": "1", "payg_per_hour": "2", "ahb_per_hour": "0.5"}"#,
    r#"{"payg_per_hour": 1, "ahb_per_hour": "0.5"}"#,
    r#"{"payg_per_hour": "1", "ahb_per_hour": "0.5", "tax": "0"}"#,
    r#"{"ahb_per_hour": "0.5"}"#,
    r#"["1", "0.5", "EUR"]"#,
    r#"{}"#,
    "null",
    "\"1\"",
];
const OS: &[&str] = &[
    "\"windows\"",
    "\"rhel\"",
    "\"sles\"",
    "\"other_linux\"",
    "\"windows_client\"",
    "\"Windows\"",
    "{\"rhel\": null}",
    "null",
];
const LICENSE_TYPES: &[&str] = &[
    "\"None\"",
    "\"Windows_Server\"",
    "\"Windows_Client\"",
    "\"RHEL_BYOS\"",
    "\"SLES_BYOS\"",
    "\"RHEL_EUS\"",
    "\"SLES_SAP\"",
    "\"UBUNTU\"",
    "\"Windows_Server_Hybrid\"",
    "\"Windows_Server_Perpetual\"",
    "\"PAYG\"",
    "\"AHUB\"",
    "\"DR\"",
    "\"LicenseIncluded\"",
    "\"BasePrice\"",
    "\"none\"",
    "{\"None\": null}",
    "null",
    "1",
];
const EDITIONS: &[&str] = &[
    "\"enterprise\"",
    "\"standard\"",
    "\"developer\"",
    "\"express\"",
    "\"web\"",
    "\"evaluation\"",
    "\"datacenter\"",
    "\"Enterprise\"",
    "null",
];
const TIERS: &[&str] = &[
    "\"general_purpose\"",
    "\"business_critical\"",
    "\"hyperscale\"",
    "\"basic\"",
    "\"standard\"",
    "\"premium\"",
    "\"gp\"",
    "null",
];
const COMPUTE: &[&str] = &["\"provisioned\"", "\"serverless\"", "\"x\"", "null"];
const DATES: &[&str] = &[
    "\"2024-01-31\"",
    "\"2023-02-28\"",
    "\"2024-02-30\"",
    "\"31/01/2024\"",
    "null",
    "20240131",
];
const NODE_CORES: &[&str] = &["[16, 16]", "[8]", "[]", "[1, \"2\"]", "null", "16", "[-1]"];
const KINDS: &[&str] = &[
    "\"vm\"",
    "\"scale_set\"",
    "\"dedicated_host\"",
    "\"sql_vm\"",
    "\"sql_database\"",
    "\"sql_elastic_pool\"",
    "\"sql_managed_instance\"",
    "\"sql_instance_pool\"",
    "\"ssis_runtime\"",
    "\"aks_hybrid\"",
    "\"azure_local_cluster\"",
];
/// Values of any type, for a field given the wrong one.
const ANY: &[&str] = &[
    "null",
    "true",
    "0",
    "3",
    "-7",
    "2.5",
    "1e400",
    "18446744073709551616",
    "\"x\"",
    "\"\"",
    "[]",
    "[1]",
    "{}",
    "{\"a\": 1, \"a\": 2}",
    "{\"None\": null}",
];

/// The values a resource field is given, mostly plausible ones.
fn resource_pool(key: &str) -> &'static [&'static str] {
    match key {
        "id" => &["\"r1\"", "\"r2\"", "\"\"", "1", "null"],
        "name" | "scope" | "size" | "sku" | "vm" | "replica_of" => TEXTS,
        "prices" | "sql_prices" => PRICES,
        "hours_per_month" => AMOUNTS,
        "running"
        | "sql_image"
        | "sql_host_level"
        | "primary_on_premises"
        | "standby"
        | "passive_dr"
        | "ahb"
        | "oem_bundled" => BOOLS,
        "kind" => KINDS,
        "os" => OS,
        "license_type" | "licence_type" => LICENSE_TYPES,
        "host" => &[
            "\"azure_local\"",
            "\"h1\"",
            "null",
            "\"windows_server_standard\"",
            "3",
        ],
        "edition" => EDITIONS,
        "tier" => TIERS,
        "compute" => COMPUTE,
        "created" => DATES,
        "node_cores" => NODE_CORES,
        _ => COUNTS,
    }
}

/// Each kind's required fields and optional ones.
const RESOURCE_KINDS: &[(&str, &[&str], &[&str])] = &[
    (
        "vm",
        &["os", "vcpus"],
        &["active_vcpus", "size", "license_type", "host", "sql_image"],
    ),
    (
        "scale_set",
        &["os", "vcpus", "instances"],
        &["active_vcpus", "size", "license_type"],
    ),
    (
        "dedicated_host",
        &["physical_cores"],
        &[
            "vcpus",
            "sku",
            "license_type",
            "sql_host_level",
            "sql_prices",
        ],
    ),
    (
        "sql_vm",
        &["edition", "vcpus"],
        &[
            "active_vcpus",
            "license_type",
            "vm",
            "host",
            "replica_of",
            "primary_on_premises",
        ],
    ),
    (
        "sql_database",
        &["tier"],
        &[
            "vcores",
            "dtu",
            "compute",
            "created",
            "license_type",
            "standby",
            "replica_of",
        ],
    ),
    (
        "sql_elastic_pool",
        &["tier"],
        &["vcores", "dtu", "license_type"],
    ),
    (
        "sql_managed_instance",
        &["tier", "vcores"],
        &["license_type", "passive_dr", "replica_of"],
    ),
    ("sql_instance_pool", &["tier", "vcores"], &["license_type"]),
    ("ssis_runtime", &["edition", "vcores"], &["license_type"]),
    (
        "aks_hybrid",
        &["host", "worker_vcpus"],
        &["control_plane_vcpus", "ahb", "oem_bundled"],
    ),
    ("azure_local_cluster", &["node_cores"], &["ahb"]),
];

const RESOURCE_COMMON: &[&str] = &["name", "scope", "prices", "hours_per_month", "running"];

/// Every key a resource may have, and some it may not.
const RESOURCE_KEYS: &[&str] = &[
    "id",
    "name",
    "scope",
    "prices",
    "hours_per_month",
    "running",
    "kind",
    "os",
    "vcpus",
    "active_vcpus",
    "size",
    "license_type",
    "licence_type",
    "host",
    "sql_image",
    "instances",
    "physical_cores",
    "sku",
    "sql_host_level",
    "sql_prices",
    "edition",
    "vm",
    "replica_of",
    "primary_on_premises",
    "tier",
    "vcores",
    "dtu",
    "compute",
    "created",
    "standby",
    "passive_dr",
    "worker_vcpus",
    "control_plane_vcpus",
    "ahb",
    "oem_bundled",
    "node_cores",
    "Kind",
    "licenseType",
    "bogus",
];

type Record = Vec<(String, String)>;

/// A key as JSON, sometimes written with an escape (it must read as the same key).
fn key_text(rng: &mut Rng, key: &str) -> String {
    if rng.chance(3) && !key.is_empty() {
        let mut chars = key.chars();
        let first = chars.next().unwrap_or('a');
        format!("\"\\u{:04x}{}\"", first as u32, chars.as_str())
    } else {
        format!("\"{key}\"")
    }
}

fn render(rng: &mut Rng, record: &Record) -> String {
    let members: Vec<String> = record
        .iter()
        .map(|(k, v)| format!("{}: {v}", key_text(rng, k)))
        .collect();
    format!("{{{}}}", members.join(", "))
}

/// Mutations shared by every collection: a key repeated, a field dropped, a value of another
/// type, an extra key from `keys`, and the order of the members shuffled.
fn mutate(
    rng: &mut Rng,
    record: &mut Record,
    keys: &[&str],
    pool: fn(&str) -> &'static [&'static str],
) {
    let mutations = if rng.chance(75) { 0 } else { 1 + rng.below(3) };
    for _ in 0..mutations {
        match rng.below(6) {
            0 if !record.is_empty() => {
                let i = rng.below(record.len());
                let (k, _) = record[i].clone();
                let v = rng.pick(pool(&k)).to_string();
                record.push((k, v));
            }
            1 if !record.is_empty() => {
                record.remove(rng.below(record.len()));
            }
            2 if !record.is_empty() => {
                let i = rng.below(record.len());
                record[i].1 = rng.pick(ANY).to_string();
            }
            3 => {
                let k = rng.pick(keys);
                let v = rng.pick(pool(k)).to_string();
                record.push((k.to_string(), v));
            }
            4 => {
                if let Some(m) = record.iter_mut().find(|(k, _)| k == "license_type") {
                    m.0 = "licence_type".to_string();
                } else {
                    record.push(("licence_type".to_string(), rng.pick(LICENSE_TYPES).into()));
                }
            }
            _ => {
                if !record.is_empty() {
                    let i = rng.below(record.len());
                    let v = rng.pick(pool(&record[i].0)).to_string();
                    record[i].1 = v;
                }
            }
        }
    }
    for i in (1..record.len()).rev() {
        let j = rng.below(i + 1);
        record.swap(i, j);
    }
}

fn resource(rng: &mut Rng, n: usize) -> String {
    let (kind, required, optional) = RESOURCE_KINDS[rng.below(RESOURCE_KINDS.len())];
    let mut record: Record = vec![
        ("id".into(), format!("\"r{n}\"")),
        ("kind".into(), format!("\"{kind}\"")),
    ];
    for k in required {
        let pool = resource_pool(k);
        let v = if rng.chance(85) {
            pool[0]
        } else {
            rng.pick(pool)
        };
        record.push((k.to_string(), v.to_string()));
    }
    for k in optional.iter().chain(RESOURCE_COMMON) {
        if rng.chance(30) {
            let pool = resource_pool(k);
            let v = if rng.chance(60) {
                pool[0]
            } else {
                rng.pick(pool)
            };
            record.push((k.to_string(), v.to_string()));
        }
    }
    mutate(rng, &mut record, RESOURCE_KEYS, resource_pool);
    render(rng, &record)
}

fn other_pool(key: &str) -> &'static [&'static str] {
    match key {
        "id" => &["\"x1\"", "\"x2\"", "\"\"", "1", "null"],
        "kind" => &[
            "\"subscription\"",
            "\"resource_group\"",
            "\"billing_account\"",
            "\"tenant\"",
        ],
        "parent" | "name" | "agreement" => TEXTS,
        "scope" => &["\"sub\"", "null", "1"],
        "dev_test" | "virtual_datacenters" => BOOLS,
        "product" => &[
            "\"windows_server\"",
            "\"sql_server\"",
            "\"rhel\"",
            "\"sles\"",
            "\"office\"",
        ],
        "edition" => &[
            "\"standard\"",
            "\"datacenter\"",
            "\"enterprise\"",
            "\"web\"",
            "null",
        ],
        "metric" => &[
            "\"core\"",
            "\"two_processor\"",
            "\"subscription\"",
            "\"server_cal\"",
            "\"cores\"",
        ],
        "programme" => &["\"ea\"", "\"csp\"", "\"select_plus\"", "\"other\"", "\"x\""],
        "sa" => &[
            r#"{"start": "2024-01-01", "end": "2026-12-31"}"#,
            r#"{"start": "2024-01-01", "end": "2026-12-31", "start": "2024-01-02"}"#,
            r#"{"start": "2024-01-01"}"#,
            r#"{"start": "2024-01-01", "end": "2026-12-31", "x": 1}"#,
            r#"["2024-01-01", "2026-12-31"]"#,
            "null",
        ],
        "migration_start" | "start" | "review_date" => DATES,
        "unit" => &["\"vm\"", "\"vcpu\"", "\"core\"", "null"],
        _ => COUNTS,
    }
}

/// The other collections: (name, required fields, optional fields).
const OTHERS: &[(&str, &[&str], &[&str])] = &[
    ("scopes", &["id", "kind"], &["parent", "name", "dev_test"]),
    (
        "licences",
        &["id", "product", "metric", "quantity", "programme"],
        &[
            "edition",
            "sa",
            "on_premises_in_use",
            "migration_start",
            "scope",
            "agreement",
            "unit",
            "virtual_datacenters",
        ],
    ),
    (
        "central_assignments",
        &["id", "scope", "edition", "cores", "start"],
        &["review_date"],
    ),
];

const OTHER_KEYS: &[&str] = &[
    "id",
    "kind",
    "parent",
    "name",
    "dev_test",
    "product",
    "edition",
    "metric",
    "quantity",
    "programme",
    "sa",
    "on_premises_in_use",
    "migration_start",
    "scope",
    "agreement",
    "unit",
    "virtual_datacenters",
    "cores",
    "start",
    "review_date",
    "bogus",
];

fn other(rng: &mut Rng, which: usize, n: usize) -> String {
    let (_, required, optional) = OTHERS[which];
    let mut record: Record = Vec::new();
    for k in required.iter() {
        let v = if *k == "id" {
            format!("\"x{n}\"")
        } else {
            let pool = other_pool(k);
            pool[if rng.chance(85) {
                0
            } else {
                rng.below(pool.len())
            }]
            .to_string()
        };
        record.push((k.to_string(), v));
    }
    for k in optional.iter() {
        if rng.chance(30) {
            let pool = other_pool(k);
            let v = if rng.chance(60) {
                pool[0]
            } else {
                rng.pick(pool)
            };
            record.push((k.to_string(), v.to_string()));
        }
    }
    mutate(rng, &mut record, OTHER_KEYS, other_pool);
    render(rng, &record)
}

fn collection(rng: &mut Rng, records: impl Fn(&mut Rng, usize) -> String) -> String {
    match rng.below(12) {
        0 => "null".into(),
        1 => "{}".into(),
        2 => "[1]".into(),
        _ => {
            let n = rng.below(3);
            let items: Vec<String> = (0..n).map(|i| records(rng, i)).collect();
            format!("[{}]", items.join(",\n "))
        }
    }
}

/// A whole estate: some collections, in any order, sometimes with a top-level oddity.
fn estate(rng: &mut Rng) -> String {
    let mut members: Vec<(String, String)> = Vec::new();
    let schema = match rng.below(20) {
        0 => None,
        1 => Some("\"ahb.estate/2\"".to_string()),
        2 => Some("1".to_string()),
        3 => Some("\"ahb.estat\\u0065/1\"".to_string()),
        _ => Some("\"ahb.estate/1\"".to_string()),
    };
    if let Some(s) = schema {
        members.push(("schema".into(), s));
    }
    if rng.chance(60) {
        let c = collection(rng, |r, i| other(r, 0, i));
        members.push(("scopes".into(), c));
    }
    if rng.chance(60) {
        let name = if rng.chance(50) {
            "licences"
        } else {
            "licenses"
        };
        let c = collection(rng, |r, i| other(r, 1, i));
        members.push((name.into(), c));
    }
    if rng.chance(90) {
        let c = collection(rng, resource);
        members.push(("resources".into(), c));
    }
    if rng.chance(30) {
        let c = collection(rng, |r, i| other(r, 2, i));
        members.push(("central_assignments".into(), c));
    }
    match rng.below(30) {
        0 => members.push(("extra".into(), "1".into())),
        1 => members.push(("licenses".into(), "[]".into())),
        2 => members.push(("resources".into(), "[]".into())),
        3 => members.push(("schema".into(), "\"ahb.estate/1\"".into())),
        _ => {}
    }
    for i in (1..members.len()).rev() {
        let j = rng.below(i + 1);
        members.swap(i, j);
    }
    let body: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    let mut text = format!("{{\n {}\n}}", body.join(",\n "));
    match rng.below(40) {
        0 => text.insert(0, '\u{feff}'),
        1 => text.push_str(" x"),
        2 => text.push_str("\n\n"),
        3 => text.truncate(text.len() / 2),
        _ => {}
    }
    text
}

/// The direct reader's answer agrees with the located reader's: same estate when it reads one.
/// Returns whether the direct reader read it.
fn agree(text: &str) -> bool {
    let slow = read_located(text);
    match read(text) {
        None => false,
        Some(fast) => {
            let slow = slow.unwrap_or_else(|e| {
                panic!("the direct reader accepted what the located reader refuses ({e}):\n{text}")
            });
            assert_eq!(fast, slow, "{text}");
            assert_eq!(fast.to_json(), slow.to_json(), "{text}");
            true
        }
    }
}

#[test]
fn the_direct_reader_accepts_only_what_the_located_reader_reads_alike() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut fast, mut slow_ok, mut slow_err) = (0, 0, 0);
    for _ in 0..50_000 {
        let text = estate(&mut rng);
        if agree(&text) {
            fast += 1;
        }
        match read_located(&text) {
            Ok(_) => slow_ok += 1,
            Err(_) => slow_err += 1,
        }
    }
    // The generator must exercise both sides, and the direct reader must read most of what
    // reads (everything written plainly).
    eprintln!("{fast} read directly, {slow_ok} read, {slow_err} refused");
    assert!(slow_err > 5_000, "{slow_err} refused");
    assert!(slow_ok > 5_000, "{slow_ok} read");
    assert!(fast * 10 > slow_ok * 9, "direct {fast} of {slow_ok}");
}

#[test]
fn plainly_written_estates_are_read_directly() {
    let base = include_str!("../../../tests/bad_inputs/base/estate.json");
    assert!(agree(base));
    let every_kind = r#"{"schema": "ahb.estate/1",
      "scopes": [{"id": "ea", "kind": "billing_account"},
                 {"id": "sub", "kind": "subscription", "parent": "ea", "dev_test": true}],
      "licenses": [{"id": "l1", "product": "sql_server", "edition": "enterprise",
                    "metric": "core", "quantity": 8, "programme": "ea",
                    "sa": {"start": "2024-01-01", "end": "2026-12-31"}}],
      "resources": [
        {"id": "v", "kind": "vm", "os": "windows", "vcpus": 4, "licence_type": "Windows_Server",
         "host": "h", "prices": {"payg_per_hour": "1.10", "ahb_per_hour": "0.5"},
         "hours_per_month": "500", "running": false, "scope": "sub"},
        {"kind": "scale_set", "id": "s", "os": "rhel", "vcpus": 2, "instances": 3,
         "license_type": "RHEL_EUS"},
        {"id": "h", "kind": "dedicated_host", "physical_cores": 64, "sql_host_level": true,
         "sql_prices": {"payg_per_hour": "2", "ahb_per_hour": "1", "currency": "EUR"}},
        {"id": "q", "kind": "sql_vm", "edition": "standard", "vcpus": 4, "host": null,
         "license_type": "DR", "replica_of": "q0", "primary_on_premises": true},
        {"id": "d", "kind": "sql_database", "tier": "hyperscale", "vcores": 2,
         "created": "2023-05-01", "compute": "serverless", "standby": true},
        {"id": "p", "kind": "sql_elastic_pool", "tier": "premium", "dtu": 125},
        {"id": "m", "kind": "sql_managed_instance", "tier": "business_critical", "vcores": 8,
         "passive_dr": true, "license_type": "BasePrice"},
        {"id": "i", "kind": "sql_instance_pool", "tier": "general_purpose", "vcores": 8},
        {"id": "x", "kind": "ssis_runtime", "edition": "enterprise", "vcores": 4},
        {"id": "a", "kind": "aks_hybrid", "host": "azure_local", "worker_vcpus": 16, "ahb": true},
        {"id": "c", "kind": "azure_local_cluster", "node_cores": [16, 16], "ahb": true}],
      "central_assignments": [{"id": "c1", "scope": "ea", "edition": "standard", "cores": 4,
                               "start": "2025-01-01"}]}"#;
    assert!(agree(every_kind));
    assert!(agree(&format!("\u{feff}{every_kind}")));
    let e = read(every_kind).expect("read directly");
    assert_eq!(e.resources.len(), 11);
    assert_eq!(e.licences.len(), 1);
    // Escaped strings are read too, and read alike.
    assert!(agree(
        r#"{"schema": "ahb.estate/1", "resources": [{"id": "v\u0031", "kind": "v\u006d",
            "os": "windows", "vcpus": 2, "size": "D\"2\""}]}"#
    ));
}

#[test]
fn what_the_located_reader_refuses_is_not_read_directly() {
    for text in [
        // A key twice, in a record and in a nested object.
        r#"{"schema": "ahb.estate/1", "resources": [{"id": "v", "kind": "vm", "os": "windows",
            "vcpus": 2, "vcpus": 2}]}"#,
        r#"{"schema": "ahb.estate/1", "resources": [{"id": "v", "kind": "vm", "os": "windows",
            "vcpus": 2, "prices": {"payg_per_hour": "1", "ahb_per_hour": "1",
            "ahb_per_hour": "1"}}]}"#,
        // One field under both spellings.
        r#"{"schema": "ahb.estate/1", "resources": [{"id": "v", "kind": "vm", "os": "windows",
            "vcpus": 2, "license_type": "None", "licence_type": "None"}]}"#,
        r#"{"schema": "ahb.estate/1", "licences": [], "licenses": []}"#,
        // A field of another kind; an unknown field; an amount as a number.
        r#"{"schema": "ahb.estate/1", "resources": [{"id": "v", "kind": "vm", "os": "windows",
            "vcpus": 2, "tier": "basic"}]}"#,
        r#"{"schema": "ahb.estate/1", "scopes": [{"id": "s", "kind": "subscription", "x": 1}]}"#,
        r#"{"schema": "ahb.estate/1", "resources": [{"id": "v", "kind": "vm", "os": "windows",
            "vcpus": 2, "hours_per_month": 730}]}"#,
        // A required field null; a host-kind licence type on a VM.
        r#"{"schema": "ahb.estate/1", "resources": [{"id": "v", "kind": "vm", "os": "windows",
            "vcpus": null}]}"#,
        r#"{"schema": "ahb.estate/1", "resources": [{"id": "v", "kind": "vm", "os": "windows",
            "vcpus": 2, "license_type": "Windows_Server_Hybrid"}]}"#,
        r#"{"schema": "ahb.estate/2"}"#,
        r#"{"resources": []}"#,
        r#"{"schema": "ahb.estate/1"} x"#,
    ] {
        assert!(read_located(text).is_err(), "{text}");
        assert!(read(text).is_none(), "{text}");
    }
}

/// The reservation counts the `"kind"` keys, within its bounds, and reads the same estate.
#[test]
fn resources_are_reserved_by_their_kind_keys() {
    let vm = r#"{"id": "v1", "kind": "vm", "os": "windows", "vcpus": 2, "license_type": "None"}"#;
    let text = format!(
        r#"{{"schema": "ahb.estate/1", "scopes": [{{"id": "s", "kind": "subscription"}}],
           "resources": [{vm}, {}]}}"#,
        vm.replace("v1", "v2")
    );
    // Two resources and one scope.
    assert_eq!(resources_hint(&text), 3);
    assert_eq!(read(&text).unwrap().resources.len(), 2);
    // Never more than one per 32 bytes of text.
    let keys = "\"kind\"".repeat(1_000);
    assert_eq!(resources_hint(&keys), keys.len() / MIN_RESOURCE_BYTES);
    assert_eq!(resources_hint(""), 0);
}
