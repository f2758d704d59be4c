#!/usr/bin/env python3
"""Solves the same generated instances with ahb and with scipy.optimize.milp (HiGHS) and checks
that both reach the same optimum; prints the medians and the speed ratio.

    python3 -m venv .venv && .venv/bin/pip install scipy numpy
    cargo build --release -p ahb-benches --bin instance
    .venv/bin/python benches/compare_highs.py 10000 30000 100000

Each instance: one Windows Server pool (VMs drawing on any edition, dedicated hosts on
Datacenter, Azure Local on Datacenter from EA/CSP lines). The MILP has a binary per resource and
a continuous flow per (line group, demand class), the same model ahb solves.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

# Seconds HiGHS may spend per instance; beyond it the ratio is a lower bound.
TIME_LIMIT = float(os.environ.get("HIGHS_TIME_LIMIT", "120"))
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "instance")


def ahb(n, lines, seed, path):
    out = subprocess.run([BIN, str(n), str(lines), str(seed), path], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def build(inst):
    items = inst["items"]
    n = len(items)
    # Line groups: standard, datacenter (not Azure Local programme), datacenter (Azure Local).
    groups = {"std": [0, 0, 0], "dc": [0, 0, 0], "dcal": [0, 0, 0]}  # vm, host, total
    for l in inst["lines"]:
        g = "std" if not l["datacenter"] else ("dcal" if l["azure_local"] else "dc")
        groups[g][0] += l["for_vms"]
        groups[g][1] += l["for_hosts"]
        groups[g][2] += max(l["for_vms"], l["for_hosts"])
    # Flow variables after the n binaries: (group, class, via_host).
    flows = [("std", "any", False), ("dc", "any", False), ("dcal", "any", False),
             ("dc", "host", True), ("dcal", "host", True), ("dcal", "azure_local", True)]
    nv = n + len(flows)
    rows, cols, vals, ub = [], [], [], []
    r = 0
    for cls in ("any", "host", "azure_local"):
        for i, it in enumerate(items):
            if it["class"] == cls:
                rows.append(r); cols.append(i); vals.append(it["units"])
        for j, (g, c, _) in enumerate(flows):
            if c == cls:
                rows.append(r); cols.append(n + j); vals.append(-1)
        ub.append(0); r += 1
    for g, (vm, host, total) in groups.items():
        for j, (gg, c, via_host) in enumerate(flows):
            if gg == g and not via_host:
                rows.append(r); cols.append(n + j); vals.append(1)
        ub.append(vm); r += 1
        for j, (gg, c, via_host) in enumerate(flows):
            if gg == g and via_host:
                rows.append(r); cols.append(n + j); vals.append(1)
        ub.append(host); r += 1
        for j, (gg, c, _) in enumerate(flows):
            if gg == g:
                rows.append(r); cols.append(n + j); vals.append(1)
        ub.append(total); r += 1
    a = coo_matrix((vals, (rows, cols)), shape=(r, nv)).tocsr()
    savings = np.array([float(it["savings"]) for it in items] + [0.0] * len(flows))
    integrality = np.array([1] * n + [0] * len(flows))
    bounds = Bounds(np.zeros(nv), np.array([1.0] * n + [np.inf] * len(flows)))
    return -savings, LinearConstraint(a, -np.inf, np.array(ub, dtype=float)), integrality, bounds, items


def highs(inst):
    c, cons, integrality, bounds, items = build(inst)
    t = time.perf_counter()
    res = milp(c, constraints=cons, integrality=integrality, bounds=bounds,
               options={"mip_rel_gap": 0, "presolve": True, "time_limit": TIME_LIMIT})
    seconds = time.perf_counter() - t
    if res.x is None:
        raise SystemExit(f"HiGHS found no solution: {res.message}")
    x = np.round(res.x[: len(items)]).astype(int)
    objective = sum(int(it["savings"]) for it, xi in zip(items, x) if xi == 1)
    # status 0: proven optimal; 1: time limit reached with the incumbent returned.
    return objective, seconds, res.status == 0


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [10_000, 100_000]
    print(f"{'resources':>10} {'ahb median s':>13} {'HiGHS median s':>15} {'ratio':>8}  objectives equal")
    for n in sizes:
        lines = min(10_000, max(1, n // 10))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "inst.json")
            runs = []
            for seed in (1, 2, 3):
                a = ahb(n, lines, seed, path)
                inst = json.load(open(path))
                h_obj, h_s, h_proven = highs(inst)
                runs.append((a["median_solve_seconds"], h_s, int(a["objective_micro"]) == h_obj,
                             int(a["objective_micro"]), h_obj, h_proven, a["proven_optimal"]))
        am = statistics.median(r[0] for r in runs)
        hm = statistics.median(r[1] for r in runs)
        equal = all(r[2] for r in runs)
        proven = all(r[5] for r in runs)
        ratio = f"{hm / am:.0f}" + ("" if proven else "+")
        print(f"{n:>10} {am:>13.5f} {hm:>15.3f} {ratio:>8}  {equal}"
              + ("" if proven else f"  (HiGHS hit the {TIME_LIMIT:.0f} s limit on some seeds)"))
        for r in runs:
            if not r[2]:
                better = "ahb better" if r[3] > r[4] else "HiGHS better"
                print(f"   ahb {r[3]} (proven {r[6]})  HiGHS {r[4]} (proven {r[5]})  {better}")


if __name__ == "__main__":
    main()
