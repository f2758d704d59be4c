"""Forgiving inputs for the public functions of :mod:`ahb`.

The extension module ``ahb._ahb`` takes exact types; these wrappers accept what people type and
convert it, nothing more (every decision stays in the Rust core):

- an estate as anything :func:`ahb.load` reads (an :class:`Estate`, a path, a dict, JSON text
  or bytes, a DataFrame of resources);
- a rule set as a :class:`RuleSet` or a version string (``"2023-04"``, ``"2021-11"``);
- money as ``Decimal``, ``int``, ``str`` or ``float`` (a float as its shortest repr, so
  ``10.1`` is exactly ``Decimal("10.1")``);
- ``license`` and ``licence`` spellings in keyword names (``licenses=``,
  ``license_prices_per_year=``); ahb itself writes ``licence``;
- a date range as ``from_``/``to`` (the names of the JSON, Rust and C) or ``start``/``end``.
"""

from __future__ import annotations

import decimal
import math
import os
import warnings
from typing import TYPE_CHECKING, Any

from ahb import _ahb
from ahb._ahb import (
    BestAssignment,
    CentralSimulation,
    Estate,
    ImportResult,
    Plan,
    Position,
    RuleSet,
    Timeline,
    Usage,
)

if TYPE_CHECKING:
    import datetime

    import pandas as pd

    from ahb._ahb import _Input

EstateLike = Any
"""What :func:`ahb.load` accepts: Estate, path, dict, JSON text or bytes, DataFrame."""

Money = decimal.Decimal | int | str | float


def licence_spelling(name: str) -> str:
    """``name`` with the American ``license`` spelled ``licence`` (ahb's one spelling)."""
    return name.replace("license", "licence").replace("License", "Licence")


def _keywords(kw: dict[str, Any], where: str) -> dict[str, Any]:
    """Keyword names in ahb's spelling; both spellings of one name at once is an error."""
    out: dict[str, Any] = {}
    for k, v in kw.items():
        canon = licence_spelling(k)
        if canon in out:
            raise TypeError(f"{where}() got {canon!r} twice (as {k!r} and {canon!r})")
        out[canon] = v
    return out


def money(value: Any, name: str) -> Any:
    """An amount as the core reads it: ``Decimal``, ``int`` and ``str`` pass; a ``float``
    becomes the ``Decimal`` of its shortest repr; ``None`` stays ``None``; a numpy scalar is
    read through its ``item()``. ``name`` is the option named in the error."""
    return _money(value, name, unwrap=True)


def _money(value: Any, name: str, unwrap: bool) -> Any:
    if value is None or isinstance(value, (decimal.Decimal, str)):
        return value
    if isinstance(value, bool):
        raise TypeError(f"{name} is an amount, not a bool")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name}: {float(value)} is not a finite amount")
        # float's own repr (a subclass may override __repr__): the shortest exact text
        return decimal.Decimal(float.__repr__(value))
    if unwrap and callable(getattr(value, "item", None)) and not isinstance(value, (list, tuple, dict)):
        return _money(value.item(), name, unwrap=False)  # numpy scalar: once, its Python value
    raise TypeError(f"{name} is an amount (Decimal, int, str or float), not {type(value).__name__}")


#: Options whose values (or, for a dict, whose values' values) are amounts of money.
MONEY_OPTIONS = ("change_penalty_per_month", "licence_prices_per_year")


#: How deep an option value may nest (the core's own conversion has the same bound).
MAX_DEPTH = 64


def _amounts(value: Any, name: str, open_: tuple[int, ...] = ()) -> Any:
    """Every float in an option value (nested dicts and lists too) as an exact Decimal, and
    every amount of a money option (:data:`MONEY_OPTIONS`) as a Decimal. A container that
    contains itself, or nesting deeper than :data:`MAX_DEPTH`, is a ``ValueError`` naming the
    path; a dict key that is not a ``str`` a ``TypeError``. No value is formatted, hashed or
    compared on the way (each would recurse in C through a value nested thousands deep)."""
    if isinstance(value, (dict, list, tuple)):
        if id(value) in open_:
            raise ValueError(f"{name}: the {type(value).__name__} contains itself (a cycle)")
        if len(open_) >= MAX_DEPTH:
            raise ValueError(f"{name}: nested more than {MAX_DEPTH} levels deep")
        open_ = open_ + (id(value),)
    if name.split(".")[0] in MONEY_OPTIONS and isinstance(value, int) and not isinstance(value, bool):
        return decimal.Decimal(value)
    if isinstance(value, float) or (hasattr(value, "item") and not isinstance(value, (list, tuple, dict, str))):
        return money(value, name)
    if isinstance(value, dict):
        # Keys as given: the core reads their other spellings (``license_…``, the deprecated
        # price names) and refuses one field given under two names, naming it. A snapshot of
        # the items: the walk runs the values' own code (item(), __iter__ of subclasses), which
        # must not change what is being iterated.
        out = {}
        for k, v in list(value.items()):
            key = _key_text(k, name)
            out[key] = _amounts(v, f"{name}.{key}", open_)
        return out
    if isinstance(value, (list, tuple)):
        return [_amounts(v, f"{name}[{i}]", open_) for i, v in enumerate(list(value))]
    return value


def _key_text(key: Any, name: str) -> str:
    """A dict key of an option value as a step of its error path: a ``str`` by its own
    characters (a subclass's ``__str__`` is not called). Any other key is a ``TypeError``
    naming its type, as the core's conversion (which takes ``str`` keys only) would raise,
    but before anything formats or hashes it: ``f"{key}"`` of a tuple nested thousands deep is
    a ``repr`` recursing in C once per level (a ``RecursionError``, or a C stack overflow under
    a raised recursion limit), and putting it in a new dict hashes it, recursing the same way."""
    if isinstance(key, str):
        return str.__str__(key)
    raise TypeError(f"{name}: dict keys must be str, not {type(key).__name__}")


def _estate(source: EstateLike) -> Estate:
    """An :class:`Estate` from whatever :func:`ahb.load` accepts."""
    if isinstance(source, Estate):
        return source
    from ahb import load

    return load(source)


def _rules(value: RuleSet | str | None) -> RuleSet | None:
    """A rule set from a :class:`RuleSet`, a version string or ``None`` (current rules)."""
    if value is None or isinstance(value, RuleSet):
        return value
    if isinstance(value, str):
        return RuleSet(value)
    raise TypeError(f"rules must be a RuleSet or a version string such as '2023-04', not {type(value).__name__}")


def audit(
    estate: EstateLike,
    rules: RuleSet | str | None = None,
    *,
    as_of: datetime.date | str | None = None,
) -> Position:
    """The compliance position of an estate on a date: which AHB claims are covered, over- or
    under-claimed, and the savings claimed, at risk and left unclaimed.

    ``estate``: anything :func:`ahb.load` reads (Estate, path, dict, JSON text, DataFrame).
    ``rules``: a :class:`RuleSet` or a version, ``"2023-04"`` (default, current) or
    ``"2021-11"``. ``as_of``: a ``datetime.date`` or ISO string; default today.

    >>> position = ahb.audit("examples/data/sample-estate.json", as_of="2026-11-25")  # doctest: +SKIP
    >>> position.to_pandas("over_claimed").nlargest(3, "monthly_savings")            # doctest: +SKIP
    """
    return _ahb.audit(_estate(estate), _rules(rules), as_of=as_of)


def optimize(
    estate: EstateLike,
    rules: RuleSet | str | None = None,
    *,
    as_of: datetime.date | str | None = None,
    **options: Any,
) -> Plan:
    """The savings-maximising compliant plan, with its optimality certificate.

    ``estate`` and ``rules`` as for :func:`audit`. ``options`` (keywords):
    ``objective`` (``"max_savings"`` default, ``"min_change"``, ``"compliance_first"``),
    ``change_penalty_per_month`` (amount), ``pin`` and ``exclude`` (resource ids),
    ``reserve`` (``{"windows_server": n, "sql_server": n, "rhel": n, "sles": n}``),
    ``prefer_later_expiry`` (bool), ``licence_prices_per_year`` (yearly price of one core
    licence with SA: ``{"windows_server_per_core_year": …, "sql_enterprise_per_core_year": …,
    "sql_standard_per_core_year": …}``; the deprecated names ``windows_server_core``,
    ``sql_enterprise_core`` and ``sql_standard_core`` are still read), ``renewal_horizon_days``,
    ``recommendations`` (bool), ``exact_work_budget``, ``unpriced`` (``"ignore"`` default:
    resources without prices count as zero and the certificate's ``scope`` is
    ``"priced_resources_only"``; ``"by_units"``: they are valued by the licence units they would
    use — a proxy, not money, ranked after every priced saving — so an estate without prices
    still gets a plan). Amounts may be Decimal, int, str or float; ``license_…`` spellings are
    accepted. A wrong option, or one given under two names, raises :class:`OptionError` naming
    it (``field``).

    >>> plan = ahb.optimize(estate, as_of="2026-11-25", change_penalty_per_month=10.0)  # doctest: +SKIP
    >>> plan.to_pandas("pools")[["pool", "method", "monthly_savings"]]                # doctest: +SKIP
    """
    opts = {k: _amounts(v, k) for k, v in _keywords(options, "optimize").items()}
    return _ahb.optimize(_estate(estate), _rules(rules), as_of=as_of, **opts)


def audit_and_optimize(
    estate: EstateLike,
    rules: RuleSet | str | None = None,
    *,
    as_of: datetime.date | str | None = None,
    **options: Any,
) -> tuple[Position, Plan]:
    """The compliance position and the optimal plan together, ``(position, plan)``: the same
    results as :func:`audit` and :func:`optimize`, from one assessment of the estate (each
    resource is assessed once, not twice), so faster than the two calls on a large estate.
    Arguments as for :func:`optimize`.

    >>> position, plan = ahb.audit_and_optimize(estate, as_of="2026-11-25")  # doctest: +SKIP
    """
    opts = {k: _amounts(v, k) for k, v in _keywords(options, "audit_and_optimize").items()}
    return _ahb.audit_and_optimize(_estate(estate), _rules(rules), as_of=as_of, **opts)


def timeline(
    estate: EstateLike,
    rules: RuleSet | str | None = None,
    *,
    from_: datetime.date | str | None = None,
    to: datetime.date | str | None = None,
    start: datetime.date | str | None = None,
    end: datetime.date | str | None = None,
) -> Timeline:
    """The position at ``from_`` and at every date up to ``to`` where supply changes (SA
    ends, dual-use windows close, central assignments lapse), with the cliff in optimal
    savings at each step.

    ``from_``/``to`` are the names of the JSON, Rust and C (``from`` is a Python keyword);
    ``start``/``end`` are accepted as aliases. Dates are ``datetime.date`` or ISO strings;
    ``from_`` defaults to today. ``estate`` and ``rules`` as for :func:`audit`.

    >>> tl = ahb.timeline(estate, from_="2026-11-25", to="2027-12-31")  # doctest: +SKIP
    >>> print(tl.to_text())                                            # doctest: +SKIP
    """
    if from_ is not None and start is not None:
        raise TypeError("timeline() got both from_ and its alias start")
    if to is not None and end is not None:
        raise TypeError("timeline() got both to and its alias end")
    last = to if to is not None else end
    if last is None:
        raise TypeError("timeline() needs the last date: to=")
    first = from_ if from_ is not None else start
    return _ahb.timeline(_estate(estate), _rules(rules), start=first, end=last)


def simulate_central(
    estate: EstateLike, usage: Usage, rules: RuleSet | str | None = None
) -> CentralSimulation:
    """Central SQL Server AHB assignments applied hour by hour to ``usage`` (a
    :class:`Usage`): covered and uncovered NC, HA/DR, overage, utilisation per scope.

    >>> usage = ahb.Usage.from_path("examples/data/sample-sql-usage.csv")  # doctest: +SKIP
    >>> ahb.simulate_central(estate, usage).to_pandas("scopes")             # doctest: +SKIP
    """
    return _ahb.simulate_central(_estate(estate), usage, _rules(rules))


def best_assignment(
    estate: EstateLike,
    usage: Usage,
    scope: str,
    rules: RuleSet | str | None = None,
    *,
    sql_enterprise_per_core_year: Money | None = None,
    sql_standard_per_core_year: Money | None = None,
    enterprise_core: Money | None = None,
    standard_core: Money | None = None,
) -> BestAssignment:
    """How many Enterprise and Standard core licences to assign centrally to ``scope``, from
    the load-duration curve of ``usage``.

    Prices are yearly per core licence with SA or subscription, as in
    :func:`optimize`'s ``licence_prices_per_year``: ``sql_enterprise_per_core_year`` and
    ``sql_standard_per_core_year`` (Decimal, int, str or float). ``enterprise_core`` and
    ``standard_core`` are their deprecated names (a ``DeprecationWarning``). At least one price
    is needed; a wrong one raises :class:`OptionError` naming it.

    >>> best = ahb.best_assignment(estate, usage, "sub-prod-data",
    ...     sql_enterprise_per_core_year=1890, sql_standard_per_core_year=493)  # doctest: +SKIP
    """
    ent = _deprecated("best_assignment", "sql_enterprise_per_core_year", sql_enterprise_per_core_year,
                      "enterprise_core", enterprise_core)
    std = _deprecated("best_assignment", "sql_standard_per_core_year", sql_standard_per_core_year,
                      "standard_core", standard_core)
    return _ahb.best_assignment(
        _estate(estate),
        usage,
        scope,
        _rules(rules),
        sql_enterprise_per_core_year=money(ent, "sql_enterprise_per_core_year"),
        sql_standard_per_core_year=money(std, "sql_standard_per_core_year"),
    )


def _deprecated(where: str, name: str, value: Any, old: str, old_value: Any) -> Any:
    """The value of keyword ``name``, or of its deprecated name ``old`` (with a
    ``DeprecationWarning``); both at once is a ``TypeError``."""
    if old_value is None:
        return value
    if value is not None:
        raise TypeError(f"{where}() got both {name} and its deprecated name {old}")
    warnings.warn(f"{where}(): {old}= is deprecated; use {name}=", DeprecationWarning, stacklevel=3)
    return old_value


def import_estate(
    inventory: list[_Input] | _Input | None = None,
    licences: list[_Input] | _Input | None = None,
    **options: Any,
) -> ImportResult:
    """An estate from Azure inventory JSON (Resource Graph, ``az … list``, ARM) and licence
    CSVs. Each input is a path or a ``(name, text)`` pair, or a list of them.

    Keywords: ``licences`` (also ``licenses``), ``catalogue``, ``prices``, ``costs`` (cost
    exports, CSV or Parquet), ``date_order`` (``"dmy"`` or ``"mdy"``), ``strict`` (bool), ``require_known_sizes`` (bool).

    >>> result = ahb.import_estate("resources.json", licenses="licences.csv")  # doctest: +SKIP
    >>> result.estate.resource_count                                          # doctest: +SKIP
    """
    opts = _keywords(options, "import_estate")
    if "licences" in opts:
        if licences is not None:
            raise TypeError("import_estate() got licences twice")
        licences = opts.pop("licences")

    def many(v: Any) -> Any:
        if v is None or isinstance(v, list):
            return v
        if isinstance(v, (str, os.PathLike, tuple)):
            return [v]
        return list(v)

    for k in ("catalogue", "prices", "costs"):
        if k in opts:
            opts[k] = many(opts[k])
    return _ahb.import_estate(many(inventory), many(licences), **opts)


def estate_from_frames(
    resources: pd.DataFrame | None = None,
    licences: pd.DataFrame | None = None,
    scopes: pd.DataFrame | None = None,
    central_assignments: pd.DataFrame | None = None,
    *,
    licenses: pd.DataFrame | None = None,
) -> Estate:
    """A validated estate from DataFrames (see :mod:`ahb.frames` for the columns); the
    inverse of :meth:`Estate.to_pandas`. ``licenses=`` is accepted for ``licences=``.

    >>> frames = estate.to_pandas()                                   # doctest: +SKIP
    >>> ahb.estate_from_frames(**frames) == estate                    # doctest: +SKIP
    True
    """
    from ahb import frames

    if licenses is not None:
        if licences is not None:
            raise TypeError("estate_from_frames() got both licences and licenses")
        licences = licenses
    return frames.estate_from_frames(resources, licences, scopes, central_assignments)
