"""Fuzz target of the Python conversion layer (issue 14): every public function of ``ahb`` that
turns Python objects into the core's input, driven with hostile Python values.

The oracle: a call returns, or raises an ``Exception`` that is an ``ahb.AhbError``, a
``TypeError`` or a ``ValueError`` (or the input's own exception, :class:`HostileError`, raised
by one of its methods and passed through). Anything else is a finding: pyo3's
``PanicException`` (a ``BaseException``), ``SystemError``, ``RecursionError``,
``OverflowError``, ``KeyError``, ``AttributeError``, …, and a crash of the interpreter
(segfault, abort, out of memory) or a hang.

Not coverage-guided: each case is generated from its own ``random.Random(f"{seed}:{index}")``,
by mutating the repository's test data (``examples/data/``, ``ahb-core/tests/bad_inputs/``,
``fuzz/corpus/``) and mixing in a zoo of odd values (huge ints, ``nan``, ``-0.0``,
``Decimal("sNaN")``, ``pd.NA``, ``np.datetime64``, subclasses whose ``__str__``,
``__index__``, ``__float__`` or ``__iter__`` fail, cycles, deep nesting, long strings,
non-``str`` keys). A case is a small picklable *recipe* (:class:`Case`); markers such as
:class:`Deep`, :class:`SelfRef` and :class:`Frame` become the hostile objects only when the
case runs, so a finding pickles small and replays exactly.

Usage (``scripts/fuzz-python SECONDS`` wraps ``run``)::

    python ahb-py/tests/fuzz_python.py run --seconds 600 [--seed N] [ENTRY ...]
    python ahb-py/tests/fuzz_python.py replay ahb-py/tests/fuzz_corpus/*.pickle
    python ahb-py/tests/fuzz_python.py show --seed N --index K

``run`` forks a worker process that runs the cases, so that a crash fails the run instead of
killing it; the parent reads one line per case, saves every new finding to
``ahb-py/tests/fuzz_corpus/`` (``<entry>-<hash>.pickle`` and a ``.txt`` describing it), restarts
the worker after a crash, after :data:`RECYCLE` cases and once its address space passes
:data:`RECYCLE_ADDRESS_SPACE` (a process at its address-space limit fails in CPython itself), and
prints executions per entry point. The worker, ``replay`` and ``minimise`` set up their process
alike (:func:`setup_process`); none raises the recursion limit. ``tests/test_fuzz_corpus.py``
replays the saved findings under pytest (in a subprocess too).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import datetime
import decimal
import fractions
import hashlib
import io
import json
import math
import os
import pathlib
import pickle
import random
import reprlib
import select
import subprocess
import sys
import time
import traceback
from typing import Any, Callable

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = pathlib.Path(__file__).resolve().parent / "fuzz_corpus"
AS_OF = "2026-06-01"

# ---------------------------------------------------------------------------------------------
# Hostile values: module-level classes, so that a case pickles.


class HostileError(Exception):
    """Raised by the methods of the hostile values below; passing it through is correct."""


class BadStr:
    """``str()`` and ``repr()`` fail."""

    def __str__(self) -> str:
        raise HostileError("__str__")

    def __repr__(self) -> str:
        raise HostileError("__repr__")


class BadNumber:
    """Looks like a number; every conversion fails."""

    def __index__(self) -> int:
        raise HostileError("__index__")

    def __int__(self) -> int:
        raise HostileError("__int__")

    def __float__(self) -> float:
        raise HostileError("__float__")

    def __bool__(self) -> bool:
        raise HostileError("__bool__")


class BadHash:
    """Unhashable in a way ``hash()`` does not expect."""

    def __hash__(self) -> int:
        raise HostileError("__hash__")

    def __eq__(self, other: object) -> bool:
        raise HostileError("__eq__")


class SelfItem:
    """A numpy-like scalar whose ``item()`` is itself."""

    def item(self) -> Any:
        return self


class NotCallableItem:
    """Has an ``item`` attribute that is not a method."""

    item = 3


class DataFrame:
    """Not pandas: only the class name says DataFrame (as polars' does)."""

    columns = ["id", "kind"]


class BadPath:
    """``os.fspath`` fails."""

    def __fspath__(self) -> str:
        raise HostileError("__fspath__")


class IntPath:
    """``__fspath__`` returns an int."""

    def __fspath__(self) -> Any:
        return 5


class StrSub(str):
    """A ``str`` whose ``__str__`` fails."""

    def __str__(self) -> str:
        raise HostileError("StrSub.__str__")


class IntSub(int):
    """An ``int`` whose conversions and repr fail."""

    def __index__(self) -> int:
        raise HostileError("IntSub.__index__")

    def __repr__(self) -> str:
        raise HostileError("IntSub.__repr__")

    def __str__(self) -> str:
        raise HostileError("IntSub.__str__")


class FloatRepr(float):
    """A ``float`` whose repr is not a number."""

    def __repr__(self) -> str:
        return "not a float"


class FloatBad(float):
    """A ``float`` whose repr fails."""

    def __repr__(self) -> str:
        raise HostileError("FloatBad.__repr__")


class DictSub(dict):  # type: ignore[type-arg]
    """A ``dict`` whose Python-level iteration fails."""

    def __iter__(self) -> Any:
        raise HostileError("DictSub.__iter__")

    def items(self) -> Any:
        raise HostileError("DictSub.items")

    def keys(self) -> Any:
        raise HostileError("DictSub.keys")


class ListSub(list):  # type: ignore[type-arg]
    """A ``list`` whose ``__iter__`` fails."""

    def __iter__(self) -> Any:
        raise HostileError("ListSub.__iter__")


class ListLies(list):  # type: ignore[type-arg]
    """A ``list`` whose ``__iter__`` yields something other than its items."""

    def __iter__(self) -> Any:
        return iter(["not", "the", "items"])


class TupleSub(tuple):  # type: ignore[type-arg]
    """A ``tuple`` whose ``__iter__`` fails."""

    def __iter__(self) -> Any:
        raise HostileError("TupleSub.__iter__")


class DateIso(datetime.date):
    """A date whose isoformat is not ISO."""

    def isoformat(self) -> str:
        return "the day after tomorrow"


class DateIsoBad(datetime.date):
    """A date whose isoformat fails."""

    def isoformat(self) -> str:
        raise HostileError("DateIsoBad.isoformat")


class DateHugeYear(datetime.date):
    """A date whose ``year`` attribute lies."""

    @property
    def year(self) -> Any:
        return 10**30


class DecimalSub(decimal.Decimal):
    """A ``Decimal`` whose str fails."""

    def __str__(self) -> str:
        raise HostileError("DecimalSub.__str__")


class FakeDecimal:
    """Claims to be ``decimal.Decimal`` by name and module."""

    def is_finite(self) -> bool:
        raise HostileError("FakeDecimal.is_finite")

    def __str__(self) -> str:
        return "1"


FakeDecimal.__module__ = "decimal"
FakeDecimal.__name__ = "Decimal"
FakeDecimal.__qualname__ = "Decimal"


class Mutating(list):  # type: ignore[type-arg]
    """A ``list`` whose ``__iter__`` (and date conversion) changes ``target`` (set when the case
    runs): a container being converted changes under the converter."""

    target: Any = None

    def __iter__(self) -> Any:
        _mutate(self.target)
        return super().__iter__()


class MutatingDate(datetime.date):
    """A date whose isoformat changes ``target`` (set when the case runs)."""

    target: Any = None

    def isoformat(self) -> str:
        _mutate(self.target)
        return super().isoformat()


def _mutate(target: Any) -> None:
    if isinstance(target, dict):
        target[f"added-{len(target)}"] = 1
    elif isinstance(target, list) and len(target) < 10_000:
        target.append(1)


# ---------------------------------------------------------------------------------------------
# Recipe markers: built into objects when a case runs.


@dataclasses.dataclass(frozen=True)
class Make:
    """A hostile value of :data:`HOSTILE` ``name`` made from ``payload`` when the case runs (many
    of them cannot be pickled or deep-copied themselves)."""

    name: str
    payload: Any = None


HOSTILE: dict[str, Callable[[Any], Any]] = {
    "BadStr": lambda p: BadStr(),
    "BadNumber": lambda p: BadNumber(),
    "BadHash": lambda p: BadHash(),
    "SelfItem": lambda p: SelfItem(),
    "NotCallableItem": lambda p: NotCallableItem(),
    "DataFrame": lambda p: DataFrame(),
    "BadPath": lambda p: BadPath(),
    "IntPath": lambda p: IntPath(),
    "StrSub": lambda p: StrSub(p if isinstance(p, str) else "vm"),
    "IntSub": lambda p: IntSub(p if isinstance(p, int) else 4),
    "FloatRepr": lambda p: FloatRepr(p if isinstance(p, (int, float)) else 1.5),
    "FloatBad": lambda p: FloatBad(p if isinstance(p, (int, float)) else 2.5),
    "DictSub": lambda p: DictSub(p if isinstance(p, dict) else {"a": 1}),
    "ListSub": lambda p: ListSub(p if isinstance(p, list) else [1]),
    "ListLies": lambda p: ListLies(p if isinstance(p, list) else [1, 2]),
    "TupleSub": lambda p: TupleSub(p if isinstance(p, (list, tuple)) else (1,)),
    "DateIso": lambda p: DateIso(*(p or (2026, 6, 1))),
    "DateIsoBad": lambda p: DateIsoBad(*(p or (2026, 6, 1))),
    "DateHugeYear": lambda p: DateHugeYear(*(p or (2026, 6, 1))),
    "DecimalSub": lambda p: DecimalSub(p if p is not None else "1.5"),
    "FakeDecimal": lambda p: FakeDecimal(),
}


@dataclasses.dataclass
class Deep:
    """``depth`` nested containers (``kind``: dict, list, tuple or mixed) around ``leaf``."""

    depth: int
    kind: str
    leaf: Any = None


@dataclasses.dataclass
class SelfRef:
    """A reference to the ``up``-th enclosing container: a cycle."""

    up: int = 0


@dataclasses.dataclass
class Long:
    """``text`` repeated ``n`` times (str or bytes)."""

    text: Any
    n: int


@dataclasses.dataclass
class Ref:
    """A prepared object: ``base``/``sample`` estates, ``usage``/``usage_small`` usage,
    ``position``/``plan`` results, ``rules_legacy`` rule set."""

    name: str


@dataclasses.dataclass
class Rules:
    """``ahb.RuleSet(version, **knobs)``, built when the case runs (errors are the case's)."""

    version: Any
    knobs: dict[str, Any]


@dataclasses.dataclass
class UsageOf:
    """A :class:`ahb.Usage` from CSV text (``Usage.from_csv``) or a :class:`Frame`
    (``ahb.usage_from_frame``), built when the case runs (errors are the case's)."""

    source: Any


@dataclasses.dataclass
class Column:
    """One DataFrame column: ``values`` as a Series of ``dtype`` (``None``: inferred)."""

    name: Any
    values: list[Any]
    dtype: Any = None


@dataclasses.dataclass
class Frame:
    """A pandas DataFrame of ``columns`` (duplicates allowed); ``index`` optional."""

    columns: list[Column]
    index: list[Any] | None = None


@dataclasses.dataclass
class MutatingHook:
    """A :class:`Mutating` list or :class:`MutatingDate` (``kind``) bound to the ``up``-th
    enclosing container."""

    kind: str
    up: int = 0


@dataclasses.dataclass
class Gen:
    """A generator over ``items`` (a one-shot iterable)."""

    items: list[Any]


@dataclasses.dataclass
class Case:
    """One call: ``entry`` (a key of :data:`ENTRIES`) with recipe arguments."""

    entry: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Materialising a recipe.

_PREPARED: dict[str, Any] = {}


def usage_small() -> str:
    """The first 119 rows of the sample SQL usage (the sample estate's resources)."""
    lines = (ROOT / "examples" / "data" / "sample-sql-usage.csv").read_text().splitlines()
    return "\n".join(lines[:120]) + "\n"


def prepared(name: str) -> Any:
    """The prepared objects of :class:`Ref`, made once per process."""
    if not _PREPARED:
        import ahb

        base = ahb.Estate.from_path(ROOT / "ahb-core" / "tests" / "bad_inputs" / "base" / "estate.json")
        sample = ahb.Estate.from_path(ROOT / "examples" / "data" / "sample-estate.json")
        _PREPARED.update(
            base=base,
            sample=sample,
            usage=ahb.Usage.from_csv(usage_small()),
            usage_small=ahb.Usage.from_csv("resource,hour,vcores\ndb1,2026-01-01T00:00:00,4\n"),
            position=ahb.audit(base, as_of=AS_OF),
            plan=ahb.optimize(base, as_of=AS_OF),
            rules_legacy=ahb.RuleSet.legacy_2021(),
        )
    return _PREPARED[name]


def build_frame(f: Frame) -> Any:
    """The DataFrame of a :class:`Frame`. Its cells and column names are made each with a stack
    of its own: a :class:`SelfRef` or :class:`MutatingHook` in a cell reaches no container
    outside the cell. A cycle from a cell to a container holding the frame would run through a
    numpy object array, which the garbage collector does not traverse: the cycle, the frame
    and all it holds (values nested 25,000 deep, texts of a million characters) would never be
    freed: the worker's memory grew by 25-30 KiB a case on average, 1 GiB after 40,000 cases
    (see :data:`RECYCLE_ADDRESS_SPACE` for what that did)."""
    import pandas as pd

    n = max((len(c.values) for c in f.columns), default=0)
    index = f.index if f.index is not None and len(f.index) == n else None
    columns: dict[int, Any] = {}
    for i, c in enumerate(f.columns):
        values = [materialize(v, []) for v in c.values[:n]] + [None] * (n - len(c.values))
        dtype = c.dtype
        if any(isinstance(v, (str, bytes)) and len(v) > 1000 for v in values):
            dtype = object  # pandas would parse a long text as a date for minutes
        if any(isinstance(v, Deep) and v.depth > 25_000 for v in c.values):
            dtype = object  # a categorical column hashes its values: a segfault while building it
        try:
            columns[i] = pd.Series(values, dtype=dtype, index=index)
        except Exception:
            columns[i] = pd.Series(values, dtype=object, index=index)
    df = pd.DataFrame(columns, index=index if index is not None else range(n))
    # duplicates allowed; an object index holds any name (pandas' str index no lone surrogate)
    df.columns = pd.Index([materialize(c.name, []) for c in f.columns], dtype=object)
    return df


class _Thunk:
    """A :class:`Rules` or :class:`UsageOf` whose ahb object is made when the case runs."""

    def __init__(self, recipe: Any, parts: tuple[Any, ...]) -> None:
        self.recipe, self.parts = recipe, parts

    def force(self) -> Any:
        import ahb

        if isinstance(self.recipe, Rules):
            version, knobs = self.parts
            return ahb.RuleSet(version, **knobs)
        (source,) = self.parts
        if type(source).__name__ == "DataFrame" and type(source).__module__.startswith("pandas"):
            return ahb.usage_from_frame(source)
        return ahb.Usage.from_csv(source)


def _fields(obj: Any) -> tuple[Any, ...]:
    """A dataclass's field values (not deep-copied into tuples, as dataclasses.astuple does)."""
    return tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))


def force(value: Any) -> Any:
    return value.force() if isinstance(value, _Thunk) else value


def materialize(obj: Any, stack: list[Any] | None = None) -> Any:
    """The object a recipe stands for (plain containers are copied; markers built)."""
    stack = [] if stack is None else stack
    if isinstance(obj, Deep):
        leaf = materialize(obj.leaf, stack)
        cur: Any = leaf
        for i in range(obj.depth):
            kind = obj.kind if obj.kind != "mixed" else ("dict", "list", "tuple")[i % 3]
            cur = {"x": cur} if kind == "dict" else [cur] if kind == "list" else (cur,)
        return cur
    if isinstance(obj, SelfRef):
        if not stack:
            return None
        return stack[max(0, len(stack) - 1 - obj.up)]
    if isinstance(obj, MutatingHook):
        target = stack[max(0, len(stack) - 1 - obj.up)] if stack else None
        if obj.kind == "list":
            m = Mutating([1, 2, 3])
            m.target = target
            return m
        d = MutatingDate(2026, 1, 1)
        d.target = target
        return d
    if isinstance(obj, Make):
        payload = materialize(obj.payload, stack)
        return HOSTILE[obj.name](payload)
    if isinstance(obj, Long):
        return obj.text * obj.n
    if isinstance(obj, Ref):
        return prepared(obj.name)
    if isinstance(obj, (Rules, UsageOf)):
        # Made inside the oracle (see `execute`): their errors are the case's.
        return _Thunk(obj, materialize(_fields(obj), stack))
    if isinstance(obj, Frame):
        return build_frame(obj)
    if isinstance(obj, Gen):
        return (x for x in [materialize(i, stack) for i in obj.items])
    if type(obj) is dict:
        out: dict[Any, Any] = {}
        stack.append(out)
        for k, v in obj.items():
            out[materialize(k, stack) if not isinstance(k, (str, int)) else k] = materialize(v, stack)
        stack.pop()
        return out
    if type(obj) is list:
        lst: list[Any] = []
        stack.append(lst)
        for v in obj:
            lst.append(materialize(v, stack))
        stack.pop()
        return lst
    if type(obj) is tuple:
        return tuple(materialize(v, stack) for v in obj)
    return obj


# ---------------------------------------------------------------------------------------------
# Seeds: the repository's test data.


class _Seeds:
    """Texts and parsed JSON of the repository's test data, loaded on first use."""

    def __init__(self) -> None:
        self._loaded = False

    def _files(self, *globs: str) -> list[pathlib.Path]:
        out: list[pathlib.Path] = []
        for g in globs:
            out.extend(sorted(p for p in ROOT.glob(g) if p.is_file()))
        return out

    def load(self) -> None:
        if self._loaded:
            return
        bad = "ahb-core/tests/bad_inputs"
        self.estate_files = self._files(
            "examples/data/sample-estate.json", f"{bad}/base/estate.json", f"{bad}/estate/*",
            "fuzz/corpus/estate_json/*",
        )
        self.estate_texts = [p.read_bytes() for p in self.estate_files]
        self.estate_dicts: list[Any] = []
        for t in self.estate_texts:
            try:
                v = json.loads(t)
            except (ValueError, RecursionError):  # not JSON, or nested too deep for `json`
                continue
            if len(t) < 200_000:
                self.estate_dicts.append(v)
        self.good_dicts = [json.loads((ROOT / f"{bad}/base/estate.json").read_text())]
        self.options = self._json_values(f"{bad}/options/*", "fuzz/corpus/options_json/*")
        self.rules = self._json_values(f"{bad}/rules/*", "fuzz/corpus/rule_set_json/*")
        self.rule_texts = [p.read_bytes() for p in self._files(f"{bad}/rules/*", "fuzz/corpus/rule_set_json/*")]
        lines = usage_small().splitlines()
        self.usage_small = usage_small()
        self.usage_texts = [self.usage_small] + [
            p.read_bytes() for p in self._files(f"{bad}/usage/*", "fuzz/corpus/hourly_usage/*")
        ]
        self.usage_rows = [line.split(",") for line in lines[1:120]]
        self.cost_texts = [p.read_bytes() for p in self._files(f"{bad}/cost/*", "fuzz/corpus/cost_usage/*")]
        self.inventory_texts = [
            p.read_bytes() for p in self._files(f"{bad}/inventory/*", "fuzz/corpus/inventory_json/*")
        ]
        self.licence_texts = [
            p.read_bytes() for p in self._files(f"{bad}/licences/*", "fuzz/corpus/licences_csv/*")
        ]
        self.sku_texts = [p.read_bytes() for p in self._files("fuzz/corpus/vm_skus_json/*")]
        self.paths = [str(p.relative_to(ROOT)) for p in self.estate_files[:3]] + [
            "examples/data/sample-sql-usage.csv", "ahb-core/tests/bad_inputs/base/estate.json",
            "examples/data", "/", "/nonexistent/estate.json", "", ".", "\x00", "a" * 5000,
            "examples/data/sample-estate.json\x00.txt", "/dev/null",
        ]
        import ahb

        self.knobs = ahb.RuleSet.current().knobs
        self._frames()
        self._loaded = True

    def _json_values(self, *globs: str) -> list[Any]:
        out = []
        for p in self._files(*globs):
            try:
                out.append(json.loads(p.read_bytes(), parse_float=decimal.Decimal))
            except (ValueError, RecursionError):
                pass
        return out

    def _frames(self) -> None:
        """The columns of the prepared estates' ``to_pandas()`` frames, as recipe columns."""
        self.frames: list[dict[str, list[Column]]] = []
        for name in ("base", "sample"):
            frames = prepared(name).to_pandas()
            tables: dict[str, list[Column]] = {}
            for table, df in frames.items():
                if name == "sample":
                    df = df.head(40)
                tables[table] = [Column(c, df[c].tolist(), str(df[c].dtype)) for c in df.columns]
            self.frames.append(tables)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        self.load()
        return self.__dict__[name]


SEEDS = _Seeds()

# ---------------------------------------------------------------------------------------------
# Generators.

HUGE = 10**400


_ODD: list[Any] = []


def odd_scalars() -> list[Any]:
    """Scalars that break naive conversions (made once; plain containers among them are
    copied when a case runs)."""
    if _ODD:
        return _ODD
    import numpy as np
    import pandas as pd

    D = decimal.Decimal
    _ODD.extend([
        None, True, False, 0, -1, 1, 7, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64,
        -(2**63) - 1, 10**19, 10**28, 10**30, HUGE, -HUGE,
        0.0, -0.0, 0.1, 1.5, -1.5, 1e19, 1e23, 1e308, 5e-324, math.nan, math.inf, -math.inf,
        D("0"), D("-0"), D("0.192"), D("1e-30"), D("1e19"), D("7.9e28"),
        D("79228162514264337593543950335"), D("79228162514264337593543950336"), D("1E+100000"),
        D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), D("0." + "1" * 40),
        "", " ", "0", "-0", "1", "4", "1e30", "1_000", "NaN", "inf", "0x10", "\u0663",
        "\ud800", "\x00", "\u00e9", "2026-06-01", "0001-01-01", "9999-12-31", "2026-02-30",
        "2026-06-01T00:00:00", "2026-06-01T00:00:00Z", "20260601", "01/06/2026",
        "windows_server", "sql_server", "vm", "sub", "ws", "db1", "vm1", "ahb.estate/1",
        b"", b"\xff", b"{}", bytearray(b"x"),
        datetime.date(2026, 6, 1), datetime.date.min, datetime.date.max,
        datetime.datetime(2026, 6, 1, 12, 30), datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc),
        datetime.datetime.max, datetime.time(1, 2), datetime.timedelta(days=1),
        np.int64(-1), np.int32(4), np.uint64(2**64 - 1), np.float64("nan"), np.float32(1.5),
        np.float16(-0.0), np.bool_(True), np.str_("vm"), np.bytes_(b"x"),
        np.datetime64("NaT"), np.datetime64("2026-06-01"), np.datetime64("2026-06-01T00:00", "s"),
        np.timedelta64(1, "D"), np.array([1, 2]), np.array(5), np.array(["a"], dtype=object), np.complex64(1j),
        pd.NA, pd.NaT, pd.Timestamp("2026-06-01"), pd.Timestamp("2026-06-01", tz="UTC"),
        pd.Timedelta(1), pd.Period("2026-06", "M"), pd.Series([1]),
        fractions.Fraction(1, 3), complex(1, 2), set(), frozenset({1}), range(3), Ellipsis,
        object(), int, [], {}, (),
    ])
    _ODD.extend(Make(name) for name in HOSTILE)
    return _ODD


def rand_value(rng: random.Random, depth: int = 0) -> Any:
    r = rng.random()
    if r < 0.6 or depth > 3:
        return rng.choice(odd_scalars())
    if r < 0.7:
        return {rand_key(rng): rand_value(rng, depth + 1) for _ in range(rng.randrange(4))}
    if r < 0.78:
        return [rand_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if r < 0.82:
        return tuple(rand_value(rng, depth + 1) for _ in range(rng.randrange(3)))
    if r < 0.87:
        # 250,000 levels: past what hashing a tuple (which has no recursion check) survives on
        # an 8 MiB C stack, so anything that hashes, compares or reprs a value before bounding
        # its depth crashes
        return Deep(rng.choice([2, 63, 64, 65, 200, 5_000, 25_000, 250_000]),
                    rng.choice(["dict", "list", "tuple", "mixed"]), rng.choice([None, 1, "x", SelfRef()]))
    if r < 0.9:
        return Long(rng.choice(["a", "é", "1", "\x00", b"a"]), rng.choice([1_000, 100_000, 1_000_000]))
    if r < 0.94:
        return SelfRef(rng.randrange(3))
    if r < 0.97:
        return MutatingHook(rng.choice(["list", "date"]), rng.randrange(2))
    return Gen([rand_value(rng, depth + 1) for _ in range(rng.randrange(3))])


def rand_key(rng: random.Random) -> Any:
    r = rng.random()
    if r < 0.7:
        return rng.choice(["id", "kind", "x", "schema", "resources", "licences", "prices", "vcpus",
                           "sa", "start", "end", "quantity", "scope", "", "\ud800", "licence_x"])
    return rng.choice([1, 0, -1, None, 1.5, True, (1, 2), b"id", decimal.Decimal("1"), Make("StrSub", "id"),
                       Make("IntSub", 1), frozenset(), datetime.date(2026, 1, 1)])


def near(rng: random.Random, v: Any) -> Any:
    """A value of another type that means (almost) the same as ``v``."""
    import numpy as np
    import pandas as pd

    if isinstance(v, bool):
        return rng.choice([int(v), str(v).lower(), np.bool_(v), "yes", None])
    if isinstance(v, int):
        fv = float(v) if abs(v) < 2**1000 else math.inf
        return rng.choice([str(v), fv, decimal.Decimal(v), np.int64(v) if -(2**63) <= v < 2**63 else v,
                           np.uint8(v % 256), v + 2**64, -v, Make("IntSub", v), Make("FloatRepr", fv),
                           Make("FloatBad", fv), f"{v}.0", v * 10**20, fv + 0.5])
    if isinstance(v, str):
        try:
            d = datetime.date.fromisoformat(v)
            ymd = (d.year, d.month, d.day)
            return rng.choice([d, datetime.datetime(*ymd), np.datetime64(v), v + "T00:00:00", v + "Z",
                               v.replace("-", "/"), Make("DateIso", ymd), Make("DateIsoBad", ymd),
                               Make("DateHugeYear", ymd), MutatingHook("date", rng.randrange(2))]
                              + ([pd.Timestamp(v)] if 1677 < d.year < 2262 else []))
        except ValueError:
            pass
        try:
            dec = decimal.Decimal(v)
            return rng.choice([dec, float(dec), v + "0" * 30, "-" + v, v + "e30", v.replace(".", ","),
                               Make("StrSub", v), Make("DecimalSub", v)])
        except decimal.InvalidOperation:
            pass
        return rng.choice([v.encode("utf-8", "surrogatepass"), v.upper(), v + "\x00", Make("StrSub", v), [v],
                           v * 1000 if len(v) < 10_000 else v, np.str_(v), " " + v, v + "\ud800"])
    if isinstance(v, decimal.Decimal):
        if not v.is_finite():
            return rng.choice([str(v), float("nan"), Make("DecimalSub", str(v))])
        return rng.choice([float(v), str(v), v * 10**20, -v, v.scaleb(-30), v.scaleb(30), Make("DecimalSub", str(v))])
    if isinstance(v, list):
        return rng.choice([tuple(v), Make("ListSub", v), Make("ListLies", v), Make("TupleSub", v), v + v, [],
                           MutatingHook("list", rng.randrange(2)), Gen(v)])
    if isinstance(v, dict):
        return rng.choice([Make("DictSub", v), list(v.items()), {**v, **{rand_key(rng): rand_value(rng)}}])
    return rand_value(rng)


def mutate_tree(rng: random.Random, tree: Any, n: int) -> Any:
    """``n`` random edits of a JSON-like tree (in place; returns the possibly new root)."""
    for _ in range(n):
        slots: list[tuple[Any, Any]] = []
        todo = [tree]
        while todo and len(slots) < 5000:
            node = todo.pop()
            if type(node) is dict:
                for k in node:
                    slots.append((node, k))
                    todo.append(node[k])
            elif type(node) is list:
                for i in range(len(node)):
                    slots.append((node, i))
                    todo.append(node[i])
        if not slots:
            return rand_value(rng) if rng.random() < 0.5 else tree
        parent, key = rng.choice(slots)
        op = rng.random()
        if op < 0.45:
            parent[key] = near(rng, parent[key])
        elif op < 0.7:
            parent[key] = rand_value(rng)
        elif op < 0.8 and type(parent) is dict:
            del parent[key]
        elif op < 0.88 and type(parent) is dict:
            parent[rand_key(rng)] = rand_value(rng) if rng.random() < 0.5 else parent[key]
        elif op < 0.93 and type(parent) is dict:
            parent[rng.choice([1, None, (1,), b"k", Make("IntSub", 1), Make("StrSub", str(key))])] = parent.pop(key)
        elif op < 0.97 and type(parent) is list:
            parent.insert(rng.randrange(len(parent) + 1), copy.deepcopy(parent[key]))
        else:
            parent[key] = SelfRef(rng.randrange(3))
    return tree


def estate_dict(rng: random.Random) -> Any:
    pool = SEEDS.good_dicts if rng.random() < 0.6 else SEEDS.estate_dicts
    return mutate_tree(rng, copy.deepcopy(rng.choice(pool)), rng.choice([0, 1, 1, 2, 3, 6]))


def json_text(rng: random.Random) -> Any:
    r = rng.random()
    if r < 0.4:
        text: Any = rng.choice(SEEDS.estate_texts)
    elif r < 0.8:
        tree = estate_dict(rng)
        try:
            text = json.dumps(tree, default=str, indent=rng.choice([None, 1]))
        except Exception:
            text = "{}"
    else:
        text = bytearray(rng.choice(SEEDS.estate_texts))
        for _ in range(rng.randrange(1, 8)):
            if text:
                text[rng.randrange(len(text))] = rng.randrange(256)
        text = bytes(text)
    if isinstance(text, bytes) and rng.random() < 0.5:
        text = text.decode("utf-8", "surrogateescape")
    elif isinstance(text, str) and rng.random() < 0.3:
        text = text.encode("utf-8", "surrogatepass")
    return text


def estate_like(rng: random.Random) -> Any:
    """Something :func:`ahb.load` might be given."""
    r = rng.random()
    if r < 0.45:
        return Ref(rng.choice(["base", "base", "base", "sample"]))
    if r < 0.65:
        return estate_dict(rng)
    if r < 0.75:
        return json_text(rng)
    if r < 0.85:
        p = rng.choice(SEEDS.paths)
        return rng.choice([p, pathlib.PurePosixPath(p), pathlib.Path(p), p.encode("utf-8", "surrogatepass"), " " + p])
    if r < 0.92:
        return frame_recipe(rng, rng.choice(SEEDS.frames)["resources"])
    return rand_value(rng)


def date_like(rng: random.Random) -> Any:
    if rng.random() < 0.5:
        return rng.choice([None, AS_OF, "2027-06-01", "2020-01-01", datetime.date(2026, 6, 1),
                           datetime.datetime(2026, 6, 1, 23, 59)])
    return near(rng, rng.choice(["2026-06-01", "0001-01-01", "9999-12-31", "2026-02-28"])) \
        if rng.random() < 0.6 else rand_value(rng)


def rules_like(rng: random.Random) -> Any:
    r = rng.random()
    if r < 0.4:
        return None
    if r < 0.55:
        return rng.choice(["2023-04", "2021-11", "2022-01", "", "2023-04 ", "\ud800", "2021-11\x00"])
    if r < 0.65:
        return Ref("rules_legacy")
    if r < 0.9:
        return Rules(rng.choice(["2023-04", "2021-11"]) if rng.random() < 0.9 else rand_value(rng), knobs(rng))
    return rand_value(rng)


def knobs(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _ in range(rng.randrange(4)):
        name = rng.choice(list(SEEDS.knobs)) if rng.random() < 0.9 else rng.choice(["unknown_knob", "version"])
        default = SEEDS.knobs.get(name)
        value: Any = near(rng, default) if default is not None and rng.random() < 0.6 else rand_value(rng)
        if isinstance(default, datetime.date) and rng.random() < 0.3:
            value = default.isoformat()
        out[name] = value
    return out


def money_like(rng: random.Random) -> Any:
    if rng.random() < 0.3:
        return rng.choice([None, 1890, "493", decimal.Decimal("1890.5"), 10.1])
    return near(rng, rng.choice([1890, "0.5", decimal.Decimal("7000")])) if rng.random() < 0.5 else rand_value(rng)


OPTION_NAMES = [
    "objective", "change_penalty_per_month", "pin", "exclude", "reserve", "prefer_later_expiry",
    "licence_prices_per_year", "license_prices_per_year", "renewal_horizon_days", "recommendations",
    "exact_work_budget", "unpriced",
]


def options(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    seed = rng.choice(SEEDS.options)
    if isinstance(seed, dict) and rng.random() < 0.6:
        out.update(copy.deepcopy(seed))
        out.pop("as_of", None)
        out = mutate_tree(rng, out, rng.randrange(3))
        if not isinstance(out, dict):
            out = {"objective": out}
    for _ in range(rng.randrange(4)):
        name = rng.choice(OPTION_NAMES) if rng.random() < 0.9 else rng.choice(["frobnicate", "license_x", "as_of_"])
        makers: list[Callable[[], Any]] = [
            lambda: rand_value(rng),
            lambda: rng.choice(["max_savings", "min_change", "compliance_first"]),
            lambda: money_like(rng),
            lambda: {rng.choice(["windows_server", "sql_server", "rhel", "sles", "x"]): rand_value(rng)},
            lambda: {rng.choice(["windows_server_per_core_year", "sql_enterprise_per_core_year",
                                 "license_sql_standard_per_core_year", "sql_enterprise_core",
                                 "windows_server_core"]): money_like(rng)},
            lambda: rng.choice(["ignore", "by_units", "by_money"]),
            lambda: [rng.choice(["vm1", "db1", "ss1", "host1", "zz", rand_value(rng)])],
        ]
        out[name] = rng.choice(makers)()
    if "exact_work_budget" not in out and rng.random() < 0.8:
        out["exact_work_budget"] = 20_000
    elif isinstance(out.get("exact_work_budget"), int) and not isinstance(out["exact_work_budget"], bool):
        out["exact_work_budget"] = min(out["exact_work_budget"], 200_000)
    return {k: v for k, v in out.items() if isinstance(k, str) and k.isidentifier()}


DTYPES = [
    None, object, "object", "category", "string", "Int64", "Float64", "boolean", "float64", "int64",
    "uint64", "int8", "bool", "datetime64[ns]", "datetime64[s]", "datetime64[ns, UTC]", "timedelta64[ns]",
    "complex128", "Sparse[float64]", "period[D]",
]


def frame_recipe(rng: random.Random, columns: list[Column]) -> Frame:
    cols = [Column(c.name, list(c.values), c.dtype) for c in columns]
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        op = rng.random()
        if not cols or op < 0.08:
            name = rng.choice(["unknown", 0, None, ("a", "b"), 1.5, Make("StrSub", "id")])
            if rng.random() < 0.2:
                name = rng.choice(["id", "kind", "vcpus"])  # perhaps a duplicate
            cols.append(Column(name,
                               [rand_value(rng) for _ in range(max((len(c.values) for c in cols), default=1))],
                               rng.choice(DTYPES)))
            continue
        c = rng.choice(cols)
        if op < 0.3:
            c.dtype = rng.choice(DTYPES)
        elif op < 0.55 and c.values:
            i = rng.randrange(len(c.values))
            c.values[i] = near(rng, c.values[i]) if rng.random() < 0.5 else rand_value(rng)
            c.dtype = rng.choice([c.dtype, None, object])
        elif op < 0.65 and c.values:
            i = rng.randrange(len(c.values))
            import pandas as pd

            c.values[i] = rng.choice([None, math.nan, pd.NA, pd.NaT, -0.0, HUGE, 2**64, decimal.Decimal("NaN")])
        elif op < 0.72:
            cols.remove(c)
        elif op < 0.715:
            cols.append(Column(c.name, list(c.values), c.dtype))  # a duplicate column
        elif op < 0.78:
            cols.append(Column(f"{c.name}_x", list(c.values), c.dtype))
        elif op < 0.84:
            c.values = c.values[: rng.randrange(len(c.values) + 1)]
        elif op < 0.9:
            c.values = [near(rng, v) if v is not None else v for v in c.values]
            c.dtype = object
        else:
            c.name = rng.choice([1, 2.5, f"{c.name}".upper(), f" {c.name}", Make("StrSub", f"{c.name}"), "\ud800"])
    index = None
    if rng.random() < 0.1:
        n = max((len(c.values) for c in cols), default=0)
        index = [rng.choice([0, 1, "a", None]) for _ in range(n)]
    return Frame(cols, index)


def usage_frame(rng: random.Random) -> Frame:
    n = rng.choice([1, 2, 10, 60, 119])
    rows = SEEDS.usage_rows[:n]
    cols = [
        Column("resource", [r[0] for r in rows], None),
        Column("hour", [r[1] for r in rows], rng.choice([None, "datetime64[ns]", "datetime64[s]", object])),
        Column("vcores", [int(r[2]) for r in rows], rng.choice([None, "int64", "Int64", "float64", object])),
    ]
    if rng.random() < 0.6:
        cols.append(Column("licence_price_per_vcore_hour", [r[3] for r in rows],
                           rng.choice([None, "float64", object, "string"])))
    return frame_recipe(rng, cols)


def usage_text(rng: random.Random) -> Any:
    text = rng.choice(SEEDS.usage_texts)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if rng.random() < 0.4:
        lines = text.splitlines()
        if len(lines) > 1:
            i = rng.randrange(1, len(lines))
            fields = lines[i].split(",")
            j = rng.randrange(len(fields))
            v = near(rng, fields[j])
            fields[j] = v if isinstance(v, str) else str(rng.choice(odd_scalars()))
            lines[i] = ",".join(fields)
        text = "\n".join(lines) + "\n"
    if rng.random() < 0.1:
        return rand_value(rng)
    return text


def usage_like(rng: random.Random) -> Any:
    r = rng.random()
    if r < 0.5:
        return Ref(rng.choice(["usage", "usage_small"]))
    if r < 0.7:
        return UsageOf(usage_text(rng))
    if r < 0.9:
        return UsageOf(usage_frame(rng))
    return rand_value(rng)


def an_input(rng: random.Random, texts: list[bytes]) -> Any:
    """One importer input: a path, a (name, text) pair or something else."""
    r = rng.random()
    if r < 0.5:
        data: Any = rng.choice(texts) if texts else b""
        if rng.random() < 0.4:
            data = data.decode("utf-8", "replace")
        if rng.random() < 0.2:
            data = near(rng, data) if isinstance(data, str) else rand_value(rng)
        name = "input.json" if rng.random() < 0.8 else rand_value(rng)
        return (name, data) if rng.random() < 0.9 else rng.choice([(name,), (name, data, 1), [name, data]])
    if r < 0.75:
        p = rng.choice(SEEDS.paths)
        return rng.choice([p, pathlib.Path(p), p.encode("utf-8", "surrogatepass")])
    return rand_value(rng)


def inputs(rng: random.Random, texts: list[bytes]) -> Any:
    r = rng.random()
    if r < 0.2:
        return None
    if r < 0.7:
        return [an_input(rng, texts) for _ in range(rng.randrange(1, 3))]
    if r < 0.85:
        return an_input(rng, texts)
    return rng.choice([Gen([an_input(rng, texts)]), rand_value(rng)])


# ---------------------------------------------------------------------------------------------
# Entry points: name -> (case generator, runner). Each runner calls the public API; later
# stages (audit after a load) run only when the earlier call succeeded.


def _ahb() -> Any:
    import ahb

    return ahb


def _after_load(e: Any) -> None:
    ahb = _ahb()
    if e.resource_count <= 50:
        ahb.audit(e, as_of=AS_OF)


def gen_from_dict(rng: random.Random) -> Case:
    return Case("from_dict", (estate_dict(rng) if rng.random() < 0.95 else rand_value(rng),), {})


def run_from_dict(data: Any) -> None:
    _after_load(_ahb().Estate.from_dict(data))


def gen_from_json(rng: random.Random) -> Case:
    return Case("from_json", (json_text(rng) if rng.random() < 0.95 else rand_value(rng),), {})


def run_from_json(text: Any) -> None:
    _after_load(_ahb().Estate.from_json(text))


def gen_load(rng: random.Random) -> Case:
    return Case("load", (estate_like(rng),), {})


def run_load(source: Any) -> None:
    ahb = _ahb()
    e = ahb.load(source)
    if isinstance(e, ahb.Estate):
        _after_load(e)


def gen_from_path(rng: random.Random) -> Case:
    p = rng.choice(SEEDS.paths) if rng.random() < 0.8 else rand_value(rng)
    if isinstance(p, str) and rng.random() < 0.5:
        p = rng.choice([pathlib.Path(p), p.encode("utf-8", "surrogatepass"), near(rng, p)])
    return Case("from_path", (p,), {})


def run_from_path(path: Any) -> None:
    _ahb().Estate.from_path(path)


FRAME_ARGS = ["resources", "licences", "scopes", "central_assignments"]


def gen_frames(rng: random.Random) -> Case:
    tables = rng.choice(SEEDS.frames)
    kwargs: dict[str, Any] = {}
    for name in FRAME_ARGS:
        r = rng.random()
        if r < 0.8:
            kwargs[name] = frame_recipe(rng, tables[name])
        elif r < 0.83:
            kwargs[name] = rand_value(rng)
    if rng.random() < 0.05:
        kwargs["licenses"] = kwargs.pop("licences", None) if rng.random() < 0.5 else rand_value(rng)
    return Case("estate_from_frames", (), kwargs)


def run_frames(**kwargs: Any) -> None:
    _after_load(_ahb().estate_from_frames(**kwargs))


def gen_audit(rng: random.Random) -> Case:
    kwargs = {"as_of": date_like(rng)} if rng.random() < 0.9 else {}
    return Case("audit", (estate_like(rng), rules_like(rng)), kwargs)


def run_audit(estate: Any, rules: Any, **kwargs: Any) -> None:
    _ahb().audit(estate, rules, **kwargs)


def gen_optimize(rng: random.Random) -> Case:
    estate = Ref(rng.choice(["base", "base", "base", "sample"])) if rng.random() < 0.85 else estate_like(rng)
    return Case("optimize", (estate, rules_like(rng)), {"as_of": date_like(rng), **options(rng)})


def run_optimize(estate: Any, rules: Any, **kwargs: Any) -> None:
    _ahb().optimize(estate, rules, **kwargs)


def gen_timeline(rng: random.Random) -> Case:
    estate = Ref("base") if rng.random() < 0.85 else rng.choice([Ref("sample"), estate_like(rng)])
    kwargs: dict[str, Any] = {}
    for name in ("from_", "to", "start", "end"):
        if rng.random() < (0.7 if name in ("from_", "to") else 0.15):
            kwargs[name] = date_like(rng)
    return Case("timeline", (estate, rules_like(rng)), kwargs)


def run_timeline(estate: Any, rules: Any, **kwargs: Any) -> None:
    _ahb().timeline(estate, rules, **kwargs)


def gen_usage(rng: random.Random) -> Case:
    r = rng.random()
    if r < 0.45:
        return Case("usage", ("frame", usage_frame(rng)), {})
    if r < 0.85:
        return Case("usage", ("csv", usage_text(rng)), {})
    if r < 0.9:
        return Case("usage", ("frame", rand_value(rng)), {})
    return Case("usage", ("path", rng.choice(SEEDS.paths) if rng.random() < 0.7 else rand_value(rng)), {})


def run_usage(how: str, source: Any) -> None:
    ahb = _ahb()
    if how == "frame":
        u = ahb.usage_from_frame(source)
    elif how == "csv":
        u = ahb.Usage.from_csv(source)
    else:
        u = ahb.Usage.from_path(source)
    if u.hours <= 24 * 400:
        # the sample estate has the sample usage's resources, the base estate the catalogue's
        try:
            estate, scope = prepared("sample"), "sub-prod-data"
            ahb.simulate_central(estate, u)
        except ahb.UnknownReferenceError:
            estate, scope = prepared("base"), "sub"
            ahb.simulate_central(estate, u)
        ahb.best_assignment(estate, u, scope, sql_enterprise_per_core_year=7000, sql_standard_per_core_year=1800)


def gen_simulate(rng: random.Random) -> Case:
    estate = Ref(rng.choice(["base", "sample"])) if rng.random() < 0.8 else estate_like(rng)
    return Case("simulate_central", (estate, usage_like(rng), rules_like(rng)), {})


def run_simulate(estate: Any, usage: Any, rules: Any) -> None:
    _ahb().simulate_central(estate, usage, rules)


def gen_best(rng: random.Random) -> Case:
    estate = Ref(rng.choice(["base", "base", "sample"])) if rng.random() < 0.8 else estate_like(rng)
    scope = rng.choice(["sub", "sub-prod-data", "sub/rg", "nope", ""]) if rng.random() < 0.8 else rand_value(rng)
    kwargs: dict[str, Any] = {}
    for names in (("sql_enterprise_per_core_year", "enterprise_core"), ("sql_standard_per_core_year", "standard_core")):
        if rng.random() < 0.6:
            kwargs[rng.choice(names)] = money_like(rng)
        if rng.random() < 0.03:
            kwargs[names[1]] = money_like(rng)  # both spellings at once
    return Case("best_assignment", (estate, usage_like(rng), scope, rules_like(rng)), kwargs)


def run_best(estate: Any, usage: Any, scope: Any, rules: Any, **kwargs: Any) -> None:
    _ahb().best_assignment(estate, usage, scope, rules, **kwargs)


def gen_import(rng: random.Random) -> Case:
    args = (inputs(rng, SEEDS.inventory_texts), inputs(rng, SEEDS.licence_texts))
    kwargs: dict[str, Any] = {}
    for name, texts in (("catalogue", SEEDS.sku_texts), ("prices", []), ("costs", SEEDS.cost_texts),
                        ("licenses", SEEDS.licence_texts)):
        if rng.random() < 0.2:
            kwargs[name] = inputs(rng, texts)
    for name, good in (("date_order", ["dmy", "mdy", None]), ("strict", [True, False]),
                       ("require_known_sizes", [True, False]), ("frobnicate", [1])):
        if rng.random() < (0.25 if name != "frobnicate" else 0.02):
            kwargs[name] = rng.choice(good) if rng.random() < 0.8 else rand_value(rng)
    if "licenses" in kwargs and args[1] is not None and rng.random() < 0.9:
        args = (args[0], None)  # mostly not licences twice
    return Case("import_estate", args, kwargs)


def run_import(inventory: Any, licences: Any, **kwargs: Any) -> None:
    _ahb().import_estate(inventory, licences, **kwargs)


def gen_cost(rng: random.Random) -> Case:
    estate = Ref(rng.choice(["base", "sample"])) if rng.random() < 0.9 else rand_value(rng)
    return Case("cost_usage", (rng.choice(["rows", "usage"]), estate, an_input(rng, SEEDS.cost_texts)), {})


def run_cost(how: str, estate: Any, source: Any) -> None:
    ahb = _ahb()
    if how == "rows":
        ahb.cost_usage_from_csv(source)
    else:
        u, _ = ahb.Usage.from_cost_export(estate, source)
        if u.hours <= 24 * 400:
            ahb.simulate_central(estate, u)


def gen_rules(rng: random.Random) -> Case:
    r = rng.random()
    if r < 0.5:
        return Case("rule_set", ("new", rng.choice(["2023-04", "2021-11"]) if rng.random() < 0.9 else rand_value(rng)),
                    knobs(rng))
    if r < 0.75:
        return Case("rule_set", ("replace", None), knobs(rng))
    text: Any = rng.choice(SEEDS.rule_texts)
    if rng.random() < 0.5:
        tree = mutate_tree(rng, copy.deepcopy(rng.choice(SEEDS.rules)), rng.randrange(1, 4))
        try:
            text = json.dumps(tree, default=str)
        except Exception:
            text = "{}"
    elif rng.random() < 0.2:
        text = rand_value(rng)
    return Case("rule_set", ("json", text), {})


def run_rules(how: str, arg: Any, **knobs: Any) -> None:
    ahb = _ahb()
    if how == "new":
        rs = ahb.RuleSet(arg, **knobs)
    elif how == "replace":
        rs = ahb.RuleSet.current().replace(**knobs)
    else:
        rs = ahb.RuleSet.from_json(arg)
    ahb.audit(prepared("base"), rs, as_of=AS_OF)
    ahb.optimize(prepared("base"), rs, as_of=AS_OF, exact_work_budget=20_000)


def gen_exports(rng: random.Random) -> Case:
    name = rng.choice(["az_script", "arm_patches", "position_csv", "plan_csv", "report"])

    def pick(good: str) -> Any:
        return Ref(good) if rng.random() < 0.7 else rng.choice([Ref("position"), Ref("plan"), rand_value(rng)])

    if name in ("az_script", "arm_patches"):
        return Case("exports", (name, pick("base"), pick("plan")), {})
    if name == "report":
        kwargs = {"as_of": date_like(rng), "top": rng.choice([0, 1, 20, -1, HUGE, "3", 2.5, None])}
        return Case("exports", (name, estate_like(rng), rules_like(rng)), kwargs)
    return Case("exports", (name, pick("position" if name == "position_csv" else "plan")), {})


def run_exports(name: str, *args: Any, **kwargs: Any) -> None:
    ahb = _ahb()
    getattr(ahb, name)(*args, **kwargs)


ENTRIES: dict[str, tuple[Callable[[random.Random], Case], Callable[..., None], int]] = {
    # name: (generator, runner, weight)
    "from_dict": (gen_from_dict, run_from_dict, 12),
    "from_json": (gen_from_json, run_from_json, 5),
    "from_path": (gen_from_path, run_from_path, 2),
    "load": (gen_load, run_load, 6),
    "estate_from_frames": (gen_frames, run_frames, 8),
    "audit": (gen_audit, run_audit, 8),
    "optimize": (gen_optimize, run_optimize, 10),
    "timeline": (gen_timeline, run_timeline, 4),
    "usage": (gen_usage, run_usage, 8),
    "simulate_central": (gen_simulate, run_simulate, 5),
    "best_assignment": (gen_best, run_best, 5),
    "import_estate": (gen_import, run_import, 7),
    "cost_usage": (gen_cost, run_cost, 4),
    "rule_set": (gen_rules, run_rules, 8),
    "exports": (gen_exports, run_exports, 3),
}


def generate(seed: int, index: int, entries: list[str] | None = None) -> Case:
    """Case ``index`` of run ``seed``: its own generator, so that it can be made again alone."""
    rng = random.Random(f"{seed}:{index}")
    names = entries or list(ENTRIES)
    name = rng.choices(names, weights=[ENTRIES[n][2] for n in names])[0]
    return ENTRIES[name][0](rng)


# ---------------------------------------------------------------------------------------------
# The oracle.


def allowed() -> tuple[type[BaseException], ...]:
    return (_ahb().AhbError, TypeError, ValueError, HostileError)


def execute(case: Case, calling: Callable[[], None] | None = None) -> tuple[str, str | None]:
    """Runs one case: ``("ok" | "error" | "skip", None)``, or ``("finding", description)``.
    ``calling`` is called when the case is built and ahb is about to be called."""
    try:
        args = materialize(case.args)
        kwargs = materialize(case.kwargs)
    except Exception:
        return "skip", None
    runner = ENTRIES[case.entry][1]
    if calling is not None:
        calling()
    try:
        args = tuple(force(a) for a in args)
        kwargs = {k: force(v) for k, v in kwargs.items()}
        runner(*args, **kwargs)
    except allowed():
        return "error", None
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # noqa: BLE001 - the finding
        return "finding", describe(e)
    return "ok", None


def describe(e: BaseException) -> str:
    try:
        message = str(e)
    except BaseException:  # noqa: BLE001
        message = "?"
    tb = traceback.extract_tb(e.__traceback__)
    where = next((f"{pathlib.Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(tb)
                  if "fuzz_python" not in f.filename), "?")
    return f"{type(e).__module__}.{type(e).__qualname__} at {where}: {message[:300]}"


def signature(entry: str, description: str) -> str:
    """Findings with one cause share a signature: the entry, the exception type and where it
    was raised (not the message, which carries the values)."""
    head = description.split(": ", 1)[0]
    return hashlib.sha1(f"{entry}|{head}".encode()).hexdigest()[:12]


def safe_repr(obj: Any, size: int = 20) -> str:
    """A bounded repr (hostile values' own reprs may fail)."""
    r = reprlib.Repr()
    r.maxstring, r.maxother, r.maxlevel = 120, 40 * size, 12
    r.maxlist = r.maxtuple = r.maxdict = r.maxset = size
    try:
        return r.repr(obj)
    except BaseException:  # noqa: BLE001
        return "<unrepresentable>"


# ---------------------------------------------------------------------------------------------
# Minimising a finding: drop parts of the case while the same finding remains.


def _slots(case: Case) -> list[tuple[Any, Any]]:
    """Removable parts of a case: (container, key) of every dict entry and list item in the
    arguments, every column of a frame and every row of a frame (key ``("row", i)``)."""
    out: list[tuple[Any, Any]] = []
    todo: list[Any] = [case.kwargs, *case.args]
    out.extend((case.kwargs, k) for k in case.kwargs)
    while todo:
        node = todo.pop()
        if type(node) is dict:
            if node is not case.kwargs:
                out.extend((node, k) for k in node)
            todo.extend(node.values())
        elif type(node) in (list, tuple):
            if type(node) is list:
                out.extend((node, i) for i in range(len(node)))
            todo.extend(node)
        elif isinstance(node, Frame):
            out.extend((node.columns, i) for i in range(len(node.columns)))
            rows = max((len(c.values) for c in node.columns), default=0)
            out.extend((node, ("row", i)) for i in range(rows))
            todo.extend(c.values for c in node.columns)
        elif isinstance(node, (Make, Deep, Gen, Rules, UsageOf)):
            todo.extend(_fields(node))
    return out


def _without(case: Case, i: int) -> Case | None:
    """A copy of ``case`` without its ``i``-th slot."""
    try:
        new = copy.deepcopy(case)
    except Exception:  # noqa: BLE001
        return None
    slots = _slots(new)
    if i >= len(slots):
        return None
    container, key = slots[i]
    if isinstance(container, Frame):
        for c in container.columns:
            if key[1] < len(c.values):
                del c.values[key[1]]
        if container.index is not None and key[1] < len(container.index):
            del container.index[key[1]]
    else:
        del container[key]
    return new


def minimise(case: Case, budget: float) -> Case:
    """The smallest case (greedy, one part at a time, for ``budget`` seconds) that still
    gives the same finding."""
    outcome, what = execute(case)
    if outcome != "finding" or what is None:
        return case
    target = signature(case.entry, what)
    deadline = time.time() + budget
    progress = True
    while progress and time.time() < deadline:
        progress = False
        i = len(_slots(case)) - 1
        while i >= 0 and time.time() < deadline:
            smaller = _without(case, i)
            if smaller is not None:
                outcome, what = execute(smaller)
                if outcome == "finding" and what is not None and signature(case.entry, what) == target:
                    case, progress = smaller, True
            i = min(i, len(_slots(case))) - 1
    return case


# ---------------------------------------------------------------------------------------------
# Worker, parent and replay.


#: The worker's address-space limit (RLIMIT_AS): a case that allocates without bound fails
#: (``MemoryError``, or a crash) instead of taking the machine's memory.
ADDRESS_SPACE = 4 << 30

#: A worker whose address space has grown past this is replaced before its next case. A
#: process at its address-space limit does not fail cleanly, and not in the case that used the
#: memory: CPython 3.11 maps each new 16 KiB chunk of its frame stack with mmap, and when that
#: fails, the call that needed it (the first recursion deeper than the chunks at hand, e.g.
#: ``_amounts`` walking an option 64 levels deep) fails with no exception set (``SystemError:
#: error return without exception set``) and a later one segfaults in ``_PyEval_EvalFrameDefault``;
#: elsewhere Rust's allocator aborts. The first 10-minute run saw the SystemError and the
#: segfault in a worker that had run 43,000 cases while :func:`build_frame` leaked
#: (``fuzz_corpus/optimize-81ba4bfc3894``, ``optimize-78f50cfda2bf``); alone, neither case
#: fails. With that leak, no recycling and the limit at 900 MiB, a 420-second run crashed every
#: 28,000 cases or so, each time on a case that passes alone. The leak is fixed; replacing the
#: worker at half the limit keeps any other growth out of the findings: only a single case
#: allocating gigabytes reaches the limit.
RECYCLE_ADDRESS_SPACE = ADDRESS_SPACE // 2

#: The wheel runs on mimalloc, which reserves its arenas 1 GiB of address space at a time: a
#: worker that had loaded its seeds stood at 2.4 GiB of address space while using a few hundred
#: MiB, past :data:`RECYCLE_ADDRESS_SPACE` before its first case, so every worker was replaced at
#: once and a run made no executions at all. The workers reserve 32 MiB at a time, so that their
#: address space again measures what they use. (A run with no executions now fails, below.)
WORKER_ENVIRONMENT = {"MIMALLOC_ARENA_RESERVE": "32M"}


def setup_process() -> None:
    """What every process that runs cases sets up — the worker, ``replay`` (so also the check
    that a crash happens again alone) and ``minimise`` — so that a case runs alike in each: the
    address-space limit, faulthandler, warnings ignored. The recursion limit is Python's own:
    raising it lets ``repr``, ``==`` and pickling of a value nested thousands deep recurse in C
    further than the C stack holds, a crash of the harness, not of ahb."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    except (ImportError, ValueError, OSError):
        pass
    import faulthandler
    import warnings

    warnings.simplefilter("ignore")
    if not faulthandler.is_enabled():
        faulthandler.enable()  # a segfault or abort prints the Python stack to stderr


def address_space() -> int:
    """This process's address space (VmSize) in bytes; 0 where ``/proc`` does not say."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def worker(seed: int, start: int, deadline: float, entries: list[str] | None) -> None:
    """Runs cases ``start, start+1, …`` until ``deadline``; a line before and after each case
    (the one before says the worker's address space, for a crash's report)."""
    setup_process()
    SEEDS.load()
    out = sys.stdout

    def calling() -> None:
        out.write("C\n")
        out.flush()

    index = start
    while time.time() < deadline:
        space = address_space()
        if index - start >= RECYCLE or space > RECYCLE_ADDRESS_SPACE:
            # A fresh worker now and then: no case's outcome depends on a long history (nor on
            # an address space near its limit, see RECYCLE_ADDRESS_SPACE).
            out.write("RECYCLE\n")
            out.flush()
            return
        try:
            case = generate(seed, index, entries)
        except Exception as e:  # noqa: BLE001 - a bug of the generator, reported, not a finding
            out.write(f"G {index} {json.dumps(describe(e))}\n")
            index += 1
            continue
        out.write(f"S {index} {case.entry} {index - start} {space >> 20}\n")
        out.flush()
        outcome, what = execute(case, calling)
        out.write(f"R {index} {outcome} {json.dumps(what)}\n")
        out.flush()
        index += 1
    out.write("DONE\n")
    out.flush()


#: Cases per worker process.
RECYCLE = 10_000


def save(case: Case, entry: str, description: str, seed: int | None, index: int | None,
         stderr: str = "", note: str = "") -> pathlib.Path:
    CORPUS.mkdir(exist_ok=True)
    stem = f"{entry}-{signature(entry, description)}"
    pickled = CORPUS / f"{stem}.pickle"
    try:
        pickled.write_bytes(pickle.dumps(case, protocol=4))
    except Exception as e:  # noqa: BLE001
        pickled = CORPUS / f"{stem}.unpicklable"
        pickled.write_text(f"{type(e).__name__}: {e}\n")
    origin = f"seed {seed}, case {index}" if seed is not None else "replay"
    text = [
        f"entry: {entry}",
        f"finding: {description}",
        f"found by: ahb-py/tests/fuzz_python.py run ({origin})",
        f"case: {safe_repr(case, 60)}",
        f"reproduce: python ahb-py/tests/fuzz_python.py replay ahb-py/tests/fuzz_corpus/{stem}.pickle",
    ]
    if note:
        text.append(f"when: {note}")
    if stderr:
        text.append("stderr (tail):")
        text.extend("  " + line for line in stderr.splitlines()[-20:])
    (CORPUS / f"{stem}.txt").write_text("\n".join(text) + "\n")
    return pickled


def run(seconds: float, seed: int, entries: list[str] | None, hang: float, save_findings: bool) -> int:
    """The parent: runs workers until ``seconds`` have passed, restarting one after a crash;
    prints executions per entry point and the findings; returns the exit status."""
    deadline = time.time() + seconds
    counts: dict[str, dict[str, int]] = {}
    findings: dict[str, str] = {}
    generator_errors: list[str] = []
    index = 0
    crashes = 0
    while time.time() < deadline and crashes < 20:
        cmd = [sys.executable, str(pathlib.Path(__file__).resolve()), "worker", "--seed", str(seed),
               "--start", str(index), "--deadline", str(deadline), *(entries or [])]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={**os.environ, **WORKER_ENVIRONMENT})
        assert proc.stdout is not None and proc.stderr is not None
        fds = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
        err_fd = proc.stderr.fileno()
        current: tuple[int, str] | None = None
        history: list[str] = []  # of the current case: the worker's cases before it, its MiB
        in_call = recycled = False
        errors = b""
        last = time.time()
        done = hung = False
        while fds.keys() - {err_fd} or (err_fd in fds and proc.poll() is None):
            ready, _, _ = select.select(list(fds), [], [], 1.0)
            for fd in ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    del fds[fd]
                    continue
                if fd == err_fd:
                    errors = (errors + chunk)[-8000:]
                    continue
                last = time.time()
                buf = fds[fd] + chunk
                *lines, rest = buf.split(b"\n")
                fds[fd] = bytearray(rest)
                for raw in lines:
                    parts = raw.decode("utf-8", "replace").split(" ", 3)
                    if parts[0] == "S":
                        current, in_call = (int(parts[1]), parts[2]), False
                        history = parts[3].split() if len(parts) > 3 else []
                        c = counts.setdefault(parts[2], {})
                        c["runs"] = c.get("runs", 0) + 1
                    elif parts[0] == "C":
                        in_call = True
                    elif parts[0] == "R" and current is not None:
                        c = counts[current[1]]
                        c[parts[2]] = c.get(parts[2], 0) + 1
                        if parts[2] == "finding":
                            record(findings, seed, current[0], current[1], json.loads(parts[3]), save_findings,
                                   note=_history_note(history))
                        index, current = current[0] + 1, None
                    elif parts[0] == "G":
                        what = json.loads(raw.decode("utf-8", "replace").split(" ", 2)[2])
                        generator_errors.append(f"case {parts[1]}: {what}")
                        index = int(parts[1]) + 1
                    elif parts[0] == "DONE":
                        done = True
                    elif parts[0] == "RECYCLE":
                        recycled = True
            if current is not None and time.time() - last > hang:
                hung = True
                proc.kill()
                break
            if time.time() > deadline + max(hang, 30):
                proc.kill()
                break
        proc.wait()
        stderr = errors.decode("utf-8", "replace")
        if done:
            break
        if recycled and current is None:
            continue
        if current is None:
            if time.time() < deadline:
                print(f"the worker stopped between cases (status {proc.returncode}):\n{stderr}", file=sys.stderr)
                return 2
            break
        # The worker died, or hung, inside case `current`.
        crashes += 1
        status = proc.returncode
        kind = (f"hang: no progress for {hang:.0f} s" if hung else
                f"killed by signal {-status}" if status is not None and status < 0 else f"exit status {status}")
        if not in_call:
            # Building the case (pandas, the markers) died or hung: the fuzzer's problem.
            generator_errors.append(f"case {current[0]} ({current[1]}): {kind} while building it")
            index = current[0] + 1
            continue
        c = counts[current[1]]
        c["finding"] = c.get("finding", 0) + 1
        record(findings, seed, current[0], current[1], f"crash ({kind}): the interpreter died", save_findings,
               stderr, _history_note(history))
        index = current[0] + 1
    if save_findings:
        confirm(findings, hang)
    total = sum(c["runs"] for c in counts.values())
    print(f"python fuzz: seed {seed}, {seconds:.0f} s, {total} executions")
    width = max(len(n) for n in ENTRIES)
    for name in ENTRIES:
        if entries and name not in entries:
            continue
        c = counts.get(name, {})
        print(f"  {name:<{width}} {c.get('runs', 0):>8} executions (ok {c.get('ok', 0)}, "
              f"error {c.get('error', 0)}, skipped {c.get('skip', 0)}, findings {c.get('finding', 0)})")
    if generator_errors:
        print(f"{len(generator_errors)} case(s) the generator failed to make (a bug of the fuzzer):")
        for g in generator_errors[:5]:
            print(f"  {g}")
    if findings:
        print(f"{len(findings)} finding(s):")
        for path, what in findings.items():
            print(f"  {path}: {what}")
        return 1
    if total == 0:
        # Nothing was tested: that is a failure of the run, never "no findings".
        print("no case ran: the workers made no executions (see WORKER_ENVIRONMENT)", file=sys.stderr)
        return 2
    print("no findings")
    return 0


def _history_note(history: list[str]) -> str:
    """What the worker had been through before a finding (its ``S`` line)."""
    if len(history) != 2:
        return ""
    return (f"the worker had run {history[0]} cases before this one; its address space was {history[1]} MiB "
            f"(limit {ADDRESS_SPACE >> 20} MiB)")


def record(findings: dict[str, str], seed: int, index: int, entry: str, what: str, save_findings: bool,
           stderr: str = "", note: str = "") -> None:
    """Keeps the first case of each signature: saved to the corpus, or named by seed and index."""
    what = what.encode("utf-8", "backslashreplace").decode("utf-8")  # a lone surrogate may be quoted
    sig = f"{entry}-{signature(entry, what)}"
    if sig in _SEEN:
        return
    _SEEN.add(sig)
    if save_findings:
        path = save(_regenerate(seed, index), entry, what, seed, index, stderr, note)
        key = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        if path.suffix == ".pickle":
            (_CRASHES if what.startswith("crash") else _TO_MINIMISE).append(path)
    else:
        key = f"{sig} (seed {seed}, case {index})"
    findings[key] = what


_SEEN: set[str] = set()
_TO_MINIMISE: list[pathlib.Path] = []
_CRASHES: list[pathlib.Path] = []


def confirm(findings: dict[str, str], hang: float) -> None:
    """Runs each saved finding again alone, in a fresh process: a Python-level one is shrunk
    (``minimise``), a crash replayed. One that does not happen again alone (it needed the state
    the worker's earlier cases left) is renamed ``.unreproduced``, which pytest does not replay,
    and is still reported."""
    me = str(pathlib.Path(__file__).resolve())
    if _TO_MINIMISE:
        subprocess.run([sys.executable, me, "minimise", "--seconds", "10", *map(str, _TO_MINIMISE)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60 + 20 * len(_TO_MINIMISE))
    for path in _CRASHES:
        try:
            proc = subprocess.run([sys.executable, me, "replay", str(path)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, timeout=hang + 30)
            again = proc.returncode not in (0, 1)
        except subprocess.TimeoutExpired:
            again = True
        if not again:
            _unreproduced(path)
    for path in _TO_MINIMISE + _CRASHES:
        if not path.exists():
            key = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
            findings[key] += " (NOT reproduced alone: see the .unreproduced file)"


def _unreproduced(path: pathlib.Path) -> None:
    txt = path.with_suffix(".txt")
    if txt.exists():
        txt.write_text(txt.read_text() + "not reproduced alone: the case gives no finding in a fresh process "
                       "(it needed the state earlier cases left in the worker); kept as .unreproduced, not replayed\n")
    path.rename(path.with_suffix(".unreproduced"))
_ENTRIES_OF_RUN: list[str] | None = None


def _regenerate(seed: int, index: int) -> Case:
    return generate(seed, index, _ENTRIES_OF_RUN)


def replay(paths: list[pathlib.Path]) -> int:
    """Runs saved cases in this process: one JSON line per case (``start`` before it runs, so
    that a crash names it). Exit 1 if any is still a finding."""
    setup_process()
    failed = 0
    for p in paths:
        print(json.dumps({"start": p.name}), flush=True)
        case = pickle.loads(p.read_bytes())
        outcome, what = execute(case)
        print(json.dumps({"file": p.name, "entry": case.entry, "outcome": outcome, "finding": what}), flush=True)
        failed += outcome == "finding"
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    global _ENTRIES_OF_RUN
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="fuzz for --seconds; exit 1 on a finding")
    r.add_argument("--seconds", type=float, default=60)
    r.add_argument("--seed", type=int, default=None)
    r.add_argument("--hang", type=float, default=60, help="seconds without progress that count as a hang")
    r.add_argument("--no-save", action="store_true", help="do not write findings to the corpus")
    r.add_argument("entries", nargs="*", metavar="ENTRY", help=f"entry points (default all): {', '.join(ENTRIES)}")
    w = sub.add_parser("worker")
    w.add_argument("--seed", type=int, required=True)
    w.add_argument("--start", type=int, required=True)
    w.add_argument("--deadline", type=float, required=True)
    w.add_argument("entries", nargs="*")
    p = sub.add_parser("replay", help="run saved cases (pickles) in this process")
    p.add_argument("files", nargs="*", type=pathlib.Path)
    m = sub.add_parser("minimise", help="shrink saved cases in place while they give the same finding")
    m.add_argument("--seconds", type=float, default=10, help="budget per case")
    m.add_argument("files", nargs="+", type=pathlib.Path)
    s = sub.add_parser("show", help="print one generated case")
    s.add_argument("--seed", type=int, required=True)
    s.add_argument("--index", type=int, required=True)
    s.add_argument("entries", nargs="*")
    a = ap.parse_args(argv)
    if a.cmd == "run":
        unknown = set(a.entries) - set(ENTRIES)
        if unknown:
            ap.error(f"unknown entry points {sorted(unknown)}; known: {', '.join(ENTRIES)}")
        seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1, 2**31)
        _ENTRIES_OF_RUN = a.entries or None
        return run(a.seconds, seed, a.entries or None, a.hang, not a.no_save)
    if a.cmd == "worker":
        worker(a.seed, a.start, a.deadline, a.entries or None)
        return 0
    if a.cmd == "minimise":
        setup_process()
        for f in a.files:
            case = pickle.loads(f.read_bytes())
            expected = f.with_suffix(".txt").read_text().split("\n")[1] if f.with_suffix(".txt").exists() else ""
            outcome, what = execute(case)
            if outcome != "finding" or what is None or (
                expected.startswith("finding: ") and signature(case.entry, what)
                != signature(case.entry, expected[len("finding: "):])
            ):
                _unreproduced(f)
                continue
            small = minimise(case, a.seconds)
            if small is not case:
                f.write_bytes(pickle.dumps(small, protocol=4))
            txt = f.with_suffix(".txt")
            if txt.exists():
                lines = [f"case: {safe_repr(small, 60)}" if x.startswith("case: ") else x
                         for x in txt.read_text().splitlines()]
                txt.write_text("\n".join(lines) + "\n")
        return 0
    if a.cmd == "replay":
        files = a.files or sorted(CORPUS.glob("*.pickle"))
        return replay(files)
    print(safe_repr(generate(a.seed, a.index, a.entries or None)))
    return 0


if __name__ == "__main__":
    # Run as the module `fuzz_python` (not `__main__`), so that pickled cases name its classes.
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    import fuzz_python

    sys.exit(fuzz_python.main())
