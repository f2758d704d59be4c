"""The central SQL simulation on Spark (``ahb.spark``) against the single-machine path, on the
same generated year of hourly usage; checks that every scope total agrees exactly.

    python benches/spark_central.py --resources 400 --scopes 8 --master 'local[2]'

Needs the ``ahb`` wheel with ``ahb[spark]`` (pyspark, pyarrow, pandas) and Java 17+. Prints the
wall time of each step. On a laptop or a 2-core runner, local mode is not faster than one
process: the point is that the work is split by scope and hour range into independent Arrow
tasks whose results merge to the same numbers, so a cluster spreads it over its executors.
"""

from __future__ import annotations

import argparse
import datetime
import time
from typing import Any

import numpy as np
import pandas as pd

import ahb


def estate(resources: int, scopes: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    subs = [f"sub-{i:02d}" for i in range(scopes)]
    res = []
    for i in range(resources):
        tier = "business_critical" if rng.random() < 0.25 else "general_purpose"
        v = int(rng.choice([2, 4, 8, 16]))
        res.append({
            "id": f"db-{i:05d}", "kind": "sql_database", "tier": tier, "vcores": v,
            "scope": subs[i % scopes],
            "prices": {"payg_per_hour": f"{0.5 * v + (i % 97) / 1000:.4f}",
                       "ahb_per_hour": f"{0.25 * v:.4f}", "currency": "USD"},
        })
    return {
        "schema": "ahb.estate/1",
        "scopes": [{"id": "ea", "kind": "billing_account"}]
        + [{"id": s, "kind": "subscription", "parent": "ea"} for s in subs],
        "resources": res,
        "central_assignments": [
            {"id": f"CA-{s}", "scope": s, "edition": "enterprise" if k % 2 else "standard",
             "cores": 8 + 4 * (k % 5), "start": "2026-01-01",
             **({"review_date": "2026-06-30"} if k % 3 == 0 else {})}
            for k, s in enumerate(subs)
        ],
    }


def usage(d: dict[str, Any], hours: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(d["resources"])
    h = np.repeat(np.arange(hours, dtype=np.int64), n)
    r = np.tile(np.arange(n), hours)
    keep = rng.random(len(h)) > 0.1
    h, r = h[keep], r[keep]
    v = rng.choice(np.array([0, 2, 4, 8, 16]), size=len(h))
    ids = np.array([x["id"] for x in d["resources"]], dtype=object)
    return pd.DataFrame({
        "resource": ids[r],
        "hour": pd.Timestamp("2026-01-01") + pd.to_timedelta(h, unit="h"),
        "vcores": v.astype(np.int64),
    })


def timed(label: str, f: Any) -> Any:
    t = time.perf_counter()
    out = f()
    print(f"{label:<44} {time.perf_counter() - t:8.2f} s")
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--resources", type=int, default=400)
    p.add_argument("--scopes", type=int, default=8)
    p.add_argument("--hours", type=int, default=8760)
    p.add_argument("--master", default="local[2]")
    p.add_argument("--max-rows-per-group", type=int, default=5_000_000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    d = estate(a.resources, a.scopes, a.seed)
    est = ahb.Estate.from_dict(d)
    pdf = usage(d, a.hours, a.seed)
    prices = {"sql_enterprise_per_core_year": "1890", "sql_standard_per_core_year": "493"}
    print(f"{len(pdf):,} usage rows ({a.resources} resources x {a.hours} hours, 10% missing), "
          f"{a.scopes} scopes, {datetime.date.today()}")

    u = timed("single machine: usage_from_frame", lambda: ahb.usage_from_frame(pdf))
    sim = timed("single machine: simulate_central", lambda: ahb.simulate_central(est, u).to_dict())
    timed("single machine: best_assignment x scopes",
          lambda: [ahb.best_assignment(est, u, s["scope"], **prices) for s in sim["scopes"]])

    import os
    import sys

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    from ahb import spark as ahb_spark

    spark = timed("spark: session start", lambda: (
        SparkSession.builder.master(a.master).appName("ahb-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(max(2, a.scopes)))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate()))
    path = "/tmp/ahb-bench-usage.parquet"
    timed("spark: write the usage as Parquet", lambda: spark.createDataFrame(pdf)
          .write.mode("overwrite").parquet(path))
    df = spark.read.parquet(path)
    su = timed("spark: sql_usage (map, period, counts)", lambda: ahb_spark.sql_usage(est, df))
    res = timed("spark: simulate_central (hours persisted)", lambda: ahb_spark.simulate_central(
        est, su, max_rows_per_group=a.max_rows_per_group))
    got = {r["scope"]: r for r in res.scopes.collect()}
    timed("spark: best_assignment", lambda: ahb_spark.best_assignment(est, su, **prices).collect())
    bad = [s["scope"] for s in sim["scopes"]
           if (got[s["scope"]]["total_savings"], got[s["scope"]]["total_overage"],
               got[s["scope"]]["utilization_7_day"], got[s["scope"]]["saturated_hours"])
           != (s["total_savings"], s["total_overage"], s["utilization_7_day"], s["saturated_hours"])]
    print(f"groups simulated: {res.groups}; scopes whose totals differ: {bad or 'none'}")
    spark.stop()
    if bad:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
