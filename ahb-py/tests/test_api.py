"""The Python surface: loading, rule sets, audit, optimize, results, display, CLI."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

import ahb
from conftest import AS_OF, SAMPLE


def test_version() -> None:
    assert ahb.__version__ == "0.1.0"


def test_load_routes_agree(sample: ahb.Estate, sample_json: str, sample_dict: dict[str, Any]) -> None:
    assert sample.resource_count == 407
    assert sample.licence_count == 14
    assert ahb.Estate.from_json(sample_json) == sample
    assert ahb.Estate.from_json(sample_json.encode()) == sample
    assert ahb.Estate.from_dict(sample_dict) == sample
    assert ahb.load(str(SAMPLE)) == sample
    assert ahb.load(SAMPLE) == sample
    assert ahb.load(sample_json) == sample
    assert ahb.load(sample_dict) == sample
    assert ahb.load(sample) is sample
    # The estate round-trips through its own JSON and dict.
    assert ahb.Estate.from_json(sample.to_json()) == sample
    assert ahb.Estate.from_dict(sample.to_dict()) == sample
    assert repr(sample) == "Estate(resources=407, licences=14, scopes=17)"


def test_rule_sets() -> None:
    current = ahb.RuleSet.current()
    assert current == ahb.RuleSet() == ahb.RuleSet("2023-04")
    assert current.version == "2023-04"
    legacy = ahb.RuleSet.legacy_2021()
    assert legacy == ahb.RuleSet("2021-11")
    assert legacy.knobs["ws_rule"] == "legacy_groups_of8"
    assert legacy.knobs["estate_minimum_core_licences"] == 16
    k = current.knobs
    assert k["hyperscale_cutoff"] == datetime.date(2023, 12, 1)
    k["display_pack_size"] = 99  # a copy: the rule set is unchanged
    assert current.knobs["display_pack_size"] == 2
    changed = ahb.RuleSet(display_pack_size=4, hyperscale_cutoff=datetime.date(2024, 1, 1))
    assert changed.knobs["display_pack_size"] == 4
    assert changed.knobs["hyperscale_cutoff"] == datetime.date(2024, 1, 1)
    assert current.replace(display_pack_size=4) == ahb.RuleSet(display_pack_size=4)
    assert ahb.RuleSet.from_json(changed.to_json()) == changed
    assert changed.to_dict()["version"] == "2023-04"
    assert len({current, ahb.RuleSet.current(), legacy}) == 2
    assert "changed knobs" in repr(changed)


@pytest.mark.parametrize("obj", ["rule_set", "estate", "position", "plan"])
def test_results_are_frozen(obj: str, sample: ahb.Estate) -> None:
    target: Any = {
        "rule_set": ahb.RuleSet(),
        "estate": sample,
        "position": ahb.audit(sample, as_of=AS_OF),
        "plan": ahb.optimize(sample, as_of=AS_OF),
    }[obj]
    with pytest.raises(AttributeError):
        target.anything = 1
    with pytest.raises(AttributeError):
        target.as_of = AS_OF


def test_audit_sample_end_to_end(sample: ahb.Estate) -> None:
    p = ahb.audit(sample, ahb.RuleSet.current(), as_of=AS_OF)
    assert p.as_of == AS_OF
    assert p.compliant is False
    assert p.rule_set == ahb.RuleSet.current()
    d = p.to_dict()
    assert d["schema"] == "ahb.position/1"
    assert d["as_of"] == AS_OF
    pools = {x["pool"]: x for x in d["pools"]}
    # The README's table for 2026-11-25.
    assert (pools["windows_server"]["claimed"], pools["windows_server"]["covered"],
            pools["windows_server"]["shortfall"]) == (1100, 1056, 44)
    assert (pools["sql_server"]["claimed"], pools["sql_server"]["shortfall"]) == (690, 90)
    assert pools["sles"]["idle"] == 4
    assert p.totals["claimed_monthly_savings"] == Decimal("76074.0360")
    # to_json is the core's JSON; to_dict is the same data with Decimal and date.
    assert json.loads(p.to_json())["totals"]["claimed_monthly_savings"] == "76074.0360"
    assert "NOT COMPLIANT" in p.to_text()
    assert p.to_json() == ahb.audit(sample, as_of="2026-11-25").to_json()
    assert "compliant=False" in repr(p)


def test_legacy_rules_change_the_answer(sample: ahb.Estate) -> None:
    now = ahb.audit(sample, as_of=AS_OF).to_dict()
    old = ahb.audit(sample, ahb.RuleSet.legacy_2021(), as_of=AS_OF).to_dict()
    assert old["rule_set"]["version"] == "2021-11"
    assert now["pools"][0]["claimed"] != old["pools"][0]["claimed"]


def test_optimize_sample(sample: ahb.Estate) -> None:
    plan = ahb.optimize(sample, as_of=AS_OF)
    assert plan.proven_optimal
    assert plan.as_of == AS_OF
    assert plan.totals["monthly_savings"] == Decimal("112428.1760")
    assert plan.totals["changes"] == 105
    assert plan.certificate["gap"] == Decimal("0")
    d = plan.to_dict()
    assert d["schema"] == "ahb.plan/1"
    assert d["options"]["as_of"] == AS_OF
    assert "proven_optimal=True" in repr(plan)
    assert plan.to_text()
    # Options pass through to the core.
    fewer = ahb.optimize(sample, as_of=AS_OF, objective="min_change")
    assert fewer.to_dict()["options"]["objective"] == "min_change"
    pinned = ahb.optimize(sample, as_of=AS_OF, exclude=["vm-win-000"],
                          change_penalty_per_month=Decimal("1.50"))
    assert pinned.to_dict()["options"]["change_penalty_per_month"] == Decimal("1.50")
    carried = {a["resource"] for a in pinned.to_dict()["assignments"] if a["carry"]}
    assert "vm-win-000" not in carried


def test_audit_and_optimize_is_audit_then_optimize(sample: ahb.Estate) -> None:
    position, plan = ahb.audit_and_optimize(sample, as_of=AS_OF, change_penalty_per_month=1.5)
    assert position.to_json() == ahb.audit(sample, as_of=AS_OF).to_json()
    alone = ahb.optimize(sample, as_of=AS_OF, change_penalty_per_month=1.5)
    assert plan.to_json() == alone.to_json()
    assert plan.to_dict()["options"]["change_penalty_per_month"] == Decimal("1.5")
    legacy = ahb.audit_and_optimize(sample, "2021-11", as_of=AS_OF)
    assert legacy[0].to_json() == ahb.audit(sample, "2021-11", as_of=AS_OF).to_json()
    with pytest.raises(ahb.OptionError):
        ahb.audit_and_optimize(sample, as_of=AS_OF, pin=["no-such-resource"])


def test_to_pandas_and_html(sample: ahb.Estate) -> None:
    pd = pytest.importorskip("pandas")
    p = ahb.audit(sample, as_of=AS_OF)
    pools = p.to_pandas()
    assert isinstance(pools, pd.DataFrame)
    # frames carry the human names the text and HTML use (issue 15)
    assert list(pools["pool"]) == ["Windows Server", "SQL Server", "RHEL", "SLES"]
    res = p.to_pandas("resources")
    assert {"resource", "pool", "units", "monthly_savings", "rules"} <= set(res.columns)
    # money is float64 by default (issue 15); money="decimal" keeps the exact Decimals
    assert res["monthly_savings"].dtype == "float64"
    priced = p.to_pandas("resources", money="decimal")["monthly_savings"].dropna()
    assert all(isinstance(v, Decimal) for v in priced)
    for table in ("lines", "over_claimed", "under_claimed"):
        assert len(p.to_pandas(table)) > 0
    with pytest.raises(ValueError, match="unknown table"):
        p.to_pandas("nope")  # type: ignore[arg-type]
    plan = ahb.optimize(sample, as_of=AS_OF)
    for table in ("assignments", "changes", "pools", "lines"):
        assert len(plan.to_pandas(table)) > 0  # type: ignore[arg-type]
    html = p._repr_html_()
    assert "<table>" in html and "NOT compliant" in html and "Windows Server" in html
    assert "proven optimal" in plan._repr_html_()


def test_plot_coverage(sample: ahb.Estate) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    ax = ahb.audit(sample, as_of=AS_OF).plot_coverage()
    assert ax.get_title().startswith("AHB coverage")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ahb", *args], capture_output=True, text=True)


def test_cli(sample: ahb.Estate) -> None:
    out = run_cli("audit", str(SAMPLE), "--as-of", "2026-11-25")
    assert out.returncode == 0, out.stderr
    assert out.stdout.rstrip("\n") == ahb.audit(sample, as_of=AS_OF).to_text().rstrip("\n")
    js = run_cli("optimize", str(SAMPLE), "--as-of", "2026-11-25", "--json")
    assert js.returncode == 0, js.stderr
    assert json.loads(js.stdout)["schema"] == "ahb.plan/1"
    legacy = run_cli("audit", str(SAMPLE), "--as-of", "2026-11-25", "--rules", "2021-11", "--json")
    assert json.loads(legacy.stdout)["rule_set"]["version"] == "2021-11"
    usage = str(SAMPLE.parent / "sample-sql-usage.csv")
    sim = run_cli("simulate", str(SAMPLE), usage)
    assert sim.returncode == 0 and "central SQL AHB" in sim.stdout, sim.stderr
    bad = run_cli("audit", "/nonexistent.json")
    assert bad.returncode == 2 and "error 8 (io)" in bad.stderr


def test_readme_example_runs() -> None:
    """README.md's "From Python" block, run from the repository root."""
    pytest.importorskip("pandas")
    from conftest import ROOT

    text = (ROOT / "README.md").read_text()
    start = text.index("```python", text.index("## From Python")) + len("```python")
    code = text[start : text.index("```", start)]
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "False 31046.0970"
    assert out.stdout.splitlines()[-1] == "ValidationError 2 resources 0 id"
    quick = subprocess.run([sys.executable, "examples/python/quickstart.py"], cwd=ROOT,
                           capture_output=True, text=True)
    assert quick.returncode == 0 and quick.stdout == out.stdout, quick.stderr
