"""``python -m ahb`` and the ``ahb`` console script."""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence
from typing import NoReturn

from ahb._ahb import AhbError, Estate, RuleSet, Usage, audit, optimize, simulate_central


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


class _Parser(argparse.ArgumentParser):
    """Reports a usage mistake as one line with code 9 (invalid_option) and exits 2."""

    def error(self, message: str) -> NoReturn:
        print(f"ahb: error 9 (invalid_option): {message} (see `ahb --help`)", file=sys.stderr)
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ahb", description="Azure Hybrid Benefit licensing engine.")
    sub = p.add_subparsers(dest="command", required=True)
    for name, help_ in (
        ("audit", "compliance position of an estate on a date"),
        ("optimize", "savings-maximising compliant plan"),
    ):
        c = sub.add_parser(name, help=help_)
        c.add_argument("file", help="estate JSON file (ahb.estate/1)")
        c.add_argument("--as-of", type=_date, default=None, help="date, YYYY-MM-DD (default: today)")
        c.add_argument("--rules", default="2023-04", help="rule set version: 2023-04 or 2021-11")
        c.add_argument("--json", action="store_true", help="print the versioned JSON")
        if name == "optimize":
            c.add_argument(
                "--objective",
                choices=["max_savings", "min_change", "compliance_first"],
                default=None,
            )
    c = sub.add_parser("simulate", help="hourly simulation of central SQL AHB assignments")
    c.add_argument("file", help="estate JSON file with central_assignments")
    c.add_argument("usage", help="usage CSV: resource,hour,vcores,licence_price_per_vcore_hour")
    c.add_argument("--rules", default="2023-04", help="rule set version: 2023-04 or 2021-11")
    c.add_argument("--json", action="store_true", help="print the versioned JSON")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        estate = Estate.from_path(args.file)
        rules = RuleSet(args.rules)
        if args.command == "simulate":
            sim = simulate_central(estate, Usage.from_path(args.usage), rules)
            out = sim.to_json() if args.json else sim.to_text()
        elif args.command == "audit":
            result = audit(estate, rules, as_of=args.as_of)
            out = result.to_json() if args.json else result.to_text()
        else:
            options = {} if args.objective is None else {"objective": args.objective}
            plan = optimize(estate, rules, as_of=args.as_of, **options)
            out = plan.to_json() if args.json else plan.to_text()
    except AhbError as e:
        print(f"ahb: error {e.code} ({e.code_name}): {_one_line(str(e))}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"ahb: error 8 (io): {_one_line(str(e))}", file=sys.stderr)
        return 2
    except BaseException as e:  # noqa: BLE001 - every failure is one line, never a traceback
        if isinstance(e, (SystemExit, KeyboardInterrupt)):
            raise
        # Not an ahb error: a bug (pyo3's PanicException derives from BaseException).
        what = f"{type(e).__name__}: {_one_line(str(e))}"
        print(f"ahb: error 0 (internal): {what} (please report it)", file=sys.stderr)
        return 2
    try:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
        sys.stdout.flush()
    except OSError as e:
        print(f"ahb: error 8 (io): cannot write the output: {_one_line(str(e))}", file=sys.stderr)
        return 2
    return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
