#!/usr/bin/env python3
"""Loading a year of hourly usage (N SQL databases x 8,760 hours, the rows of
benches/compare_numpy.py) from Parquet and from CSV, in one Python process, ahb against pyarrow
and pandas:

    Parquet  ahb.Usage.from_parquet(path)   vs pyarrow.parquet.read_table(path)  (threads on, as
             by default, and off) and pandas.read_parquet(path);
    Arrow    ahb.Usage.from_arrow(table)     (the table already in memory, no copy via pandas);
    CSV      ahb.Usage.from_path(path)       vs pandas.read_csv(path) (C engine, the columns typed).

ahb's loaders validate every row (hour order, span, duplicates, bounds) and build its columnar
usage; pyarrow and pandas only decode. Each time is the median of RUNS runs after one warm-up
(the files are in the page cache). The files are written once (pyarrow) if absent: Parquet as a
data frame holds the usage (resource dictionary, hour timestamp[us], vcores int32, price
float64; Snappy), CSV as benches/src/bin/central.rs writes it. The script checks that every
loader sees the same rows and the same sums.

    python3 -m venv /tmp/pq-venv && /tmp/pq-venv/bin/pip install numpy pandas pyarrow
    /tmp/pq-venv/bin/pip install target/py-dist/ahb-*.whl   # or: maturin build --release
    /tmp/pq-venv/bin/python benches/compare_parquet.py 1000 [--dir /tmp] [--runs 3]
"""
import argparse
import os
import statistics
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

import ahb

HOURS = 8760


def usage_table(n):
    """The usage of compare_numpy.py / central.rs: hour-major rows, db0..db{n-1} each hour."""
    r = np.tile(np.arange(n, dtype=np.uint64), HOURS)
    h = np.repeat(np.arange(HOURS, dtype=np.int64), n)
    idx = ((r * np.uint64(2_654_435_761)) & np.uint64(0xFFFFFFFF)) >> np.uint64(30)
    base = np.array([2, 4, 8, 16], dtype=np.int32)[(idx % np.uint64(4)).astype(np.int64)]
    busy = ((h % 24) >= 8) & ((h % 24) < 18) & ((r % np.uint64(3)) == 0)
    vcores = base * np.where(busy, 2, 1).astype(np.int32)
    price_micro = 86_000 + 2_500 * (r % np.uint64(10)).astype(np.int64)
    names = pa.array([f"db{i}" for i in range(n)])
    resource = pa.DictionaryArray.from_arrays(pa.array(r.astype(np.int32)), names)
    start = np.datetime64("2026-01-01T00:00:00", "us")
    hour = pa.array(start + h.astype("timedelta64[h]"), pa.timestamp("us"))
    return pa.table({
        "resource": resource,
        "hour": hour,
        "vcores": pa.array(vcores),
        "licence_price_per_vcore_hour": pa.array(price_micro / 1e6),
    }), int(vcores.sum()), int(price_micro.sum())


def write_files(n, directory):
    pq_path = os.path.join(directory, f"ahb-usage-{n}.parquet")
    csv_path = os.path.join(directory, f"ahb-usage-{n}.csv")
    if os.path.exists(pq_path) and os.path.exists(csv_path):
        return pq_path, csv_path
    t, _, _ = usage_table(n)
    pq.write_table(t, pq_path, compression="snappy")
    # Prices as central.rs writes them: six decimals (0.086000 … 0.108500).
    micro = np.round(t["licence_price_per_vcore_hour"].to_numpy() * 1e6).astype(np.int64)
    text = pa.table({
        "resource": t["resource"].cast(pa.string()),
        "hour": pc.strftime(t["hour"], format="%Y-%m-%dT%H:00:00"),
        "vcores": t["vcores"],
        "licence_price_per_vcore_hour": pa.array(np.char.mod("0.%06d", micro)),
    })
    with open(csv_path, "wb") as f:
        f.write(b"resource,hour,vcores,licence_price_per_vcore_hour\n")
        pacsv.write_csv(text, f, pacsv.WriteOptions(quoting_style="none", include_header=False))
    return pq_path, csv_path


def timed(f, runs):
    f()  # warm-up: the file in the page cache, the allocator warm
    times = []
    out = None
    for _ in range(runs):
        out = None  # the previous result freed before the clock starts
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("resources", type=int, nargs="?", default=1000)
    p.add_argument("--dir", default="/tmp")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    n, runs = args.resources, args.runs
    pq_path, csv_path = write_files(n, args.dir)
    _, vcores_sum, price_sum = usage_table(n)
    rows = n * HOURS
    print(f"{rows:,} rows ({n:,} resources x {HOURS:,} hours); Parquet {os.path.getsize(pq_path) / 2**20:,.1f} MiB, "
          f"CSV {os.path.getsize(csv_path) / 2**20:,.0f} MiB; median of {runs}; pyarrow {pa.__version__}, "
          f"pandas {pd.__version__}, {os.cpu_count()} cores")

    def check_ahb(u):
        assert len(u) == rows and u.hours == HOURS, u

    results = {}
    results["ahb.Usage.from_parquet"], u = timed(lambda: ahb.Usage.from_parquet(pq_path), runs)
    check_ahb(u)
    results["pyarrow.parquet.read_table"], t = timed(lambda: pq.read_table(pq_path), runs)
    assert t.num_rows == rows and pc.sum(t["vcores"]).as_py() == vcores_sum
    results["pyarrow.parquet.read_table (use_threads=False)"], _ = timed(
        lambda: pq.read_table(pq_path, use_threads=False), runs)
    results["pandas.read_parquet"], df = timed(lambda: pd.read_parquet(pq_path), runs)
    assert len(df) == rows and int(df["vcores"].sum()) == vcores_sum
    assert round(df["licence_price_per_vcore_hour"].sum() * 1e6) == price_sum
    del df
    results["ahb.Usage.from_arrow (table in memory)"], u = timed(lambda: ahb.Usage.from_arrow(t), runs)
    check_ahb(u)
    del t
    results["ahb.Usage.from_path (CSV)"], u = timed(lambda: ahb.Usage.from_path(csv_path), runs)
    check_ahb(u)
    dtypes = {"resource": "category", "vcores": "int32", "licence_price_per_vcore_hour": "float64"}
    results["pandas.read_csv"], df = timed(
        lambda: pd.read_csv(csv_path, dtype=dtypes, parse_dates=["hour"], date_format="%Y-%m-%dT%H:%M:%S"), runs)
    assert len(df) == rows and int(df["vcores"].sum()) == vcores_sum
    del df

    base_pq = results["pyarrow.parquet.read_table"]
    base_csv = results["pandas.read_csv"]
    print(f"{'loader':<50} {'median':>9}  vs read_table  vs read_csv")
    for name, s in results.items():
        print(f"{name:<50} {s:>8.3f}s  {s / base_pq:>12.2f}  {s / base_csv:>10.2f}")


if __name__ == "__main__":
    main()
