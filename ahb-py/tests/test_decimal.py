"""Money is decimal.Decimal end to end: parsed from the core's JSON strings, never float."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest

import ahb
from conftest import AS_OF


def walk(py: Any, js: Any, path: str = "") -> int:
    """Compares to_dict() with the JSON it came from; returns the number of Decimals seen."""
    if isinstance(py, dict):
        assert isinstance(js, dict) and py.keys() == js.keys(), path
        return sum(walk(py[k], js[k], f"{path}.{k}") for k in py)
    if isinstance(py, list):
        assert isinstance(js, list) and len(py) == len(js), path
        return sum(walk(a, b, path) for a, b in zip(py, js))
    assert not isinstance(py, float), f"float at {path}"
    if isinstance(py, Decimal):
        assert isinstance(js, str) and str(py) == js, path
        return 1
    if hasattr(py, "isoformat"):
        assert py.isoformat() == js, path
        return 0
    if isinstance(py, str):
        assert not re.fullmatch(r"-?[0-9]+[.][0-9]+", py), f"amount left as str at {path}"
    assert py == js, path
    return 0


def test_every_amount_is_an_exact_decimal(sample: ahb.Estate) -> None:
    p = ahb.audit(sample, as_of=AS_OF)
    assert walk(p.to_dict(), json.loads(p.to_json())) > 500
    plan = ahb.optimize(sample, as_of=AS_OF)
    assert walk(plan.to_dict(), json.loads(plan.to_json())) > 300


def one_vm(prices: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema": "ahb.estate/1",
        "licences": [{"id": "ws", "product": "windows_server", "edition": "datacenter",
                      "metric": "core", "quantity": 64, "programme": "ea",
                      "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
        "resources": [{"id": f"vm{i}", "kind": "vm", "os": "windows", "vcpus": 8,
                       "license_type": "None", "prices": prices} for i in range(3)],
    }


def test_sub_cent_amounts_sum_exactly() -> None:
    # 0.1 + 0.2 style amounts: three VMs each saving 0.1000001 per hour.
    e = ahb.Estate.from_dict(one_vm({"payg_per_hour": Decimal("0.3000001"), "ahb_per_hour": "0.2"}))
    p = ahb.audit(e, as_of=AS_OF)
    assert p.totals["unclaimed_monthly_savings"] == Decimal("0.1000001") * 730 * 3
    plan = ahb.optimize(e, as_of=AS_OF)
    assert plan.totals["hourly_savings"] == Decimal("0.3000003")


def test_amounts_round_trip_with_all_digits() -> None:
    amount = Decimal("0.1234567890123456789")
    e = ahb.Estate.from_dict(one_vm({"payg_per_hour": amount, "ahb_per_hour": Decimal("0")}))
    assert e.to_dict()["resources"][0]["prices"]["payg_per_hour"] == amount


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), float("nan")])
def test_non_finite_amounts_are_refused(bad: Any) -> None:
    with pytest.raises(ValueError):
        ahb.Estate.from_dict(one_vm({"payg_per_hour": bad, "ahb_per_hour": "0.1"}))


def test_float_amounts_in_json_dicts_are_refused_by_the_core() -> None:
    # A float in a dict becomes a JSON number, which the core never reads as money.
    with pytest.raises(ahb.ValidationError) as e:
        ahb.Estate.from_dict(one_vm({"payg_per_hour": 0.3, "ahb_per_hour": "0.2"}))
    assert e.value.field == "prices.payg_per_hour"


def test_float_columns_read_as_their_shortest_decimal() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"id": ["a", "b"], "kind": ["vm", "vm"], "os": ["windows", "windows"],
                       "vcpus": [8, 8], "payg_per_hour": [0.192, 0.1 + 0.2],
                       "ahb_per_hour": [0.1, 0.0]})
    e = ahb.estate_from_frames(resources=df)
    prices = [r["prices"] for r in e.to_dict()["resources"]]
    assert prices[0]["payg_per_hour"] == Decimal("0.192")
    assert prices[1]["payg_per_hour"] == Decimal("0.30000000000000004")  # what the float holds
    assert prices[0]["ahb_per_hour"] == Decimal("0.1")
