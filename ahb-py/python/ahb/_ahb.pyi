"""Type stubs of the extension module ``ahb._ahb`` (hand-written; checked by mypy.stubtest)."""

import datetime
import os
from decimal import Decimal
from typing import Any, Literal, Protocol, final

__all__ = [
    "__version__",
    "AhbError",
    "ParseError",
    "ValidationError",
    "MissingFieldError",
    "UnknownVariantError",
    "DuplicateIdError",
    "UnknownReferenceError",
    "UnsupportedSchemaError",
    "AhbIOError",
    "OptionError",
    "Estate",
    "RuleSet",
    "Position",
    "Plan",
    "audit",
    "optimize",
    "audit_and_optimize",
    "Timeline",
    "timeline",
    "Usage",
    "CentralSimulation",
    "BestAssignment",
    "simulate_central",
    "best_assignment",
    "ImportResult",
    "import_estate",
    "cost_usage_from_csv",
    "az_script",
    "arm_patches",
    "position_csv",
    "plan_csv",
]

__version__: str

_Money = Literal["float", "decimal", "arrow"]

class AhbError(Exception):
    """Any error of ahb; ``code`` is the stable numeric ``ahb_core::ErrorCode``."""

    code: int
    code_name: str | None
    message: str | None
    file: str | None
    line: int | None
    column: int | None
    collection: str | None
    index: int | None
    record_id: str | None
    field: str | None

class ParseError(AhbError): ...
class ValidationError(AhbError): ...
class MissingFieldError(ValidationError): ...
class UnknownVariantError(ValidationError): ...
class DuplicateIdError(ValidationError): ...
class UnknownReferenceError(ValidationError): ...
class UnsupportedSchemaError(AhbError): ...
class AhbIOError(AhbError): ...
class OptionError(AhbError): ...

@final
class Estate:
    @classmethod
    def from_json(cls, text: str | bytes) -> Estate: ...
    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Estate: ...
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Estate: ...
    @classmethod
    def _from_columns(
        cls,
        resources: list[tuple[str, str, Any, Any, Any]],
        licences: list[tuple[str, str, Any, Any, Any]],
        scopes: list[tuple[str, str, Any, Any, Any]],
        central_assignments: list[tuple[str, str, Any, Any, Any]] | None = None,
    ) -> Estate: ...
    def to_json(self) -> str:
        """The estate JSON (``ahb.estate/1``), money as decimal strings."""
    def to_dict(self) -> dict[str, Any]:
        """The estate JSON as a dict: money as ``Decimal``, dates as ``datetime.date``."""
    def to_pandas(
        self,
        table: Literal["resources", "licences", "scopes", "central_assignments"] | None = None,
        *,
        money: _Money = "float",
    ) -> Any:
        """The estate as DataFrames, the inverse of :func:`ahb.estate_from_frames`: a dict
        of the four tables (``resources``, ``licences``, ``scopes``,
        ``central_assignments``) or the one ``table``. Money float64 (``money="decimal"``:
        object Decimals; ``"arrow"``: Arrow decimal), dates ``datetime64``.

        >>> frames = estate.to_pandas()                     # doctest: +SKIP
        >>> ahb.estate_from_frames(**frames) == estate      # doctest: +SKIP
        True
        """
    @property
    def resource_count(self) -> int: ...
    @property
    def licence_count(self) -> int: ...
    @property
    def scope_count(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class RuleSet:
    def __new__(cls, version: str = "2023-04", **knobs: Any) -> RuleSet: ...
    @classmethod
    def current(cls) -> RuleSet: ...
    @classmethod
    def legacy_2021(cls) -> RuleSet: ...
    @classmethod
    def from_json(cls, text: str) -> RuleSet: ...
    def replace(self, **knobs: Any) -> RuleSet: ...
    @property
    def version(self) -> str: ...
    @property
    def knobs(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Position:
    @property
    def compliant(self) -> bool: ...
    @property
    def as_of(self) -> datetime.date: ...
    @property
    def rule_set(self) -> RuleSet: ...
    @property
    def totals(self) -> dict[str, Decimal]: ...
    @property
    def unpriced_summary(self) -> dict[str, Any]:
        """Eligible resources without prices: ``resources``, ``units``, ``ids`` and
        ``by_pool`` (``pool``, ``unit``, ``resources``, ``units``, ``claimed_units``); their
        savings count as zero in :attr:`totals`."""
    def to_json(self) -> str: ...
    def to_text(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_arrow(self, table: str | None = None) -> Any:
        """One table (as in ``to_pandas``) as a ``pyarrow.Table``, money exact (decimal128).

        >>> result.to_arrow()  # doctest: +SKIP
        """
    def to_polars(self, table: str | None = None) -> Any:
        """One table as a ``polars.DataFrame`` (polars and pyarrow needed), money exact.

        >>> result.to_polars()  # doctest: +SKIP
        """
    def to_pandas(
        self,
        table: Literal["pools", "lines", "resources", "over_claimed", "under_claimed"] = "pools",
        *,
        money: _Money = "float",
    ) -> Any:
        """One table as a DataFrame: ``"pools"`` (default), ``"lines"``, ``"resources"``,
        ``"over_claimed"``, ``"under_claimed"``. Money columns are float64 unless
        ``money="decimal"`` (object Decimals) or ``money="arrow"`` (Arrow decimal); dates
        are ``datetime64``; pools are named ``Windows Server``, ``SQL Server``, ``RHEL``,
        ``SLES``.

        >>> position.to_pandas("over_claimed").nlargest(3, "monthly_savings")  # doctest: +SKIP
        """
    def plot_coverage(self, ax: Any = None) -> Any:
        """Savings claimed, at risk and unclaimed per pool, and units covered, short and idle
        with one panel per unit (matplotlib). Returns the money Axes.

        >>> position.plot_coverage()   # doctest: +SKIP
        """
    def _repr_html_(self) -> str: ...

@final
class Plan:
    @property
    def as_of(self) -> datetime.date: ...
    @property
    def rule_set(self) -> RuleSet: ...
    @property
    def proven_optimal(self) -> bool: ...
    @property
    def totals(self) -> dict[str, Any]: ...
    @property
    def certificate(self) -> dict[str, Any]:
        """Objective, upper bound, gap, ``proven_optimal``, and the ``scope`` of the optimum
        (``"all_resources"``, ``"priced_resources_only"``, ``"priced_then_unpriced_by_units"``)
        with ``unpriced_resources``."""
    @property
    def unpriced_summary(self) -> dict[str, Any]:
        """As :attr:`Position.unpriced_summary`, with ``carried_units`` per pool: the units
        the plan has the unpriced resources carry."""
    def to_json(self) -> str: ...
    def to_text(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_arrow(self, table: str | None = None) -> Any:
        """One table (as in ``to_pandas``) as a ``pyarrow.Table``, money exact (decimal128).

        >>> result.to_arrow()  # doctest: +SKIP
        """
    def to_polars(self, table: str | None = None) -> Any:
        """One table as a ``polars.DataFrame`` (polars and pyarrow needed), money exact.

        >>> result.to_polars()  # doctest: +SKIP
        """
    def to_pandas(
        self,
        table: Literal["assignments", "changes", "pools", "lines"] = "assignments",
        *,
        money: _Money = "float",
    ) -> Any:
        """One table as a DataFrame: ``"assignments"`` (default), ``"changes"``, ``"pools"``,
        ``"lines"``; money and dates as in :meth:`Position.to_pandas`; methods read
        ``exact`` or ``greedy with bound``.

        >>> plan.to_pandas("pools").groupby("pool")["monthly_savings"].sum()  # doctest: +SKIP
        """
    def _repr_html_(self) -> str: ...

def audit(
    estate: Estate,
    rules: RuleSet | None = None,
    *,
    as_of: datetime.date | str | None = None,
) -> Position:
    """The compliance position on ``as_of`` (default today). ``ahb.audit`` also takes a path,
    dict or version string (see :func:`ahb.load`).

    >>> ahb._ahb.audit(estate, as_of=datetime.date(2026, 11, 25))  # doctest: +SKIP
    """
def optimize(
    estate: Estate,
    rules: RuleSet | None = None,
    *,
    as_of: datetime.date | str | None = None,
    **options: Any,
) -> Plan:
    """The savings-maximising compliant plan. Options: ``objective`` (``"max_savings"``,
    ``"min_change"``, ``"compliance_first"``), ``change_penalty_per_month``, ``pin``,
    ``exclude``, ``reserve``, ``prefer_later_expiry``, ``licence_prices_per_year``
    (``windows_server_per_core_year``, ``sql_enterprise_per_core_year``,
    ``sql_standard_per_core_year``: yearly prices of one core licence with SA),
    ``renewal_horizon_days``, ``recommendations``, ``exact_work_budget``, ``unpriced``
    (``"ignore"``: resources without prices count as zero; ``"by_units"``: they are valued by
    the licence units they would use, a proxy ranked after every priced saving).

    >>> ahb._ahb.optimize(estate, as_of="2026-11-25", objective="min_change")  # doctest: +SKIP
    """
def audit_and_optimize(
    estate: Estate,
    rules: RuleSet | None = None,
    *,
    as_of: datetime.date | str | None = None,
    **options: Any,
) -> tuple[Position, Plan]:
    """``(audit(...), optimize(...))`` from one assessment of the estate; options as for
    :func:`optimize`.

    >>> position, plan = ahb._ahb.audit_and_optimize(estate, as_of="2026-11-25")  # doctest: +SKIP
    """

@final
class Timeline:
    @property
    def from_(self) -> datetime.date:
        """First date (``from`` in the JSON, Rust and C)."""
    @property
    def to(self) -> datetime.date:
        """Last date (``to`` in the JSON, Rust and C)."""
    @property
    def start(self) -> datetime.date:
        """Alias of :attr:`from_`."""
    @property
    def end(self) -> datetime.date:
        """Alias of :attr:`to`."""
    def __len__(self) -> int: ...
    def to_json(self) -> str: ...
    def to_text(self) -> str:
        """One line per step: compliance, shortfall per pool, optimal savings and the cliff,
        then what changed.

        >>> print(ahb.timeline(estate, from_="2026-11-25", to="2027-12-31").to_text())  # doctest: +SKIP
        """
    def to_dict(self) -> dict[str, Any]: ...
    def to_arrow(self, table: str | None = None) -> Any:
        """One table (as in ``to_pandas``) as a ``pyarrow.Table``, money exact (decimal128).

        >>> result.to_arrow()  # doctest: +SKIP
        """
    def to_polars(self, table: str | None = None) -> Any:
        """One table as a ``polars.DataFrame`` (polars and pyarrow needed), money exact.

        >>> result.to_polars()  # doctest: +SKIP
        """
    def to_pandas(
        self, table: Literal["steps", "events"] | None = None, *, money: _Money = "float"
    ) -> Any:
        """``"steps"`` (default; one row per date, ``date`` as datetime64, shortfall per pool,
        money float64) or ``"events"``.

        >>> tl.to_pandas().plot(x="date", y="optimal_monthly_savings")  # doctest: +SKIP
        """
    def plot(self, ax: Any = None) -> Any:
        """The money cliff: optimal and covered savings per month over the dates, each event
        annotated (matplotlib). Returns the Axes."""
    def _repr_html_(self) -> str: ...

def timeline(
    estate: Estate,
    rules: RuleSet | None = None,
    *,
    start: datetime.date | str | None = None,
    end: datetime.date | str,
) -> Timeline:
    """The position from ``start`` (the JSON's ``from``; default today) to ``end`` (``to``).
    ``ahb.timeline`` takes ``from_``/``to`` and these names as aliases.

    >>> ahb._ahb.timeline(estate, start="2026-11-25", end="2027-12-31")  # doctest: +SKIP
    """

class _ArrowStreamExportable(Protocol):
    """An object with the Arrow PyCapsule stream interface (pyarrow, polars, …)."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...

class _ArrowArrayExportable(Protocol):
    """An object with the Arrow PyCapsule array interface (a pyarrow RecordBatch, …)."""

    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[object, object]: ...

@final
class Usage:
    @classmethod
    def from_csv(cls, text: str) -> Usage: ...
    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Usage:
        """A usage file: Parquet when it starts with the magic ``PAR1``, else CSV."""
    @classmethod
    def from_parquet(cls, source: str | os.PathLike[str] | bytes) -> Usage:
        """Usage from a Parquet file (a path or its bytes), the columns of ``from_csv``:
        ``resource`` text (or a dictionary of text), ``hour`` a timestamp (with a time zone,
        taken in UTC) or text, ``vcores`` integers or whole floats, the price decimals, floats
        or text (null: the estate's prices). Snappy, Zstandard, LZ4 or uncompressed."""
    @classmethod
    def from_arrow(cls, data: _ArrowStreamExportable | _ArrowArrayExportable) -> Usage:
        """Usage from Arrow data without a copy through pandas: a pyarrow Table, RecordBatch
        or RecordBatchReader, a polars DataFrame, any object with ``__arrow_c_stream__`` or
        ``__arrow_c_array__``; the columns and types of ``from_parquet``."""
    @classmethod
    def from_cost_export(
        cls,
        estate: Estate,
        source: str
        | os.PathLike[str]
        | tuple[str, str | bytes]
        | _ArrowStreamExportable
        | _ArrowArrayExportable,
    ) -> tuple[Usage, dict[str, Any]]:
        """A Cost Management or FOCUS export as CSV or Parquet (recognised by ``PAR1``), or as
        Arrow data, matched to ``estate``."""
    @classmethod
    def _from_columns(
        cls,
        start: datetime.datetime,
        resources: list[str],
        resource: bytes,
        seconds: bytes,
        vcores: bytes,
        price: list[tuple[str, str, Any, Any, Any]] | None,
    ) -> Usage: ...
    @property
    def start(self) -> datetime.datetime: ...
    @property
    def hours(self) -> int: ...
    def __len__(self) -> int: ...

@final
class CentralSimulation:
    @property
    def hours(self) -> int: ...
    def to_json(self) -> str: ...
    def to_text(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_arrow(self, table: str | None = None) -> Any:
        """One table (as in ``to_pandas``) as a ``pyarrow.Table``, money exact (decimal128).

        >>> result.to_arrow()  # doctest: +SKIP
        """
    def to_polars(self, table: str | None = None) -> Any:
        """One table as a ``polars.DataFrame`` (polars and pyarrow needed), money exact.

        >>> result.to_polars()  # doctest: +SKIP
        """
    def to_pandas(
        self, table: Literal["hours", "scopes"] | None = None, *, money: _Money = "float"
    ) -> Any:
        """``"hours"`` (default; one row per scope and hour, ``hour`` as datetime64) or
        ``"scopes"`` (totals); money float64 unless ``money="decimal"``/``"arrow"``.

        >>> sim.to_pandas("scopes")  # doctest: +SKIP
        """
    def _repr_html_(self) -> str: ...

@final
class BestAssignment:
    @property
    def enterprise_cores(self) -> int: ...
    @property
    def standard_cores(self) -> int: ...
    def to_json(self) -> str: ...
    def to_text(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_arrow(self, table: str | None = None) -> Any:
        """One table (as in ``to_pandas``) as a ``pyarrow.Table``, money exact (decimal128).

        >>> result.to_arrow()  # doctest: +SKIP
        """
    def to_polars(self, table: str | None = None) -> Any:
        """One table as a ``polars.DataFrame`` (polars and pyarrow needed), money exact.

        >>> result.to_polars()  # doctest: +SKIP
        """
    def to_pandas(
        self, table: Literal["curve", "load_duration"] | None = None, *, money: _Money = "float"
    ) -> Any:
        """``"curve"`` (default; savings, cost and net per NC assigned) or
        ``"load_duration"``; money float64 unless ``money="decimal"``/``"arrow"``.

        >>> best.to_pandas().plot(x="nc", y="net")  # doctest: +SKIP
        """
    def plot(self, ax: Any = None) -> Any: ...
    def _repr_html_(self) -> str: ...

def simulate_central(
    estate: Estate, usage: Usage, rules: RuleSet | None = None
) -> CentralSimulation:
    """Central SQL assignments applied hour by hour; the strategy is the rule set's
    ``central_strategy`` knob (``"max_nc_utilization"``, ``"max_cost_savings"`` or
    ``"deterministic_order"``).

    >>> ahb._ahb.simulate_central(estate, ahb.Usage.from_path("usage.csv"))  # doctest: +SKIP
    """
def best_assignment(
    estate: Estate,
    usage: Usage,
    scope: str,
    rules: RuleSet | None = None,
    *,
    sql_enterprise_per_core_year: Decimal | int | str | None = None,
    sql_standard_per_core_year: Decimal | int | str | None = None,
) -> BestAssignment:
    """Enterprise and Standard cores to assign to ``scope``; prices are yearly per core
    licence with SA (``ahb.best_assignment`` also takes floats and the deprecated names
    ``enterprise_core``/``standard_core``). A wrong price raises ``OptionError`` naming it.

    >>> ahb._ahb.best_assignment(estate, usage, "sub-prod-data", sql_enterprise_per_core_year=1890)  # doctest: +SKIP
    """

_Input = str | os.PathLike[str] | tuple[str, str | bytes]

@final
class ImportResult:
    @property
    def estate(self) -> Estate: ...
    @property
    def skipped(self) -> list[dict[str, Any]]: ...
    @property
    def unknown_sizes(self) -> list[dict[str, Any]]: ...
    @property
    def ignored_columns(self) -> list[tuple[str, list[str]]]: ...
    @property
    def warnings(self) -> list[dict[str, Any]]: ...
    @property
    def priced(self) -> list[dict[str, Any]]: ...
    @property
    def unpriced(self) -> list[dict[str, Any]]: ...
    @property
    def replica_links(self) -> list[dict[str, Any]]:
        """Secondaries linked to their primaries from availability groups, failover groups and
        replication links: ``secondary``, ``primary``, ``primary_imported``, ``origin``."""
    @property
    def currency(self) -> str | None: ...

def import_estate(
    inventory: list[_Input] | None = None,
    licences: list[_Input] | None = None,
    *,
    catalogue: list[_Input] | None = None,
    prices: list[_Input] | None = None,
    costs: list[_Input] | None = None,
    date_order: Literal["dmy", "mdy"] | None = None,
    strict: bool = False,
    require_known_sizes: bool = False,
) -> ImportResult:
    """An estate from Azure inventory JSON and licence CSVs (paths or ``(name, text)``
    pairs); ``date_order`` is ``"dmy"`` or ``"mdy"``. ``ahb.import_estate`` also takes
    ``licenses=`` and single inputs.

    >>> ahb._ahb.import_estate(["arg.json"], ["licences.csv"], date_order="dmy")  # doctest: +SKIP
    """
def cost_usage_from_csv(source: _Input) -> list[dict[str, Any]]:
    """Every row of a cost or FOCUS export (CSV, gzip-compressed CSV or Parquet).

    >>> ahb.cost_usage_from_csv("cost.csv")  # doctest: +SKIP
    """
def az_script(estate: Estate, plan: Plan) -> tuple[str, str]:
    """The az CLI script that applies ``plan``, and its rollback script.

    >>> apply, rollback = ahb.az_script(estate, plan)  # doctest: +SKIP
    """
def arm_patches(estate: Estate, plan: Plan) -> list[dict[str, Any]]:
    """The ARM requests (method, path, body) that apply ``plan``.

    >>> ahb.arm_patches(estate, plan)[0]["method"]  # doctest: +SKIP
    'PATCH'
    """
def position_csv(position: Position) -> str:
    """The position's requirements as CSV, one row per resource and pool.

    >>> print(ahb.position_csv(position).splitlines()[0])  # doctest: +SKIP
    """
def plan_csv(plan: Plan) -> str:
    """The plan's changes as CSV.

    >>> print(ahb.plan_csv(plan).splitlines()[0])  # doctest: +SKIP
    """
