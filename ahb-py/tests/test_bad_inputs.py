"""Issue 14 through Python: the bad-input catalogue (ahb-core/tests/bad_inputs) run through the
Python API in a subprocess, so that a crash fails the test instead of killing it; the dict
conversion's depth bound and cycle detection; the CLI's one-line errors."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from typing import Any

import pytest

import ahb

ROOT = pathlib.Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "ahb-core" / "tests" / "bad_inputs"

# Runs every manifest entry through the Python API and prints one JSON line per input: a
# "start" line before it runs (so that a crash names the input) and an outcome line after.
DRIVER = r'''
import json, pathlib, sys
import ahb

root = pathlib.Path(sys.argv[1])
base = ahb.Estate.from_path(root / "base" / "estate.json")
AS_OF = "2026-06-01"

def run(entry, data):
    text = data.decode("utf-8", "replace")
    if entry == "estate":
        e = ahb.Estate.from_json(data)
        ahb.audit(e, as_of=AS_OF)
        ahb.optimize(e, as_of=AS_OF)
    elif entry == "options":
        opts = json.loads(text)
        as_of = opts.pop("as_of", None) if isinstance(opts, dict) else None
        ahb.optimize(base, as_of=as_of, **opts)
    elif entry == "rules":
        ahb.audit(base, ahb.RuleSet.from_json(text), as_of=AS_OF)
    elif entry == "usage":
        ahb.simulate_central(base, ahb.Usage.from_csv(text))
    elif entry == "usage_parquet":
        ahb.simulate_central(base, ahb.Usage.from_parquet(data))
    elif entry == "cost":
        usage, _ = ahb.Usage.from_cost_export(base, ("cost.csv", data))
        ahb.simulate_central(base, usage)
    elif entry == "licences":
        ahb.import_estate(licences=[("licences.csv", data)])
    elif entry == "inventory":
        ahb.import_estate(inventory=[("inventory.json", data)])
    else:
        raise SystemExit(f"unknown entry {entry}")

for line in (root / "manifest.tsv").read_text().splitlines():
    if not line or line.startswith("#"):
        continue
    file = line.split("\t")[0]
    print(json.dumps({"start": file}), flush=True)
    out = {"file": file}
    try:
        run(file.split("/")[0], (root / file).read_bytes())
        out["outcome"] = "ok"
    except ahb.AhbError as e:
        out.update(outcome="ahb", code=e.code_name, field=e.field)
    except Exception as e:
        out.update(outcome="exception", type=type(e).__name__, message=str(e)[:200])
    except BaseException as e:
        out.update(outcome="BASE", type=type(e).__name__, message=str(e)[:200])
    print(json.dumps(out), flush=True)
'''


def manifest() -> dict[str, dict[str, str]]:
    rows = {}
    for line in (CATALOGUE / "manifest.tsv").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        file, code, field, _line, _record, python = line.split("\t")
        rows[file] = {"code": code, "field": field, "python": python}
    return rows


def test_the_bad_input_catalogue_through_python() -> None:
    expected = manifest()
    assert len(expected) >= 150
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(CATALOGUE)], capture_output=True, text=True, timeout=600
    )
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    started = [x["start"] for x in lines if "start" in x]
    outcomes = {x["file"]: x for x in lines if "file" in x}
    assert proc.returncode == 0, (
        f"the driver died (status {proc.returncode}) while running {started[-1] if started else '?'}"
        f": {proc.stderr[-2000:]}"
    )
    failures = []
    for file, exp in expected.items():
        got: dict[str, Any] | None = outcomes.get(file)
        if got is None:
            failures.append(f"{file}: never ran")
        elif got["outcome"] == "BASE":
            failures.append(f"{file}: {got['type']} (not an Exception): {got['message']}")
        elif exp["python"] == "same":
            field = None if exp["field"] == "-" else exp["field"]
            if got["outcome"] != "ahb" or got["code"] != exp["code"] or (
                exp["field"] != "*" and got["field"] != field
            ):
                failures.append(f"{file}: expected {exp['code']} at {field}, got {got}")
    assert not failures, "\n".join(failures)


def test_a_cyclic_dict_is_a_value_error_naming_the_path() -> None:
    d: dict[str, Any] = {"schema": "ahb.estate/1", "resources": [{"id": "vm1"}]}
    d["resources"][0]["self"] = d["resources"]
    with pytest.raises(ValueError, match=r"resources\[0\]\.self.*cycle"):
        ahb.Estate.from_dict(d)
    lst: list[Any] = []
    lst.append(lst)
    with pytest.raises(ValueError, match="cycle"):
        ahb.optimize(ahb.Estate.from_dict({"schema": "ahb.estate/1"}), as_of="2026-06-01", pin=lst)


def test_a_deep_dict_is_a_value_error_not_a_crash() -> None:
    deep: dict[str, Any] = {"schema": "ahb.estate/1"}
    cur = deep
    for _ in range(50_000):
        cur["x"] = {}
        cur = cur["x"]
    with pytest.raises(ValueError, match="nesting deeper than"):
        ahb.Estate.from_dict(deep)


def test_a_shared_but_acyclic_value_is_fine() -> None:
    prices = {"payg_per_hour": "1", "ahb_per_hour": "0.5"}
    vm = {"kind": "vm", "os": "windows", "vcpus": 2, "prices": prices}
    e = ahb.Estate.from_dict(
        {"schema": "ahb.estate/1", "resources": [dict(vm, id="a"), dict(vm, id="b")]}
    )
    assert e.resource_count == 2


def test_a_wrong_type_names_its_path() -> None:
    with pytest.raises(TypeError, match=r"`resources\[0\]\.vcpus`"):
        ahb.Estate.from_dict({"schema": "ahb.estate/1", "resources": [{"vcpus": object()}]})


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ahb", *args], capture_output=True, text=True)


def test_cli_errors_are_one_line_with_a_code_and_exit_2(tmp_path: pathlib.Path) -> None:
    usage = tmp_path / "usage.csv"
    usage.write_text("resource,hour,vcores\ndb1,0001-01-01T00:00:00,4\ndb1,9999-01-01T00:00:00,4\n")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"schema": "ahb.estate/1", "schema": "ahb.estate/1"}')
    cases = [
        (["simulate", str(CATALOGUE / "base" / "estate.json"), str(usage)], "error 2 (invalid_value)"),
        (["audit", str(bad_json)], "error 1 (parse)"),
        (["audit", "/nonexistent.json"], "error 8 (io)"),
        (["audit", str(CATALOGUE / "base" / "estate.json"), "--rules", "1999"], "error 9"),
        (["audit"], "error 9 (invalid_option)"),
        (["frobnicate"], "error 9 (invalid_option)"),
        (["audit", str(CATALOGUE / "base" / "estate.json"), "--as-of", "someday"], "error 9"),
    ]
    for args, text in cases:
        out = run_cli(*args)
        assert out.returncode == 2, (args, out.stderr)
        assert out.stderr.count("\n") == 1 and text in out.stderr, (args, out.stderr)
        assert "Traceback" not in out.stderr
