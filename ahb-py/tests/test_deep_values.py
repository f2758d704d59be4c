"""Values nested tens of thousands of levels deep, at every entry point, each run in a
subprocess (a C stack overflow kills the interpreter: the test fails instead of pytest).

ahb bounds the depth of what it reads (``MAX_DEPTH``, 64 levels) before anything recurses
through it. Before that bound was applied everywhere, two operations recursed in C through a
user's value: pandas hashed the cells and column names of a DataFrame (``factorize``,
``to_datetime``'s cache, ``Index.is_unique``), and hashing a tuple has no recursion check at
all (a tuple nested 200,000 deep was a segfault in CPython's ``tuplehash``, whatever the
recursion limit); and :func:`ahb.optimize` formatted an option's dict keys into error paths
(``f"{key}"``: a ``RecursionError`` for a tuple key nested 5,000 deep, a C stack overflow
under a raised recursion limit). A program may raise its recursion limit: ahb must not crash
under one either.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

from conftest import ROOT

BASE = ROOT / "ahb-core" / "tests" / "bad_inputs" / "base" / "estate.json"

PRELUDE = f"""
import json, sys
import ahb

BASE = {str(BASE)!r}

def deep(depth, kind="tuple", leaf=None):
    cur = leaf
    for i in range(depth):
        k = kind if kind != "mixed" else ("dict", "list", "tuple")[i % 3]
        cur = {{"x": cur}} if k == "dict" else [cur] if k == "list" else (cur,)
    return cur

def outcome(call):
    try:
        call()
        return "ok"
    except (ahb.AhbError, TypeError, ValueError) as e:
        return type(e).__name__ + ": " + str(e)[:200]
    except BaseException as e:  # the finding
        return "FINDING " + type(e).__name__ + ": " + str(e)[:200]
"""


def run(body: str, timeout: float = 300) -> dict[str, str]:
    """Runs ``body`` (after :data:`PRELUDE`) in a fresh interpreter; it prints one JSON object
    of outcomes. A crash fails here, naming the signal."""
    code = PRELUDE + textwrap.dedent(body)
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", code], capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"the interpreter died (status {proc.returncode}):\n{proc.stderr[-3000:]}"
    out: dict[str, str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def test_a_frame_cell_or_column_name_nested_200000_deep_is_a_value_error() -> None:
    """pandas hashed it: a segfault in tuplehash (no recursion check), at any recursion limit."""
    out = run("""
        import pandas as pd
        frames = ahb.Estate.from_path(BASE).to_pandas()
        t = deep(200_000)

        def cell(table, column):
            fr = {k: v.copy() for k, v in frames.items()}
            df = fr[table].astype({column: object})
            df[column] = pd.Series([t] + list(df[column])[1:], dtype=object, index=df.index)
            fr[table] = df
            return lambda: ahb.estate_from_frames(**fr)

        def name(table):
            fr = {k: v.copy() for k, v in frames.items()}
            fr[table].columns = pd.Index([t] + list(fr[table].columns)[1:], dtype=object)
            return lambda: ahb.estate_from_frames(**fr)

        rows = {"resource": ["db1", "db1"], "hour": ["2026-01-01T00:00:00", "2026-01-01T01:00:00"],
                "vcores": [4, 4], "licence_price_per_vcore_hour": ["0.1", "0.1"]}

        def usage(column):
            df = pd.DataFrame(rows)
            df[column] = pd.Series([df[column][0], t], dtype=object)
            return lambda: ahb.usage_from_frame(df)

        def usage_name():
            df = pd.DataFrame(rows)
            df.columns = pd.Index([t, "hour", "vcores", "licence_price_per_vcore_hour"], dtype=object)
            return lambda: ahb.usage_from_frame(df)

        calls = {
            "resources.id": cell("resources", "id"),
            "resources.os": cell("resources", "os"),
            "licences.product": cell("licences", "product"),
            "scopes.id": cell("scopes", "id"),
            "name of a resources column": name("resources"),
            "usage resource": usage("resource"),
            "usage hour": usage("hour"),
            "usage price": usage("licence_price_per_vcore_hour"),
            "name of a usage column": usage_name(),
        }
        print(json.dumps({k: outcome(c) for k, c in calls.items()}))
    """)
    for what, result in out.items():
        assert result.startswith("ValueError") and "nested deeper than 64 levels" in result, (what, result)


def test_an_option_dict_key_nested_deep_is_a_type_error_not_its_repr() -> None:
    """_amounts put f"{key}" in the error path: repr() of the key, recursing once per level."""
    out = run("""
        base = ahb.Estate.from_path(BASE)
        results = {}
        results["default limit"] = outcome(lambda: ahb.optimize(base, as_of="2026-06-01", exclude={deep(5_000): 1}))
        sys.setrecursionlimit(1_000_000)
        key = deep(100_000)
        results["raised limit"] = outcome(lambda: ahb.optimize(
            base, as_of="2026-06-01", reserve={"sql_server": {key: 1}}))
        print(json.dumps(results))
    """)
    assert out == {
        "default limit": "TypeError: exclude: dict keys must be str, not tuple",
        "raised limit": "TypeError: reserve.sql_server: dict keys must be str, not tuple",
    }


def test_every_entry_point_under_a_raised_recursion_limit() -> None:
    """A program that raised its recursion limit to 100,000 passes values nested 50,000 deep
    (dicts, lists, tuples, mixed) to every argument of every entry point: each call returns or
    raises AhbError, TypeError or ValueError; none crashes, none raises RecursionError."""
    out = run("""
        import pandas as pd
        sys.setrecursionlimit(100_000)
        base = ahb.Estate.from_path(BASE)
        usage = ahb.Usage.from_csv("resource,hour,vcores\\ndb1,2026-01-01T00:00:00,4\\n")
        data = json.load(open(BASE))
        knob = next(iter(ahb.RuleSet.current().knobs))
        options = ["objective", "change_penalty_per_month", "pin", "exclude", "reserve",
                   "prefer_later_expiry", "licence_prices_per_year", "license_prices_per_year",
                   "renewal_horizon_days", "recommendations", "exact_work_budget", "unpriced"]
        results = {}
        for kind in ("dict", "list", "tuple", "mixed"):
            v = deep(50_000, kind, leaf="x")
            calls = {f"optimize {o}": (lambda o=o: ahb.optimize(base, as_of="2026-06-01", **{o: v}))
                     for o in options}
            calls.update({
                "optimize estate": lambda: ahb.optimize(v),
                "optimize rules": lambda: ahb.optimize(base, v),
                "optimize as_of": lambda: ahb.optimize(base, as_of=v),
                "from_dict": lambda: ahb.Estate.from_dict(v),
                "from_dict resources": lambda: ahb.Estate.from_dict({**data, "resources": v}),
                "from_dict field": lambda: ahb.Estate.from_dict(
                    {**data, "resources": [{**data["resources"][0], "vcpus": v}]}),
                "load": lambda: ahb.load(v),
                "from_json": lambda: ahb.Estate.from_json(v),
                "audit": lambda: ahb.audit(v),
                "audit as_of": lambda: ahb.audit(base, as_of=v),
                "timeline": lambda: ahb.timeline(base, from_=v, to=v),
                "simulate_central": lambda: ahb.simulate_central(base, v),
                "best_assignment scope": lambda: ahb.best_assignment(base, usage, v, sql_enterprise_per_core_year=1),
                "best_assignment price": lambda: ahb.best_assignment(
                    base, usage, "sub", sql_enterprise_per_core_year=v),
                "import_estate": lambda: ahb.import_estate([("a.json", v)], v, catalogue=v),
                "RuleSet": lambda: ahb.RuleSet("2023-04", **{knob: v}),
                "RuleSet.replace": lambda: ahb.RuleSet.current().replace(**{knob: v}),
                "RuleSet.from_json": lambda: ahb.RuleSet.from_json(v),
                "Usage.from_csv": lambda: ahb.Usage.from_csv(v),
                "cost_usage_from_csv": lambda: ahb.cost_usage_from_csv(v),
                "report": lambda: ahb.report(base, as_of="2026-06-01", top=v),
                "usage_from_frame": lambda: ahb.usage_from_frame(pd.DataFrame(
                    {"resource": pd.Series([v, "db1"], dtype=object), "hour": ["2026-01-01T00:00:00"] * 2,
                     "vcores": [4, 4]})),
                "estate_from_frames": lambda: ahb.estate_from_frames(resources=pd.DataFrame(
                    {"id": pd.Series([v], dtype=object), "kind": ["vm"]})),
            })
            for name, call in calls.items():
                results[f"{kind}: {name}"] = outcome(call)
        print(json.dumps(results))
    """, timeout=600)
    findings = {k: v for k, v in out.items() if v.startswith("FINDING")}
    assert not findings, findings
    assert len(out) == 4 * 35


def test_the_depth_of_a_cell_is_measured_without_recursion_or_its_code() -> None:
    """frames._nesting_error: the longest chain of containers (not the shortest way to each),
    each container walked once, no method of a subclass run."""
    from ahb.frames import _nesting_error

    def chain(depth: int) -> object:
        t: object = 1
        for _ in range(depth):
            t = (t,)
        return t

    assert _nesting_error(chain(64)) is None
    assert _nesting_error(chain(65)) == "is nested deeper than 64 levels"
    assert _nesting_error("x" * 10) is None
    # a ladder: every level also reachable from the top, the longest chain 200 deep
    levels: list[object] = [1]
    for _ in range(200):
        levels.append([levels[-1]])
    assert _nesting_error(list(reversed(levels))) == "is nested deeper than 64 levels"
    # a diamond: 2**60 paths through 60 levels, walked in linear time
    d: object = 1
    for _ in range(60):
        d = [d, d]
    assert _nesting_error(d) is None
    cycle: list[object] = []
    cycle.append({"x": cycle})
    assert _nesting_error([cycle]) == "holds a list that contains itself (a cycle)"

    class Lies(tuple):  # type: ignore[type-arg]
        def __iter__(self) -> Iterator[Any]:
            raise AssertionError("ran the value's own code")

    assert _nesting_error(Lies((chain(70),))) == "is nested deeper than 64 levels"
