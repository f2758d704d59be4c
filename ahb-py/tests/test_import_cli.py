"""The import loop from Python and the CLI: catalogue, prices, cost exports, date order,
strict mode, and the commands' exit codes and closed pipes."""

from __future__ import annotations

import datetime
import gzip
import json
import pathlib
import subprocess
import sys

import pytest

import ahb
from conftest import ROOT

DATA = ROOT / "ahb-core" / "tests" / "data"
INVENTORY = [DATA / "constructed_az_vm_list.json", DATA / "constructed_arg_mixed.json",
             DATA / "constructed_powershell_get_azvm.json"]
PRICES = [DATA / "retail_prices_page1.json", DATA / "retail_prices_page2.json"]
APP01 = ("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/RG-APP/providers/"
         "Microsoft.Compute/virtualMachines/app01")
AMBIGUOUS = ("id,product,edition,metric,quantity,programme,sa start,sa end\n"
             "ws,Windows Server,Datacenter,core,16,EA,01/07/2025,01/06/2028\n")


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ahb", *args], capture_output=True, text=True,
                          input=stdin)


def test_import_estate_prices_costs_catalogue_and_strict() -> None:
    res = ahb.import_estate(
        INVENTORY,
        catalogue=[DATA / "constructed_vm_skus.json"],
        prices=PRICES,
        costs=[DATA / "constructed_cost_effective.csv"],
    )
    assert res.currency == "USD"
    priced = {p["resource"]: p["source"] for p in res.priced}
    assert priced[APP01]["source"] == "cost_export"
    assert priced[APP01]["line"] == 2
    assert len(res.unpriced) > 0 and all(u["reason"] for u in res.unpriced)
    app01 = next(r for r in res.estate.to_dict()["resources"] if r["id"] == APP01)
    assert app01["prices"]["currency"] == "USD"
    # The SQL VM example alone: skipped with its reason, or an error in strict mode.
    alone = [DATA / "azure-rest-api-specs_SqlVirtualMachines_ListBySqlVmGroup.json"]
    assert "compute VM" in ahb.import_estate(alone).skipped[0]["reason"]
    with pytest.raises(ahb.UnknownReferenceError):
        ahb.import_estate(alone, strict=True)


def test_a_cost_export_as_parquet_or_gzip_prices_as_its_csv(tmp_path: pathlib.Path) -> None:
    # Cost Management writes exports as CSV, gzip-compressed CSV or Parquet: ``costs=`` takes
    # each (told by their first bytes); the Parquet file here gzip-compressed as Spark may write it.
    pacsv = pytest.importorskip("pyarrow.csv")
    pq = pytest.importorskip("pyarrow.parquet")
    csv = DATA / "constructed_cost_effective.csv"
    path = tmp_path / "cost.parquet"
    pq.write_table(pacsv.read_csv(csv), path, compression="gzip")
    want = ahb.import_estate(INVENTORY, prices=PRICES, costs=[csv])
    for source in (path, ("cost.parquet", path.read_bytes())):
        got = ahb.import_estate(INVENTORY, prices=PRICES, costs=[source])
        assert got.estate.to_json() == want.estate.to_json()
        priced = {p["resource"]: p["source"] for p in got.priced}
        assert priced[APP01]["source"] == "cost_export" and priced[APP01]["line"] == 1
    with pytest.raises(ahb.ParseError):
        ahb.import_estate(INVENTORY, costs=[("cut.parquet", path.read_bytes()[:200])])
    # Cost Management's other compression: gzip for CSV.
    gz = tmp_path / "cost.csv.gz"
    gz.write_bytes(gzip.compress(csv.read_bytes()))
    got = ahb.import_estate(INVENTORY, prices=PRICES, costs=[gz])
    assert got.estate.to_json() == want.estate.to_json()
    # The rows themselves, from each format.
    rows = ahb.cost_usage_from_csv(csv)
    assert len(rows) > 0
    for source in (gz, path):
        assert [r["resource_id"] for r in ahb.cost_usage_from_csv(source)] == [
            r["resource_id"] for r in rows
        ]


def test_date_order_is_required_for_ambiguous_dates() -> None:
    with pytest.raises(ahb.ValidationError) as e:
        ahb.import_estate(licences=[("l.csv", AMBIGUOUS)])
    assert e.value.line == 2 and "date_order" in str(e.value)
    res = ahb.import_estate(licences=[("l.csv", AMBIGUOUS)], date_order="dmy")
    # to_dict gives dates as datetime.date; 01/07/2025 read day-first is 1 July
    assert res.estate.to_dict()["licences"][0]["sa"]["start"] == datetime.date(2025, 7, 1)
    with pytest.raises(ahb.OptionError):
        ahb.import_estate(licences=[("l.csv", AMBIGUOUS)], date_order="ymd")  # type: ignore[arg-type]


def test_cli_import_then_optimize_with_az_script(tmp_path: pathlib.Path) -> None:
    estate = tmp_path / "estate.json"
    args = ["import", *map(str, INVENTORY)]
    for p in PRICES:
        args += ["--prices", str(p)]
    out = cli(*args, "--licences", str(DATA / "constructed_licences.csv"), "-o", str(estate))
    assert out.returncode == 0, out.stderr
    assert "UNPRICED" in out.stderr and "priced:" in out.stderr
    assert "licence units at stake" in out.stderr
    assert json.loads(estate.read_text())["schema"] == "ahb.estate/1"
    us = cli(*args, "--licenses", str(DATA / "constructed_licences.csv"))
    assert us.returncode == 0, us.stderr
    assert json.loads(us.stdout) == json.loads(estate.read_text())
    rollback = tmp_path / "rollback.sh"
    script = cli("optimize", str(estate), "--as-of", "2026-11-25", "--az-script",
                 "--rollback", str(rollback))
    assert script.returncode == 0, script.stderr
    assert script.stdout.startswith("#!") or "az " in script.stdout
    assert rollback.exists()
    text = cli("optimize", str(estate), "--as-of", "2026-11-25")
    assert "CAVEAT" in text.stdout and "licence units" in text.stdout
    arm = cli("optimize", str(estate), "--as-of", "2026-11-25", "--arm")
    assert isinstance(json.loads(arm.stdout), list)
    tl = cli("timeline", str(estate), "--from", "2026-11-25", "--to", "2027-12-31")
    assert tl.returncode == 0 and json.loads(tl.stdout)["schema"].startswith("ahb.timeline")


def test_cli_version_help_exit_codes_and_closed_pipe(tmp_path: pathlib.Path) -> None:
    v = cli("--version")
    assert v.returncode == 0 and v.stdout.startswith("ahb ")
    for cmd in ["import", "audit", "optimize", "timeline", "simulate", "best"]:
        h = cli(cmd, "--help")
        assert h.returncode == 0 and "usage:" in h.stdout, cmd
    bad = cli("import", "--date-order", "dmy", "--licences", str(DATA / "bad_licences_quantity.csv"))
    assert bad.returncode == 2 and "bad_licences_quantity.csv" in bad.stderr
    assert cli("audit").returncode == 2
    # A closed pipe: the reader exits at once; ahb must not print a traceback.
    sample = ROOT / "examples" / "data" / "sample-estate.json"
    p = subprocess.Popen([sys.executable, "-m", "ahb", "timeline", str(sample), "--from",
                          "2026-11-25", "--to", "2030-12-31"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait() in (0, 2) and "Traceback" not in err, err


def test_unpriced_is_loud_and_by_units_plans_an_estate_without_prices(tmp_path: pathlib.Path) -> None:
    # The inventory alone, no price list: every eligible resource is unpriced.
    res = ahb.import_estate(INVENTORY, licences=[DATA / "constructed_licences.csv"])
    estate = res.estate
    position = ahb.audit(estate, as_of="2026-11-25")
    summary = position.unpriced_summary
    assert summary["resources"] > 0 and summary["units"] > 0
    assert {p["pool"] for p in summary["by_pool"]} >= {"windows_server"}
    assert "UNPRICED:" in position.to_text()
    assert position.to_dict()["unpriced_summary"] == summary

    ignored = ahb.optimize(estate, as_of="2026-11-25")
    assert ignored.certificate["scope"] == "priced_resources_only"
    assert ignored.certificate["unpriced_resources"] == summary["resources"]
    enabled = [c for c in ignored.to_dict()["changes"] if c["action"] == "enable"]
    assert enabled == []

    plan = ahb.optimize(estate, as_of="2026-11-25", unpriced="by_units")
    assert plan.certificate["scope"] == "priced_then_unpriced_by_units"
    assert plan.to_dict()["options"]["unpriced"] == "by_units"
    assert any(c["action"] == "enable" for c in plan.to_dict()["changes"])
    assert plan.to_dict()["verification"]["compliant"]
    assert sum(p["carried_units"] for p in plan.unpriced_summary["by_pool"]) > 0
    assert "UNIT PROXY (unpriced = by_units)" in plan.to_text()
    assert "UNIT PROXY" in plan._repr_html_() and "UNPRICED" in position._repr_html_()
    with pytest.raises(ahb.OptionError) as e:
        ahb.optimize(estate, as_of="2026-11-25", unpriced="by_money")
    assert e.value.field == "unpriced"

    # The HTML report says it at the top and has a table by pool.
    page = ahb.report(estate, as_of="2026-11-25", unpriced="by_units")
    assert "Unpriced: eligible resources without prices" in page and "UNIT PROXY" in page
    assert "proven optimal over the priced resources only" in ahb.report(estate, as_of="2026-11-25")

    # The CLI: a CAVEAT by default, the unit proxy with --unpriced by_units.
    path = tmp_path / "estate.json"
    path.write_text(estate.to_json())
    out = cli("optimize", str(path), "--as-of", "2026-11-25")
    assert out.returncode == 0 and "CAVEAT: UNPRICED:" in out.stderr, out.stderr
    out = cli("optimize", str(path), "--as-of", "2026-11-25", "--unpriced", "by_units", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["certificate"]["scope"] == "priced_then_unpriced_by_units"
    assert "UNIT PROXY" in out.stderr
    audit_out = cli("audit", str(path), "--as-of", "2026-11-25", "--json")
    assert json.loads(audit_out.stdout)["unpriced_summary"]["resources"] == summary["resources"]
    report = cli("report", str(path), "--as-of", "2026-11-25", "--unpriced", "by_units")
    assert report.returncode == 0 and "UNIT PROXY" in report.stdout


def test_import_links_sql_replicas_to_their_primaries() -> None:
    ag = DATA / "constructed_arg_sql_ag_replicas.json"
    res = ahb.import_estate([ag])
    links = {(link["secondary"].rsplit("/", 1)[1], link["primary"].rsplit("/", 1)[1],
              link["primary_imported"]) for link in res.replica_links}
    assert ("sql2", "sql1", True) in links and ("sql5", "sql9", False) in links
    assert any("sql9" in w["message"] for w in res.warnings)
    sql2 = next(r for r in res.estate.to_dict()["resources"]
                if r["kind"] == "sql_vm" and r["id"].endswith("/sql2"))
    assert sql2["replica_of"].endswith("/sql1")
    with pytest.raises(ahb.UnknownReferenceError):
        ahb.import_estate([ag], strict=True)
