"""Estates from pandas DataFrames, through a columnar path.

Column names are the estate JSON's field names (see ``ahb-core/schema/estate.schema.json``);
a missing cell (``NaN``, ``None``, ``pd.NA``, ``NaT``) means the field is absent.

**resources** — one row per resource:

- ``id`` (required), ``kind`` (required: ``vm``, ``scale_set``, ``dedicated_host``, ``sql_vm``,
  ``sql_database``, ``sql_elastic_pool``, ``sql_managed_instance``, ``sql_instance_pool``,
  ``ssis_runtime``, ``aks_hybrid``, ``azure_local_cluster``), ``name``, ``scope``,
  ``running`` (bool, default true), ``hours_per_month`` (amount);
- prices: ``payg_per_hour``, ``ahb_per_hour`` (amounts; both or neither), ``currency``;
  for a dedicated host's SQL host-level prices ``sql_payg_per_hour``, ``sql_ahb_per_hour``,
  ``sql_currency``;
- the kind's own fields, e.g. ``os``, ``vcpus``, ``active_vcpus``, ``size``, ``license_type``,
  ``host``, ``sql_image``, ``instances``, ``physical_cores``, ``sku``, ``sql_host_level``,
  ``edition``, ``vm``, ``tier``, ``vcores``, ``dtu``, ``compute``, ``created``, ``standby``,
  ``passive_dr``, ``worker_vcpus``, ``control_plane_vcpus``, ``ahb``, ``oem_bundled``,
  ``node_cores`` (a list per row). A non-missing cell in a column the row's kind does not
  have is an error, as an unknown JSON field is.

**licences** — ``id``, ``product``, ``edition``, ``metric``, ``quantity``, ``programme``,
``sa_start`` and ``sa_end`` (the ``sa`` term), ``on_premises_in_use``, ``migration_start``,
``scope``, ``agreement``, ``unit``, ``virtual_datacenters``.

**scopes** — ``id``, ``kind``, ``parent``, ``name``, ``dev_test``.

**central_assignments** — the fields of the estate JSON's ``central_assignments`` records
(``id``, ``scope``, ``edition``, ``cores``, ``start``, ``review_date``, …), read by the core's
own loader.

Amounts may be ``Decimal``, ``str``, integers or floats; a float is read as the shortest
decimal that round-trips it (``0.192`` is exactly ``Decimal("0.192")``). Dates may be
``datetime64`` columns, ``datetime.date`` objects or ISO strings. Errors are the same
:class:`ahb.AhbError` subclasses as for JSON, with ``index`` the row position and ``field``
the column.

``Estate.to_pandas()`` gives these frames back (``ahb.estate_from_frames(**estate.to_pandas())
== estate``); ``licenses=`` is accepted for ``licences=``.

How it stays columnar: numeric, boolean and date columns cross into Rust as one ``bytes``
buffer each; text and object columns as ``pandas.factorize`` codes plus their distinct
values. No Python object is made per row, and the rows are built with the GIL released.
"""

from __future__ import annotations

import datetime
import decimal
import math
from typing import TYPE_CHECKING, Any

from ahb._ahb import Estate, Usage
from ahb._inputs import MAX_DEPTH

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["estate_from_frames", "encode_frame", "usage_from_frame"]

Encoded = tuple[str, str, Any, Any, Any]

#: Containers a cell or a column name may nest (what ``hash``, ``==`` and ``repr`` recurse into).
_CONTAINERS = (tuple, list, dict, set, frozenset)


def _items(x: Any) -> tuple[Any, ...]:
    """The items of a container (a dict's keys and values) through the built-in type's own
    methods: no method a subclass overrides runs."""
    t = type(x)
    if issubclass(t, dict):
        return (*dict.keys(x), *dict.values(x))
    if issubclass(t, tuple):
        return tuple(tuple.__iter__(x))
    if issubclass(t, list):
        return tuple(list.__iter__(x))
    if issubclass(t, set):
        return tuple(set.__iter__(x))
    return tuple(frozenset.__iter__(x))


def _nesting_error(value: Any) -> str | None:
    """Why ``value`` cannot be handed to pandas, as a predicate (``"is nested deeper than 64
    levels"``, ``"holds a list that contains itself (a cycle)"``); ``None`` if it can.

    pandas hashes the cells of an object column (``factorize``, ``to_datetime``'s cache) and
    the column names (``is_unique``, ``in``), and hashing a tuple recurses in C once per level
    with no recursion check: a tuple nested 200,000 deep overflows the C stack (a segfault in
    ``tuplehash``), whatever the recursion limit. ``repr`` and ``==`` recurse the same way up to
    the recursion limit, which a program may have raised. So the depth is measured first,
    without recursion and without running any of the value's code: the longest chain of
    containers, each container walked once (an explicit stack of the open ones)."""
    if not issubclass(type(value), _CONTAINERS):
        return None
    height: dict[int, int] = {}  # id -> levels of a container already walked
    path: list[tuple[Any, tuple[Any, ...], int, int]] = [(value, _items(value), 0, 1)]
    open_ = {id(value)}
    while path:
        x, items, i, deepest = path[-1]
        if len(path) > MAX_DEPTH:
            return f"is nested deeper than {MAX_DEPTH} levels"
        while i < len(items):
            c = items[i]
            i += 1
            if not issubclass(type(c), _CONTAINERS):
                continue
            if id(c) in open_:
                return f"holds a {type(c).__name__} that contains itself (a cycle)"
            if id(c) in height:
                if len(path) + height[id(c)] > MAX_DEPTH:
                    return f"is nested deeper than {MAX_DEPTH} levels"
                deepest = max(deepest, 1 + height[id(c)])
                continue
            path[-1] = (x, items, i, deepest)
            path.append((c, _items(c), 0, 1))
            open_.add(id(c))
            break
        else:
            path.pop()
            open_.discard(id(x))
            height[id(x)] = deepest
            if path:
                px, pitems, pi, pdeepest = path[-1]
                path[-1] = (px, pitems, pi, max(pdeepest, 1 + deepest))
    return None


def _check_names(columns: Any) -> None:
    """Column names nested too deep (or cyclic) are a ``ValueError``, before pandas hashes
    them (see :func:`_nesting_error`)."""
    for i, c in enumerate(list(columns)):
        why = _nesting_error(c)
        if why is not None:
            raise ValueError(f"column {i}: its name {why}")


#: What ``pandas.api.types.infer_dtype`` says of a column that holds no container.
_FLAT = frozenset({
    "string", "bytes", "empty", "integer", "floating", "decimal", "boolean", "datetime64",
    "datetime", "date", "timedelta64", "timedelta", "time", "period", "complex", "categorical",
    "mixed-integer-float", "integer-na",
})


def _check_cells(name: str, s: pd.Series) -> None:
    """Cells of an object column nested too deep (or cyclic) are a ``ValueError`` naming the
    column and row, before pandas hashes them (see :func:`_nesting_error`). A column of
    scalars (``infer_dtype``, in C) is not walked."""
    import pandas as pd

    if getattr(s.dtype, "kind", "O") != "O" or pd.api.types.infer_dtype(s, skipna=True) in _FLAT:
        return
    for row, v in enumerate(s.tolist()):
        why = _nesting_error(v)
        if why is not None:
            raise ValueError(f"{name}: row {row} {why}")


def _scalar(v: Any, unwrap: bool = True) -> Any:
    """A numpy or pandas scalar as the plain Python value ahb converts (``item()`` is
    followed once)."""
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (str, bool, int, decimal.Decimal, list, dict)):
        return v
    if isinstance(v, float):
        return None if v != v else v
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, (datetime.date,)):
        return v
    if unwrap and callable(getattr(v, "item", None)):  # numpy scalar
        return _scalar(v.item(), unwrap=False)
    if isinstance(v, tuple):
        return list(v)
    return v


def _encode(name: str, s: pd.Series) -> Encoded:
    import numpy as np
    import pandas as pd

    dtype = s.dtype
    kind = getattr(dtype, "kind", "O")
    _check_cells(name, s)
    na = s.isna().to_numpy(dtype=np.uint8)
    mask = na.tobytes() if na.any() else None
    if kind == "b":
        data = s.to_numpy(dtype=np.uint8, na_value=0).tobytes()
        return (name, "bool", data, mask, None)
    if kind in "iu":
        data = s.to_numpy(dtype="<i8", na_value=0).tobytes()
        return (name, "int", data, mask, None)
    if kind == "f":
        return (name, "float", s.to_numpy(dtype="<f8", na_value=np.nan).tobytes(), None, None)
    if kind == "M":
        if getattr(dtype, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        days = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype("<i8")
        return (name, "date", days.tobytes(), mask, None)
    try:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists): one value per row
        return (name, "obj", [_scalar(v) for v in s.tolist()], None, None)
    values = [_scalar(v) for v in list(uniques)]
    return (name, "cat", codes.astype("<i8", copy=False).tobytes(), None, values)


def encode_frame(df: pd.DataFrame | None) -> list[Encoded]:
    """The encoded columns of a DataFrame (the argument of ``Estate._from_columns``)."""
    if df is None:
        return []
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        # e.g. a polars DataFrame: only pandas' is read (polars: df.to_pandas())
        raise TypeError(f"expected a pandas DataFrame or None, not {type(df).__module__}.{type(df).__name__}")
    _check_names(df.columns)
    if not df.columns.is_unique:
        raise ValueError("the DataFrame has duplicate column names")
    return [_encode_column(str(c), df[c]) for c in df.columns]


def _encode_column(name: str, s: pd.Series) -> Encoded:
    """:func:`_encode`, with pandas' arithmetic and recursion errors on odd cells as a
    ``ValueError`` naming the column."""
    try:
        return _encode(name, s)
    except (ArithmeticError, RecursionError) as e:
        # Decimal("sNaN") cannot even be compared; a value nested thousands deep cannot be hashed
        raise ValueError(f"column {name!r}: a value pandas cannot read ({type(e).__name__}: {e})") from e


def estate_from_frames(
    resources: pd.DataFrame | None = None,
    licences: pd.DataFrame | None = None,
    scopes: pd.DataFrame | None = None,
    central_assignments: pd.DataFrame | None = None,
) -> Estate:
    """A validated estate from DataFrames of resources, licences, scopes and (where this build
    of the core has them) central SQL assignments; see the module docstring for the columns."""
    return Estate._from_columns(
        encode_frame(resources),
        encode_frame(licences),
        encode_frame(scopes),
        encode_frame(central_assignments) if central_assignments is not None else None,
    )


PRICE_COLUMN = "licence_price_per_vcore_hour"


def price_column(columns: Any) -> str | None:
    """The name of the usage price column in ``columns``: ``licence_price_per_vcore_hour`` or
    its American spelling ``license_price_per_vcore_hour``; ``None`` without one. Both at once
    is a ``ValueError`` (one column under two names)."""
    given = [c for c in (PRICE_COLUMN, "license_price_per_vcore_hour") if c in list(columns)]
    if len(given) > 1:
        raise ValueError(f"the usage has the price column twice, as {given[0]!r} and {given[1]!r}")
    return given[0] if given else None


def usage_from_frame(df: pd.DataFrame) -> Usage:
    """Hourly SQL usage from a DataFrame with the columns ``resource``, ``hour`` (datetime64
    or ISO strings, on the hour), ``vcores`` (whole numbers) and optionally
    ``licence_price_per_vcore_hour`` (or ``license_price_per_vcore_hour``; amount per
    vCore-hour, missing means the estate's prices). Rows in hour order; the first row's hour is
    hour 0. Columnar: one buffer per column. A missing column, a missing hour or vCore count, a
    fractional vCore count or an hour outside the years 1–9999 is a ``ValueError`` naming the
    column (and row)."""
    import numpy as np
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, not {type(df).__name__}")
    _check_names(df.columns)
    if not df.columns.is_unique:
        raise ValueError("the DataFrame has duplicate column names")
    for needed in ("resource", "hour", "vcores"):
        if needed not in df.columns:
            raise ValueError(f"the usage frame has no {needed!r} column (it needs resource, hour and vcores)")
    if len(df) == 0:
        raise ValueError("the usage has no rows")
    for needed in ("resource", "hour", "vcores"):
        _check_cells(needed, df[needed])
    try:
        codes, uniques = pd.factorize(df["resource"], use_na_sentinel=True)
        hours = _hours(df["hour"])
        vcores = _whole(df["vcores"], "vcores")
    except (ArithmeticError, RecursionError) as e:  # e.g. Decimal("sNaN"), which pandas cannot compare
        raise ValueError(f"a value pandas cannot read ({type(e).__name__}: {e})") from e
    ids = []
    for u in uniques:
        if isinstance(u, np.generic):
            u = u.item()
        if not isinstance(u, (str, int)) or isinstance(u, bool):
            raise TypeError(f"resource: a resource id is a str, not {type(u).__name__}")
        ids.append(str(u))
    start = _EPOCH + datetime.timedelta(seconds=int(hours[0]))
    price = None
    column = price_column(df.columns)
    if column is not None:
        price = [_encode_column(PRICE_COLUMN, df[column])]
    return Usage._from_columns(
        start,
        ids,
        codes.astype("<i8", copy=False).tobytes(),
        (hours - hours[0]).astype("<i8").tobytes(),
        np.ascontiguousarray(vcores).tobytes(),
        price,
    )


_EPOCH = datetime.datetime(1970, 1, 1)
#: Seconds from 1970 of 0001-01-01T00:00 and of 9999-12-31T23:00 (the years a date has).
_FIRST_SECOND, _LAST_SECOND = -62_135_596_800, 253_402_297_200


def _first_bad(bad: Any) -> int:
    import numpy as np

    return int(np.flatnonzero(np.asarray(bad))[0])


def _hours(s: pd.Series) -> Any:
    """The ``hour`` column as seconds since 1970 (int64); a missing or unreadable hour, or one
    outside the years 1–9999, is a ``ValueError`` naming its row."""
    import pandas as pd

    try:
        t = pd.to_datetime(s)
    except ArithmeticError as e:
        raise ValueError(f"hour: {e}") from e
    if t.isna().any():
        raise ValueError(f"hour: row {_first_bad(t.isna())} has no hour")
    if getattr(t.dtype, "tz", None) is not None:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    seconds = t.to_numpy(dtype="datetime64[s]").astype("<i8")
    out_of_range = (seconds < _FIRST_SECOND) | (seconds > _LAST_SECOND)
    if out_of_range.any():
        raise ValueError(f"hour: row {_first_bad(out_of_range)} is outside the years 1-9999")
    return seconds


def _whole(s: pd.Series, name: str) -> Any:
    """A column of whole numbers as int64: a missing value, a fraction, a bool, text that is
    not an integer or a number outside int64 is a ``ValueError`` (``TypeError`` for a type
    that is no number) naming the row."""
    import numpy as np

    missing = s.isna().to_numpy(dtype=bool)
    if missing.any():
        raise ValueError(f"{name}: row {_first_bad(missing)} is missing")
    kind = getattr(s.dtype, "kind", "O")
    if kind in "iu":
        values = s.to_numpy()
        if kind == "u" and (values > np.iinfo(np.int64).max).any():
            raise ValueError(f"{name}: row {_first_bad(values > np.iinfo(np.int64).max)} is too large")
        return values.astype("<i8")
    if kind == "f":
        values = s.to_numpy(dtype="<f8")
        bad = ~np.isfinite(values) | (values != np.round(values)) | (np.abs(values) >= 2.0**63)
        if bad.any():
            i = _first_bad(bad)
            raise ValueError(f"{name}: row {i} is {values[i]}, not a whole number")
        return values.astype("<i8")
    out = np.empty(len(s), dtype="<i8")
    for i, v in enumerate(s.tolist()):
        out[i] = _whole_value(v, name, i)
    return out


def _whole_value(v: Any, name: str, row: int) -> int:
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, bool):
        raise TypeError(f"{name}: row {row} is a bool, not a whole number")
    if isinstance(v, int):
        n = v
    elif isinstance(v, (float, decimal.Decimal)):
        if not math.isfinite(v) or v != int(v):
            raise ValueError(f"{name}: row {row} is {v}, not a whole number")
        n = int(v)
    elif isinstance(v, str):
        try:
            n = int(v.strip())
        except ValueError:
            raise ValueError(f"{name}: row {row} is {v!r}, not a whole number") from None
    else:
        raise TypeError(f"{name}: row {row} is a {type(v).__name__}, not a whole number")
    if not -(2**63) <= n < 2**63:
        raise ValueError(f"{name}: row {row} is {n}, too large")
    return n
