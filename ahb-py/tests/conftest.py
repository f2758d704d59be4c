"""Shared fixtures: the sample estate and a seeded generator of large estates."""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import random
import sys
from typing import Any

import pytest

import ahb

if os.environ.get("AHB_TEST_INSTALLED_WHEEL"):
    # scripts/test-python tests the wheel installed in its venv: nothing may shadow it.
    _imported = pathlib.Path(ahb.__file__).resolve()
    if pathlib.Path(sys.prefix).resolve() not in _imported.parents:
        raise RuntimeError(f"ahb is imported from {_imported}, not from the wheel in {sys.prefix}")

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "data" / "sample-estate.json"
AS_OF = datetime.date(2026, 11, 25)

LICENCES: list[dict[str, Any]] = [
    {"id": "ws-dc", "product": "windows_server", "edition": "datacenter", "metric": "core",
     "quantity": 200_000, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2027-12-31"}},
    {"id": "ws-std", "product": "windows_server", "edition": "standard", "metric": "core",
     "quantity": 150_000, "programme": "mpsa", "sa": {"start": "2025-01-01", "end": "2028-06-30"}},
    {"id": "sql-ent", "product": "sql_server", "edition": "enterprise", "metric": "core",
     "quantity": 20_000, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2027-12-31"}},
    {"id": "sql-std", "product": "sql_server", "edition": "standard", "metric": "core",
     "quantity": 60_000, "programme": "csp", "sa": {"start": "2026-01-01", "end": "2026-12-31"}},
    {"id": "rhel", "product": "rhel", "metric": "subscription", "quantity": 5_000,
     "programme": "other", "sa": {"start": "2026-01-01", "end": "2027-01-31"}},
]


def generated_columns(n: int, seed: int = 7) -> dict[str, list[Any]]:
    """Columns of ``n`` resources: Windows VMs, SQL databases and RHEL VMs, with prices as
    decimal strings, so that every pool has more demand than supply."""
    rng = random.Random(seed)
    cols: dict[str, list[Any]] = {k: [] for k in (
        "id", "kind", "scope", "os", "vcpus", "license_type", "tier", "vcores",
        "payg_per_hour", "ahb_per_hour", "currency")}
    for i in range(n):
        r = rng.random()
        vcpus = rng.choice([2, 4, 8, 16, 32])
        if r < 0.7:
            row = {"kind": "vm", "os": "windows", "vcpus": vcpus,
                   "license_type": rng.choice(["Windows_Server", "None"]),
                   "payg_per_hour": f"{0.046 * vcpus + rng.randrange(0, 999) / 10000:.4f}",
                   "ahb_per_hour": f"{0.024 * vcpus:.4f}"}
        elif r < 0.9:
            vcores = rng.choice([2, 4, 8, 16])
            row = {"kind": "sql_database", "tier": rng.choice(["general_purpose", "business_critical"]),
                   "vcores": vcores, "license_type": rng.choice(["BasePrice", "LicenseIncluded"]),
                   "payg_per_hour": f"{0.5 * vcores + rng.randrange(0, 999) / 10000:.4f}",
                   "ahb_per_hour": f"{0.25 * vcores:.4f}"}
        else:
            row = {"kind": "vm", "os": "rhel", "vcpus": vcpus,
                   "license_type": rng.choice(["RHEL_BYOS", "RHEL_BASE"]),
                   "payg_per_hour": f"{0.06 * vcpus + 0.06:.4f}", "ahb_per_hour": f"{0.06 * vcpus:.4f}"}
        row["id"] = f"res-{i:06d}"
        row["scope"] = None
        row["currency"] = "USD"
        for k in cols:
            cols[k].append(row.get(k))
    return cols


def generated_dict(n: int, seed: int = 7) -> dict[str, Any]:
    cols = generated_columns(n, seed)
    resources = []
    for i in range(n):
        r = {k: v[i] for k, v in cols.items() if v[i] is not None and k not in (
            "payg_per_hour", "ahb_per_hour", "currency")}
        r["prices"] = {"payg_per_hour": cols["payg_per_hour"][i],
                       "ahb_per_hour": cols["ahb_per_hour"][i], "currency": cols["currency"][i]}
        resources.append(r)
    return {"schema": "ahb.estate/1", "licences": LICENCES, "resources": resources}


def generated_frames(n: int, seed: int = 7) -> tuple[Any, Any]:
    """(resources, licences) DataFrames: counts as nullable Int64, prices as float64."""
    import pandas as pd

    cols = generated_columns(n, seed)
    df = pd.DataFrame(cols)
    for c in ("vcpus", "vcores"):
        df[c] = df[c].astype("Int64")
    for c in ("payg_per_hour", "ahb_per_hour"):
        df[c] = df[c].astype("float64")
    lic = pd.DataFrame([{**{k: v for k, v in line.items() if k != "sa"},
                         "sa_start": line["sa"]["start"], "sa_end": line["sa"]["end"]}
                        for line in LICENCES])
    lic["sa_start"] = pd.to_datetime(lic["sa_start"])
    lic["sa_end"] = pd.to_datetime(lic["sa_end"])
    return df, lic


@pytest.fixture(scope="session")
def sample() -> ahb.Estate:
    return ahb.Estate.from_path(SAMPLE)


@pytest.fixture(scope="session")
def sample_json() -> str:
    return SAMPLE.read_text()


@pytest.fixture(scope="session")
def sample_dict() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text())
