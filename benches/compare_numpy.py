#!/usr/bin/env python3
"""A year of hourly usage for N SQL databases under a central assignment (N x 8,760 rows),
computed in one run by ahb (benches/src/bin/central.rs), by a vectorised numpy top-k and by a
pandas aggregate of the same rows: per hour, the covered NC (maximum NC utilisation, SQL-18) and
the licence charges saved (the dearest vCores first). Checks that the three give equal totals;
prints the medians and the ratios. Then loads the same usage from one CSV file with ahb
(`HourlyUsage::from_csv`) and with `pandas.read_csv`, checking equal rows and sums.

    python3 -m venv /tmp/hourly-venv && /tmp/hourly-venv/bin/pip install numpy pandas
    cargo build --release -p ahb-benches --bin central
    /tmp/hourly-venv/bin/python benches/compare_numpy.py 10000 [--csv /tmp/usage.csv] [--no-csv]
        [--bin PATH]

`--bin` runs another build of the bench binary (say, a copy of an earlier one) in place of
target/release/central.

The usage is General Purpose only (1 NC per vCore) so that the numpy and pandas versions stay
plain vectorised top-k computations; the mixed 1-NC / 4-NC case is covered by ahb's brute-force
tests. ahb's times are measured inside its process (`simulate_central` with the validation of
the columns; `read_to_string` plus `from_csv`), median of three; its peak memory is the
process's maximum resident set (`wait4`), generator and input columns included. The CSV is
written once by the same binary (`--write-csv`) if the file does not exist.
"""
import argparse
import decimal
import json
import os
import statistics
import subprocess
import time

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "central")
HOURS = 8760
RUNS = 3


def run_ahb(*args):
    """Runs the bench binary; returns its JSON output and its peak resident set in MiB."""
    p = subprocess.Popen([BIN, *map(str, args)], stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{BIN} {args} failed with {p.returncode}")
    return (json.loads(out) if out.strip() else None), usage.ru_maxrss / 1024


def base_vcores(r):
    idx = ((r.astype(np.uint64) * np.uint64(2_654_435_761)) & np.uint64(0xFFFFFFFF)) >> np.uint64(30)
    return np.array([2, 4, 8, 16], dtype=np.int64)[(idx % np.uint64(4)).astype(np.int64)]


def generator(n):
    r = np.arange(n, dtype=np.uint64)
    base = base_vcores(r)
    price = 86_000 + 2_500 * (np.arange(n) % 10)
    busy_res = (np.arange(n) % 3) == 0
    # Mean of an off-hour and a business-hour demand, as the Rust generator computes it.
    mean = int(((base + base * np.where(busy_res, 2, 1)) // 2).sum())
    assigned = mean * 6 // 10
    return base, price, busy_res, assigned


def numpy_simulation(n, chunk=240):
    base, price, busy_res, assigned = generator(n)
    order = np.argsort(-price, kind="stable")
    base_o, price_o, busy_o = base[order], price[order], busy_res[order]
    covered_total = 0
    demand_total = 0
    savings_total = 0
    for h0 in range(0, HOURS, chunk):
        h = np.arange(h0, min(h0 + chunk, HOURS))
        busy_hour = ((h % 24) >= 8) & ((h % 24) < 18)
        v = base_o[None, :] * np.where(busy_hour[:, None] & busy_o[None, :], 2, 1)
        demand = v.sum(axis=1)
        covered = np.minimum(demand, assigned)
        before = np.cumsum(v, axis=1) - v
        taken = np.clip(covered[:, None] - before, 0, v)
        savings_total += int((taken * price_o[None, :]).sum())
        covered_total += int(covered.sum())
        demand_total += int(demand.sum())
    return covered_total, demand_total, savings_total


def usage_frame(n):
    """The usage rows as the CSV has them (hour order), as a data frame: not timed."""
    base, price, busy_res, _ = generator(n)
    hour = np.repeat(np.arange(HOURS, dtype=np.int32), n)
    busy_hour = ((np.arange(HOURS) % 24) >= 8) & ((np.arange(HOURS) % 24) < 18)
    vcores = (base[None, :] * np.where(busy_hour[:, None] & busy_res[None, :], 2, 1)).astype(np.int32)
    return pd.DataFrame({
        "resource": np.tile(np.arange(n, dtype=np.int32), HOURS),
        "hour": hour,
        "vcores": vcores.reshape(-1),
        "price": np.tile(price.astype(np.int64), HOURS),
    })


def pandas_simulation(df, assigned):
    """The pandas aggregate: vCores per hour and price (one group-by over the rows), then per
    hour, dearest price first, the vCores the assigned NC cover."""
    by = df.groupby(["hour", "price"], sort=True)["vcores"].sum().reset_index()
    by = by.sort_values(["hour", "price"], ascending=[True, False], kind="stable")
    v = by["vcores"].astype(np.int64)
    before = v.groupby(by["hour"]).cumsum() - v
    demand = v.groupby(by["hour"]).sum()
    covered = demand.clip(upper=assigned)
    cap = by["hour"].map(covered)
    taken = (cap - before).clip(lower=0, upper=v)
    savings = int((taken * by["price"]).sum())
    return int(covered.sum()), int(demand.sum()), savings


def timed(f, *args):
    times, result = [], None
    for _ in range(RUNS):
        t = time.perf_counter()
        result = f(*args)
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def simulate(n):
    a, peak = run_ahb(n)
    rust = (a["covered_nc_hours"], a["demand_nc_hours"], int(decimal.Decimal(a["total_savings"]) * 1_000_000))
    nm, np_result = timed(numpy_simulation, n)
    df = usage_frame(n)
    _, _, _, assigned = generator(n)
    pm, pd_result = timed(pandas_simulation, df, assigned)
    del df
    am = a["median_seconds"]
    input_mib = a["rows"] * (4 + 4 + 4 + 8) / 2**20
    print(f"simulate, {a['rows']:,} rows: ahb {am:.3f} s (peak {peak:,.0f} MiB, input columns "
          f"{input_mib:,.0f} MiB, beyond them {peak - input_mib:,.0f} MiB); numpy {nm:.3f} s "
          f"({nm / am:.2f}x ahb); pandas aggregate {pm:.3f} s ({pm / am:.2f}x ahb); totals equal: "
          f"{rust == np_result == pd_result}")
    if not rust == np_result == pd_result:
        print("  ahb", rust, "\n  numpy", np_result, "\n  pandas", pd_result)


def load_csv(path, n):
    if not os.path.exists(path):
        run_ahb("--write-csv", path, n)
    size = os.path.getsize(path) / 2**20
    a, peak = run_ahb("--read-csv", path, RUNS)

    def pandas_read():
        return pd.read_csv(path, dtype={"resource": "category", "vcores": "int32",
                                        "licence_price_per_vcore_hour": "float64"},
                           parse_dates=["hour"], date_format="%Y-%m-%dT%H:%M:%S")

    pm, df = timed(pandas_read)
    equal = (len(df) == a["rows"] and int(df["vcores"].sum()) == a["vcores_sum"]
             and df["resource"].nunique() == a["resources"]
             and df["hour"].nunique() == a["hours"])
    am = a["median_seconds"]
    print(f"load CSV, {size:,.0f} MiB, {a['rows']:,} rows: ahb {am:.3f} s (from_csv alone "
          f"{a['median_parse_seconds']:.3f} s; peak {peak:,.0f} MiB); pandas.read_csv {pm:.3f} s "
          f"({pm / am:.2f}x ahb); rows and sums equal: {equal}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("resources", type=int, nargs="?", default=10_000)
    p.add_argument("--csv", default=None, help="usage CSV to load (written if absent)")
    p.add_argument("--no-csv", action="store_true", help="skip the CSV loading comparison")
    p.add_argument("--bin", default=None, help="the bench binary (default target/release/central)")
    args = p.parse_args()
    if args.bin:
        global BIN
        BIN = args.bin
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    simulate(args.resources)
    if not args.no_csv:
        load_csv(args.csv or f"/tmp/ahb-usage-{args.resources}.csv", args.resources)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
