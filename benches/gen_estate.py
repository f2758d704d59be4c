#!/usr/bin/env python3
"""Writes a seeded, realistic estate of N resources as ahb estate JSON, for the end-to-end
benchmarks (benches/README.md, "End to end") and the scaling checks.

    python3 benches/gen_estate.py N {compliant|noncompliant} [SEED] [--arm-ids] > estate.json

The mix: 70% Windows VMs (a few on dedicated hosts), 12% SQL Server VMs, 10% Azure SQL
databases, 5% RHEL VMs, 3% Windows scale sets; one dedicated host per 500 resources; one
subscription per 200 resources with three resource groups each; one licence line per 100
resources (Windows Standard / Datacenter, SQL Enterprise / Standard, RHEL), some assigned to a
subscription, with SA ends spread around the audit date 2026-11-25. Most resources already claim
the benefit. `compliant`: the lines hold 1.3x the claimed demand; `noncompliant`: the SA of most
lines has lapsed (the common real case), so many claims are uncovered.

`--arm-ids`: the same estate with ids as Azure writes them (`/subscriptions/<guid>/resourceGroups/
<rg>/providers/Microsoft.Compute/virtualMachines/vm-0000001`, about 120 characters) instead of
short ones (`vm-0000001`): a real export's ids, for the memory that ids take.
"""
import json
import random
import sys

WIN_PER_VCPU = 0.046
SQL_ENT_PER_VCPU = 0.375
SQL_STD_PER_VCPU = 0.100
SQL_GP_PER_VCORE = 0.0963
VCPUS = [2, 4, 8, 12, 16, 20, 32, 48, 64]
VCPU_WEIGHTS = [180, 300, 250, 20, 150, 10, 60, 10, 20]


def money(x):
    return f"{x:.4f}"


PROVIDERS = {
    "vm": "Microsoft.Compute/virtualMachines",
    "scale_set": "Microsoft.Compute/virtualMachineScaleSets",
    "dedicated_host": "Microsoft.Compute/hostGroups/hosts-1/hosts",
    "sql_vm": "Microsoft.SqlVirtualMachine/sqlVirtualMachines",
    "sql_database": "Microsoft.Sql/servers/sql-1/databases",
}


def arm_ids(estate):
    """Rewrites the scope and resource ids (and every reference to them) as ARM ids."""
    def guid(sub):
        return "00000000-0000-4000-8000-%012d" % int(sub.split("-")[1])
    scope = {}
    for s in estate["scopes"]:
        if s["kind"] == "subscription":
            scope[s["id"]] = f"/subscriptions/{guid(s['id'])}"
        elif s["kind"] == "resource_group":
            sub, rg = s["id"].split("/")
            scope[s["id"]] = f"/subscriptions/{guid(sub)}/resourceGroups/{rg}"
        else:
            scope[s["id"]] = s["id"]
    for s in estate["scopes"]:
        s["id"] = scope[s["id"]]
        if "parent" in s:
            s["parent"] = scope[s["parent"]]
    shared = "/subscriptions/00000000-0000-4000-8000-999999999999/resourceGroups/rg-hosts"
    ids = {r["id"]: f"{scope.get(r.get('scope'), shared)}/providers/{PROVIDERS[r['kind']]}/{r['id']}"
           for r in estate["resources"]}
    for r in estate["resources"]:
        r["id"] = ids[r["id"]]
        for field in ("host",):
            if field in r:
                r[field] = ids[r[field]]
        if "scope" in r:
            r["scope"] = scope[r["scope"]]
    for line in estate["licences"]:
        if "scope" in line:
            line["scope"] = scope[line["scope"]]


def main():
    arm = "--arm-ids" in sys.argv
    sys.argv = [a for a in sys.argv if a != "--arm-ids"]
    n = int(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "noncompliant"
    if mode not in ("compliant", "noncompliant"):
        sys.exit("mode must be compliant or noncompliant")
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
    rng = random.Random(seed)

    scopes = [{"id": "ea", "kind": "billing_account", "name": "Enrolment"}]
    subs = []
    for s in range(max(1, n // 200)):
        sid = f"sub-{s:05d}"
        subs.append(sid)
        scope = {"id": sid, "kind": "subscription", "parent": "ea"}
        if s % 10 == 9:
            scope["dev_test"] = True
        scopes.append(scope)
        for rg in ("web", "core", "batch"):
            scopes.append({"id": f"{sid}/rg-{rg}", "kind": "resource_group", "parent": sid})
    rgs = [s["id"] for s in scopes if s["kind"] == "resource_group"]

    resources = []
    hosts = []
    for h in range(max(1, n // 500)):
        hid = f"dh-{h:05d}"
        hosts.append(hid)
        resources.append({
            "id": hid, "kind": "dedicated_host", "physical_cores": 64, "vcpus": 128,
            "sku": "Dsv5-Type1", "scope": rng.choice(rgs),
            "license_type": "Windows_Server_Hybrid" if h % 2 == 0 else "None",
            "prices": {"payg_per_hour": "11.8400", "ahb_per_hour": "5.9520", "currency": "USD"},
        })
    demand = {"ws": 0, "sql": 0, "rhel": 0}
    i = 0
    while len(resources) < n:
        i += 1
        roll = rng.random()
        v = rng.choices(VCPUS, weights=VCPU_WEIGHTS)[0]
        hours = rng.choice([730, 730, 730, 500, 360])
        scope = rng.choice(rgs)
        claim = rng.random() < 0.85
        if roll < 0.70:
            base = 0.048 * v
            r = {
                "id": f"vm-{i:07d}", "kind": "vm", "os": "windows", "vcpus": v,
                "size": f"Standard_D{v}s_v5", "scope": scope,
                "license_type": "Windows_Server" if claim else "None",
                "prices": {"payg_per_hour": money(base + WIN_PER_VCPU * v),
                           "ahb_per_hour": money(base), "currency": "USD"},
                "hours_per_month": str(hours),
            }
            if rng.random() < 0.02:
                r["host"] = rng.choice(hosts)
            elif claim:
                demand["ws"] += max(8, v)
        elif roll < 0.82:
            ent = rng.random() < 0.3
            fee = (SQL_ENT_PER_VCPU if ent else SQL_STD_PER_VCPU) * v
            r = {
                "id": f"sqlvm-{i:07d}", "kind": "sql_vm",
                "edition": "enterprise" if ent else "standard", "vcpus": max(4, v),
                "scope": scope, "license_type": "AHUB" if claim else "PAYG",
                "prices": {"payg_per_hour": money(fee), "ahb_per_hour": "0.0000", "currency": "USD"},
            }
            if claim:
                demand["sql"] += max(4, v) * (4 if ent else 1)
        elif roll < 0.92:
            vc = rng.choice([2, 4, 8, 16])
            r = {
                "id": f"sqldb-{i:07d}", "kind": "sql_database", "scope": scope,
                "license_type": "BasePrice" if claim else "LicenseIncluded",
                "tier": "general_purpose", "vcores": vc,
                "prices": {"payg_per_hour": money(0.2 * vc + SQL_GP_PER_VCORE * vc),
                           "ahb_per_hour": money(0.2 * vc), "currency": "USD"},
            }
            if claim:
                demand["sql"] += vc
        elif roll < 0.97:
            r = {
                "id": f"rhel-{i:07d}", "kind": "vm", "os": "rhel", "vcpus": v,
                "size": f"Standard_D{v}s_v5", "scope": scope,
                "license_type": "RHEL_BYOS" if claim else "None",
                "prices": {"payg_per_hour": money(0.048 * v + (0.06 if v <= 4 else 0.13)),
                           "ahb_per_hour": money(0.048 * v), "currency": "USD"},
            }
            if claim:
                demand["rhel"] += 1
        else:
            inst = rng.choice([2, 3, 4, 6, 10])
            r = {
                "id": f"vmss-{i:07d}", "kind": "scale_set", "os": "windows", "vcpus": v,
                "instances": inst, "size": f"Standard_D{v}s_v5", "scope": scope,
                "license_type": "Windows_Server" if claim else "None",
                "prices": {"payg_per_hour": money(0.048 * v + WIN_PER_VCPU * v),
                           "ahb_per_hour": money(0.048 * v), "currency": "USD"},
            }
            if claim:
                demand["ws"] += max(8, v) * inst
        resources.append(r)
    # Interleave hosts with the rest so ids are not sorted in the file.
    rng.shuffle(resources)

    lines = max(5, n // 100)
    factor = 1.3 if mode == "compliant" else 1.0
    licences = []
    kinds = [("windows_server", "standard", "ws", 0.5), ("windows_server", "datacenter", "ws", 0.5),
             ("sql_server", "enterprise", "sql", 0.25), ("sql_server", "standard", "sql", 0.75),
             ("rhel", None, "rhel", 1.0)]
    per_kind = max(1, lines // len(kinds))
    for product, edition, pool, share in kinds:
        for k in range(per_kind):
            need = demand[pool] * share * factor / per_kind
            if pool == "sql" and edition == "enterprise":
                need /= 4
            qty = max(1, int(need) + 1)
            if mode == "compliant":
                end = f"{2027 + k % 3}-06-30"
            else:
                # Most SA terms lapsed before the audit date.
                end = "2026-06-30" if k % 5 else "2027-06-30"
            line = {"id": f"L-{product}-{edition or 'sub'}-{k:05d}", "product": product,
                    "metric": "subscription" if pool == "rhel" else "core", "quantity": qty,
                    "programme": "other" if pool == "rhel" else "ea",
                    "sa": {"start": "2024-07-01", "end": end}}
            if edition:
                line["edition"] = edition
            licences.append(line)
    estate = {"schema": "ahb.estate/1", "scopes": scopes, "licences": licences,
              "resources": resources}
    if arm:
        arm_ids(estate)
    json.dump(estate, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
