"""timeline, central SQL (simulate_central, best_assignment, usage), importers, exporters."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest

import ahb
from conftest import AS_OF, ROOT
from test_decimal import walk

USAGE = ROOT / "examples" / "data" / "sample-sql-usage.csv"
DATA = ROOT / "ahb-core" / "tests" / "data"


@pytest.fixture(scope="module")
def usage() -> ahb.Usage:
    return ahb.Usage.from_path(USAGE)


def test_timeline(sample: ahb.Estate) -> None:
    t = ahb.timeline(sample, start=AS_OF, end=datetime.date(2028, 12, 31))
    assert (t.start, t.end) == (AS_OF, datetime.date(2028, 12, 31))
    d = t.to_dict()
    assert d["schema"] == "ahb.timeline/1" and len(t) == len(d["steps"]) > 1
    assert d["steps"][0]["date"] == AS_OF
    walk(d, json.loads(t.to_json()))
    assert "ahb timeline" in t._repr_html_()
    with pytest.raises(ahb.OptionError):
        ahb.timeline(sample, start=AS_OF, end="2020-01-01")
    pytest.importorskip("pandas")
    assert len(t.to_pandas()) == len(t)
    assert len(t.to_pandas("events")) > 0


def test_usage_loading(usage: ahb.Usage) -> None:
    assert usage.hours == 744 and len(usage) == 25866
    assert usage.start == datetime.datetime(2026, 10, 1)
    assert ahb.Usage.from_csv(USAGE.read_text()).hours == 744
    with pytest.raises(ahb.ParseError):
        ahb.Usage.from_csv("resource,hour\nx,1\n")
    with pytest.raises(ahb.AhbIOError):
        ahb.Usage.from_path("/no/such/usage.csv")


def test_usage_from_frame_matches_csv(sample: ahb.Estate, usage: ahb.Usage) -> None:
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(USAGE, dtype={"licence_price_per_vcore_hour": str})
    from_frame = ahb.usage_from_frame(df)
    assert (from_frame.hours, len(from_frame)) == (usage.hours, len(usage))
    a = ahb.simulate_central(sample, from_frame).to_json()
    assert a == ahb.simulate_central(sample, usage).to_json()
    bad = df.copy()
    bad.loc[5, "hour"] = "2026-10-01T00:05:00"
    with pytest.raises(ahb.ValidationError) as e:
        ahb.usage_from_frame(bad)
    assert (e.value.collection, e.value.index, e.value.field) == ("usage", 5, "hour")


def test_simulate_central(sample: ahb.Estate, usage: ahb.Usage) -> None:
    sim = ahb.simulate_central(sample, usage)
    d = sim.to_dict()
    assert d["schema"] == "ahb.central/1" and sim.hours == 744
    assert isinstance(d["scopes"][0]["total_savings"], Decimal)
    walk(d, json.loads(sim.to_json()))
    assert "central SQL AHB" in sim.to_text()
    assert "<table>" in sim._repr_html_()
    pytest.importorskip("pandas")
    assert len(sim.to_pandas()) == 744 * len(d["scopes"])


def test_best_assignment(sample: ahb.Estate, usage: ahb.Usage) -> None:
    best = ahb.best_assignment(sample, usage, "sub-prod-data",
                               sql_enterprise_per_core_year=Decimal(1890),
                               sql_standard_per_core_year="493")
    assert (best.enterprise_cores, best.standard_cores) == (113, 2)
    d = best.to_dict()
    assert d["net_yearly_savings"] == Decimal("169180.52")
    walk(d, json.loads(best.to_json()))
    assert "best assignment" in best.to_text()
    with pytest.raises(ahb.OptionError):
        ahb.best_assignment(sample, usage, "sub-prod-data")
    with pytest.raises(TypeError):
        ahb.best_assignment(sample, usage, "sub-prod-data",
                            sql_enterprise_per_core_year=object())  # type: ignore[arg-type]
    pytest.importorskip("pandas")
    assert len(best.to_pandas()) == len(d["curve"])
    assert len(best.to_pandas("load_duration")) == len(d["load_duration"])


def test_plots(sample: ahb.Estate, usage: ahb.Usage) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    t = ahb.timeline(sample, start=AS_OF, end="2028-12-31")
    # the timeline plot shows the money cliff (issue 15), no longer units short
    assert t.plot().get_title().startswith("AHB savings cliff")
    best = ahb.best_assignment(sample, usage, "sub-prod-data", sql_enterprise_per_core_year=1890)
    assert best.plot().get_title().startswith("Load-duration")


def test_import_estate() -> None:
    res = ahb.import_estate(
        inventory=[DATA / "constructed_arg_mixed.json"],
        licences=[("licences.csv", (DATA / "constructed_licences.csv").read_text())],
    )
    assert res.estate.resource_count > 0 and res.estate.licence_count > 0
    assert isinstance(res.skipped, list) and isinstance(res.unknown_sizes, list)
    assert "ImportResult(" in repr(res)
    with pytest.raises(ahb.ParseError) as e:
        ahb.import_estate(inventory=[DATA / "bad_truncated.json"])
    assert e.value.file is not None and e.value.file.endswith("bad_truncated.json")
    with pytest.raises(ahb.AhbError) as e2:
        ahb.import_estate(licences=[DATA / "bad_licences_quantity.csv"])
    assert e2.value.line is not None
    with pytest.raises(TypeError):
        ahb.import_estate(inventory=[42])  # type: ignore[list-item]


def test_cost_usage() -> None:
    rows: list[dict[str, Any]] = ahb.cost_usage_from_csv(DATA / "constructed_focus_hourly.csv")
    assert len(rows) > 0 and isinstance(rows[0], dict)


def test_usage_from_cost_export() -> None:
    db = "/subscriptions/S1/resourceGroups/rg/providers/Microsoft.Sql/servers/srv/databases/db1"
    estate = ahb.Estate.from_dict({
        "schema": "ahb.estate/1",
        "scopes": [{"id": "sub", "kind": "subscription"}],
        "resources": [{"id": db, "kind": "sql_database", "tier": "general_purpose", "vcores": 4,
                       "scope": "sub", "prices": {"payg_per_hour": "1.00", "ahb_per_hour": "0.60"}}],
        "central_assignments": [{"id": "A", "scope": "sub", "edition": "standard", "cores": 2,
                                 "start": "2025-01-01"}],
    })
    usage, used = ahb.Usage.from_cost_export(estate, DATA / "constructed_focus_hourly.csv")
    assert used["used"] == 2 and usage.hours == 2
    sim = ahb.simulate_central(estate, usage).to_dict()
    # As ahb-core's test: the licence meter's 0.05 per vCore, then the estate's 0.10.
    assert sim["scopes"][0]["overage"] == [Decimal("0.10"), Decimal("0.20")]


def test_exporters(sample: ahb.Estate) -> None:
    position = ahb.audit(sample, as_of=AS_OF)
    plan = ahb.optimize(sample, as_of=AS_OF)
    apply, rollback = ahb.az_script(sample, plan)
    assert apply.startswith("#!") and "az " in apply and rollback
    patches = ahb.arm_patches(sample, plan)
    assert len(patches) == plan.totals["changes"]
    assert ahb.position_csv(position).count("\n") > 407
    assert ahb.plan_csv(plan).splitlines()[0]
