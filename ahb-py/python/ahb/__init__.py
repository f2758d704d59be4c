"""ahb: Azure Hybrid Benefit licensing, computed right.

The engine is the Rust crate ``ahb-core``; this package converts, releases the GIL and
displays. In ``to_dict()``/``to_json()`` money is exact (:class:`decimal.Decimal`, decimal
strings) and dates are :class:`datetime.date`; in ``to_pandas()`` frames money is float64
(``money="decimal"`` or ``money="arrow"`` keep it exact) and dates are ``datetime64``.

The functions accept what people type: an estate as anything :func:`load` reads, a rule set as
a :class:`RuleSet` or a version string (``"2023-04"``, ``"2021-11"``), amounts as Decimal, int,
str or float, ``license``/``licence`` in keyword names, and date ranges as ``from_``/``to`` (or
``start``/``end``).

>>> import ahb, datetime
>>> estate = ahb.Estate.from_path("examples/data/sample-estate.json")     # doctest: +SKIP
>>> position = ahb.audit(estate, as_of=datetime.date(2026, 11, 25))       # doctest: +SKIP
"""

from __future__ import annotations

import os
from typing import Any

from ahb._ahb import (
    AhbError,
    AhbIOError,
    BestAssignment,
    CentralSimulation,
    DuplicateIdError,
    Estate,
    ImportResult,
    MissingFieldError,
    OptionError,
    ParseError,
    Plan,
    Position,
    RuleSet,
    Timeline,
    UnknownReferenceError,
    UnknownVariantError,
    UnsupportedSchemaError,
    Usage,
    ValidationError,
    __version__,
    arm_patches,
    az_script,
    cost_usage_from_csv,
    plan_csv,
    position_csv,
)
from ahb._inputs import (
    audit,
    audit_and_optimize,
    best_assignment,
    estate_from_frames,
    import_estate,
    optimize,
    simulate_central,
    timeline,
)
from ahb.frames import usage_from_frame

__all__ = [
    "AhbError",
    "AhbIOError",
    "BestAssignment",
    "CentralSimulation",
    "DuplicateIdError",
    "Estate",
    "ImportResult",
    "MissingFieldError",
    "OptionError",
    "ParseError",
    "Plan",
    "Position",
    "RuleSet",
    "Timeline",
    "UnknownReferenceError",
    "UnknownVariantError",
    "UnsupportedSchemaError",
    "Usage",
    "ValidationError",
    "__version__",
    "arm_patches",
    "audit",
    "audit_and_optimize",
    "az_script",
    "best_assignment",
    "cost_usage_from_csv",
    "estate_from_frames",
    "import_estate",
    "load",
    "optimize",
    "plan_csv",
    "position_csv",
    "report",
    "simulate_central",
    "timeline",
    "usage_from_frame",
]


def load(source: Any) -> Estate:
    """An estate from whatever holds one.

    >>> estate = ahb.load("examples/data/sample-estate.json")   # doctest: +SKIP
    >>> estate = ahb.load({"schema": "ahb.estate/1", "resources": []})  # doctest: +SKIP

    ``source`` may be an :class:`Estate`, a ``dict`` shaped like the estate JSON, a
    ``pathlib.Path`` (or other path-like) to a JSON file, a ``str`` holding JSON text (if it
    starts with ``{``) or a file path, ``bytes`` of JSON, or a pandas DataFrame of resources
    (see :func:`ahb.estate_from_frames` for the columns and for licences and scopes).
    """
    if isinstance(source, Estate):
        return source
    if isinstance(source, dict):
        return Estate.from_dict(source)
    if isinstance(source, bytes):
        return Estate.from_json(source)
    if isinstance(source, str):
        if source.lstrip().startswith("{"):
            return Estate.from_json(source)
        return Estate.from_path(source)
    if isinstance(source, os.PathLike):
        return Estate.from_path(source)
    if type(source).__name__ == "DataFrame":
        return estate_from_frames(resources=source)
    raise TypeError(f"cannot load an estate from {type(source).__name__}")


def report(
    estate: Any,
    rules: RuleSet | str | None = None,
    *,
    as_of: Any = None,
    path: str | os.PathLike[str] | None = None,
    top: int = 20,
    unpriced: str = "ignore",
) -> str:
    """A self-contained HTML report (position and plan: over- and under-claimed resources,
    money by pool with its currency, the resources without prices and the units at stake) that
    opens from an email; written to ``path`` if given. ``unpriced="by_units"`` plans with the
    unit proxy for resources without prices (see :func:`ahb.optimize`).

    >>> html = ahb.report("examples/data/sample-estate.json", as_of="2026-11-25")  # doctest: +SKIP
    >>> ahb.report(estate, path="report.html")                                     # doctest: +SKIP
    """
    from ahb import _report

    text = _report.render(load(estate), rules, as_of=as_of, top=top, unpriced=unpriced)
    if path is not None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return text
