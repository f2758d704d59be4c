"""``python -m ahb`` and the ``ahb`` console script.

Commands: ``import`` (Azure exports to an estate), ``audit``, ``optimize`` (with ``--az-script``
or ``--arm``), ``timeline``, ``simulate``, ``best`` and ``report`` (an HTML report). Every command has ``--help``.

Exit codes:

- ``0``: done. What needs attention is said, not coded: a non-compliant audit says so in its
  report; resources the import left out, warned about or left unpriced are listed on stderr;
  a plan over unpriced resources prints a CAVEAT line on stderr (and in the text report), or,
  with ``optimize --unpriced by_units``, a UNIT PROXY line saying they were valued by licence
  units (a proxy, not money).
- ``2``: not done: bad input, bad arguments or an internal error of ahb. The one line on stderr
  reads ``ahb: error CODE (NAME): message``, with the code of :class:`ahb.AhbError` (``8 (io)``
  for a file that cannot be read, ``9 (invalid_option)`` for a usage mistake, ``0 (internal)``
  for a bug, which please report with the message).

A closed output pipe (``ahb audit … | head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NoReturn

from ahb._ahb import (
    AhbError,
    Estate,
    Plan,
    RuleSet,
    Usage,
    __version__,
    arm_patches,
    audit,
    az_script,
    best_assignment,
    import_estate,
    optimize,
    simulate_central,
    timeline,
)

from ahb._display import unpriced_sentence, unpriced_units_text

EXIT_OK = 0
EXIT_ERROR = 2


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def _common(c: argparse.ArgumentParser, *, as_of: bool = True) -> None:
    c.add_argument("file", help="estate JSON file (ahb.estate/1)")
    if as_of:
        c.add_argument(
            "--as-of", type=_date, default=None, help="date, YYYY-MM-DD (default: today)"
        )
    c.add_argument("--rules", default="2023-04", help="rule set version: 2023-04 or 2021-11")
    c.add_argument("--json", action="store_true", help="print the versioned JSON")


class _Parser(argparse.ArgumentParser):
    """Reports a usage mistake as one line with code 9 (invalid_option) and exits 2."""

    def error(self, message: str) -> NoReturn:
        print(f"ahb: error 9 (invalid_option): {message} (see `ahb --help`)", file=sys.stderr)
        sys.exit(EXIT_ERROR)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="ahb",
        description="Azure Hybrid Benefit licensing engine.",
        epilog="Exit codes: 0 done (warnings, unpriced resources and caveats go to stderr); "
        "2 not done (bad input, bad arguments or an internal error), with one line on stderr.",
    )
    p.add_argument("--version", action="version", version=f"ahb {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser(
        "import",
        help="Azure exports (inventory, licences, prices, costs) to an estate JSON",
        description="Reads Azure inventory JSON (Resource Graph, az list/show, ARM bodies, "
        "PowerShell ConvertTo-Json), licence CSVs, Retail Prices API pages and cost exports, "
        "and writes the estate. What was left out, warned about or left unpriced is printed "
        "to stderr.",
    )
    c.add_argument("inventory", nargs="*", help="inventory JSON files")
    c.add_argument(
        "--licences",
        "--licenses",
        dest="licences",
        action="append",
        default=[],
        help="licence CSV (repeatable)",
    )
    c.add_argument(
        "--catalogue",
        action="append",
        default=[],
        help="`az vm list-skus` JSON extending the bundled VM sizes (repeatable)",
    )
    c.add_argument(
        "--prices", action="append", default=[], help="Retail Prices API page JSON (repeatable)"
    )
    c.add_argument(
        "--costs",
        action="append",
        default=[],
        help="cost export CSV whose effective prices are preferred (repeatable)",
    )
    c.add_argument(
        "--date-order",
        choices=["dmy", "mdy"],
        default=None,
        help="order of ambiguous slash dates such as 01/07/2025 in the CSV files",
    )
    c.add_argument(
        "--strict",
        action="store_true",
        help="a reference to a resource outside the import is an error",
    )
    c.add_argument(
        "--require-known-sizes", action="store_true", help="an unknown VM size is an error"
    )
    c.add_argument("-o", "--output", default=None, help="estate JSON file (default: stdout)")

    c = sub.add_parser("audit", help="compliance position of an estate on a date")
    _common(c)

    c = sub.add_parser("optimize", help="savings-maximising compliant plan")
    _common(c)
    c.add_argument(
        "--objective",
        choices=["max_savings", "min_change", "compliance_first"],
        default=None,
    )
    c.add_argument(
        "--options", default=None, help="JSON file of optimize options (as in the Python API)"
    )
    out = c.add_mutually_exclusive_group()
    out.add_argument(
        "--az-script",
        action="store_true",
        help="print the az CLI script that applies the plan (see --rollback)",
    )
    out.add_argument("--arm", action="store_true", help="print the ARM requests as JSON")
    c.add_argument(
        "--rollback", default=None, help="with --az-script: write the rollback script here"
    )
    c.add_argument(
        "--unpriced",
        choices=["ignore", "by_units"],
        default=None,
        help="resources without prices: count as zero (ignore, the default) or value them by "
        "the licence units they would use, after every priced saving (by_units: a proxy, not "
        "money)",
    )

    c = sub.add_parser("timeline", help="the position over dates, with the cliffs")
    _common(c, as_of=False)
    c.add_argument("--from", dest="start", type=_date, default=None, help="first date")
    c.add_argument("--to", dest="end", type=_date, required=True, help="last date")

    c = sub.add_parser("simulate", help="hourly simulation of central SQL AHB assignments")
    _common(c, as_of=False)
    c.add_argument("usage", help="usage CSV: resource,hour,vcores,licence_price_per_vcore_hour")

    c = sub.add_parser("best", help="best central SQL assignment for a scope")
    _common(c, as_of=False)
    c.add_argument("usage", help="usage CSV: resource,hour,vcores,licence_price_per_vcore_hour")
    c.add_argument("--scope", required=True, help="scope id of the assignment")
    for edition in ("enterprise", "standard"):
        price = c.add_mutually_exclusive_group()
        price.add_argument(
            f"--sql-{edition}-per-core-year",
            default=None,
            help=f"yearly price of one SQL Server {edition.title()} core licence with SA",
        )
        price.add_argument(
            f"--{edition}-core",
            dest=f"{edition}_core",
            default=None,
            help=f"deprecated name of --sql-{edition}-per-core-year",
        )

    c = sub.add_parser(
        "report",
        help="self-contained HTML report: position, over/under-claimed resources, plan",
    )
    c.add_argument("file", help="estate JSON file (ahb.estate/1)")
    c.add_argument("--as-of", type=_date, default=None, help="date, YYYY-MM-DD (default: today)")
    c.add_argument("--rules", default="2023-04", help="rule set version: 2023-04 or 2021-11")
    c.add_argument("--top", type=int, default=20, help="rows shown per resource table")
    c.add_argument(
        "--unpriced",
        choices=["ignore", "by_units"],
        default="ignore",
        help="resources without prices in the plan: count as zero, or value them by licence units",
    )
    c.add_argument("-o", "--output", default=None, help="HTML file (default: stdout)")
    return p


def _json_default(o: object) -> str:
    if isinstance(o, (Decimal, datetime.date)):
        return str(o)
    raise TypeError(f"{type(o).__name__} is not JSON")


def _import(args: argparse.Namespace) -> tuple[str, int]:
    result = import_estate(
        list(args.inventory),
        list(args.licences),
        catalogue=list(args.catalogue),
        prices=list(args.prices),
        costs=list(args.costs),
        date_order=args.date_order,
        strict=args.strict,
        require_known_sizes=args.require_known_sizes,
    )
    estate = result.estate
    err = sys.stderr
    print(
        f"ahb: imported {estate.resource_count} resources, {estate.licence_count} licence lines",
        file=err,
    )
    for s in result.skipped:
        o = s["origin"]
        print(f"  skipped {o['file']}[{o['index']}] {o['id']}: {s['reason']}", file=err)
    for u in result.unknown_sizes:
        o = u["origin"]
        print(
            f"  UNKNOWN SIZE {u['size']!r} ({u['field']}) in {o['file']}[{o['index']}] {o['id']}:"
            " left out; add `az vm list-skus` output with --catalogue",
            file=err,
        )
    for w in result.warnings:
        o = w["origin"]
        print(f"  warning {o['file']}[{o['index']}] {w['field']}: {w['message']}", file=err)
    unpriced = result.unpriced
    currency = result.currency or "no currency"
    at_stake = "0 licence units at stake"
    if unpriced:
        # What is at stake in licence units: the eligible requirements without prices, as
        # today's audit counts them.
        summary = audit(estate).unpriced_summary
        at_stake = f"{summary['units']} licence units at stake"
        if summary["units"]:
            at_stake += f": {unpriced_units_text(summary)}"
    print(
        f"  priced: {len(result.priced)} resources ({currency}); "
        f"UNPRICED: {len(unpriced)} resources that could carry the benefit ({at_stake})",
        file=err,
    )
    for u in unpriced:
        print(f"    unpriced {u['resource']}: {u['reason']}", file=err)
    text = estate.to_json()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text if text.endswith("\n") else text + "\n")
        text = ""
    return text, EXIT_OK


def _unpriced_caveat(plan: Plan) -> str:
    """The plan's caveat about resources without prices (empty when every one is priced)."""
    text = unpriced_sentence(plan.unpriced_summary, plan.certificate)
    if not text:
        return ""
    if plan.certificate.get("scope") == "priced_resources_only":
        text = "CAVEAT: " + text + " This plan is not a finished optimum for them."
    return text + "\n"


def _optimize(args: argparse.Namespace, estate: Estate, rules: RuleSet) -> tuple[str, int]:
    options: dict[str, Any] = {}
    if args.options:
        with open(args.options, encoding="utf-8") as f:
            loaded = json.load(f)
        if not isinstance(loaded, dict):
            raise ValueError(f"{args.options}: options must be a JSON object")
        options.update(loaded)
    if args.objective is not None:
        options["objective"] = args.objective
    if args.unpriced is not None:
        options["unpriced"] = args.unpriced
    plan = optimize(estate, rules, as_of=args.as_of, **options)
    caveat = _unpriced_caveat(plan)
    code = EXIT_OK
    if caveat:
        print(caveat.rstrip("\n"), file=sys.stderr)
    if args.az_script:
        apply, rollback = az_script(estate, plan)
        if args.rollback:
            with open(args.rollback, "w", encoding="utf-8") as f:
                f.write(rollback)
        else:
            print("ahb: rollback not saved; pass --rollback FILE to keep it", file=sys.stderr)
        return apply, code
    if args.arm:
        return json.dumps(arm_patches(estate, plan), indent=2, default=_json_default), code
    if args.json:
        return plan.to_json(), code
    return caveat + plan.to_text(), code


def _run(args: argparse.Namespace) -> tuple[str, int]:
    if args.command == "import":
        return _import(args)
    estate = Estate.from_path(args.file)
    rules = RuleSet(args.rules)
    if args.command == "audit":
        result = audit(estate, rules, as_of=args.as_of)
        out = result.to_json() if args.json else result.to_text()
        return out, EXIT_OK
    if args.command == "optimize":
        return _optimize(args, estate, rules)
    if args.command == "report":
        from ahb._report import render

        page = render(estate, rules, as_of=args.as_of, top=args.top, unpriced=args.unpriced)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(page)
            return "", EXIT_OK
        return page, EXIT_OK
    if args.command == "timeline":
        t = timeline(estate, rules, start=args.start, end=args.end)
        return t.to_json(), EXIT_OK
    usage = Usage.from_path(args.usage)
    if args.command == "simulate":
        sim = simulate_central(estate, usage, rules)
        return (sim.to_json() if args.json else sim.to_text()), EXIT_OK
    best = best_assignment(
        estate,
        usage,
        args.scope,
        rules,
        sql_enterprise_per_core_year=args.sql_enterprise_per_core_year or args.enterprise_core,
        sql_standard_per_core_year=args.sql_standard_per_core_year or args.standard_core,
    )
    return (best.to_json() if args.json else best.to_text()), EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        out, code = _run(args)
    except AhbError as e:
        print(f"ahb: error {e.code} ({e.code_name}): {e}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as e:
        print(f"ahb: error 8 (io): {e}", file=sys.stderr)
        return EXIT_ERROR
    except (ValueError, TypeError) as e:
        print(f"ahb: error 9 (invalid_option): {e}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as e:  # noqa: BLE001 - one line for a bug too, never a traceback
        print(f"ahb: error 0 (internal): {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_ERROR
    if out:
        try:
            sys.stdout.write(out if out.endswith("\n") else out + "\n")
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, and keep Python from failing
            # again when it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return code
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
