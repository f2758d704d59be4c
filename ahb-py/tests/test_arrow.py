"""Parquet and Arrow input: the same usage as CSV, as Parquet and as Arrow data (pyarrow, polars)
gives the same Usage and the same simulation; bad tables raise the CSV reader's error codes."""

from __future__ import annotations

import datetime
import io
import pathlib
from decimal import Decimal
from typing import Any

import pytest

import ahb
from conftest import ROOT

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

USAGE_CSV = ROOT / "examples" / "data" / "sample-sql-usage.csv"
PARQUET = ROOT / "ahb-core" / "tests" / "data" / "parquet"
ESTATE = ROOT / "examples" / "data" / "sample-estate.json"


def same(a: ahb.Usage, b: ahb.Usage) -> None:
    assert (a.start, a.hours, len(a)) == (b.start, b.hours, len(b))
    estate = ahb.Estate.from_path(ESTATE)
    assert ahb.simulate_central(estate, a).to_json() == ahb.simulate_central(estate, b).to_json()


def table() -> Any:
    return pq.read_table(PARQUET / "sample-sql-usage.parquet")


def test_parquet_path_bytes_and_sniffing_read_the_csv_usage() -> None:
    want = ahb.Usage.from_path(USAGE_CSV)
    assert len(want) > 20_000
    path = PARQUET / "sample-sql-usage.parquet"
    same(ahb.Usage.from_parquet(path), want)
    same(ahb.Usage.from_parquet(str(PARQUET / "sample-sql-usage-plain.parquet")), want)
    same(ahb.Usage.from_parquet(path.read_bytes()), want)
    # from_path recognises Parquet by its magic.
    same(ahb.Usage.from_path(path), want)


def test_arrow_objects_read_without_pandas() -> None:
    want = ahb.Usage.from_path(USAGE_CSV)
    t = table()
    same(ahb.Usage.from_arrow(t), want)
    same(ahb.Usage.from_arrow(t.to_reader(max_chunksize=1000)), want)
    same(ahb.Usage.from_arrow(t.slice(0, 100).to_batches()[0]), ahb.Usage.from_arrow(t.slice(0, 100)))
    # Strings, floats and a naive timestamp in milliseconds: the same usage.
    plain = t.cast(pa.schema([
        ("resource", pa.string()),
        ("hour", pa.timestamp("ms")),
        ("vcores", pa.float64()),
        ("licence_price_per_vcore_hour", pa.float64()),
    ]))
    same(ahb.Usage.from_arrow(plain), want)


def test_polars_dataframe() -> None:
    pl = pytest.importorskip("polars")
    df = pl.from_arrow(table())
    same(ahb.Usage.from_arrow(df), ahb.Usage.from_path(USAGE_CSV))


def tiny(**columns: Any) -> Any:
    base = {
        "resource": pa.array(["db1", "db1"]),
        "hour": pa.array([datetime.datetime(2026, 1, 1, 0), datetime.datetime(2026, 1, 1, 1)]),
        "vcores": pa.array([4, 4]),
    }
    base.update(columns)
    return pa.table(base)


@pytest.mark.parametrize(
    ("columns", "code", "field", "row"),
    [
        ({"vcores": pa.array([4, None])}, "parse", "vcores", 1),
        ({"vcores": pa.array([4.0, 2.5])}, "parse", "vcores", 1),
        ({"vcores": pa.array([True, False])}, "parse", "vcores", None),
        ({"resource": pa.array(["db1", None])}, "parse", "resource", 1),
        ({"hour": pa.array(["2026-01-01T00:00:00", "2026-02-30T00:00:00"])}, "parse", "hour", 1),
        ({"hour": pa.array(["2026-01-01T01:00:00", "2026-01-01T00:00:00"])}, "invalid_value", "hour", 1),
        ({"licence_price_per_vcore_hour": pa.array([Decimal("0.1"), Decimal("-0.1")])},
         "invalid_value", "licence_price_per_vcore_hour", 1),
        ({"vcores": pa.array([4, 5000])}, "invalid_value", "vcores", 1),
    ],
)
def test_bad_tables_raise_typed_located_errors(columns: dict[str, Any], code: str, field: str,
                                               row: int | None) -> None:
    t = tiny(**columns)
    for read in (lambda: ahb.Usage.from_arrow(t), lambda: ahb.Usage.from_parquet(parquet_bytes(t))):
        with pytest.raises(ahb.AhbError) as e:
            read()
        assert e.value.code_name == code
        assert e.value.field == field
        assert (e.value.index if row is not None else None) == row


def parquet_bytes(t: Any) -> bytes:
    out = io.BytesIO()
    pq.write_table(t, out)
    return out.getvalue()


def test_corrupt_and_wrong_inputs() -> None:
    with pytest.raises(ahb.AhbError) as e:
        ahb.Usage.from_parquet(parquet_bytes(tiny())[:-30])
    assert e.value.code_name == "parse"
    with pytest.raises(ahb.AhbError) as e:
        ahb.Usage.from_parquet(pathlib.Path("no/such/file.parquet"))
    assert e.value.code_name == "io"
    with pytest.raises(TypeError):
        ahb.Usage.from_arrow([1, 2, 3])  # type: ignore[arg-type]


def test_cost_export_as_parquet_and_arrow() -> None:
    csv = ROOT / "ahb-core" / "tests" / "data" / "constructed_focus_hourly.csv"
    rid = "/subscriptions/S1/resourceGroups/rg/providers/Microsoft.Sql/servers/srv/databases/db1"
    estate = ahb.Estate.from_dict({
        "schema": "ahb.estate/1",
        "scopes": [{"id": "sub", "kind": "subscription"}],
        "resources": [{"id": rid, "kind": "sql_database", "tier": "general_purpose", "vcores": 4,
                       "scope": "sub", "prices": {"payg_per_hour": "1.00", "ahb_per_hour": "0.60"}}],
    })
    want, used = ahb.Usage.from_cost_export(estate, csv)
    path = PARQUET / "constructed_focus_hourly.parquet"
    for source in (path, ("export.parquet", path.read_bytes()), pq.read_table(path)):
        got, got_used = ahb.Usage.from_cost_export(estate, source)
        assert got_used == used
        assert (got.start, got.hours, len(got)) == (want.start, want.hours, len(want))
        assert ahb.simulate_central(estate, got).to_json() == ahb.simulate_central(estate, want).to_json()
