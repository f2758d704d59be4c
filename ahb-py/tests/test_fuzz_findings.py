"""What the Python fuzz target (tests/fuzz_python.py) found, one regression test each: every
call returns or raises ahb.AhbError, TypeError or ValueError, never PanicException,
OverflowError, RecursionError, KeyError, … (the saved cases are replayed by
tests/test_fuzz_corpus.py)."""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

import pytest

import ahb
from conftest import AS_OF, ROOT

BASE = ROOT / "ahb-core" / "tests" / "bad_inputs" / "base" / "estate.json"


def base_dict() -> dict[str, Any]:
    d: dict[str, Any] = json.loads(BASE.read_text())
    return d


# --- the dict conversion (py_to_json) runs no Python code of the values it reads -------------


class GrowsItsParent(list):  # type: ignore[type-arg]
    """A list whose __iter__ adds a key to the dict that holds it."""

    parent: dict[str, Any] = {}

    def __iter__(self) -> Any:
        self.parent[f"added-{len(self.parent)}"] = 1
        return super().__iter__()


class DateGrowsItsParent(datetime.date):
    parent: dict[str, Any] = {}

    def isoformat(self) -> str:
        self.parent[f"added-{len(self.parent)}"] = 1
        return "1999-01-01"


def test_a_dict_changed_by_its_values_while_converted_is_no_panic() -> None:
    """pyo3 panics ("dictionary changed size during iteration") when a dict changes while it
    is iterated; the conversion now reads a snapshot of the items and calls no __iter__ or
    isoformat, so the values cannot change it."""
    d = base_dict()
    lst = GrowsItsParent(d["licences"])
    lst.parent = d
    d["licences"] = lst
    estate = ahb.Estate.from_dict(d)  # the list's own items, as json reads them
    assert estate.licence_count == 2 and "added-5" not in d

    d = base_dict()
    sa = d["licences"][0]["sa"]
    start = DateGrowsItsParent(2025, 1, 1)
    start.parent = sa
    sa["start"] = start
    assert ahb.Estate.from_dict(d).to_dict()["licences"][0]["sa"]["start"] == datetime.date(2025, 1, 1)

    knobs: dict[str, Any] = {}
    cutoff = DateGrowsItsParent(2023, 12, 1)
    cutoff.parent = knobs
    knobs["hyperscale_cutoff"] = cutoff
    assert ahb.RuleSet("2023-04", **knobs).knobs["hyperscale_cutoff"] == datetime.date(2023, 12, 1)


class LyingYear(datetime.date):
    @property
    def year(self) -> Any:
        return 10**30


class NotIso(datetime.date):
    def isoformat(self) -> str:
        return "the day after tomorrow"


def test_a_date_subclass_is_read_by_its_fields() -> None:
    """A date argument whose `year` attribute lies was an OverflowError; a date value whose
    isoformat is not ISO was a parse error. Both are now read by the date's own fields."""
    estate = ahb.Estate.from_path(BASE)
    assert ahb.audit(estate, as_of=LyingYear(2026, 6, 1)).as_of == datetime.date(2026, 6, 1)
    assert ahb.optimize(estate, as_of=LyingYear(2026, 6, 1)).as_of == datetime.date(2026, 6, 1)
    assert ahb.timeline(estate, from_=LyingYear(2026, 6, 1), to=AS_OF).from_ == datetime.date(2026, 6, 1)
    d = base_dict()
    d["licences"][0]["sa"]["end"] = NotIso(2027, 12, 31)
    assert ahb.Estate.from_dict(d) == estate


class DecimalSub(decimal.Decimal):
    def __str__(self) -> str:
        raise RuntimeError("never called")


class PretendsToBeDecimal:
    def is_finite(self) -> bool:
        raise RuntimeError("never called")


PretendsToBeDecimal.__module__, PretendsToBeDecimal.__name__ = "decimal", "Decimal"


def test_a_decimal_is_read_by_decimal_itself() -> None:
    """A class named decimal.Decimal was trusted by its name (its methods then ran); a Decimal
    subclass is now read by Decimal's own methods, and a pretender is a TypeError."""
    d = base_dict()
    d["resources"][0]["prices"]["payg_per_hour"] = DecimalSub("0.376")
    assert ahb.Estate.from_dict(d) == ahb.Estate.from_path(BASE)
    d["resources"][0]["prices"]["payg_per_hour"] = PretendsToBeDecimal()
    with pytest.raises(TypeError, match=r"`resources\[0\]\.prices\.payg_per_hour`"):
        ahb.Estate.from_dict(d)
    d["resources"][0]["prices"]["payg_per_hour"] = DecimalSub("NaN")
    with pytest.raises(ValueError, match="Decimal NaN is not a finite amount"):
        ahb.Estate.from_dict(d)


def test_a_lone_surrogate_is_a_value_error_naming_the_path() -> None:
    d = base_dict()
    d["resources"][0]["name"] = "vm\ud800"
    with pytest.raises(ValueError, match=r"`resources\[0\]\.name`.*lone surrogate"):
        ahb.Estate.from_dict(d)
    d = base_dict()
    d["resources"][0]["\ud800"] = 1
    with pytest.raises(ValueError, match="lone surrogate"):
        ahb.Estate.from_dict(d)


# --- amounts and option values (ahb/_inputs.py) ----------------------------------------------


class ItemIsItself:
    """numpy-like: has item(), which returns itself."""

    def item(self) -> Any:
        return self


class FloatWithOddRepr(float):
    def __repr__(self) -> str:
        return "not a float"


def test_an_amount_is_unwrapped_through_item_once() -> None:
    """money() followed item() for as long as there was one: RecursionError."""
    estate = ahb.Estate.from_path(BASE)
    usage = ahb.Usage.from_csv("resource,hour,vcores\ndb1,2026-01-01T00:00:00,4\n")
    with pytest.raises(TypeError, match="sql_enterprise_per_core_year is an amount"):
        ahb.best_assignment(estate, usage, "sub", sql_enterprise_per_core_year=ItemIsItself())
    with pytest.raises(TypeError, match="is an amount"):
        ahb.optimize(estate, as_of=AS_OF, licence_prices_per_year={"sles": ItemIsItself()})
    import numpy as np

    plan = ahb.optimize(estate, as_of=AS_OF, change_penalty_per_month=np.float64(2.5))
    assert plan.to_dict()["options"]["change_penalty_per_month"] == decimal.Decimal("2.5")


def test_a_float_subclass_is_read_by_float_repr() -> None:
    """Decimal(repr(x)) of a float subclass with its own __repr__ was decimal.InvalidOperation."""
    estate = ahb.Estate.from_path(BASE)
    plan = ahb.optimize(estate, as_of=AS_OF, change_penalty_per_month=FloatWithOddRepr(10.1))
    assert plan.to_dict()["options"]["change_penalty_per_month"] == decimal.Decimal("10.1")


class GrowsItsParentDict(list):  # type: ignore[type-arg]
    parent: dict[str, Any] = {}

    def __iter__(self) -> Any:
        self.parent[f"added-{len(self.parent)}"] = 1
        return super().__iter__()


def test_an_option_changed_by_its_values_while_read_is_no_runtime_error() -> None:
    """_amounts iterated a dict whose values' __iter__ changed it: RuntimeError."""
    estate = ahb.Estate.from_path(BASE)
    reserve: dict[str, Any] = {}
    pins = GrowsItsParentDict(["vm1"])
    pins.parent = reserve
    reserve["windows_server"] = 0
    reserve["x"] = pins
    with pytest.raises(ahb.OptionError):
        ahb.optimize(estate, as_of=AS_OF, reserve=reserve)


# --- frames (ahb/frames.py) ------------------------------------------------------------------

USAGE_ROWS = {
    "resource": ["db1", "db1"],
    "hour": ["2026-01-01T00:00:00", "2026-01-01T01:00:00"],
    "vcores": [4, 2],
}


def test_a_usage_frame_without_a_column_names_it() -> None:
    """A missing column was a KeyError; duplicate columns an AttributeError."""
    import pandas as pd

    for column in USAGE_ROWS:
        df = pd.DataFrame({k: v for k, v in USAGE_ROWS.items() if k != column})
        with pytest.raises(ValueError, match=f"no '{column}' column"):
            ahb.usage_from_frame(df)
    df = pd.concat([pd.DataFrame(USAGE_ROWS), pd.DataFrame({"vcores": [1, 1]})], axis=1)
    with pytest.raises(ValueError, match="duplicate column names"):
        ahb.usage_from_frame(df)


@pytest.mark.parametrize(
    ("vcores", "dtype", "message"),
    [
        ([4, 2**64], "object", "row 1 is 18446744073709551616, too large"),  # was OverflowError
        ([4, 2**64 - 1], "uint64", "row 1 is too large"),  # was wrapped to -1
        ([4.0, 2.5], "float64", "row 1 is 2.5, not a whole number"),  # was truncated to 2
        ([4.0, float("nan")], "float64", "row 1 is missing"),
        ([4, None], "Int64", "row 1 is missing"),
        ([4, decimal.Decimal("2.5")], "object", "row 1 is 2.5, not a whole number"),
        ([4, "two"], "object", "row 1 is 'two', not a whole number"),
    ],
)
def test_usage_vcores_must_be_whole_numbers(vcores: list[Any], dtype: str, message: str) -> None:
    import pandas as pd

    df = pd.DataFrame({**USAGE_ROWS, "vcores": pd.Series(vcores, dtype=dtype)})
    with pytest.raises(ValueError, match=f"vcores: {message}"):
        ahb.usage_from_frame(df)


def test_usage_vcores_that_are_whole_read_as_before() -> None:
    import pandas as pd

    for vcores, dtype in (([4, 2], "int64"), ([4.0, 2.0], "float64"), ([4, "2"], "object"), ([4, 2], "Int64")):
        usage = ahb.usage_from_frame(pd.DataFrame({**USAGE_ROWS, "vcores": pd.Series(vcores, dtype=dtype)}))
        assert (len(usage), usage.hours) == (2, 2)


def test_a_usage_hour_that_is_missing_or_out_of_range_names_its_row() -> None:
    """A missing hour was an OSError (the first row) or a wrong hour (the others)."""
    import numpy as np
    import pandas as pd

    for hours in (["2026-01-01T00:00:00", None], [None, "2026-01-01T00:00:00"]):
        df = pd.DataFrame({**USAGE_ROWS, "hour": hours})
        with pytest.raises(ValueError, match="hour: row [01] has no hour"):
            ahb.usage_from_frame(df)
    far = np.array(["2026-01-01T00:00:00", "12026-01-01T00:00:00"], dtype="datetime64[s]")
    with pytest.raises(ValueError, match="hour: row 1 is outside the years 1-9999"):
        ahb.usage_from_frame(pd.DataFrame({**USAGE_ROWS, "hour": far}))
    utc = pd.to_datetime(pd.Series(USAGE_ROWS["hour"])).dt.tz_localize("UTC")
    assert ahb.usage_from_frame(pd.DataFrame({**USAGE_ROWS, "hour": utc})).start == datetime.datetime(2026, 1, 1)


def test_a_frame_cell_pandas_cannot_compare_is_a_value_error() -> None:
    """Decimal('sNaN') makes pandas' isna raise decimal.InvalidOperation."""
    import pandas as pd

    frames = ahb.Estate.from_path(BASE).to_pandas()
    resources = frames["resources"].astype({"vcpus": object})
    resources.loc[0, "vcpus"] = decimal.Decimal("sNaN")
    with pytest.raises(ValueError, match="column 'vcpus'"):
        ahb.estate_from_frames(resources=resources, licences=frames["licences"], scopes=frames["scopes"])
    with pytest.raises(ValueError, match="a value pandas cannot read"):
        ahb.usage_from_frame(pd.DataFrame({**USAGE_ROWS, "vcores": [4, decimal.Decimal("sNaN")]}))


class DataFrame:
    """Not pandas (polars' class has this name too)."""

    columns = ["id", "kind"]


def test_a_dataframe_that_is_not_pandas_is_a_type_error() -> None:
    """A class named DataFrame was taken for pandas': AttributeError ('list' object has no
    attribute 'is_unique')."""
    with pytest.raises(TypeError, match="expected a pandas DataFrame or None, not test_fuzz_findings.DataFrame"):
        ahb.load(DataFrame())
    with pytest.raises(TypeError, match="expected a pandas DataFrame"):
        ahb.estate_from_frames(resources=DataFrame())


def test_an_input_pair_holds_str_or_bytes() -> None:
    """The text of a (name, text) pair was read as any sequence of small ints: a huge int was
    an OverflowError. It is a str, bytes or bytearray; anything else is a TypeError."""
    text = (ROOT / "ahb-core" / "tests" / "bad_inputs" / "cost" / "two_hours.csv").read_bytes()
    assert ahb.cost_usage_from_csv(("cost.csv", bytearray(text))) == ahb.cost_usage_from_csv(("cost.csv", text))
    for data in ([10**40], [256], [104, 105]):
        with pytest.raises(TypeError, match='the text of input "cost.csv" is a str or bytes, not list'):
            ahb.cost_usage_from_csv(("cost.csv", data))
        with pytest.raises(TypeError, match="is a str or bytes"):
            ahb.import_estate(licences=[("cost.csv", data)])


def test_a_frame_cell_that_cannot_convert_names_its_column() -> None:
    """Found reading the fuzz target's errors: a frame cell that cannot be converted was
    reported 'at the top level'."""
    frames = ahb.Estate.from_path(BASE).to_pandas()
    resources = frames["resources"].astype({"os": object})
    resources.loc[0, "os"] = b"windows"
    with pytest.raises(TypeError, match="at `os`: cannot convert bytes"):
        ahb.estate_from_frames(resources=resources, licences=frames["licences"], scopes=frames["scopes"])
    resources.loc[0, "os"] = 10**30
    with pytest.raises(ValueError, match="at `os`: integer 1000000000000000000000000000000 is too large"):
        ahb.estate_from_frames(resources=resources, licences=frames["licences"], scopes=frames["scopes"])


def deep_tuple(depth: int) -> Any:
    t: Any = None
    for _ in range(depth):
        t = (t,)
    return t


def test_a_frame_cell_is_unwrapped_through_item_once() -> None:
    """_scalar followed item() for as long as there was one: RecursionError."""
    frames = ahb.Estate.from_path(BASE).to_pandas()
    resources = frames["resources"].astype({"os": object})
    resources.loc[0, "os"] = ItemIsItself()
    with pytest.raises(TypeError, match="at `os`: cannot convert ItemIsItself"):
        ahb.estate_from_frames(resources=resources, licences=frames["licences"], scopes=frames["scopes"])


def test_a_frame_cell_nested_too_deep_is_a_value_error() -> None:
    """pandas' factorize can fail on a tuple nested 100,000 deep with a RecursionError (seen in
    its repr), or overflow the C stack hashing it; the depth is now bounded before pandas sees
    the column: a ValueError naming the column."""
    import pandas as pd

    frames = ahb.Estate.from_path(BASE).to_pandas()
    resources = frames["resources"]
    resources["os"] = pd.Series([deep_tuple(100_000)] + [None] * (len(resources) - 1), dtype=object)
    with pytest.raises(ValueError, match="os"):  # pandas' RecursionError, or the depth bound
        ahb.estate_from_frames(resources=resources, licences=frames["licences"], scopes=frames["scopes"])


def test_a_usage_resource_id_is_a_str() -> None:
    """The ids were str() of every distinct resource value: a tuple nested 100,000 deep was a
    RecursionError, a tuple or bytes became an id ("('db1',)", "b'db1'")."""
    import pandas as pd

    for bad in (("db1",), b"db1"):
        df = pd.DataFrame({**USAGE_ROWS, "resource": pd.Series(["db1", bad], dtype=object)})
        with pytest.raises(TypeError, match=f"a resource id is a str, not {type(bad).__name__}"):
            ahb.usage_from_frame(df)
    # nested past ahb's bound: refused before pandas hashes it (see tests/test_deep_values.py)
    df = pd.DataFrame({**USAGE_ROWS, "resource": pd.Series(["db1", deep_tuple(100_000)], dtype=object)})
    with pytest.raises(ValueError, match="resource: row 1 is nested deeper than 64 levels"):
        ahb.usage_from_frame(df)
