"""ahb.spark: the central SQL simulation on a local Spark session gives the single-machine
numbers to the micro-unit (every hour, every total, every best assignment), on a generated
multi-scope year of hourly usage, on FOCUS cost rows and on the sample exports."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from decimal import Decimal
from typing import Any, Iterator

import pytest

import ahb
from conftest import ROOT, SAMPLE

from ahb import spark as ahb_spark

DATA = ROOT / "ahb-core" / "tests" / "data"
YEAR = datetime.datetime(2026, 1, 1)
HOURS = 8760
PRICES = {"sql_enterprise_per_core_year": Decimal("1890"), "sql_standard_per_core_year": "493.50"}


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # The Python workers run this interpreter (the one with ahb installed).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    s = (
        SparkSession.builder.master("local[2]")
        .appName("ahb-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    yield s
    s.stop()


def year_estate() -> dict[str, Any]:
    """The sample estate with central assignments in five scopes: three subscriptions with
    usage (one assignment lapsing mid-year, SQL-21, one starting mid-year) and two resource
    groups under them (a nested scope, and one without usage)."""
    d = json.loads(SAMPLE.read_text())
    d["central_assignments"] = [
        *d.get("central_assignments", []),
        {"id": "CA-APP", "scope": "sub-prod-app", "edition": "standard", "cores": 24,
         "start": "2026-01-01", "review_date": "2026-05-31"},
        {"id": "CA-APP-CORE", "scope": "sub-prod-app/rg-core", "edition": "enterprise",
         "cores": 8, "start": "2026-02-15"},
        {"id": "CA-SHARED", "scope": "sub-shared", "edition": "standard", "cores": 16,
         "start": "2026-03-01"},
        {"id": "CA-IDLE", "scope": "sub-shared/rg-batch", "edition": "standard", "cores": 4,
         "start": "2026-03-01"},
    ]
    return d


def year_usage(estate: dict[str, Any], resources: int = 24, seed: int = 11) -> Any:
    """A year of hourly usage of `resources` SQL resources (none under sub-shared/rg-batch),
    ~12% of resource-hours missing, some hours at 0 vCores, explicit licence prices on a third
    of the resources (changing monthly), the estate's prices on the rest."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    sql = [r for r in estate["resources"] if r["kind"].startswith("sql_")
           and not str(r.get("scope", "")).startswith("sub-shared/rg-batch")]
    pick = [sql[i] for i in sorted(rng.choice(len(sql), size=resources, replace=False))]
    frames = []
    for k, r in enumerate(pick):
        base = int(rng.choice([2, 4, 8, 16]))
        hours = np.flatnonzero(rng.random(HOURS) > 0.12)
        daily = (np.sin(hours / 24 * 2 * np.pi) > 0).astype(int) * int(rng.integers(0, 3)) * 2
        vcores = np.clip(base + daily + rng.integers(-2, 3, len(hours)) * 2, 0, 40)
        f = pd.DataFrame({
            "resource": r["id"],
            "hour": pd.Timestamp(YEAR) + pd.to_timedelta(hours, unit="h"),
            "vcores": vcores.astype("int64"),
        })
        if k % 3 == 0:
            month = f["hour"].dt.month.to_numpy()
            cents = 900 + 37 * k + 11 * month
            f["licence_price_per_vcore_hour"] = [f"0.{c:04d}" for c in cents]
        else:
            f["licence_price_per_vcore_hour"] = None
        frames.append(f)
    df = pd.concat(frames).sort_values(["hour", "resource"], kind="stable").reset_index(drop=True)
    return df


def single_machine(estate: ahb.Estate, usage: ahb.Usage,
                   rules: ahb.RuleSet | None = None) -> dict[str, Any]:
    return ahb.simulate_central(estate, usage, rules).to_dict()


def check_simulation(result: ahb_spark.CentralResult, want: dict[str, Any]) -> None:
    """Every hour of every scope and every total, exactly."""
    assert (result.start, result.hour_count) == (want["start"], want["hours"])
    assert result.rows_outside == want["rows_outside"]
    hours = result.hours.orderBy("scope", "hour").toPandas()
    scopes = {r["scope"]: r for r in result.scopes.collect()}
    assert sorted(scopes) == sorted(s["scope"] for s in want["scopes"])
    for s in want["scopes"]:
        got = hours[hours["scope"] == s["scope"]]
        assert len(got) == want["hours"], s["scope"]
        assert list(got["hour"]) == [want["start"] + datetime.timedelta(hours=h)
                                     for h in range(want["hours"])]
        for col in ("assigned_nc", "demand_nc", "covered_nc", "hadr_nc"):
            assert list(got[col]) == s[col], (s["scope"], col)
        assert [Decimal(x) for x in got["overage"]] == [Decimal(x) for x in s["overage"]]
        t = scopes[s["scope"]]
        assert t["total_savings"] == s["total_savings"], s["scope"]
        assert t["total_overage"] == s["total_overage"], s["scope"]
        assert t["utilization_last_day"] == s["utilization_last_day"], s["scope"]
        assert t["utilization_7_day"] == s["utilization_7_day"], s["scope"]
        assert t["saturated_hours"] == s["saturated_hours"], s["scope"]
        assert t["peak_demand_nc"] == max(s["demand_nc"])
        assert t["assigned_nc_last_hour"] == s["assigned_nc"][-1]


def check_best(df: Any, estate: ahb.Estate, usage: ahb.Usage, scopes: list[str]) -> None:
    got = {r["scope"]: r for r in df.collect()}
    assert sorted(got) == sorted(scopes)
    for s in scopes:
        want = ahb.best_assignment(estate, usage, s, **PRICES)
        assert got[s]["json"] == want.to_json(), s
        assert got[s]["enterprise_cores"] == want.enterprise_cores
        assert got[s]["standard_cores"] == want.standard_cores
        assert got[s]["net_yearly_savings"] == want.to_dict()["net_yearly_savings"]


@pytest.fixture(scope="module")
def year() -> tuple[ahb.Estate, Any, dict[str, Any]]:
    d = year_estate()
    estate = ahb.Estate.from_dict(d)
    pdf = year_usage(d)
    want = single_machine(estate, ahb.usage_from_frame(pdf))
    return estate, pdf, want


def test_year_of_usage_matches_single_machine(spark: Any, year: Any) -> None:
    estate, pdf, want = year
    assert len(want["scopes"]) == 5 and want["hours"] == HOURS and want["rows_outside"] > 0
    assert sum(1 for s in want["scopes"] if max(s["demand_nc"]) > 0) >= 3
    assert any(max(s["demand_nc"]) > max(s["assigned_nc"]) for s in want["scopes"])
    assert any(s["total_savings"] > 0 for s in want["scopes"])
    df = spark.createDataFrame(pdf).persist()
    usage = ahb_spark.sql_usage(estate, df)
    assert usage.kind == "usage" and usage.hours == HOURS
    assert "sub-shared/rg-batch" not in usage.rows_by_scope
    # Every scope split into hour ranges: SQL-21 lapses and the utilisation windows straddle
    # them (one group per scope is checked on the FOCUS rows below).
    split = ahb_spark.simulate_central(estate, usage, max_rows_per_group=10_000)
    assert split.groups > 2 * len(usage.rows_by_scope)
    check_simulation(split, want)
    split.unpersist()
    # best_assignment for every scope, the idle one included.
    single = ahb.usage_from_frame(pdf)
    check_best(ahb_spark.best_assignment(estate, usage, **PRICES), estate, single,
               [s["scope"] for s in want["scopes"]])


def test_timestamps_unordered_rows_and_rules(spark: Any, year: Any) -> None:
    """Rows in any order, hours as ISO strings with a Z, the other OQ-6 strategy: the same
    answer (the engine wants hour order; each group is sorted; the rules travel with the
    tasks)."""
    import pandas as pd

    estate, pdf, _ = year
    rules = ahb.RuleSet.current().replace(central_strategy="max_cost_savings")
    part = pdf[pdf["hour"] < YEAR + datetime.timedelta(days=20)].sample(frac=1.0, random_state=3)
    part = part.assign(hour=part["hour"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ordered = part.assign(h=pd.to_datetime(part["hour"].str.rstrip("Z"))).sort_values(
        ["h", "resource"]).drop(columns="h")
    single = single_machine(estate, ahb.usage_from_frame(ordered), rules)
    assert single != single_machine(estate, ahb.usage_from_frame(ordered))
    check_simulation(ahb_spark.simulate_central(estate, spark.createDataFrame(part), rules,
                                                max_rows_per_group=2_000), single)


def focus_rows(estate: dict[str, Any], days: int = 10, seed: int = 5) -> list[dict[str, Any]]:
    """FOCUS 1.0 hourly rows for SQL resources of several scopes: compute rows (vCores in
    x_SkuDetails), "SQL License" meter rows (the licence price), AHB rows, VM rows, purchases;
    ARM ids in another case than the estate's."""
    import random

    rng = random.Random(seed)
    sql = [r for r in estate["resources"] if r["kind"] in ("sql_database", "sql_managed_instance",
                                                           "sql_vm", "sql_elastic_pool")]
    pick = rng.sample(sql, 24)
    rows: list[dict[str, Any]] = []
    for h in range(days * 24):
        start = YEAR + datetime.timedelta(days=40, hours=h)
        for k, r in enumerate(pick):
            if rng.random() < 0.1:
                continue
            v = rng.choice([0, 2, 4, 8])
            base = {
                "ChargeCategory": "Usage", "ChargePeriodStart": start.isoformat() + "Z",
                "ChargePeriodEnd": (start + datetime.timedelta(hours=1)).isoformat() + "Z",
                "ResourceId": r["id"].upper() if k % 2 else r["id"], "ServiceName": "SQL Database",
                "x_SkuMeterCategory": "SQL Managed Instance" if k % 3 else "SQL Database",
                "BillingCurrency": "USD", "ConsumedUnit": "Hours", "PricingCategory": "Standard",
            }
            rows.append({**base, "ConsumedQuantity": "1", "x_SkuMeterSubcategory": "vCore General Purpose",
                         "ListUnitPrice": f"{0.1 * v:.4f}", "EffectiveCost": f"{0.1 * v:.4f}",
                         "BilledCost": f"{0.1 * v:.4f}", "x_SkuDetails": json.dumps({"vCores": v})})
            if k % 4 == 0 and v:
                rows.append({**base, "ConsumedQuantity": str(v),
                             "x_SkuMeterSubcategory": "vCore General Purpose - SQL License",
                             "ListUnitPrice": f"0.{(k + 3) * 97 + h % 7:04d}",
                             "EffectiveCost": "0.5", "BilledCost": "0.5", "x_SkuDetails": "NULL"})
        rows.append({"ChargeCategory": "Usage", "ChargePeriodStart": start.isoformat() + "Z",
                     "ChargePeriodEnd": (start + datetime.timedelta(hours=1)).isoformat() + "Z",
                     "ResourceId": "/subscriptions/x/providers/microsoft.compute/virtualmachines/v",
                     "ServiceName": "Virtual Machines", "x_SkuMeterCategory": "Virtual Machines",
                     "ConsumedQuantity": "1", "EffectiveCost": "0.2", "BilledCost": "0.2",
                     "ListUnitPrice": "0.2"})
        if h % 50 == 0:
            rows.append({"ChargeCategory": "Purchase", "ChargePeriodStart": start.isoformat() + "Z",
                         "ChargePeriodEnd": (start + datetime.timedelta(hours=1)).isoformat() + "Z",
                         "ServiceName": "SQL Database", "EffectiveCost": "100", "BilledCost": "100"})
    return rows


def write_csv(path: Any, rows: list[dict[str, Any]]) -> None:
    import csv

    cols = sorted({k for r in rows for k in r})
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)


def read_export(spark: Any, path: Any) -> Any:
    # All columns as text (exact amounts); RFC 4180 quotes, as the exports write them.
    return spark.read.csv(str(path), header=True, escape='"', multiLine=False)


def test_focus_cost_rows_match_single_machine(spark: Any, tmp_path: Any) -> None:
    d = year_estate()
    estate = ahb.Estate.from_dict(d)
    path = tmp_path / "focus.csv"
    write_csv(path, focus_rows(d))
    usage, used = ahb.Usage.from_cost_export(estate, path)
    want = single_machine(estate, usage)
    assert want["rows_outside"] > 0 and len(want["scopes"]) == 5
    got = ahb_spark.sql_usage(estate, read_export(spark, path))
    assert got.kind == "cost" and got.used == used
    whole = ahb_spark.simulate_central(estate, got)
    assert whole.groups == len(got.rows_by_scope) >= 3
    check_simulation(whole, want)
    check_simulation(ahb_spark.simulate_central(estate, got, max_rows_per_group=500), want)
    check_best(ahb_spark.best_assignment(estate, got, **PRICES), estate, usage,
               [s["scope"] for s in want["scopes"]])


def test_constructed_focus_export(spark: Any) -> None:
    """The repository's hourly FOCUS export (a licence meter row, an AHB row, a VM row)."""
    db = "/subscriptions/S1/resourceGroups/rg/providers/Microsoft.Sql/servers/srv/databases/db1"
    estate = ahb.Estate.from_dict({
        "schema": "ahb.estate/1",
        "scopes": [{"id": "sub", "kind": "subscription"}],
        "resources": [{"id": db, "kind": "sql_database", "tier": "general_purpose", "vcores": 4,
                       "scope": "sub", "prices": {"payg_per_hour": "1.00", "ahb_per_hour": "0.60"}}],
        "central_assignments": [{"id": "A", "scope": "sub", "edition": "standard", "cores": 2,
                                 "start": "2025-01-01"}],
    })
    path = DATA / "constructed_focus_hourly.csv"
    usage, used = ahb.Usage.from_cost_export(estate, path)
    got = ahb_spark.sql_usage(estate, read_export(spark, path))
    assert got.used == used
    result = ahb_spark.simulate_central(estate, got)
    check_simulation(result, single_machine(estate, usage))
    assert [r["overage"] for r in result.hours.orderBy("hour").collect()] == [
        Decimal("0.10"), Decimal("0.20")]


def test_sample_focus_export_filter(spark: Any) -> None:
    """The public FOCUS 1.0 sample: the Spark-side filter sorts its 1000 rows as the core's
    reader does (usage or not, SQL meter or not); it has no Azure SQL usage, so both paths
    refuse it alike."""
    path = DATA / "focus-sample-data_FOCUS-1.0_focus_sample.csv"
    rows = ahb.cost_usage_from_csv(path)
    not_usage = sum(1 for r in rows if (r["charge_type"] or "usage").lower() != "usage")
    sql = [r for r in rows if (r["charge_type"] or "usage").lower() == "usage" and any(
        "sql" in (r[k] or "").lower() for k in ("meter_category", "meter_subcategory"))]
    estate = ahb.Estate.from_path(SAMPLE)
    with pytest.raises(ahb.AhbError):
        ahb.Usage.from_cost_export(estate, path)
    with pytest.raises((LookupError, ValueError)):
        ahb_spark.sql_usage(estate, read_export(spark, path))
    df = read_export(spark, path)
    used = ahb_spark._cost_counts(df)
    assert used == {"used": len(sql), "not_usage": not_usage,
                    "not_sql": len(rows) - not_usage - len(sql)}


def test_sample_usage(spark: Any, sample: ahb.Estate, monkeypatch: Any) -> None:
    """The sample estate's month of usage (the README's central example), through the
    ``applyInPandas`` fallback of pyspark < 4."""
    import pandas as pd

    monkeypatch.setattr(ahb_spark, "USE_APPLY_IN_ARROW", False)
    path = ROOT / "examples" / "data" / "sample-sql-usage.csv"
    pdf = pd.read_csv(path, dtype={"licence_price_per_vcore_hour": str})
    want = single_machine(sample, ahb.Usage.from_path(path))
    result = ahb_spark.simulate_central(sample, spark.createDataFrame(pdf))
    check_simulation(result, want)


def test_errors(spark: Any, sample: ahb.Estate) -> None:
    df = spark.createDataFrame([("no-such-db", "2026-01-01T00:00:00", 4)], ["resource", "hour", "vcores"])
    with pytest.raises(LookupError, match="no-such-db"):
        ahb_spark.sql_usage(sample, df)
    with pytest.raises(ValueError, match="resource"):
        ahb_spark.sql_usage(sample, df.drop("resource"))
    with pytest.raises(ValueError):
        ahb_spark.simulate_central(sample, df, max_rows_per_group=0)
    # A row off the hour is refused by the engine, inside the group.
    bad = spark.createDataFrame([("sqldb-001", "2026-01-01T00:00:00", 4),
                                 ("sqldb-001", "2026-01-01T01:30:00", 4)],
                                ["resource", "hour", "vcores"])
    with pytest.raises(Exception, match="start of an hour"):
        ahb_spark.simulate_central(sample, bad).hours.collect()


def test_tail_percent_rounds_half_even() -> None:
    assert ahb_spark._tail_percent(1, 8) == Decimal("12.50")
    assert ahb_spark._tail_percent(1, 3) == Decimal("33.33")
    assert ahb_spark._tail_percent(2, 3) == Decimal("66.67")
    assert ahb_spark._tail_percent(1, 800) == Decimal("0.12")  # 0.125: half to even
    assert ahb_spark._tail_percent(3, 800) == Decimal("0.38")  # 0.375: half to even
    assert ahb_spark._tail_percent(1, 1600) == Decimal("0.06")  # 0.0625
    assert ahb_spark._tail_percent(7, 7) == Decimal("100")
    assert ahb_spark._tail_percent(0, 0) == Decimal(0)


def test_import_without_pyspark() -> None:
    code = "import sys; sys.modules['pyspark'] = None; import ahb.spark"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode != 0
    assert "ImportError" in p.stderr and "pip install 'ahb[spark]'" in p.stderr

