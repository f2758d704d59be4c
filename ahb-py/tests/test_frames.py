"""The pandas path: DataFrames with the documented columns give the same estate as JSON."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

import ahb
from conftest import AS_OF, generated_dict, generated_frames

pd = pytest.importorskip("pandas")


def flatten_resource(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in r.items() if k not in ("prices", "sql_prices")}
    for key, prefix in (("prices", ""), ("sql_prices", "sql_")):
        for k, v in (r.get(key) or {}).items():
            out[prefix + ("currency" if k == "currency" else k)] = v
    return out


def flatten_licence(line: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in line.items() if k != "sa"}
    if "sa" in line:
        out["sa_start"] = line["sa"]["start"]
        out["sa_end"] = line["sa"]["end"]
    return out


def test_sample_estate_from_frames(sample: ahb.Estate, sample_dict: dict[str, Any]) -> None:
    resources = pd.DataFrame([flatten_resource(r) for r in sample_dict["resources"]])
    licences = pd.DataFrame([flatten_licence(x) for x in sample_dict["licences"]])
    licences["sa_end"] = pd.to_datetime(licences["sa_end"])  # datetime64 and str both work
    scopes = pd.DataFrame(sample_dict["scopes"])
    # Mixed kinds leave NaN in other kinds' columns; counts become float64, flags object.
    assert resources["vcpus"].dtype == "float64"
    central = sample_dict.get("central_assignments")
    e = ahb.estate_from_frames(resources=resources, licences=licences, scopes=scopes,
                               central_assignments=pd.DataFrame(central) if central else None)
    assert e == sample
    assert ahb.audit(e, as_of=AS_OF).to_json() == ahb.audit(sample, as_of=AS_OF).to_json()


def test_generated_frames_match_generated_json() -> None:
    df, lic = generated_frames(2_000)
    assert ahb.estate_from_frames(resources=df, licences=lic) == ahb.Estate.from_dict(generated_dict(2_000))
    assert ahb.load(df).resource_count == 2_000


def test_column_types() -> None:
    df = pd.DataFrame({
        "id": pd.Series(["a", "b", "c"], dtype="string"),
        "kind": pd.Categorical(["vm", "sql_database", "vm"]),
        "os": ["windows", None, "rhel"],
        "vcpus": pd.array([4, None, 2], dtype="Int64"),
        "license_type": ["Windows_Server", "BasePrice", "RHEL_BYOS"],
        "tier": [None, "general_purpose", None],
        "vcores": [None, 4, None],
        "created": [pd.NaT, pd.Timestamp("2023-01-05"), pd.NaT],
        "running": pd.array([True, None, False], dtype="boolean"),
        "payg_per_hour": [Decimal("0.5"), "2.25", None],
        "ahb_per_hour": [Decimal("0.25"), "1.0", None],
    })
    d = ahb.estate_from_frames(resources=df).to_dict()["resources"]
    assert d[0]["vcpus"] == 4 and d[0]["prices"]["payg_per_hour"] == Decimal("0.5")
    assert d[1]["created"] == datetime.date(2023, 1, 5) and d[1]["vcores"] == 4
    assert d[2]["running"] is False and "prices" not in d[2]


def test_errors_name_row_and_column() -> None:
    df = pd.DataFrame({"id": ["a", "b"], "kind": ["vm", "vm"], "os": ["windows", "windows"],
                       "vcpus": [4, 0]})
    with pytest.raises(ahb.ValidationError) as e:
        ahb.estate_from_frames(resources=df)
    assert (e.value.index, e.value.record_id, e.value.field) == (1, "b", "vcpus")
    df["vcpus"] = [4, 4]
    df["tier"] = [None, "general_purpose"]  # a column vm does not have
    with pytest.raises(ahb.ValidationError) as e:
        ahb.estate_from_frames(resources=df)
    assert (e.value.index, e.value.field) == (1, "tier")
    with pytest.raises(ahb.MissingFieldError) as m:
        ahb.estate_from_frames(resources=pd.DataFrame({"id": ["a"], "kind": ["vm"], "vcpus": [2]}))
    assert m.value.field == "os"
    with pytest.raises(ahb.MissingFieldError) as m:
        ahb.estate_from_frames(resources=pd.DataFrame({"id": [None], "kind": ["vm"]}))
    assert m.value.field == "id"
    lic = pd.DataFrame({"id": ["x"], "product": ["windows_server"], "edition": ["datacenter"],
                        "metric": ["core"], "quantity": [8], "programme": ["nope"]})
    with pytest.raises(ahb.UnknownVariantError) as u:
        ahb.estate_from_frames(licences=lic)
    assert (u.value.collection, u.value.field) == ("licences", "programme")
    with pytest.raises(ahb.AhbError):
        ahb.estate_from_frames(resources=df.assign(payg_per_hour=[0.5, None]))
    with pytest.raises(TypeError):
        ahb.estate_from_frames(resources={"id": ["a"]})  # type: ignore[arg-type]
