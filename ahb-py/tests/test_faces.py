"""Issue 15, the Python faces: pandas-native frames, forgiving inputs, human names, the HTML
report (rendered in headless Chromium) and plots that show money (checked structurally)."""

from __future__ import annotations

import datetime
import json
import pathlib
import shutil
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

import ahb

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "data" / "sample-estate.json"
DATA = ROOT / "ahb-core" / "tests" / "data"
AS_OF = datetime.date(2026, 11, 25)

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def estate() -> ahb.Estate:
    return ahb.load(SAMPLE)


@pytest.fixture(scope="module")
def position(estate: ahb.Estate) -> ahb.Position:
    return ahb.audit(estate, as_of=AS_OF)


@pytest.fixture(scope="module")
def plan(estate: ahb.Estate) -> ahb.Plan:
    return ahb.optimize(estate, as_of=AS_OF)


# --- 1. pandas-native results ---------------------------------------------------------------


def money_columns(rows: list[dict[str, Any]]) -> set[str]:
    return {k for r in rows for k, v in r.items() if isinstance(v, Decimal)}


def test_money_is_float64_and_exact_values_stay_in_to_dict(position: ahb.Position, plan: ahb.Plan) -> None:
    from ahb import _display

    checked = 0
    for result, tables, rows_of in (
        (position, _display.POSITION_TABLES, _display.position_rows),
        (plan, _display.PLAN_TABLES, _display.plan_rows),
    ):
        for table in tables:
            rows = rows_of(result, table)  # type: ignore[arg-type]
            df = result.to_pandas(table)  # type: ignore[arg-type]
            for c in money_columns(rows):
                assert df[c].dtype == "float64", (table, c)
                exact = [r.get(c) for r in rows]
                assert all(
                    pd.isna(x) if v is None else float(v) == x for v, x in zip(exact, df[c])
                ), (table, c)
                checked += 1
    assert checked >= 6
    # the idioms the issue names
    over = position.to_pandas("over_claimed")
    top = over.nlargest(3, "monthly_savings")
    assert list(top["monthly_savings"]) == sorted(over["monthly_savings"].dropna(), reverse=True)[:3]
    by_pool = plan.to_pandas("assignments").groupby("pool")["monthly_savings"].sum()
    assert by_pool.sum() == pytest.approx(float(plan.totals["monthly_savings"]), abs=0.01)
    # the exact values are still Decimal in to_dict
    assert all(isinstance(o["monthly_savings"], Decimal)
               for o in position.to_dict()["over_claimed"] if "monthly_savings" in o)


def test_money_decimal_and_arrow(position: ahb.Position) -> None:
    exact = [o.get("monthly_savings") for o in position.to_dict()["over_claimed"]]
    dec = position.to_pandas("over_claimed", money="decimal")
    assert dec["monthly_savings"].dtype == object
    assert [None if v is None else v for v in dec["monthly_savings"]] == exact
    pytest.importorskip("pyarrow")
    arrow = position.to_pandas("over_claimed", money="arrow")
    assert "decimal" in str(arrow["monthly_savings"].dtype)
    assert [None if v is pd.NA or v is None else v for v in arrow["monthly_savings"]] == exact
    with pytest.raises(ValueError, match="money"):
        position.to_pandas("over_claimed", money="cents")  # type: ignore[arg-type]


def test_dates_are_datetime64_in_every_frame(estate: ahb.Estate, position: ahb.Position) -> None:
    lines = position.to_pandas("lines")
    assert str(lines["sa_end"].dtype).startswith("datetime64")
    t = ahb.timeline(estate, from_=AS_OF, to="2027-12-31")
    steps = t.to_pandas()
    assert str(steps["date"].dtype).startswith("datetime64")
    assert steps["optimal_monthly_savings"].dtype == "float64"
    assert str(t.to_pandas("events")["date"].dtype).startswith("datetime64")
    # .plot() finds numeric data
    assert set(steps.select_dtypes("number").columns) >= {"optimal_monthly_savings", "cliff_monthly"}
    usage = ahb.Usage.from_path(ROOT / "examples" / "data" / "sample-sql-usage.csv")
    hours = ahb.simulate_central(estate, usage).to_pandas("hours")
    assert str(hours["hour"].dtype).startswith("datetime64")
    assert hours["overage"].dtype == "float64"


@pytest.mark.parametrize("money", ["float", "decimal", "arrow"])
def test_estate_to_pandas_round_trips_through_estate_from_frames(estate: ahb.Estate, money: str) -> None:
    if money == "arrow":
        pytest.importorskip("pyarrow")
    frames = estate.to_pandas(money=money)  # type: ignore[arg-type]
    assert set(frames) == {"resources", "licences", "scopes", "central_assignments"}
    assert len(frames["resources"]) == estate.resource_count
    assert len(frames["licences"]) == estate.licence_count
    assert str(frames["licences"]["sa_end"].dtype).startswith("datetime64")
    assert ahb.estate_from_frames(**frames) == estate
    one = estate.to_pandas("scopes")
    assert len(one) == estate.scope_count


def test_estate_to_pandas_counts_keep_integer_dtypes(estate: ahb.Estate) -> None:
    r = estate.to_pandas("resources")
    assert str(r["vcpus"].dtype) == "Int64"  # gaps where a kind has no vCPUs
    assert r["payg_per_hour"].dtype == "float64"


# --- 2. forgiving, consistent inputs --------------------------------------------------------


def test_audit_and_optimize_accept_what_load_accepts(estate: ahb.Estate) -> None:
    text = SAMPLE.read_text()
    base = ahb.audit(estate, as_of=AS_OF).to_json()
    for source in (SAMPLE, str(SAMPLE), json.loads(text), text):
        assert ahb.audit(source, as_of=AS_OF).to_json() == base
    legacy = ahb.audit(estate, "2021-11", as_of=AS_OF)
    assert legacy.rule_set == ahb.RuleSet.legacy_2021()
    assert ahb.optimize(str(SAMPLE), "2023-04", as_of=AS_OF).to_json() == ahb.optimize(
        estate, ahb.RuleSet.current(), as_of=AS_OF
    ).to_json()
    with pytest.raises(ahb.AhbError):
        ahb.audit(estate, "1999-01", as_of=AS_OF)


def test_money_options_accept_decimal_int_str_and_float(estate: ahb.Estate) -> None:
    plans = [
        ahb.optimize(estate, as_of=AS_OF, change_penalty_per_month=v).to_dict()
        for v in (Decimal("10.1"), "10.1", 10.1)
    ]
    assert plans[0] == plans[1] == plans[2]
    assert plans[2]["options"]["change_penalty_per_month"] == Decimal("10.1")
    assert ahb.optimize(estate, as_of=AS_OF, change_penalty_per_month=10).to_dict()[
        "options"]["change_penalty_per_month"] == Decimal(10)


def test_option_errors_name_the_option_not_a_json_column(estate: ahb.Estate) -> None:
    with pytest.raises(ahb.OptionError) as e:
        ahb.optimize(estate, as_of=AS_OF, change_penalty_per_month="ten")
    assert e.value.field == "change_penalty_per_month"
    assert "column" not in str(e.value) and e.value.column is None
    with pytest.raises(ahb.OptionError) as e:
        ahb.optimize(estate, as_of=AS_OF, reserve={"windows_server": -1})
    assert e.value.field == "reserve.windows_server"
    assert "column" not in str(e.value)


def test_license_spellings_are_accepted(estate: ahb.Estate) -> None:
    csv = ("l.csv", "id,product,edition,metric,quantity,programme,sa start,sa end\n"
                    "WS,windows_server,datacenter,core,16,ea,2025-07-01,2028-06-30\n")
    a = ahb.import_estate(licences=[csv]).estate
    assert a.licence_count == 1
    assert ahb.import_estate(licenses=[csv]).estate == a
    assert ahb.import_estate(licenses=csv).estate == a
    with pytest.raises(TypeError):
        ahb.import_estate(licences=[csv], licenses=[csv])
    frames = estate.to_pandas()
    assert ahb.estate_from_frames(
        resources=frames["resources"], licenses=frames["licences"], scopes=frames["scopes"],
        central_assignments=frames["central_assignments"],
    ) == estate
    prices = {"windows_server_per_core_year": 100.5}
    p1 = ahb.optimize(estate, as_of=AS_OF, license_prices_per_year=prices).to_dict()
    p2 = ahb.optimize(estate, as_of=AS_OF,
                      licence_prices_per_year={"windows_server_per_core_year": "100.5"}).to_dict()
    assert p1 == p2


LEDGER_UK = ("Licence ID,Product,Edition,Licence Metric,Effective Licence Quantity,Programme,"
             "SA Start,SA End\nWS,Windows Server,Datacenter,Core,16,EA,2025-07-01,2028-06-30\n")


def test_license_spellings_in_json_csv_knobs_and_frames(estate: ahb.Estate) -> None:
    text = estate.to_json()
    us = text.replace('"licences":', '"licenses":').replace('"license_type":', '"licence_type":')
    assert us != text
    assert ahb.Estate.from_json(us) == estate
    assert ahb.audit(us, as_of=AS_OF).to_json() == ahb.audit(estate, as_of=AS_OF).to_json()
    assert '"licenses"' not in ahb.Estate.from_json(us).to_json()  # written one way
    with pytest.raises(ahb.ValidationError) as e:
        ahb.Estate.from_json(text.replace('"licences":', '"licenses": [], "licences":', 1))
    assert e.value.field == "licences"
    with pytest.raises(ahb.ValidationError) as e:
        ahb.Estate.from_json(text.replace('"license_type":', '"licence_type": "None", "license_type":', 1))
    assert (e.value.field, e.value.collection) == ("license_type", "resources")

    frames = estate.to_pandas()
    resources = frames["resources"].rename(columns={"license_type": "licence_type"})
    assert ahb.estate_from_frames(resources, frames["licences"], frames["scopes"],
                                  frames["central_assignments"]) == estate

    uk = ahb.import_estate(licences=[("uk.csv", LEDGER_UK)]).estate
    assert uk.licence_count == 1
    assert ahb.import_estate(licenses=[("us.csv", LEDGER_UK.replace("Licence", "License"))]).estate == uk
    both = LEDGER_UK.replace("Licence ID,", "Licence ID,License ID,").replace("WS,", "WS,WS,")
    with pytest.raises(ahb.ParseError) as e:
        ahb.import_estate(licences=[("both.csv", both)])
    assert e.value.field == "License ID"

    assert ahb.RuleSet(estate_minimum_core_licenses=16) == ahb.RuleSet(estate_minimum_core_licences=16)
    assert ahb.RuleSet().replace(estate_minimum_core_licenses=16).knobs["estate_minimum_core_licences"] == 16
    with pytest.raises(ahb.OptionError) as e:
        ahb.RuleSet(estate_minimum_core_licences=16, estate_minimum_core_licenses=16)
    assert e.value.field == "knobs.estate_minimum_core_licences"


def test_license_spelling_of_the_usage_price_column(estate: ahb.Estate) -> None:
    import pandas as pd

    rows = "sqldb-003,2026-10-01T00:00:00,8,0.10\nsqldb-003,2026-10-01T01:00:00,2,0.10\n"
    uk = ahb.Usage.from_csv("resource,hour,vcores,licence_price_per_vcore_hour\n" + rows)
    us = ahb.Usage.from_csv("resource,hour,vcores,license_price_per_vcore_hour\n" + rows)
    want = ahb.simulate_central(estate, uk).to_json()
    assert ahb.simulate_central(estate, us).to_json() == want
    df = pd.DataFrame({"resource": ["sqldb-003"] * 2,
                       "hour": ["2026-10-01T00:00:00", "2026-10-01T01:00:00"],
                       "vcores": [8, 2], "license_price_per_vcore_hour": ["0.10", "0.10"]})
    assert ahb.simulate_central(estate, ahb.usage_from_frame(df)).to_json() == want
    with pytest.raises(ValueError):
        ahb.usage_from_frame(df.assign(licence_price_per_vcore_hour=["0.10", "0.10"]))


def test_date_ranges_are_from_and_to_with_start_and_end_as_aliases(estate: ahb.Estate) -> None:
    t = ahb.timeline(estate, from_=AS_OF, to="2027-12-31")
    assert (t.from_, t.to) == (AS_OF, datetime.date(2027, 12, 31))
    assert (t.start, t.end) == (t.from_, t.to)
    assert t.to_dict()["from"] == AS_OF
    assert ahb.timeline(estate, start=AS_OF, end="2027-12-31").to_json() == t.to_json()
    with pytest.raises(TypeError):
        ahb.timeline(estate, from_=AS_OF, start=AS_OF, to="2027-12-31")
    with pytest.raises(ahb.OptionError) as e:
        ahb.timeline(estate, from_="2027-12-31", to=AS_OF)
    assert e.value.field == "to"


def test_best_assignment_prices_per_core_year_accept_floats(estate: ahb.Estate) -> None:
    usage = ahb.Usage.from_path(ROOT / "examples" / "data" / "sample-sql-usage.csv")
    a = ahb.best_assignment(estate, usage, "sub-prod-data", sql_enterprise_per_core_year=1890.5,
                            sql_standard_per_core_year=493)
    with pytest.deprecated_call():
        b = ahb.best_assignment(estate, usage, "sub-prod-data", enterprise_core=Decimal("1890.5"),
                                standard_core="493")
    assert a.to_json() == b.to_json()
    with pytest.raises(TypeError):
        ahb.best_assignment(estate, usage, "sub-prod-data", enterprise_core=1,
                            sql_enterprise_per_core_year=1)
    for bad in ("-5", "ten", "1e25"):
        with pytest.raises(ahb.OptionError) as e:
            ahb.best_assignment(estate, usage, "sub-prod-data", sql_standard_per_core_year=bad)
        assert e.value.field == "sql_standard_per_core_year", bad


# --- 3. human names -------------------------------------------------------------------------

RUST_NAMES = ("WindowsServer", "SqlServer", "MaxSavings", "GreedyWithBound", "MaxNcUtilization",
              "Rhel ", "Sles ")


def test_text_html_and_frames_use_human_names(estate: ahb.Estate, position: ahb.Position,
                                              plan: ahb.Plan) -> None:
    t = ahb.timeline(estate, from_=AS_OF, to="2027-12-31")
    usage = ahb.Usage.from_path(ROOT / "examples" / "data" / "sample-sql-usage.csv")
    sim = ahb.simulate_central(estate, usage)
    texts = [position.to_text(), plan.to_text(), t.to_text(), sim.to_text(),
             position._repr_html_(), plan._repr_html_(), t._repr_html_()]
    texts += [position.to_pandas("over_claimed").to_string(), plan.to_pandas("pools").to_string()]
    for text in texts:
        for name in RUST_NAMES:
            assert name not in text, (name, text[:200])
    assert "(maximum savings)" in plan.to_text()
    assert "maximum NC utilisation" in sim.to_text()
    assert "Windows Server" in t.to_text() and "SQL Server" in t.to_text()
    assert set(plan.to_pandas("pools")["method"]) <= {"exact", "greedy with bound"}
    assert set(position.to_pandas("over_claimed")["pool"]) <= {"Windows Server", "SQL Server", "RHEL", "SLES"}
    reasons = " ".join(position.to_pandas("over_claimed")["reason"])
    assert "the Windows Server pool is short" in reasons


def test_public_functions_have_docstrings_with_values_and_examples() -> None:
    for name in ("audit", "optimize", "timeline", "simulate_central", "best_assignment",
                 "import_estate", "estate_from_frames", "load", "report"):
        doc = getattr(ahb, name).__doc__ or ""
        assert ">>>" in doc, name
    assert '"2021-11"' in (ahb.audit.__doc__ or "")
    assert '"min_change"' in (ahb.optimize.__doc__ or "")


# --- 4. the HTML report and plots -----------------------------------------------------------


def test_report_has_over_and_under_claimed_tables_and_grouped_money(estate: ahb.Estate,
                                                                   position: ahb.Position) -> None:
    page = ahb.report(estate, as_of=AS_OF, top=5)
    assert page.startswith("<!DOCTYPE html>") and "<script src" not in page and "http" not in page
    assert "Over-claimed" in page and "Under-claimed" in page
    worst = max(position.to_dict()["over_claimed"], key=lambda o: o.get("monthly_savings") or 0)
    assert worst["resource"] in page
    total = position.totals["at_risk_monthly_savings"]
    assert f"{total.quantize(Decimal('0.01')):,.2f} USD" in page
    assert "Windows Server" in page and "windows_server" not in page


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ahb", *args], capture_output=True, text=True)


def test_report_renders_in_headless_chromium(tmp_path: pathlib.Path, position: ahb.Position) -> None:
    out = tmp_path / "report.html"
    r = run_cli("report", str(SAMPLE), "--as-of", AS_OF.isoformat(), "-o", str(out))
    assert r.returncode == 0, r.stderr
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "scripts/test-python installs Debian's chromium for this test"
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", out.as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = dom.stdout
    assert "Azure Hybrid Benefit report, 2026-11-25" in text
    assert "NOT compliant" in text
    assert "Over-claimed" in text and "Under-claimed" in text
    assert f"{len(position.to_dict()['over_claimed'])} resources over-claimed" in text
    assert " USD</td>" in text


def test_plot_coverage_shows_money_by_pool_and_one_panel_per_unit(position: ahb.Position) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from ahb._display import coverage_money

    ax = position.plot_coverage()
    assert ax.get_title().startswith("AHB coverage")
    assert ax.get_xlabel() == "savings per month"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Windows Server", "SQL Server", "RHEL", "SLES"]
    labels = [c.get_label() for c in ax.containers]
    assert labels == ["claimed and covered", "at risk (over-claimed)", "unclaimed (under-claimed)"]
    money = coverage_money(position)
    at_risk = [p.get_width() for p in ax.containers[1]]
    assert at_risk == pytest.approx([float(r["at_risk"]) for r in money])
    over = position.to_pandas("over_claimed")
    assert sum(at_risk) == pytest.approx(over["monthly_savings"].sum(), abs=0.01)
    axes = ax.figure.axes
    assert [a.get_xlabel() for a in axes[1:]] == ["core licences", "normalised cores", "subscription units"]
    linux = axes[3]
    assert [t.get_text() for t in linux.get_yticklabels()] == ["RHEL", "SLES"]


def test_timeline_plot_is_the_money_cliff_with_events_marked(estate: ahb.Estate) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    t = ahb.timeline(estate, from_=AS_OF, to="2027-12-31")
    fig, (a1, a2) = plt.subplots(2, 1)
    a1.plot([0, 1], [0, 1])
    ax = t.plot(ax=a2)
    assert ax.get_title() == f"AHB savings cliff from {t.from_} to {t.to}"
    assert ax.get_ylabel() == "savings per month"
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    optimal = lines["optimal savings / month"]
    steps = t.to_dict()["steps"]
    assert list(optimal.get_ydata())[:-1] == pytest.approx([float(s["optimal_monthly_savings"]) for s in steps])
    event_dates = [s for s in steps if s["events"]]
    marks = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    assert len(marks) == len(event_dates) > 0
    biggest = min(event_dates, key=lambda s: s["cliff_monthly"])
    notes = " ".join(a.get_text() for a in ax.texts)
    assert biggest["events"][0]["id"] in notes
    # the neighbouring subplot's labels are not rotated
    fig.canvas.draw()
    assert all(lbl.get_rotation() == 0 for lbl in a1.get_xticklabels())
    plt.close(fig)


def test_a_notebook_session_uses_only_ordinary_pandas_idioms(estate: ahb.Estate) -> None:
    """The issue's "done when": load, audit, optimise, timeline, central, then sort, nlargest,
    groupby and plot on the frames, with no conversion."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    position = ahb.audit(str(SAMPLE), "2023-04", as_of="2026-11-25")
    res = position.to_pandas("resources")
    worst = res.nlargest(5, "monthly_savings")
    assert list(worst["monthly_savings"]) == sorted(res["monthly_savings"].dropna(), reverse=True)[:5]
    by_pool = res.groupby("pool")["monthly_savings"].sum().sort_values(ascending=False)
    assert by_pool.index[0] in {"Windows Server", "SQL Server", "RHEL", "SLES"}
    plan = ahb.optimize(estate, as_of=AS_OF, change_penalty_per_month=5.0)
    changes = plan.to_pandas("changes").sort_values("monthly_savings_delta", ascending=False)
    assert changes["monthly_savings_delta"].dropna().is_monotonic_decreasing
    kept = plan.to_pandas("assignments").groupby(["pool", "action"])["monthly_savings"].sum()
    assert kept.sum() == pytest.approx(float(plan.totals["monthly_savings"]), abs=0.01)
    steps = ahb.timeline(estate, from_=AS_OF, to="2027-12-31").to_pandas()
    ax = steps.plot(x="date", y=["optimal_monthly_savings", "covered_monthly_savings"])
    assert len(ax.get_lines()) == 2
    first_year = steps[steps["date"] < "2027-01-01"]
    assert len(first_year) >= 1
    usage = ahb.Usage.from_path(ROOT / "examples" / "data" / "sample-sql-usage.csv")
    hours = ahb.simulate_central(estate, usage).to_pandas()
    daily = hours.groupby(hours["hour"].dt.date)["overage"].sum()
    assert daily.sum() == pytest.approx(hours["overage"].sum())
    plt.close("all")


def test_to_arrow_keeps_money_exact_and_to_polars_needs_polars(position: ahb.Position) -> None:
    pa = pytest.importorskip("pyarrow")
    t = position.to_arrow("over_claimed")
    assert isinstance(t, pa.Table)
    assert pa.types.is_decimal(t.schema.field("monthly_savings").type)
    exact = [o.get("monthly_savings") for o in position.to_dict()["over_claimed"]]
    assert t.column("monthly_savings").to_pylist() == exact
    try:
        import polars  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install polars"):
            position.to_polars("over_claimed")
    else:
        assert position.to_polars("over_claimed")["monthly_savings"].to_list() == exact


def test_price_options_read_per_core_year(estate: ahb.Estate) -> None:
    a = ahb.optimize(estate, as_of=AS_OF,
                     licence_prices_per_year={"windows_server_per_core_year": 120.5,
                                              "sql_enterprise_per_core_year": 1890}).to_dict()
    # the deprecated names are still read, and written as the new ones
    b = ahb.optimize(estate, as_of=AS_OF,
                     licence_prices_per_year={"windows_server_core": "120.5",
                                              "sql_enterprise_core": "1890"}).to_dict()
    assert a == b
    assert a["options"]["licence_prices_per_year"] == {
        "windows_server_per_core_year": Decimal("120.5"),
        "sql_enterprise_per_core_year": Decimal("1890")}
    with pytest.raises(ahb.OptionError) as e:
        ahb.optimize(estate, as_of=AS_OF, licence_prices_per_year={
            "windows_server_core": 1, "windows_server_per_core_year": 1})
    assert e.value.field == "licence_prices_per_year.windows_server_per_core_year"
    assert "duplicate field" in str(e.value)
    with pytest.raises(ahb.OptionError) as e:
        ahb.optimize(estate, as_of=AS_OF, licence_prices_per_year={"sql_standard_per_core_year": -1})
    assert e.value.field == "licence_prices_per_year.sql_standard_per_core_year"
