#!/usr/bin/env python3
"""Solves the same generated instances with ahb and with scipy.optimize.milp (HiGHS), in three
formulations, and checks that each reaches ahb's proven optimum; prints the medians and the
speed ratios.

    python3 -m venv .venv && .venv/bin/pip install scipy numpy
    cargo build --release -p ahb-benches --bin instance
    HIGHS_TIME_LIMIT=60 .venv/bin/python benches/compare_highs.py 1000 10000

Each instance: one Windows Server pool (VMs drawing on any edition, dedicated hosts on
Datacenter, Azure Local on Datacenter from EA/CSP lines), with a continuous flow per (line group,
demand class). The formulations differ in how resources are chosen:

- `binary`: a binary per resource (the original comparison). Resources of the same size are
  near-interchangeable, so the branch and bound meets many symmetric solutions.
- `ordered`: the same binaries plus symmetry-breaking rows: within each (demand class, units)
  group, sorted by savings, x[next] <= x[previous] (choosing a less valuable resource of a size
  but not a more valuable one is never better, so some optimum satisfies the rows).
- `aggregated`: one integer count k per (demand class, units) group, bounded by the group's
  size, carrying the units; a continuous y in [0, 1] per resource with sum(y) = k carries the
  savings. For a fixed integer k the best y is the k most valuable resources of the group (the
  prefix sums of savings sorted in decreasing order are concave and the objective is maximised),
  so this is an exact model with one integer per group, not a relaxation. Grouping only
  resources of identical (class, units, savings) would leave about one integer per resource on
  these instances (savings are almost all distinct; the script prints the counts).

The chosen set is rebuilt from the rounded solution (for `aggregated`: the k most valuable of each
group), checked against the supply rows, and its savings summed exactly in integers.
HIGHS_FORMULATIONS=binary,ordered,aggregated selects formulations.
At 10^5 run the ordered formulation under `ulimit -s unlimited`: with the default 8 MiB stack
HiGHS crashes (segmentation fault) on its long chains of ordering rows.
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
FORMULATIONS = os.environ.get("HIGHS_FORMULATIONS", "binary,ordered,aggregated").split(",")
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "instance")
CLASSES = ("any", "host", "azure_local")
# Flow variables: (line group, demand class, via the lines' host allowance).
FLOWS = [("std", "any", False), ("dc", "any", False), ("dcal", "any", False),
         ("dc", "host", True), ("dcal", "host", True), ("dcal", "azure_local", True)]


def ahb(n, lines, seed, path):
    out = subprocess.run([BIN, str(n), str(lines), str(seed), path], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def line_groups(inst):
    # Line groups: standard, datacenter (not Azure Local programme), datacenter (Azure Local).
    groups = {"std": [0, 0, 0], "dc": [0, 0, 0], "dcal": [0, 0, 0]}  # vm, host, total
    for l in inst["lines"]:
        g = "std" if not l["datacenter"] else ("dcal" if l["azure_local"] else "dc")
        groups[g][0] += l["for_vms"]
        groups[g][1] += l["for_hosts"]
        groups[g][2] += max(l["for_vms"], l["for_hosts"])
    return groups


def size_groups(items):
    """(class, units) -> item indices, most valuable first."""
    groups = {}
    for i, it in enumerate(items):
        groups.setdefault((it["class"], it["units"]), []).append(i)
    for idx in groups.values():
        idx.sort(key=lambda i: -int(items[i]["savings"]))
    return groups


def build(inst, form):
    """The MILP of `form`: (c, constraints, integrality, bounds, layout)."""
    items = inst["items"]
    n = len(items)
    sgroups = list(size_groups(items).items())
    ng = len(sgroups) if form == "aggregated" else 0
    f0 = n + ng  # first flow variable
    nv = f0 + len(FLOWS)
    rows, cols, vals, lb, ub = [], [], [], [], []
    r = 0

    def row(entries, lo, hi):
        nonlocal r
        for c, v in entries:
            rows.append(r); cols.append(c); vals.append(v)
        lb.append(lo); ub.append(hi); r += 1

    # Demand of each class is carried by its flows.
    for cls in CLASSES:
        if form == "aggregated":
            use = [(n + g, units) for g, ((c, units), _) in enumerate(sgroups) if c == cls]
        else:
            use = [(i, it["units"]) for i, it in enumerate(items) if it["class"] == cls]
        row(use + [(f0 + j, -1) for j, (_, c, _) in enumerate(FLOWS) if c == cls], -np.inf, 0)
    # Supply of each line group: for VMs, for hosts, in total.
    for g, (vm, host, total) in line_groups(inst).items():
        row([(f0 + j, 1) for j, (gg, _, h) in enumerate(FLOWS) if gg == g and not h], -np.inf, vm)
        row([(f0 + j, 1) for j, (gg, _, h) in enumerate(FLOWS) if gg == g and h], -np.inf, host)
        row([(f0 + j, 1) for j, (gg, _, _) in enumerate(FLOWS) if gg == g], -np.inf, total)
    if form == "ordered":
        for _, idx in sgroups:
            for prev, nxt in zip(idx, idx[1:]):
                row([(nxt, 1), (prev, -1)], -np.inf, 0)
    if form == "aggregated":
        for g, (_, idx) in enumerate(sgroups):
            row([(i, 1) for i in idx] + [(n + g, -1)], 0, 0)
    a = coo_matrix((vals, (rows, cols)), shape=(r, nv)).tocsr()
    savings = np.array([float(it["savings"]) for it in items] + [0.0] * (ng + len(FLOWS)))
    integrality = np.array([0 if form == "aggregated" else 1] * n + [1] * ng + [0] * len(FLOWS))
    upper = [1.0] * n + [float(len(idx)) for _, idx in sgroups[:ng]] + [np.inf] * len(FLOWS)
    bounds = Bounds(np.zeros(nv), np.array(upper))
    cons = LinearConstraint(a, np.array(lb, dtype=float), np.array(ub, dtype=float))
    return -savings, cons, integrality, bounds, (sgroups, ng, f0)


def chosen(inst, form, x, layout):
    """The chosen resources (booleans) from a solution vector, rounded."""
    items = inst["items"]
    sgroups, ng, _ = layout
    if form != "aggregated":
        return np.round(x[: len(items)]).astype(int) == 1
    pick = np.zeros(len(items), dtype=bool)
    for g, (_, idx) in enumerate(sgroups):
        pick[idx[: int(round(x[len(items) + g]))]] = True
    return pick


def feasible(inst, pick, flows):
    """The rounded choice fits the solver's flows and the flows fit the supply (1e-6 slack)."""
    items = inst["items"]
    demand = {c: 0 for c in CLASSES}
    for it, p in zip(items, pick):
        if p:
            demand[it["class"]] += it["units"]
    for cls in CLASSES:
        if demand[cls] > sum(f for f, (_, c, _) in zip(flows, FLOWS) if c == cls) + 1e-6:
            return False
    for g, (vm, host, total) in line_groups(inst).items():
        mine = [(f, h) for f, (gg, _, h) in zip(flows, FLOWS) if gg == g]
        if (sum(f for f, h in mine if not h) > vm + 1e-6 or sum(f for f, h in mine if h) > host + 1e-6
                or sum(f for f, _ in mine) > total + 1e-6):
            return False
    return True


def highs(inst, form):
    c, cons, integrality, bounds, layout = build(inst, form)
    t = time.perf_counter()
    res = milp(c, constraints=cons, integrality=integrality, bounds=bounds,
               options={"mip_rel_gap": 0, "presolve": True, "time_limit": TIME_LIMIT})
    seconds = time.perf_counter() - t
    if res.x is None:
        return None, seconds, False, False
    pick = chosen(inst, form, res.x, layout)
    objective = sum(int(it["savings"]) for it, p in zip(inst["items"], pick) if p)
    ok = feasible(inst, pick, res.x[layout[2]:])
    # status 0: proven optimal; 1: time limit reached with the incumbent returned.
    return objective, seconds, res.status == 0, ok


def fmt_s(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [1_000, 10_000]
    print(f"HiGHS time limit {TIME_LIMIT:.0f} s, mip_rel_gap 0, formulations {', '.join(FORMULATIONS)}")
    print(f"{'resources':>10} {'formulation':>11} {'ahb median':>11} {'HiGHS median':>13} {'proven':>7}"
          f" {'ratio':>9}  same objective")
    for n in sizes:
        lines = min(10_000, max(1, n // 10))
        load0 = os.getloadavg()[0]
        runs = {f: [] for f in FORMULATIONS}
        ahb_s = []
        counts = None
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "inst.json")
            for seed in (1, 2, 3):
                a = ahb(n, lines, seed, path)
                inst = json.load(open(path))
                if counts is None:
                    items = inst["items"]
                    counts = (len(size_groups(items)),
                              len({(it["class"], it["units"], it["savings"]) for it in items}))
                ahb_s.append(a["median_solve_seconds"])
                want = int(a["objective_micro"])
                for f in FORMULATIONS:
                    obj, s, proven, ok = highs(inst, f)
                    runs[f].append((s, proven, obj == want and ok, want, obj, a["proven_optimal"], ok, seed))
        load1 = os.getloadavg()[0]
        am = statistics.median(ahb_s)
        for f in FORMULATIONS:
            rs = runs[f]
            hm = statistics.median(r[0] for r in rs)
            nproven = sum(r[1] for r in rs)
            found = all(r[4] is not None for r in rs)
            ratio = (f"{hm / am:.0f}" + ("" if nproven == len(rs) else "+")) if found else "-"
            print(f"{n:>10} {f:>11} {fmt_s(am):>11} {fmt_s(hm):>13} {nproven:>5}/{len(rs)}"
                  f" {ratio:>9}  {'yes, all seeds' if all(r[2] for r in rs) else 'NO'}")
            for r in rs:
                if not r[2]:
                    what = ("no solution" if r[4] is None else
                            "infeasible after rounding" if not r[6] else
                            "ahb better" if r[3] > r[4] else "HiGHS better")
                    print(f"{'':>12}seed {r[7]}: ahb {r[3]} (proven {r[5]})  HiGHS {r[4]}"
                          f" (proven {r[1]}, {r[0]:.2f} s)  {what}")
        print(f"{'':>12}{counts[0]} (class, units) groups, {counts[1]} distinct (class, units, savings)"
              f" in seed 1; load average {load0:.1f} -> {load1:.1f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
