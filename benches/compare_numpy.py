#!/usr/bin/env python3
"""A year of hourly usage for N SQL databases under a central assignment, computed by ahb
(benches/src/bin/central.rs) and by a vectorised numpy implementation of the same computation in
the same script: per hour, the covered NC (maximum NC utilisation, SQL-18) and the licence
charges saved (the dearest vCores first). Checks equal totals; prints the medians and the ratio.

    python3 -m venv .venv && .venv/bin/pip install numpy
    cargo build --release -p ahb-benches --bin central
    .venv/bin/python benches/compare_numpy.py 10000

The usage is General Purpose only (1 NC per vCore) so that the numpy version stays a plain
vectorised top-k; the mixed 1-NC / 4-NC case is covered by ahb's brute-force tests.
"""
import decimal
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "central")
HOURS = 8760


def base_vcores(r):
    idx = ((r.astype(np.uint64) * np.uint64(2_654_435_761)) & np.uint64(0xFFFFFFFF)) >> np.uint64(30)
    return np.array([2, 4, 8, 16], dtype=np.int64)[(idx % np.uint64(4)).astype(np.int64)]


def numpy_simulation(n, chunk=240):
    r = np.arange(n, dtype=np.uint64)
    base = base_vcores(r)
    price = 86_000 + 2_500 * (np.arange(n) % 10)
    busy_res = (np.arange(n) % 3) == 0
    # Mean of an off-hour and a business-hour demand, as the Rust generator computes it.
    mean = int(((base + base * np.where(busy_res, 2, 1)) // 2).sum())
    assigned = mean * 6 // 10
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


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    a = json.loads(subprocess.run([BIN, str(n)], check=True, capture_output=True, text=True).stdout)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        result = numpy_simulation(n)
        times.append(time.perf_counter() - t)
    covered, demand, savings = result
    rust_savings = int(decimal.Decimal(a["total_savings"]) * 1_000_000)
    equal = (covered == a["covered_nc_hours"] and demand == a["demand_nc_hours"]
             and savings == rust_savings)
    nm = statistics.median(times)
    print(f"rows {a['rows']:,}: ahb median {a['median_seconds']:.3f} s, numpy median {nm:.3f} s, "
          f"ratio {nm / a['median_seconds']:.1f}, totals equal: {equal}")
    if not equal:
        print(" ahb", a["covered_nc_hours"], a["demand_nc_hours"], rust_savings)
        print(" numpy", covered, demand, savings)


if __name__ == "__main__":
    main()
