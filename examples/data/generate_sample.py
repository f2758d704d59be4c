#!/usr/bin/env python3
"""Generates examples/data/sample-estate.json: a realistic, fictitious estate ("Contoso") with
every resource kind ahb models, a licence ledger with expiring SA, on-premises use and a migration
in progress, and hourly prices modelled on public Azure list prices (USD, East US, 2026).

The output is committed; rerun this script only to change the sample:
    python3 examples/data/generate_sample.py > examples/data/sample-estate.json
"""
import json
import random

rng = random.Random(20261125)

# Windows Server licence fee per vCPU-hour included in pay-as-you-go Windows prices.
WIN_PER_VCPU = 0.046
# SQL Server licence fee per vCPU-hour (VMs) and per vCore-hour (PaaS General Purpose).
SQL_ENT_PER_VCPU = 0.375
SQL_STD_PER_VCPU = 0.100
SQL_GP_PER_VCORE = 0.0963
# RHEL / SLES software fees per hour (small and large sizes).
RHEL_FEE = {True: 0.06, False: 0.13}
SLES_FEE = {True: 0.03, False: 0.06}

# (size, vCPUs, active vCPUs or None, Linux base price per hour)
SIZES = [
    ("Standard_B2ms", 2, None, 0.0832),
    ("Standard_D2s_v5", 2, None, 0.096),
    ("Standard_D4s_v5", 4, None, 0.192),
    ("Standard_D8s_v5", 8, None, 0.384),
    ("Standard_D16s_v5", 16, None, 0.768),
    ("Standard_D32s_v5", 32, None, 1.536),
    ("Standard_E8s_v5", 8, None, 0.504),
    ("Standard_E16-4s_v5", 16, 4, 1.008),
    ("Standard_E32-8s_v5", 32, 8, 2.016),
    ("Standard_F4s_v2", 4, None, 0.169),
    ("Standard_D12s_v5_custom", 12, None, 0.576),
    ("Standard_D20s_v5_custom", 20, None, 0.960),
]
SIZE_WEIGHTS = [6, 10, 20, 18, 10, 3, 8, 3, 1, 5, 3, 2]


def money(x):
    return f"{x:.4f}"


def pick_size():
    return rng.choices(SIZES, weights=SIZE_WEIGHTS)[0]


scopes = [
    {"id": "contoso-ea", "kind": "billing_account", "name": "Contoso EA enrolment"},
    {"id": "sub-prod-app", "kind": "subscription", "parent": "contoso-ea", "name": "Production apps"},
    {"id": "sub-prod-data", "kind": "subscription", "parent": "contoso-ea", "name": "Production data"},
    {"id": "sub-shared", "kind": "subscription", "parent": "contoso-ea", "name": "Shared services"},
    {"id": "sub-devtest", "kind": "subscription", "parent": "contoso-ea", "name": "Dev/Test", "dev_test": True},
]
for sub in ["sub-prod-app", "sub-prod-data", "sub-shared", "sub-devtest"]:
    for rg in ["web", "core", "batch"]:
        scopes.append({"id": f"{sub}/rg-{rg}", "kind": "resource_group", "parent": sub})
rgs = [s["id"] for s in scopes if s["kind"] == "resource_group"]
prod_rgs = [r for r in rgs if "devtest" not in r]

licences = [
    {"id": "WS-DC-EA-2024", "product": "windows_server", "edition": "datacenter", "metric": "core",
     "quantity": 512, "programme": "ea", "agreement": "EA-8841207",
     "sa": {"start": "2024-07-01", "end": "2027-06-30"}, "on_premises_in_use": 256},
    {"id": "WS-DC-EA-2023", "product": "windows_server", "edition": "datacenter", "metric": "core",
     "quantity": 192, "programme": "ea", "agreement": "EA-8841207",
     "sa": {"start": "2023-12-01", "end": "2026-12-31"}, "on_premises_in_use": 64},
    {"id": "WS-STD-MPSA", "product": "windows_server", "edition": "standard", "metric": "core",
     "quantity": 256, "programme": "mpsa", "agreement": "MPSA-5521",
     "sa": {"start": "2025-01-01", "end": "2027-12-31"}, "on_premises_in_use": 128,
     "migration_start": "2026-09-01"},
    {"id": "WS-STD-SELECT-2P", "product": "windows_server", "edition": "standard", "metric": "two_processor",
     "quantity": 20, "programme": "select_plus", "agreement": "SP-77120",
     "sa": {"start": "2021-04-01", "end": "2026-03-31"}},
    {"id": "WS-STD-OEM", "product": "windows_server", "edition": "standard", "metric": "core",
     "quantity": 64, "programme": "oem"},
    {"id": "WS-DC-CSP-LOCAL", "product": "windows_server", "edition": "datacenter", "metric": "core",
     "quantity": 96, "programme": "csp",
     "sa": {"start": "2025-10-01", "end": "2028-09-30"}},
    {"id": "SQL-ENT-EA", "product": "sql_server", "edition": "enterprise", "metric": "core",
     "quantity": 96, "programme": "ea", "agreement": "EA-8841207",
     "sa": {"start": "2024-07-01", "end": "2027-06-30"}, "on_premises_in_use": 32,
     "migration_start": "2026-10-15"},
    {"id": "SQL-STD-CSP", "product": "sql_server", "edition": "standard", "metric": "core",
     "quantity": 120, "programme": "csp",
     "sa": {"start": "2026-01-01", "end": "2026-12-31"}},
    {"id": "SQL-STD-OPEN", "product": "sql_server", "edition": "standard", "metric": "core",
     "quantity": 48, "programme": "open",
     "sa": {"start": "2022-11-01", "end": "2025-10-31"}},
    {"id": "SQL-STD-CAL", "product": "sql_server", "edition": "standard", "metric": "server_cal",
     "quantity": 10, "programme": "select_plus",
     "sa": {"start": "2024-01-01", "end": "2026-12-31"}},
    {"id": "SQL-ENT-DATA", "product": "sql_server", "edition": "enterprise", "metric": "core",
     "quantity": 24, "programme": "ea", "agreement": "EA-8841207", "scope": "sub-prod-data",
     "sa": {"start": "2024-07-01", "end": "2027-06-30"}},
    {"id": "RHEL-CA", "product": "rhel", "metric": "subscription", "quantity": 30, "programme": "other",
     "agreement": "RH-CloudAccess-3301", "sa": {"start": "2026-02-01", "end": "2027-01-31"},
     "on_premises_in_use": 4},
    {"id": "RHEL-VDC", "product": "rhel", "metric": "subscription", "quantity": 10, "programme": "other",
     "virtual_datacenters": True, "sa": {"start": "2026-02-01", "end": "2027-01-31"}},
    {"id": "SLES-SCC", "product": "sles", "metric": "subscription", "quantity": 12, "programme": "other",
     "agreement": "SUSE-SCC-9912", "sa": {"start": "2025-06-01", "end": "2026-12-15"}},
]

resources = []


def add(r):
    resources.append(r)
    return r


hours_choices = [730, 730, 730, 730, 360, 220]

# Windows VMs.
for i in range(150):
    size, vcpus, active, base = pick_size()
    rg = rng.choice(rgs)
    r = {"id": f"vm-win-{i:03d}", "kind": "vm", "os": "windows", "vcpus": vcpus, "size": size,
         "scope": rg,
         "license_type": "Windows_Server" if rng.random() < 0.55 else "None",
         "prices": {"payg_per_hour": money(base + WIN_PER_VCPU * vcpus), "ahb_per_hour": money(base),
                    "currency": "USD"},
         "hours_per_month": str(rng.choice(hours_choices))}
    if active:
        r["active_vcpus"] = active
    if rng.random() < 0.05:
        r["running"] = False
    add(r)

# Dedicated hosts and the VMs on them.
hosts = [
    ("dh-win-01", 64, 128, "Dsv5-Type1", "Windows_Server_Hybrid", False),
    ("dh-win-02", 64, 128, "Dsv5-Type1", "None", False),
    ("dh-sql-01", 48, 96, "Esv5-Type1", "Windows_Server_Hybrid", True),
    ("dh-lnx-01", 64, 128, "Dsv5-Type1", "None", False),
]
for hid, cores, vcpus, sku, lt, sql in hosts:
    h = {"id": hid, "kind": "dedicated_host", "physical_cores": cores, "vcpus": vcpus, "sku": sku,
         "scope": "sub-prod-data/rg-core", "license_type": lt,
         "prices": {"payg_per_hour": money(5.952 + WIN_PER_VCPU * vcpus), "ahb_per_hour": "5.9520",
                    "currency": "USD"}}
    if sql:
        h["sql_host_level"] = True
        h["sql_prices"] = {"payg_per_hour": money(SQL_ENT_PER_VCPU * cores * 2), "ahb_per_hour": "0.0000",
                           "currency": "USD"}
    add(h)
    if hid.startswith("dh-lnx"):
        continue
    for j in range(6):
        add({"id": f"{hid}-vm{j}", "kind": "vm", "os": "windows", "vcpus": 16, "size": "Standard_D16s_v5",
             "scope": "sub-prod-data/rg-core", "host": hid,
             "license_type": "Windows_Server" if lt == "Windows_Server_Hybrid" else "None"})
    if sql:
        for j in range(4):
            add({"id": f"{hid}-sqlvm{j}", "kind": "sql_vm", "edition": "enterprise", "vcpus": 16,
                 "scope": "sub-prod-data/rg-core", "host": hid, "vm": f"{hid}-vm{j}", "license_type": "AHUB"})

# Scale sets (including an AKS Windows node pool, WS-6) .
for i, (os_, n, size) in enumerate([("windows", 6, 4), ("windows", 12, 8), ("windows", 3, 16),
                                    ("rhel", 10, 4), ("sles", 4, 8), ("other_linux", 20, 4),
                                    ("windows", 5, 2), ("windows", 8, 4)]):
    base = 0.048 * size
    lt = {"windows": "Windows_Server", "rhel": "RHEL_BYOS", "sles": "SLES", "other_linux": "None"}[os_]
    if i == 7:
        lt = "None"
    fee = WIN_PER_VCPU * size if os_ == "windows" else (RHEL_FEE[size <= 4] if os_ == "rhel" else SLES_FEE[size <= 4])
    add({"id": f"vmss-{os_}-{i}", "kind": "scale_set", "os": os_, "vcpus": size, "instances": n,
         "size": f"Standard_D{size}s_v5", "scope": rng.choice(prod_rgs), "license_type": lt,
         "prices": {"payg_per_hour": money(base + fee), "ahb_per_hour": money(base), "currency": "USD"}})

# SQL Server VMs.
editions = ["enterprise"] * 3 + ["standard"] * 6 + ["developer", "express"]
for i in range(70):
    size, vcpus, active, base = pick_size()
    ed = rng.choice(editions)
    lt = rng.choices(["AHUB", "PAYG", "DR"], weights=[5, 4, 1])[0] if ed in ("enterprise", "standard") else "PAYG"
    per = SQL_ENT_PER_VCPU if ed == "enterprise" else SQL_STD_PER_VCPU
    billed = max(4, active or vcpus)
    r = {"id": f"sqlvm-{i:03d}", "kind": "sql_vm", "edition": ed, "vcpus": vcpus, "scope": rng.choice(rgs),
         "license_type": lt, "vm": f"sqlvm-{i:03d}-compute"}
    if active:
        r["active_vcpus"] = active
    if ed in ("enterprise", "standard"):
        r["prices"] = {"payg_per_hour": money(per * billed), "ahb_per_hour": "0.0000", "currency": "USD"}
    add(r)

# SQL databases.
for i in range(60):
    roll = rng.random()
    db = {"id": f"sqldb-{i:03d}", "kind": "sql_database", "scope": rng.choice(rgs),
          "license_type": "BasePrice" if rng.random() < 0.5 else "LicenseIncluded"}
    if roll < 0.45:
        v = rng.choice([2, 4, 8, 16])
        db.update(tier="general_purpose", vcores=v)
        fee = SQL_GP_PER_VCORE * v
    elif roll < 0.6:
        v = rng.choice([4, 8, 16])
        db.update(tier="business_critical", vcores=v)
        fee = 4 * SQL_GP_PER_VCORE * v
    elif roll < 0.7:
        v = rng.choice([4, 8])
        db.update(tier="hyperscale", vcores=v, created=rng.choice(["2022-05-10", "2023-03-01", "2024-06-20", "2025-02-11"]))
        fee = SQL_GP_PER_VCORE * v
    elif roll < 0.8:
        v = rng.choice([2, 4])
        db.update(tier="general_purpose", vcores=v, compute="serverless", license_type="LicenseIncluded")
        fee = None
    else:
        db.update(tier=rng.choice(["basic", "standard", "premium"]), dtu=rng.choice([5, 10, 50, 125]))
        db.pop("license_type")
        fee = None
    if fee is not None:
        db["prices"] = {"payg_per_hour": money(0.25 * db["vcores"] + fee), "ahb_per_hour": money(0.25 * db["vcores"]),
                        "currency": "USD"}
    add(db)
add({"id": "sqldb-geo-standby", "kind": "sql_database", "tier": "general_purpose", "vcores": 8, "standby": True,
     "scope": "sub-prod-data/rg-core", "license_type": "BasePrice",
     "prices": {"payg_per_hour": money(2 + SQL_GP_PER_VCORE * 8), "ahb_per_hour": "2.0000", "currency": "USD"}})

for i in range(12):
    tier = rng.choice(["general_purpose", "general_purpose", "business_critical"])
    v = rng.choice([4, 8, 16])
    fee = SQL_GP_PER_VCORE * v * (4 if tier == "business_critical" else 1)
    add({"id": f"sqlpool-{i:02d}", "kind": "sql_elastic_pool", "tier": tier, "vcores": v,
         "scope": rng.choice(prod_rgs), "license_type": "BasePrice" if i % 2 else "LicenseIncluded",
         "prices": {"payg_per_hour": money(0.3 * v + fee), "ahb_per_hour": money(0.3 * v), "currency": "USD"}})
add({"id": "sqlpool-dtu", "kind": "sql_elastic_pool", "tier": "standard", "dtu": 100, "scope": "sub-shared/rg-core"})

for i, (tier, v, passive) in enumerate([("general_purpose", 8, False), ("general_purpose", 16, False),
                                         ("business_critical", 8, False), ("business_critical", 16, False),
                                         ("general_purpose", 8, True), ("business_critical", 8, True),
                                         ("general_purpose", 4, False), ("general_purpose", 32, False)]):
    fee = SQL_GP_PER_VCORE * v * (4 if tier == "business_critical" else 1)
    mi = {"id": f"sqlmi-{i:02d}", "kind": "sql_managed_instance", "tier": tier, "vcores": v,
          "scope": "sub-prod-data/rg-core", "license_type": "BasePrice" if i % 3 else "LicenseIncluded",
          "prices": {"payg_per_hour": money(0.35 * v + fee), "ahb_per_hour": money(0.35 * v), "currency": "USD"}}
    if passive:
        mi["passive_dr"] = True
    add(mi)
for i, (tier, v) in enumerate([("general_purpose", 16), ("business_critical", 8)]):
    fee = SQL_GP_PER_VCORE * v * (4 if tier == "business_critical" else 1)
    add({"id": f"sqlinstpool-{i}", "kind": "sql_instance_pool", "tier": tier, "vcores": v,
         "scope": "sub-prod-data/rg-batch", "license_type": "LicenseIncluded",
         "prices": {"payg_per_hour": money(0.35 * v + fee), "ahb_per_hour": money(0.35 * v), "currency": "USD"}})
for i, (ed, v, lt) in enumerate([("enterprise", 8, "BasePrice"), ("standard", 16, "LicenseIncluded"),
                                 ("standard", 4, "BasePrice")]):
    per = SQL_ENT_PER_VCPU if ed == "enterprise" else SQL_STD_PER_VCPU
    add({"id": f"ssis-{i}", "kind": "ssis_runtime", "edition": ed, "vcores": v, "scope": "sub-shared/rg-batch",
         "license_type": lt,
         "prices": {"payg_per_hour": money(0.2 * v + per * v), "ahb_per_hour": money(0.2 * v), "currency": "USD"}})

# Azure Local clusters and AKS hybrid.
add({"id": "azlocal-hq", "kind": "azure_local_cluster", "node_cores": [32, 32, 32, 32], "ahb": True,
     "scope": "sub-shared/rg-core",
     "prices": {"payg_per_hour": money((10 + 23.3) * 128 / 730), "ahb_per_hour": "0.0000", "currency": "USD"},
     })
add({"id": "azlocal-branch", "kind": "azure_local_cluster", "node_cores": [16, 16], "ahb": False,
     "scope": "sub-shared/rg-core",
     "prices": {"payg_per_hour": money((10 + 23.3) * 32 / 730), "ahb_per_hour": "0.0000", "currency": "USD"}})
add({"id": "aks-hq", "kind": "aks_hybrid", "host": "azure_local", "worker_vcpus": 48, "control_plane_vcpus": 8,
     "ahb": True, "scope": "sub-shared/rg-core",
     "prices": {"payg_per_hour": money(2.0 * 56 / 730 * 24 / 24), "ahb_per_hour": "0.0000", "currency": "USD"}})
add({"id": "aks-factory", "kind": "aks_hybrid", "host": "windows_server_datacenter", "worker_vcpus": 16,
     "ahb": False, "scope": "sub-shared/rg-web",
     "prices": {"payg_per_hour": money(2.0 * 16 / 730), "ahb_per_hour": "0.0000", "currency": "USD"}})
add({"id": "aks-lab", "kind": "aks_hybrid", "host": "windows_server_standard", "worker_vcpus": 8,
     "ahb": True, "scope": "sub-devtest/rg-web"})

# RHEL and SLES VMs.
for i in range(45):
    size, vcpus, active, base = pick_size()
    distro = "rhel" if i < 32 else "sles"
    fee = (RHEL_FEE if distro == "rhel" else SLES_FEE)[vcpus <= 4]
    if distro == "rhel":
        lt = rng.choices(["RHEL_BYOS", "RHEL_BASE", "RHEL_SAPHA", "SLES_BYOS"], weights=[12, 6, 2, 1])[0]
    else:
        lt = rng.choices(["SLES_BYOS", "SLES", "SLES_SAP"], weights=[6, 4, 2])[0]
    r = {"id": f"vm-{distro}-{i:03d}", "kind": "vm", "os": distro, "vcpus": vcpus, "size": size,
         "scope": rng.choice(rgs), "license_type": lt,
         "prices": {"payg_per_hour": money(base + fee), "ahb_per_hour": money(base), "currency": "USD"}}
    if i == 3:
        r["sql_image"] = True
    if i in (40, 41):
        r["host"] = "dh-lnx-01"
    add(r)
for i in range(15):
    size, vcpus, active, base = pick_size()
    add({"id": f"vm-ubuntu-{i:03d}", "kind": "vm", "os": "other_linux", "vcpus": vcpus, "size": size,
         "scope": rng.choice(rgs), "license_type": "None"})
add({"id": "vm-avd-01", "kind": "vm", "os": "windows_client", "vcpus": 8, "size": "Standard_D8s_v5",
     "scope": "sub-prod-app/rg-web", "license_type": "Windows_Client"})

# Centrally managed SQL AHB for the production data subscription (SQL-15): the review date has
# passed, so the assignment lapses on 2026-12-29 (SQL-21).
central_assignments = [
    {"id": "CA-DATA-ENT", "scope": "sub-prod-data", "edition": "enterprise", "cores": 16,
     "start": "2026-01-01", "review_date": "2026-09-30"},
    {"id": "CA-DATA-STD", "scope": "sub-prod-data", "edition": "standard", "cores": 40,
     "start": "2026-01-01", "review_date": "2027-03-31"},
]

estate = {"schema": "ahb.estate/1", "scopes": scopes, "licences": licences, "resources": resources,
          "central_assignments": central_assignments}


def usage_csv(path):
    """A month (October 2026) of hourly usage of the SQL resources of sub-prod-data: provisioned
    databases, pools and instances bill every hour; SQL VMs run on weekdays 07:00-20:00; a few
    databases scale up in business hours."""
    import datetime
    start = datetime.datetime(2026, 10, 1)
    sql = [r for r in resources if r["kind"] in ("sql_vm", "sql_database", "sql_elastic_pool",
                                                  "sql_managed_instance", "sql_instance_pool")
           and r.get("scope", "").startswith("sub-prod-data") and "dtu" not in r
           and r.get("compute") != "serverless" and "host" not in r]
    sql.sort(key=lambda r: r["id"])
    price = {}
    for r in sql:
        if r["kind"] == "sql_vm":
            price[r["id"]] = SQL_ENT_PER_VCPU if r["edition"] == "enterprise" else SQL_STD_PER_VCPU
        else:
            price[r["id"]] = SQL_GP_PER_VCORE * (4 if r["tier"] == "business_critical" else 1)
    with open(path, "w") as f:
        f.write("resource,hour,vcores,licence_price_per_vcore_hour\n")
        for h in range(31 * 24):
            t = start + datetime.timedelta(hours=h)
            busy = t.weekday() < 5 and 7 <= t.hour < 20
            for r in sql:
                size = r.get("vcores") or r.get("vcpus")
                if r["kind"] == "sql_vm":
                    if not busy:
                        continue
                    v = size
                elif r["kind"] == "sql_database" and r["id"].endswith(("1", "5")) and busy:
                    v = size * 2
                else:
                    v = size
                f.write(f"{r['id']},{t:%Y-%m-%dT%H:00:00},{v},{price[r['id']]:.4f}\n")


if __name__ == "__main__":
    import os
    import sys
    usage_csv(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample-sql-usage.csv"))
    json.dump(estate, sys.stdout, indent=1)
    print()
