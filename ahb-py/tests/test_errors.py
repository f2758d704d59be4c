"""The AhbError hierarchy: classes, codes and locations from the core; TypeError for wrong
Python types."""

from __future__ import annotations

import copy
import datetime
import json
import re
from typing import Any

import pytest

import ahb
from conftest import AS_OF, ROOT

CLASSES: dict[int, type[ahb.AhbError]] = {
    1: ahb.ParseError,
    2: ahb.ValidationError,
    3: ahb.MissingFieldError,
    4: ahb.UnknownVariantError,
    5: ahb.DuplicateIdError,
    6: ahb.UnknownReferenceError,
    7: ahb.UnsupportedSchemaError,
    8: ahb.AhbIOError,
    9: ahb.OptionError,
}


def test_codes_match_the_c_header() -> None:
    """Python and C report the same numbers: every AHB_STATUS below 1000 is an ErrorCode."""
    header = (ROOT / "include" / "ahb.h").read_text()
    statuses = {int(v): n for n, v in re.findall(r"#define AHB_STATUS_([A-Z0-9_]+) (\d+)", header)}
    core = {v: n for v, n in statuses.items() if 0 < v < 1000}
    assert sorted(core) == sorted(CLASSES)
    for code, cls in CLASSES.items():
        assert cls.code == code
        assert issubclass(cls, ahb.AhbError)


def estate(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "schema": "ahb.estate/1",
        "scopes": [{"id": "sub", "kind": "subscription"}],
        "licences": [{"id": "ws", "product": "windows_server", "edition": "datacenter",
                      "metric": "core", "quantity": 16, "programme": "ea",
                      "sa": {"start": "2025-01-01", "end": "2027-12-31"}}],
        "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,
                       "license_type": "Windows_Server", "scope": "sub"}],
    }
    base.update(changes)
    return copy.deepcopy(base)


def test_parse_error_has_line_and_column() -> None:
    with pytest.raises(ahb.ParseError) as e:
        ahb.Estate.from_json('{\n  "schema": "ahb.estate/1",\n  "resources": [,]\n}')
    err = e.value
    assert (err.code, err.code_name, err.line, err.column) == (1, "parse", 3, 17)
    assert err.message and "line 3" in str(err)
    assert err.field is None and err.record_id is None


def test_validation_error_has_record_and_field() -> None:
    d = estate()
    d["resources"][0]["vcpus"] = 0
    with pytest.raises(ahb.ValidationError) as e:
        ahb.Estate.from_dict(d)
    err = e.value
    assert type(err) is ahb.ValidationError
    assert (err.code, err.collection, err.index, err.record_id, err.field) == (
        2, "resources", 0, "vm1", "vcpus")


@pytest.mark.parametrize(
    ("mutate", "cls", "field"),
    [
        (lambda d: d["resources"][0].pop("os"), ahb.MissingFieldError, "os"),
        (lambda d: d["resources"][0].update(os="beos"), ahb.UnknownVariantError, None),
        (lambda d: d["licences"][0].update(programme="x"), ahb.UnknownVariantError, "programme"),
        (lambda d: d["resources"].append(dict(d["resources"][0])), ahb.DuplicateIdError, None),
        (lambda d: d["resources"][0].update(scope="elsewhere"), ahb.UnknownReferenceError, "scope"),
        (lambda d: d.update(schema="ahb.estate/9"), ahb.UnsupportedSchemaError, None),
    ],
)
def test_each_code_has_its_class(mutate: Any, cls: type[ahb.AhbError], field: str | None) -> None:
    d = estate()
    mutate(d)
    with pytest.raises(cls) as e:
        ahb.Estate.from_dict(d)
    assert type(e.value) is cls
    assert e.value.code == cls.code
    if field is not None:
        assert e.value.field == field


def test_io_error_names_the_file() -> None:
    with pytest.raises(ahb.AhbIOError) as e:
        ahb.Estate.from_path("/no/such/estate.json")
    assert e.value.file == "/no/such/estate.json" and e.value.code == 8


def test_option_errors() -> None:
    e = ahb.Estate.from_dict(estate())
    with pytest.raises(ahb.OptionError) as err:
        ahb.optimize(e, as_of=AS_OF, objective="cheapest")
    assert err.value.field == "objective"
    with pytest.raises(ahb.OptionError) as err:
        ahb.optimize(e, as_of=AS_OF, no_such_option=1)
    with pytest.raises(ahb.OptionError) as err:
        ahb.optimize(e, as_of=AS_OF, pin=["ghost"])
    assert err.value.field == "pin[0]"
    with pytest.raises(ahb.OptionError) as err:
        ahb.RuleSet(display_pack_size="two")
    assert err.value.field is not None and "display_pack_size" in err.value.field
    with pytest.raises(ahb.OptionError):
        ahb.RuleSet(no_such_knob=True)
    with pytest.raises(ahb.OptionError):
        ahb.RuleSet("1999-01")


def test_wrong_python_types_raise_type_error(sample: ahb.Estate) -> None:
    with pytest.raises(TypeError):
        ahb.audit(42, as_of=AS_OF)
    with pytest.raises(TypeError):
        ahb.audit(sample, 2023, as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ahb.audit(sample, as_of=20261125)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ahb.Estate.from_json(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ahb.Estate.from_dict([1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ahb.Estate.from_dict({"schema": "ahb.estate/1", "resources": [object()]})
    with pytest.raises(TypeError):
        ahb.RuleSet(display_pack_size=object())
    with pytest.raises(TypeError):
        ahb.load(3.5)
    with pytest.raises(ValueError):
        ahb.audit(sample, as_of="25/11/2026")


def test_errors_are_catchable_as_ahb_error() -> None:
    for bad in ("{", json.dumps(estate(schema="x"))):
        with pytest.raises(ahb.AhbError):
            ahb.Estate.from_json(bad)


def test_datetime_as_of_is_cut_to_its_date(sample: ahb.Estate) -> None:
    p = ahb.audit(sample, as_of=datetime.datetime(2026, 11, 25, 23, 59))
    assert p.as_of == AS_OF
