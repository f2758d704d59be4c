"""ahb: Azure Hybrid Benefit licensing, computed right.

The engine is the Rust crate ``ahb-core``; this package converts, releases the GIL and
displays. Money is :class:`decimal.Decimal`, dates are :class:`datetime.date`.

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
    audit,
    az_script,
    best_assignment,
    cost_usage_from_csv,
    import_estate,
    optimize,
    plan_csv,
    position_csv,
    simulate_central,
    timeline,
)
from ahb.frames import estate_from_frames, usage_from_frame

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
    "az_script",
    "best_assignment",
    "cost_usage_from_csv",
    "estate_from_frames",
    "import_estate",
    "load",
    "optimize",
    "plan_csv",
    "position_csv",
    "simulate_central",
    "timeline",
    "usage_from_frame",
]


def load(source: Any) -> Estate:
    """An estate from whatever holds one.

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
