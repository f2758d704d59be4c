"""Centrally managed SQL AHB on Spark: a year of cost exports where they are stored.

A year of hourly Cost Management / FOCUS data is tens to hundreds of GB; this module runs the
same engine as :func:`ahb.simulate_central` and :func:`ahb.best_assignment` inside Spark
(Databricks, Synapse, Fabric, or ``local[*]``), one scope (or one hour range of a scope) per
task, and returns Spark DataFrames. The numbers are the single-machine ones to the micro-unit.

>>> from ahb import spark as ahb_spark                                     # doctest: +SKIP
>>> focus = spark.read.parquet("abfss://hub@lake.dfs.core.windows.net/focus/")  # doctest: +SKIP
>>> usage = ahb_spark.sql_usage(estate, focus)                             # doctest: +SKIP
>>> sim = ahb_spark.simulate_central(estate, usage)                        # doctest: +SKIP
>>> sim.scopes.show(); sim.hours.write.parquet("central-hours")            # doctest: +SKIP
>>> ahb_spark.best_assignment(estate, usage, sql_standard_per_core_year="1700").show()  # doctest: +SKIP

How it works:

1. :func:`sql_usage` reads either hourly usage (columns ``resource``, ``hour``, ``vcores`` and
   optionally ``licence_price_per_vcore_hour``, as :func:`ahb.usage_from_frame`) or FOCUS
   hourly cost rows (recognised by ``ChargePeriodStart``; column aliases as
   :meth:`ahb.Usage.from_cost_export`). Cost rows are filtered in Spark before any shuffle:
   usage charges whose meter category or subcategory names SQL, so only the SQL rows of a
   300 GB export move. Each row's resource is looked up in the estate (ARM ids compare
   case-insensitively for cost rows, exactly for usage rows) and given the scope whose central
   assignments cover it. That mapping is asked of the engine itself, once, on the driver (a
   probe simulation with one resource per hour), so the SQL-16/SQL-19/SQL-5 rules that decide
   it live only in ``ahb-core``.
2. Rows are grouped by scope and, where a scope has more than ``max_rows_per_group`` rows, by
   hour range. Each group reaches Python as Arrow (``applyInArrow``; ``applyInPandas`` on
   pyspark < 4) and crosses into Rust as whole columns (``Usage._from_columns``) or, for cost
   rows, as one CSV buffer read by the core's own cost-export reader, so vCores, merging of
   compute and licence meters and the licence price per vCore-hour are computed by exactly
   the code the single-machine path runs. No Python runs per row.
3. Merging. The simulation carries no state from one hour to the next: an hour's cover
   depends on that hour's usage and on the NC assigned on that hour's date (SQL-21 lapses are
   by date). So hour ranges are simulated independently, each from its own first hour, and
   concatenated; hours in which a scope has no usage rows get the assigned NC (from a probe of
   the assignments over the whole period) and zero demand, exactly as the engine fills them.
   The only quantities that span hours are sums (savings, overage, saturated hours) and the
   utilisation windows of the last 24 and 168 hours of the whole period, which are computed
   after the merge from the merged covered and assigned series (covered ÷ assigned, rounded
   half-even to 2 places as the core does). ``best_assignment`` values every NC count over
   every hour of a scope and its curve is rounded per scope, so it runs one group per scope
   over the whole period (padded to the period's first and last hour, so the per-year scaling
   is the single-machine one).

Naive timestamps and cost-export times are UTC, as Azure exports are; a ``timestamp`` column
is read as its UTC wall time.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import hashlib
import io
import math
from dataclasses import dataclass, field
from typing import Any, Callable

try:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv
    import pyspark
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as _e:  # pragma: no cover - exercised by the test without pyspark
    raise ImportError(
        "ahb.spark needs pyspark (>= 3.4) and pyarrow: pip install 'ahb[spark]' "
        f"(missing: {_e.name})"
    ) from _e

import ahb
from ahb import _inputs, frames
from ahb._ahb import Estate, RuleSet, Usage

__all__ = [
    "SqlUsage",
    "CentralResult",
    "sql_usage",
    "simulate_central",
    "best_assignment",
    "HOURS_SCHEMA",
    "SCOPES_SCHEMA",
    "BEST_SCHEMA",
]

MONEY = T.DecimalType(38, 6)

#: Columns of :attr:`CentralResult.hours`: one row per assignment scope and hour.
HOURS_SCHEMA = T.StructType(
    [
        T.StructField("scope", T.StringType(), False),
        T.StructField("hour", T.TimestampNTZType(), False),
        T.StructField("assigned_nc", T.LongType(), False),
        T.StructField("demand_nc", T.LongType(), False),
        T.StructField("covered_nc", T.LongType(), False),
        T.StructField("hadr_nc", T.LongType(), False),
        T.StructField("overage", MONEY, False),
    ]
)

#: Columns of :attr:`CentralResult.scopes`: the totals of ``CentralSimulation`` per scope.
SCOPES_SCHEMA = T.StructType(
    [
        T.StructField("scope", T.StringType(), False),
        T.StructField("total_savings", MONEY, False),
        T.StructField("total_overage", MONEY, False),
        T.StructField("utilization_last_day", T.DecimalType(7, 2), False),
        T.StructField("utilization_7_day", T.DecimalType(7, 2), False),
        T.StructField("saturated_hours", T.LongType(), False),
        T.StructField("peak_demand_nc", T.LongType(), False),
        T.StructField("assigned_nc_last_hour", T.LongType(), False),
    ]
)

#: Columns of :func:`best_assignment`'s DataFrame; ``json`` is ``BestAssignment.to_json()``.
BEST_SCHEMA = T.StructType(
    [
        T.StructField("scope", T.StringType(), False),
        T.StructField("hours", T.LongType(), False),
        T.StructField("enterprise_cores", T.LongType(), False),
        T.StructField("standard_cores", T.LongType(), False),
        T.StructField("assigned_nc", T.LongType(), False),
        T.StructField("yearly_savings", MONEY, False),
        T.StructField("yearly_licence_cost", MONEY, False),
        T.StructField("net_yearly_savings", MONEY, False),
        T.StructField("marginal_enterprise_core", MONEY, False),
        T.StructField("marginal_standard_core", MONEY, False),
        T.StructField("break_even_hours_per_year", T.DecimalType(38, 1), True),
        T.StructField("json", T.StringType(), False),
    ]
)

# The per-group output of the simulation (internal): the hour series of one scope over one
# hour range, with the range's savings on its first hour (the engine gives savings per run,
# not per hour).
_GROUP_SCHEMA = T.StructType(
    [
        T.StructField("scope", T.StringType(), False),
        T.StructField("hour_index", T.LongType(), False),
        T.StructField("assigned_nc", T.LongType(), False),
        T.StructField("demand_nc", T.LongType(), False),
        T.StructField("covered_nc", T.LongType(), False),
        T.StructField("hadr_nc", T.LongType(), False),
        T.StructField("overage", MONEY, False),
        T.StructField("savings", MONEY, True),
    ]
)

# FOCUS columns the core's cost-export reader uses to build hourly usage, with its aliases
# (first one present wins, names compared without case or punctuation), as in
# ahb-core/src/import/cost.rs. Only these columns are shipped to the groups.
_FOCUS_COLUMNS: dict[str, list[str]] = {
    "start": ["ChargePeriodStart"],
    "end": ["ChargePeriodEnd"],
    "resource": ["ResourceId"],
    "quantity": ["ConsumedQuantity", "PricingQuantity"],
    "category": ["x_SkuMeterCategory", "ServiceName"],
    "subcategory": ["x_SkuMeterSubcategory"],
    "unit_price": ["ContractedUnitPrice", "ListUnitPrice"],
    "cost": ["EffectiveCost", "BilledCost"],
    "charge": ["ChargeCategory"],
    "info": ["x_SkuDetails", "SkuPriceDetails"],
}


def _norm(name: str) -> str:
    return "".join(c.lower() for c in name if c.isascii() and c.isalnum())


def _resolve(columns: list[str], aliases: list[str]) -> str | None:
    normalised = [_norm(c) for c in columns]
    for a in aliases:
        if _norm(a) in normalised:
            return columns[normalised.index(_norm(a))]
    return None


@dataclass(frozen=True)
class SqlUsage:
    """Hourly SQL usage on Spark, matched to an estate's assignment scopes (from
    :func:`sql_usage`); ``frame`` holds the rows of resources under central management, keyed
    by ``scope`` and ``hour_index`` (hours since ``start``)."""

    frame: DataFrame
    kind: str
    """``"usage"`` (hourly usage rows) or ``"cost"`` (FOCUS cost rows)."""
    start: datetime.datetime
    """The first hour of the usage (of every SQL row matched to the estate)."""
    hours: int
    """Hours from ``start`` to the last row's hour, inclusive."""
    rows_by_scope: dict[str, int]
    """Rows per assignment scope (cost rows before merging compute and licence meters)."""
    rows_outside: int
    """Usage rows (resource-hours) of resources that central management does not cover."""
    scopes: list[str]
    """Every scope with central assignments, sorted (as the engine lists them)."""
    resource_scope: dict[str, str | None]
    """Each estate resource's assignment scope, ``None`` when it is outside central management."""
    used: dict[str, int] = field(default_factory=dict)
    """For cost rows: ``used``, ``not_usage``, ``not_sql`` counts (as ``Usage.from_cost_export``)."""
    columns: dict[str, str] = field(default_factory=dict)
    """For cost rows: the export's column for each field the reader uses."""


@dataclass(frozen=True)
class CentralResult:
    """The central simulation on Spark: ``hours`` is one row per scope and hour
    (:data:`HOURS_SCHEMA`), ``scopes`` the totals per scope (:data:`SCOPES_SCHEMA`)."""

    hours: DataFrame
    scopes: DataFrame
    start: datetime.datetime
    hour_count: int
    rows_outside: int
    groups: int
    """How many (scope, hour range) groups were simulated."""
    merged: DataFrame
    """The persisted merge behind ``hours`` (with ``hour_index`` and each range's savings)."""

    def unpersist(self) -> None:
        """Frees the persisted per-hour results."""
        self.merged.unpersist()


# ---------------------------------------------------------------------------------------------
# The estate on the driver: which scope each resource's usage goes to, and the NC assigned.


def _estate_resources(estate: Estate) -> list[str]:
    return [str(r["id"]) for r in estate.to_dict().get("resources", [])]


def _assignment_scopes(estate: Estate) -> list[str]:
    return sorted({str(a["scope"]) for a in estate.to_dict().get("central_assignments", [])})


def _roots(estate: Estate) -> dict[str, str]:
    """Each scope with central assignments, and its group: the top-most scope with assignments
    on its chain of parents (itself if none above it has any). A resource draws on its own
    scope's assignments and then its ancestors' (SQL-18, nearest first), so the scopes of one
    group are simulated together and different groups independently."""
    d = estate.to_dict()
    parent = {str(s["id"]): s.get("parent") for s in d.get("scopes", [])}
    assigned = set(_assignment_scopes(estate))
    out: dict[str, str] = {}
    for scope in assigned:
        top, cur, seen = scope, parent.get(scope), {scope}
        while cur is not None and cur not in seen:
            seen.add(cur)
            if cur in assigned:
                top = cur
            cur = parent.get(cur)
        out[scope] = top
    return out


def _probe_usage(start: datetime.datetime, resources: list[str], codes: list[int],
                 hours: list[int], vcores: list[int]) -> Usage:
    import numpy as np

    return Usage._from_columns(
        start,
        resources,
        np.asarray(codes, dtype="<i8").tobytes(),
        (np.asarray(hours, dtype="<i8") * 3600).tobytes(),
        np.asarray(vcores, dtype="<i8").tobytes(),
        None,
    )


def _resource_scopes(estate: Estate, rules: RuleSet | None) -> dict[str, str | None]:
    """Each resource's group (see :func:`_roots`), asked of the engine: one resource per hour
    with one vCore; a scope whose demand or HA/DR NC is non-zero in that hour bills the
    resource, and its group is the resource's. Resources the engine bills to no scope (SQL-16)
    are outside."""
    ids = _estate_resources(estate)
    out: dict[str, str | None] = {i: None for i in ids}
    if not ids or not _assignment_scopes(estate):
        return out
    n = len(ids)
    usage = _probe_usage(datetime.datetime(2000, 1, 1), ids, list(range(n)), list(range(n)),
                         [1] * n)
    sim = ahb.simulate_central(estate, usage, rules).to_dict()
    roots = _roots(estate)
    for s in sim["scopes"]:
        for h, (d, x) in enumerate(zip(s["demand_nc"], s["hadr_nc"])):
            if d or x:
                out[ids[h]] = roots.get(s["scope"], s["scope"])
    return out


def _assigned_grid(estate: Estate, rules: RuleSet | None, start: datetime.datetime,
                   hours: int) -> dict[str, list[int]]:
    """NC assigned to each scope in each hour of the period (SQL-21), from a simulation of one
    idle resource over the period."""
    ids = _estate_resources(estate)
    if not ids or not _assignment_scopes(estate):
        return {}
    last = max(hours - 1, 0)
    usage = _probe_usage(start, ids[:1], [0, 0] if last else [0], [0, last] if last else [0],
                         [0, 0] if last else [0])
    sim = ahb.simulate_central(estate, usage, rules).to_dict()
    return {s["scope"]: list(s["assigned_nc"]) for s in sim["scopes"]}


# ---------------------------------------------------------------------------------------------
# Reading the input on Spark.


def _as_ntz(df: DataFrame, column: str) -> Any:
    """A column as TIMESTAMP_NTZ holding UTC wall time."""
    dtype = df.schema[column].dataType
    c = F.col(column)
    if isinstance(dtype, T.TimestampNTZType):
        return c
    if isinstance(dtype, T.TimestampType):
        tz = df.sparkSession.conf.get("spark.sql.session.timeZone") or "UTC"
        return F.expr(
            f"convert_timezone('{tz}', 'UTC', cast(`{column}` as timestamp_ntz))"
        )
    if isinstance(dtype, T.DateType):
        return c.cast(T.TimestampNTZType())
    text = F.regexp_replace(F.trim(c.cast("string")), "Z$", "")
    return text.cast(T.TimestampNTZType())


def _as_text(df: DataFrame, column: str) -> Any:
    dtype = df.schema[column].dataType
    c = F.col(column)
    if isinstance(dtype, (T.TimestampType, T.TimestampNTZType)):
        return F.date_format(_as_ntz(df, column), "yyyy-MM-dd'T'HH:mm:ss")
    return c.cast("string")


def _absent(c: Any) -> Any:
    """As the core's reader: a trimmed empty cell or the literal NULL is absent."""
    t = F.trim(c.cast("string"))
    return F.when((t == "") | (t == "NULL"), F.lit(None)).otherwise(t)


def sql_usage(
    estate: Estate,
    df: DataFrame,
    rules: RuleSet | None = None,
    *,
    kind: str = "auto",
) -> SqlUsage:
    """Hourly SQL usage from a Spark DataFrame of FOCUS cost rows or of hourly usage, matched
    to ``estate``'s resources and assignment scopes.

    ``kind`` is ``"usage"`` (columns ``resource``, ``hour``, ``vcores``, optionally
    ``licence_price_per_vcore_hour``), ``"cost"`` (a FOCUS export, hourly:
    ``ChargePeriodStart``, ``ChargePeriodEnd``, ``ResourceId``, ``ConsumedQuantity``,
    ``x_SkuMeterCategory``…) or ``"auto"`` (cost when ``ChargePeriodStart`` is a column).
    Amount columns are best read as strings or decimals (a CSV read without schema inference
    keeps them exact). Runs a Spark job for the period and the row counts (two for cost rows);
    the rows themselves stay lazy and are read again by each simulation, so persist ``df`` (or
    ``frame``) when the source is slow to read."""
    if kind == "auto":
        kind = "cost" if _resolve(df.columns, ["ChargePeriodStart"]) else "usage"
    if kind not in ("usage", "cost"):
        raise ValueError(f"kind must be 'usage', 'cost' or 'auto', not {kind!r}")
    mapping = _resource_scopes(estate, rules)
    scopes = _assignment_scopes(estate)
    spark = df.sparkSession
    if kind == "usage":
        return _usage_rows(estate, df, spark, mapping, scopes)
    return _cost_rows(estate, df, spark, mapping, scopes)


def _map_frame(spark: SparkSession, pairs: list[tuple[str, str, str | None]]) -> DataFrame:
    schema = T.StructType(
        [
            T.StructField("_key", T.StringType(), False),
            T.StructField("resource", T.StringType(), False),
            T.StructField("scope", T.StringType(), True),
        ]
    )
    return F.broadcast(spark.createDataFrame(pairs, schema))


def _finish(kind: str, rows: DataFrame, mapping: dict[str, str | None], scopes: list[str],
            counted_outside: Any, used: dict[str, int] | None = None,
            columns: dict[str, str] | None = None) -> SqlUsage:
    """One job: the period, rows per scope, rows outside, unknown resources."""
    stats = (
        rows.groupBy(F.col("scope"), F.col("resource").isNull().alias("unknown"))
        .agg(
            F.min("hour").alias("first"),
            F.max("hour").alias("last"),
            F.count(F.lit(1)).alias("rows"),
            counted_outside.alias("outside"),
            F.first("_raw_resource", ignorenulls=True).alias("example"),
        )
        .collect()
    )
    unknown = [r for r in stats if r["unknown"]]
    if unknown:
        raise LookupError(
            f"{sum(r['rows'] for r in unknown)} SQL usage rows name resources the estate does "
            f"not have, e.g. {unknown[0]['example']!r}"
        )
    if not stats:
        raise ValueError("the usage has no rows")
    firsts = [r["first"] for r in stats]
    if any(f is None for f in firsts):
        raise ValueError("a usage row has no hour (or one that is not a date and time)")
    start = min(firsts)
    last = max(r["last"] for r in stats)
    if start.minute or start.second or start.microsecond:
        raise ValueError(f"the first row's hour {start} is not the start of an hour")
    hours = int((last - start).total_seconds() // 3600) + 1
    by_scope = {r["scope"]: int(r["rows"]) for r in stats if r["scope"] is not None}
    outside = sum(int(r["outside"]) for r in stats if r["scope"] is None)
    seconds = F.expr(f"timestampdiff(SECOND, TIMESTAMP_NTZ'{start.isoformat()}', hour)")
    frame = (
        rows.where(F.col("scope").isNotNull())
        .withColumn("seconds", seconds.cast("long"))
        .withColumn("hour_index", F.floor(F.col("seconds") / F.lit(3600)).cast("long"))
    )
    return SqlUsage(
        frame=frame,
        kind=kind,
        start=start,
        hours=hours,
        rows_by_scope=by_scope,
        rows_outside=outside,
        scopes=scopes,
        resource_scope=mapping,
        used=used or {},
        columns=columns or {},
    )


def _usage_rows(estate: Estate, df: DataFrame, spark: SparkSession,
                mapping: dict[str, str | None], scopes: list[str]) -> SqlUsage:
    for c in ("resource", "hour", "vcores"):
        if c not in df.columns:
            raise ValueError(f"hourly usage needs the column {c!r} (has {df.columns})")
    column = frames.price_column(df.columns)
    price = F.col(column) if column is not None else F.lit(None).cast("string")
    rows = df.select(
        F.col("resource").cast("string").alias("_raw_resource"),
        _as_ntz(df, "hour").alias("hour"),
        F.col("vcores").cast("long").alias("vcores"),
        price.alias("price"),
    )
    pairs = [(i, i, s) for i, s in mapping.items()]
    m = _map_frame(spark, pairs)
    joined = rows.join(m, rows["_raw_resource"] == m["_key"], "left").drop("_key")
    return _finish("usage", joined, mapping, scopes, F.count(F.lit(1)))


def _cost_filters(df: DataFrame, present: dict[str, str]) -> tuple[Any, Any]:
    """As the core's ``from_cost_rows``: a usage charge (or no charge category), and a meter
    category or subcategory naming SQL."""
    charge = _absent(F.col(present["charge"])) if "charge" in present else F.lit(None)
    is_usage = charge.isNull() | (F.lower(charge) == "usage")
    sql = F.lit(False)
    for k in ("category", "subcategory"):
        if k in present:
            sql = sql | F.coalesce(F.lower(_absent(F.col(present[k]))).contains("sql"), F.lit(False))
    return is_usage, sql


def _cost_counts(df: DataFrame) -> dict[str, int]:
    """``used``, ``not_usage`` and ``not_sql`` rows of a cost export (one Spark job)."""
    cols = {k: _resolve(df.columns, v) for k, v in _FOCUS_COLUMNS.items()}
    present = {k: v for k, v in cols.items() if v is not None}
    is_usage, sql = _cost_filters(df, present)
    counts = df.select(
        F.sum(F.when(~is_usage, 1).otherwise(0)).alias("not_usage"),
        F.sum(F.when(is_usage & ~sql, 1).otherwise(0)).alias("not_sql"),
        F.sum(F.when(is_usage & sql, 1).otherwise(0)).alias("used"),
    ).collect()[0]
    return {k: int(counts[k] or 0) for k in ("used", "not_usage", "not_sql")}


def _cost_rows(estate: Estate, df: DataFrame, spark: SparkSession,
               mapping: dict[str, str | None], scopes: list[str]) -> SqlUsage:
    cols = {k: _resolve(df.columns, v) for k, v in _FOCUS_COLUMNS.items()}
    for k in ("start", "end", "quantity"):
        if cols[k] is None:
            raise ValueError(
                f"the central simulation needs hourly FOCUS rows; the export has no "
                f"{' / '.join(_FOCUS_COLUMNS[k])} column"
            )
    present = {k: v for k, v in cols.items() if v is not None}
    is_usage, sql = _cost_filters(df, present)
    used = _cost_counts(df)
    payload = [_as_text(df, present[k]).alias(f"_f_{k}") for k in _FOCUS_COLUMNS if k in present]
    resource = _absent(F.col(present["resource"])) if "resource" in present else F.lit(None)
    rows = df.where(is_usage & sql).select(
        resource.alias("_raw_resource"),
        _as_ntz(df, present["start"]).alias("hour"),
        *payload,
    )
    # ARM ids compare case-insensitively; the last estate id of a spelling wins, as in the core.
    lower: dict[str, tuple[str, str | None]] = {}
    for i, s in mapping.items():
        lower[i.lower()] = (i, s)
    pairs = [(k, i, s) for k, (i, s) in lower.items()]
    m = _map_frame(spark, pairs)
    joined = rows.join(m, F.lower(rows["_raw_resource"]) == m["_key"], "left").drop("_key")
    # Rows outside central management count once per resource and hour (after merging the
    # compute and licence meters), as the engine counts them.
    outside = F.count_distinct(F.col("resource"), F.col("hour"))
    return _finish("cost", joined, mapping, scopes, outside, used,
                   {k: v for k, v in present.items()})


# ---------------------------------------------------------------------------------------------
# The groups: one scope, or one hour range of one scope, crosses into Rust as columns.

_CACHE: dict[tuple[str, str], Any] = {}


@dataclass(frozen=True)
class _Context:
    """What every group needs, shipped with the task (the estate as JSON)."""

    estate_json: str
    #: Each assignment scope's group (:func:`_roots`).
    roots: dict[str, str]
    rules_json: str | None
    kind: str
    start: datetime.datetime
    hours: int
    columns: dict[str, str]

    def key(self) -> str:
        return hashlib.sha256(self.estate_json.encode()).hexdigest()

    def estate(self, scope: str) -> Estate:
        """The estate with only the central assignments of group `scope`: the resources the
        engine bills to the group's scopes are still billed to them (nearest first, then the
        enclosing scopes of the group), and a simulation covers one group instead of all."""
        k = self.key()
        full = _CACHE.get((k, ""))
        if full is None:
            full = Estate.from_json(self.estate_json).to_dict()
            _CACHE[(k, "")] = full
        sub = _CACHE.get((k, scope))
        if sub is None:
            d = dict(full)
            d["central_assignments"] = [
                a for a in full.get("central_assignments", [])
                if self.roots.get(a["scope"]) == scope
            ]
            sub = Estate.from_dict(d)
            _CACHE[(k, scope)] = sub
        return sub

    def rules(self) -> RuleSet | None:
        return None if self.rules_json is None else RuleSet.from_json(self.rules_json)


def _price_values(col: pa.ChunkedArray | pa.Array) -> tuple[bytes, list[str]] | None:
    """A price column as factorised codes and exact decimal strings (formatted once per
    distinct value, never in scientific notation)."""
    if col.null_count == len(col):
        return None
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    enc = col.dictionary_encode()
    codes = pc.fill_null(enc.indices.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
    values: list[str] = []
    for v in enc.dictionary.to_pylist():
        if isinstance(v, float):
            d = decimal.Decimal(repr(v))
        elif isinstance(v, decimal.Decimal):
            d = v
        else:
            values.append(str(v).strip())
            continue
        values.append(format(d, "f"))
    return codes.astype("<i8").tobytes(), values


def _usage_from_arrow(t: pa.Table, start_hour: int, pad_hour: int | None,
                      ctx: _Context) -> Usage:
    """A group of hourly-usage rows as a Usage starting at `start_hour` of the period; with
    `pad_hour`, an idle row (0 vCores) of the group's first resource makes it reach that hour
    (the engine skips 0-vCore rows, so only the period's length changes)."""
    import numpy as np

    t = t.sort_by("seconds")
    res = t.column("resource").combine_chunks().dictionary_encode()
    codes = res.indices.cast(pa.int64()).to_numpy(zero_copy_only=False)
    names = [str(x) for x in res.dictionary.to_pylist()]
    secs = t.column("seconds").to_numpy() - start_hour * 3600
    vcores = pc.fill_null(t.column("vcores"), -1).to_numpy()
    price = _price_values(t.column("price"))
    price_codes = None if price is None else np.frombuffer(price[0], dtype="<i8")
    if pad_hour is not None and (len(secs) == 0 or secs.max() < (pad_hour - start_hour) * 3600):
        codes = np.append(codes, 0)
        secs = np.append(secs, (pad_hour - start_hour) * 3600)
        vcores = np.append(vcores, 0)
        if price_codes is not None:
            price_codes = np.append(price_codes, -1)
    encoded = None
    if price is not None and price_codes is not None:
        encoded = [("licence_price_per_vcore_hour", "cat",
                    np.ascontiguousarray(price_codes, dtype="<i8").tobytes(), None, price[1])]
    return Usage._from_columns(
        ctx.start + datetime.timedelta(hours=start_hour),
        names,
        np.ascontiguousarray(codes, dtype="<i8").tobytes(),
        np.ascontiguousarray(secs, dtype="<i8").tobytes(),
        np.ascontiguousarray(vcores, dtype="<i8").tobytes(),
        encoded,
    )


def _usage_from_cost(t: pa.Table, pad_hours: list[int], ctx: _Context, estate: Estate) -> Usage:
    """A group of FOCUS rows as the core's cost-export reader reads them (one CSV buffer with
    the export's own column names), plus idle SQL rows (quantity 0, no licence meter) of the
    group's first resource at `pad_hours`, which merge into nothing but fix the period."""
    names = [k for k in _FOCUS_COLUMNS if k in ctx.columns]
    data = {ctx.columns[k]: t.column(f"_f_{k}").cast(pa.string()) for k in names}
    body = pa.table(data)
    r0 = t.column("_raw_resource")[0].as_py()
    pad: dict[str, list[str | None]] = {c: [None] * len(pad_hours) for c in data}
    for i, h in enumerate(pad_hours):
        at = ctx.start + datetime.timedelta(hours=h)
        pad[ctx.columns["start"]][i] = at.isoformat()
        pad[ctx.columns["end"]][i] = (at + datetime.timedelta(hours=1)).isoformat()
        pad[ctx.columns["quantity"]][i] = "0"
        if "resource" in ctx.columns:
            pad[ctx.columns["resource"]][i] = r0
        if "charge" in ctx.columns:
            pad[ctx.columns["charge"]][i] = "Usage"
        sql = "category" if "category" in ctx.columns else "subcategory"
        pad[ctx.columns[sql]][i] = "SQL"
    table = pa.concat_tables([pa.table(pad, schema=body.schema), body])
    buf = io.BytesIO()
    pa_csv.write_csv(table, buf)
    usage, _ = Usage.from_cost_export(estate, ("spark-group.csv", buf.getvalue()))
    return usage


def _money(values: list[Any]) -> pa.Array:
    return pa.array([decimal.Decimal(v) for v in values], type=pa.decimal128(38, 6))


def _simulate_group(ctx: _Context) -> Callable[[pa.Table], pa.Table]:
    import numpy as np

    schema = _arrow_schema(_GROUP_SCHEMA)

    def run(t: pa.Table) -> pa.Table:
        if t.num_rows == 0:
            return schema.empty_table()
        scope = str(t.column("scope")[0].as_py())
        first = int(t.column("chunk_start")[0].as_py())
        estate = ctx.estate(scope)
        if ctx.kind == "usage":
            usage = _usage_from_arrow(t, first, None, ctx)
        else:
            usage = _usage_from_cost(t, [first], ctx, estate)
        sim = ahb.simulate_central(estate, usage, ctx.rules()).to_dict()
        n = int(sim["hours"])
        offset = int((sim["start"] - ctx.start).total_seconds() // 3600)
        parts = []
        for s in sim["scopes"]:
            savings: list[Any] = [None] * n
            if n:
                savings[0] = decimal.Decimal(s["total_savings"])
            parts.append(pa.table(
                [
                    pa.array([s["scope"]] * n, pa.string()),
                    pa.array(np.arange(offset, offset + n, dtype=np.int64)),
                    pa.array(s["assigned_nc"], pa.int64()),
                    pa.array(s["demand_nc"], pa.int64()),
                    pa.array(s["covered_nc"], pa.int64()),
                    pa.array(s["hadr_nc"], pa.int64()),
                    _money(s["overage"]),
                    pa.array(savings, pa.decimal128(38, 6)),
                ],
                schema=schema,
            ))
        return pa.concat_tables(parts) if parts else schema.empty_table()

    return run


def _best_row(b: Any) -> dict[str, Any]:
    d = b.to_dict()
    return {
        "scope": d["scope"],
        "hours": d["hours"],
        "enterprise_cores": d["enterprise_cores"],
        "standard_cores": d["standard_cores"],
        "assigned_nc": d["assigned_nc"],
        "yearly_savings": decimal.Decimal(d["yearly_savings"]),
        "yearly_licence_cost": decimal.Decimal(d["yearly_licence_cost"]),
        "net_yearly_savings": decimal.Decimal(d["net_yearly_savings"]),
        "marginal_enterprise_core": decimal.Decimal(d["marginal_enterprise_core"]),
        "marginal_standard_core": decimal.Decimal(d["marginal_standard_core"]),
        "break_even_hours_per_year": (
            None if d.get("break_even_hours_per_year") is None
            else decimal.Decimal(d["break_even_hours_per_year"])
        ),
        "json": b.to_json(),
    }


def _best_group(ctx: _Context, prices: dict[str, Any]) -> Callable[[pa.Table], pa.Table]:
    schema = _arrow_schema(BEST_SCHEMA)

    def run(t: pa.Table) -> pa.Table:
        if t.num_rows == 0:
            return schema.empty_table()
        scope = str(t.column("scope")[0].as_py())
        estate = ctx.estate(scope)
        last = ctx.hours - 1
        if ctx.kind == "usage":
            usage = _usage_from_arrow(t, 0, last, ctx)
        else:
            usage = _usage_from_cost(t, [0, last], ctx, estate)
        members = sorted(s for s, root in ctx.roots.items() if root == scope)
        rows = [
            _best_row(ahb.best_assignment(estate, usage, s, ctx.rules(), **prices))
            for s in members
        ]
        return pa.Table.from_pylist(rows, schema=schema)

    return run


def _arrow_schema(schema: T.StructType) -> pa.Schema:
    def one(t: T.DataType) -> pa.DataType:
        if isinstance(t, T.StringType):
            return pa.string()
        if isinstance(t, T.LongType):
            return pa.int64()
        if isinstance(t, T.DecimalType):
            return pa.decimal128(t.precision, t.scale)
        if isinstance(t, T.TimestampNTZType):
            return pa.timestamp("us")
        raise TypeError(t)

    return pa.schema([pa.field(f.name, one(f.dataType), f.nullable) for f in schema.fields])


#: Use ``applyInArrow`` where pyspark has it (4.0 on); tests turn it off to run the fallback.
USE_APPLY_IN_ARROW = True


def _apply(grouped: Any, fn: Callable[[pa.Table], pa.Table], schema: T.StructType) -> DataFrame:
    """Grouped Arrow execution: ``applyInArrow`` (pyspark >= 4), else ``applyInPandas`` with
    the same function between Arrow conversions."""
    if USE_APPLY_IN_ARROW and hasattr(grouped, "applyInArrow"):
        return grouped.applyInArrow(fn, schema=schema)  # type: ignore[no-any-return]

    def via_pandas(pdf: Any) -> Any:
        return fn(pa.Table.from_pandas(pdf, preserve_index=False)).to_pandas()

    return grouped.applyInPandas(via_pandas, schema=schema)  # type: ignore[no-any-return]


def _context(estate: Estate, usage: SqlUsage, rules: RuleSet | None) -> _Context:
    return _Context(
        estate_json=estate.to_json(),
        roots=_roots(estate),
        rules_json=None if rules is None else rules.to_json(),
        kind=usage.kind,
        start=usage.start,
        hours=usage.hours,
        columns=usage.columns,
    )


def _group_input(usage: SqlUsage, *extra: Any) -> DataFrame:
    f = usage.frame
    if usage.kind == "usage":
        cols = ["scope", "seconds", "resource", "vcores", "price"]
    else:
        cols = ["scope", "_raw_resource"] + [
            c for c in f.columns if c.startswith("_f_")
        ]
    return f.select(*cols, *extra)


# ---------------------------------------------------------------------------------------------
# The public entry points.


def _tail_percent(covered: int, assigned: int) -> decimal.Decimal:
    """covered ÷ assigned in percent, rounded half-even to 2 places (the core's utilisation);
    exact in integers."""
    if assigned == 0:
        return decimal.Decimal(0)
    q, r = divmod(covered * 10000, assigned)
    if 2 * r > assigned or (2 * r == assigned and q % 2 == 1):
        q += 1
    return decimal.Decimal(q).scaleb(-2)


def simulate_central(
    estate: Estate,
    usage: SqlUsage | DataFrame,
    rules: RuleSet | None = None,
    *,
    max_rows_per_group: int = 5_000_000,
) -> CentralResult:
    """:func:`ahb.simulate_central` on Spark: per-hour and per-scope DataFrames.

    ``usage`` is a :class:`SqlUsage` (from :func:`sql_usage`) or a DataFrame it is made from.
    A scope with more than ``max_rows_per_group`` rows is simulated in that many hour ranges,
    on as many tasks. The per-hour results are persisted (they are small: scopes × hours)."""
    if max_rows_per_group < 1:
        raise ValueError("max_rows_per_group must be at least 1")
    if not isinstance(usage, SqlUsage):
        usage = sql_usage(estate, usage, rules)
    spark = usage.frame.sparkSession
    ctx = _context(estate, usage, rules)
    h = usage.hours
    k = {s: min(h, max(1, math.ceil(n / max_rows_per_group))) for s, n in usage.rows_by_scope.items()}
    groups = sum(k.values())
    if k:
        kmap = F.create_map(*[x for s, n in k.items() for x in (F.lit(s), F.lit(n))])
        part = usage.frame.withColumn("_k", kmap[F.col("scope")].cast("long"))
    else:
        part = usage.frame.withColumn("_k", F.lit(1).cast("long"))
    part = part.withColumn("_chunk", F.expr(f"(hour_index * _k) div {h}")).withColumn(
        "chunk_start", F.expr(f"cast((_chunk * {h} + _k - 1) div _k as long)")
    )
    sim = _apply(
        _group_input(dataclasses.replace(usage, frame=part), "_chunk", "chunk_start")
        .groupBy("scope", "_chunk"),
        _simulate_group(ctx),
        _GROUP_SCHEMA,
    )
    # Every hour of every assignment scope: the engine's rows where a group ran, else the NC
    # assigned (SQL-21) with no demand.
    grid = _assigned_grid(estate, rules, usage.start, h)
    runs: list[tuple[str, int, int, int]] = []
    for s, series in grid.items():
        a = 0
        while a < len(series):
            b = a
            while b + 1 < len(series) and series[b + 1] == series[a]:
                b += 1
            runs.append((s, a, b, int(series[a])))
            a = b + 1
    run_schema = T.StructType(
        [
            T.StructField("scope", T.StringType(), False),
            T.StructField("first", T.LongType(), False),
            T.StructField("last", T.LongType(), False),
            T.StructField("grid_assigned", T.LongType(), False),
        ]
    )
    grid_df = spark.createDataFrame(runs, run_schema).select(
        "scope",
        F.explode(F.sequence(F.col("first"), F.col("last"))).alias("hour_index"),
        "grid_assigned",
    )
    zero = F.lit(0).cast("long")
    full = (
        grid_df.join(sim, ["scope", "hour_index"], "left")
        .select(
            "scope",
            "hour_index",
            F.coalesce(F.col("assigned_nc"), F.col("grid_assigned")).alias("assigned_nc"),
            F.coalesce(F.col("demand_nc"), zero).alias("demand_nc"),
            F.coalesce(F.col("covered_nc"), zero).alias("covered_nc"),
            F.coalesce(F.col("hadr_nc"), zero).alias("hadr_nc"),
            F.coalesce(F.col("overage"), F.lit(0).cast(MONEY)).alias("overage"),
            "savings",
        )
        .persist()
    )
    start_sql = usage.start.isoformat(sep=" ")
    hours_df = full.select(
        "scope",
        F.expr(f"timestampadd(HOUR, hour_index, TIMESTAMP_NTZ'{start_sql}')").alias("hour"),
        "assigned_nc",
        "demand_nc",
        "covered_nc",
        "hadr_nc",
        "overage",
    )
    last = F.col("hour_index")
    totals = (
        full.groupBy("scope")
        .agg(
            F.sum("savings").alias("savings"),
            F.sum("overage").alias("overage"),
            F.sum(F.when((F.col("assigned_nc") > 0) & (F.col("covered_nc") == F.col("assigned_nc")), 1)
                  .otherwise(0)).alias("saturated"),
            F.max("demand_nc").alias("peak"),
            F.sum(F.when(last >= h - 24, F.col("covered_nc")).otherwise(0)).alias("c24"),
            F.sum(F.when(last >= h - 24, F.col("assigned_nc")).otherwise(0)).alias("a24"),
            F.sum(F.when(last >= h - 168, F.col("covered_nc")).otherwise(0)).alias("c168"),
            F.sum(F.when(last >= h - 168, F.col("assigned_nc")).otherwise(0)).alias("a168"),
            F.max(F.when(last == h - 1, F.col("assigned_nc"))).alias("a_last"),
        )
        .collect()
    )
    rows = []
    for r in sorted(totals, key=lambda r: str(r["scope"])):
        rows.append(
            (
                r["scope"],
                r["savings"] or decimal.Decimal(0),
                r["overage"] or decimal.Decimal(0),
                _tail_percent(int(r["c24"]), int(r["a24"])),
                _tail_percent(int(r["c168"]), int(r["a168"])),
                int(r["saturated"]),
                int(r["peak"] or 0),
                int(r["a_last"] or 0),
            )
        )
    scopes_df = spark.createDataFrame(rows, SCOPES_SCHEMA)
    return CentralResult(
        hours=hours_df,
        scopes=scopes_df,
        start=usage.start,
        hour_count=h,
        rows_outside=usage.rows_outside,
        groups=groups,
        merged=full,
    )


def best_assignment(
    estate: Estate,
    usage: SqlUsage | DataFrame,
    rules: RuleSet | None = None,
    *,
    sql_enterprise_per_core_year: decimal.Decimal | int | str | float | None = None,
    sql_standard_per_core_year: decimal.Decimal | int | str | float | None = None,
    enterprise_core: decimal.Decimal | int | str | float | None = None,
    standard_core: decimal.Decimal | int | str | float | None = None,
) -> DataFrame:
    """:func:`ahb.best_assignment` for every scope with central assignments, one Spark task
    per scope over the whole period (:data:`BEST_SCHEMA`, one row per scope). Prices are
    yearly per core licence, as there (``enterprise_core`` and ``standard_core`` are the
    deprecated names of ``sql_enterprise_per_core_year`` and ``sql_standard_per_core_year``).

    The savings curve values every NC count over every hour of the scope and is rounded per
    scope, so a scope is not split by hour range here (its rows must fit one task)."""
    if not isinstance(usage, SqlUsage):
        usage = sql_usage(estate, usage, rules)
    spark = usage.frame.sparkSession
    ctx = _context(estate, usage, rules)
    prices = {
        "sql_enterprise_per_core_year": _inputs._deprecated(
            "best_assignment", "sql_enterprise_per_core_year", sql_enterprise_per_core_year,
            "enterprise_core", enterprise_core),
        "sql_standard_per_core_year": _inputs._deprecated(
            "best_assignment", "sql_standard_per_core_year", sql_standard_per_core_year,
            "standard_core", standard_core),
    }
    # Fail on the driver (bad prices, no prices) before any task runs.
    ids = _estate_resources(estate)
    if not ids:
        raise ValueError("the estate has no resources")
    idle = _probe_usage(usage.start, ids[:1], [0, 0], [0, usage.hours - 1], [0, 0]) \
        if usage.hours > 1 else _probe_usage(usage.start, ids[:1], [0], [0], [0])
    driver_rows = []
    roots = _roots(estate)
    for s in usage.scopes:
        b = ahb.best_assignment(estate, idle, s, rules, **prices)
        if roots.get(s, s) not in usage.rows_by_scope:
            # No usage rows: the engine's answer over an idle period of the same length.
            driver_rows.append(_best_row(b))
    out = _apply(_group_input(usage).groupBy("scope"), _best_group(ctx, prices), BEST_SCHEMA)
    if driver_rows:
        out = out.unionByName(spark.createDataFrame(driver_rows, BEST_SCHEMA))
    return out
