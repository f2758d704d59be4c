#!/usr/bin/env python3
"""Writes the Parquet test files from the CSV fixtures, with pyarrow (`pip install pyarrow`).
Run from the repository root: `python3 ahb-core/tests/data/parquet/generate.py`. The files are
committed (a few kilobytes each), so the tests never run this script.

Into ahb-core/tests/data/parquet/:
  sample-sql-usage.parquet        examples/data/sample-sql-usage.csv, typed as a data frame would
                                  hold it: resource dictionary<int32, string>, hour
                                  timestamp[us, tz=UTC], vcores int32, price decimal128(18, 6);
                                  Snappy, as pandas/pyarrow and Cost Management write.
  sample-sql-usage-plain.parquet  the same rows as strings (hour, resource), float64 vCores and
                                  float64 price, uncompressed, in batches of 1000 rows.
  constructed_focus_hourly.parquet
                                  ahb-core/tests/data/constructed_focus_hourly.csv with the
                                  types pyarrow infers from the CSV (timestamps, numbers).

Into ahb-core/tests/bad_inputs/usage_parquet/ (each listed in the catalogue's manifest.tsv):
  null_vcores, vcores_fraction, vcores_bool, hour_2500, hour_minutes, price_negative,
  corrupt (a valid file cut short).

And tiny-zstd.parquet into ahb-core/tests/data/parquet/: two rows, Zstandard (polars' default).
"""

import pathlib
import sys
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parents[4]
OUT = ROOT / "ahb-core" / "tests" / "data" / "parquet"
BAD = ROOT / "ahb-core" / "tests" / "bad_inputs" / "usage_parquet"


def usage_table(path: pathlib.Path) -> pa.Table:
    """The usage CSV read as text, then typed."""
    t = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in
                                                           ["resource", "hour", "vcores", "licence_price_per_vcore_hour"]}),
    )
    price = [None if p in (None, "") else Decimal(p) for p in t["licence_price_per_vcore_hour"].to_pylist()]
    hours = pc.strptime(t["hour"], format="%Y-%m-%dT%H:%M:%S", unit="us")
    return pa.table({
        "resource": pa.array(t["resource"].to_pylist()).dictionary_encode(),
        "hour": hours.cast(pa.timestamp("us", tz="UTC")),
        "vcores": pa.array([int(v) for v in t["vcores"].to_pylist()], pa.int32()),
        "licence_price_per_vcore_hour": pa.array(price, pa.decimal128(18, 6)),
    })


def tiny(**cols) -> pa.Table:
    base = {
        "resource": pa.array(["db1", "db1"]),
        "hour": pa.array(["2026-01-01T00:00:00", "2026-01-01T01:00:00"]),
        "vcores": pa.array([4, 4], pa.int64()),
    }
    base.update(cols)
    return pa.table(base)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    BAD.mkdir(parents=True, exist_ok=True)
    usage = usage_table(ROOT / "examples" / "data" / "sample-sql-usage.csv")
    pq.write_table(usage, OUT / "sample-sql-usage.parquet", compression="snappy")
    plain = pa.table({
        "resource": usage["resource"].cast(pa.string()),
        "hour": pa.array([h.strftime("%Y-%m-%dT%H:%M:%S") for h in usage["hour"].to_pylist()]),
        "vcores": usage["vcores"].cast(pa.float64()),
        "licence_price_per_vcore_hour": usage["licence_price_per_vcore_hour"].cast(pa.float64()),
    })
    pq.write_table(plain, OUT / "sample-sql-usage-plain.parquet", compression="none", row_group_size=5000)

    focus = pacsv.read_csv(ROOT / "ahb-core" / "tests" / "data" / "constructed_focus_hourly.csv")
    pq.write_table(focus, OUT / "constructed_focus_hourly.parquet", compression="snappy")

    ts = lambda *s: pa.array(s, pa.string())  # noqa: E731
    bad = {
        "null_vcores": tiny(vcores=pa.array([4, None], pa.int64())),
        "vcores_fraction": tiny(vcores=pa.array([4.0, 4.5])),
        "vcores_bool": tiny(vcores=pa.array([True, False])),
        "hour_2500": tiny(hour=pa.array([0, 16725225600], pa.timestamp("s"))),
        "hour_minutes": tiny(hour=ts("2026-01-01T00:00:00", "2026-01-01T01:30:00")),
        "price_negative": tiny(licence_price_per_vcore_hour=pa.array([Decimal("0.1"), Decimal("-0.1")],
                                                                     pa.decimal128(9, 4))),
    }
    for name, table in bad.items():
        pq.write_table(table, BAD / f"{name}.parquet")
    good = BAD / "hour_minutes.parquet"
    (BAD / "corrupt.parquet").write_bytes(good.read_bytes()[:-40] + good.read_bytes()[-8:])
    pq.write_table(tiny(), OUT / "tiny-zstd.parquet", compression="zstd")
    print("wrote", OUT, BAD, file=sys.stderr)


if __name__ == "__main__":
    main()
