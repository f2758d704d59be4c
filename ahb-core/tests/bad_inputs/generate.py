#!/usr/bin/env python3
"""Writes the bad-input catalogue: one file per bad input under <entry>/, and manifest.tsv with
the error each must give. Run from this folder (`python3 generate.py`); the files are committed,
so the tests never run this script.

manifest.tsv columns: file, code, field, line, record, python
  code    the ahb ErrorCode name (snake_case)
  field   Location.field, `-` when the error has none
  line    Location.line, `-` when none, `*` when not checked
  record  `collection[index]` of Location.record, `-` when none
  python  `same`: the Python API must raise an AhbError with the same code and field;
          `clean`: the Python API takes no such text (e.g. options are a dict), so it must only
          fail cleanly (an Exception, no crash).
"""

import copy
import json
import os

ROWS = []


def base_estate():
    return {
        "schema": "ahb.estate/1",
        "scopes": [
            {"id": "sub", "kind": "subscription"},
            {"id": "sub/rg", "kind": "resource_group", "parent": "sub"},
        ],
        "licences": [
            {"id": "ws", "product": "windows_server", "edition": "datacenter", "metric": "core",
             "quantity": 64, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2027-12-31"}},
            {"id": "sql", "product": "sql_server", "edition": "enterprise", "metric": "core",
             "quantity": 16, "programme": "ea", "sa": {"start": "2025-01-01", "end": "2027-12-31"}},
        ],
        "resources": [
            {"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4, "scope": "sub/rg",
             "license_type": "Windows_Server",
             "prices": {"payg_per_hour": "0.376", "ahb_per_hour": "0.192", "currency": "USD"}},
            {"id": "db1", "kind": "sql_database", "tier": "general_purpose", "vcores": 4,
             "scope": "sub", "license_type": "LicenseIncluded"},
            {"id": "ss1", "kind": "scale_set", "os": "windows", "vcpus": 2, "instances": 3,
             "scope": "sub"},
            {"id": "host1", "kind": "dedicated_host", "physical_cores": 64, "scope": "sub"},
        ],
        "central_assignments": [
            {"id": "ca1", "scope": "sub", "edition": "standard", "cores": 8,
             "start": "2025-01-01"},
        ],
    }


def add(entry, name, text, code, field="-", line="-", record="-", python="same"):
    os.makedirs(entry, exist_ok=True)
    path = f"{entry}/{name}"
    data = text.encode() if isinstance(text, str) else text
    with open(path, "wb") as f:
        f.write(data)
    ROWS.append((path, code, field, str(line), record, python))


def estate_case(name, mutate, code, field="-", line="-", record="-", python="same"):
    e = base_estate()
    mutate(e)
    add("estate", name + ".json", json.dumps(e, indent=1), code, field, line, record, python)


def setter(path, value):
    def f(e):
        cur = e
        for k in path[:-1]:
            cur = cur[k]
        cur[path[-1]] = value
    return f


def deleter(path):
    def f(e):
        cur = e
        for k in path[:-1]:
            cur = cur[k]
        del cur[path[-1]]
    return f


def write_base():
    os.makedirs("base", exist_ok=True)
    with open("base/estate.json", "w") as f:
        json.dump(base_estate(), f, indent=1)
        f.write("\n")


def estates():
    R0, R1, R2, R3 = "resources[0]", "resources[1]", "resources[2]", "resources[3]"
    L0 = "licences[0]"
    # Syntax.
    good = json.dumps(base_estate(), indent=1)
    add("estate", "empty.json", "", "parse", line=1)
    add("estate", "whitespace.json", "  \n\n", "parse", line=3)
    add("estate", "truncated.json", good[: len(good) // 2], "parse", line="*")
    add("estate", "trailing_garbage.json", good + "\nx", "parse", line="*")
    add("estate", "trailing_comma.json", '{"schema": "ahb.estate/1", "resources": [],}', "parse", line=1)
    add("estate", "single_quotes.json", "{'schema': 'ahb.estate/1'}", "parse", line=1)
    add("estate", "comment.json", '// estate\n{"schema": "ahb.estate/1"}', "parse", line=1)
    add("estate", "nan.json", '{"schema": "ahb.estate/1", "x": NaN}', "parse", line=1)
    add("estate", "not_utf8.json", b'{"schema": "ahb.estate/1", "scopes": [{"id": "\xff", "kind": "subscription"}]}', "parse", line=1)
    add("estate", "utf16.json", '{"schema": "ahb.estate/1"}'.encode("utf-16"), "parse", line=1)
    # The streaming loader skips what it does not read without recursing: deep nesting in an
    # unknown member or in a top level that is not an object cannot exhaust the stack.
    add("estate", "nested_deep.json", "[" * 5000 + "]" * 5000, "invalid_value")
    add("estate", "nested_deep_objects.json", '{"a":' * 3000 + "1" + "}" * 3000, "missing_field", field="schema")
    add("estate", "unterminated_string.json", '{"schema": "ahb.estate/1', "parse", line=1)
    add("estate", "control_char.json", '{"schema": "ahb.estate\x01/1"}', "parse", line=1)
    add("estate", "bad_escape.json", '{"schema": "ahb\\q"}', "parse", line=1)
    add("estate", "lone_surrogate.json", '{"schema": "\\ud800"}', "parse", line=1)
    add("estate", "duplicate_top_key.json",
        '{"schema": "ahb.estate/1",\n "resources": [],\n "resources": []}', "parse", line=3)
    add("estate", "duplicate_resource_key.json",
        '{"schema": "ahb.estate/1", "resources": [\n{"id": "vm1", "kind": "vm", "os": "windows",\n'
        ' "vcpus": 4, "vcpus": 400}]}', "parse", line=3)
    add("estate", "duplicate_price_key.json",
        '{"schema": "ahb.estate/1", "resources": [{"id": "vm1", "kind": "vm", "os": "windows", "vcpus": 4,\n'
        ' "prices": {"payg_per_hour": "1", "payg_per_hour": "2", "ahb_per_hour": "0.5"}}]}', "parse", line=2)
    # Shape and schema.
    add("estate", "array_top.json", "[]", "invalid_value")
    add("estate", "string_top.json", '"ahb.estate/1"', "invalid_value")
    add("estate", "null_top.json", "null", "invalid_value")
    estate_case("no_schema", deleter(["schema"]), "missing_field", "schema")
    estate_case("schema_v2", setter(["schema"], "ahb.estate/2"), "unsupported_schema")
    estate_case("schema_number", setter(["schema"], 1), "unsupported_schema")
    estate_case("unknown_top_field", setter(["resource"], []), "invalid_value", "resource")
    estate_case("resources_object", setter(["resources"], {}), "invalid_value", "resources")
    estate_case("licences_string", setter(["licences"], "ws"), "invalid_value", "licences")
    estate_case("resource_not_object", setter(["resources", 1], 5), "invalid_value", "-", record=R1)
    # Ids.
    estate_case("duplicate_resource_id", setter(["resources", 1, "id"], "vm1"), "duplicate_id", "id", record=R1)
    estate_case("case_only_resource_id", setter(["resources", 1, "id"], "VM1"), "duplicate_id", "id", record=R1)
    estate_case("case_only_licence_id", setter(["licences", 1, "id"], "WS"), "duplicate_id", "id", record="licences[1]")
    estate_case("case_only_scope_id",
                lambda e: e["scopes"].append({"id": "SUB", "kind": "subscription"}),
                "duplicate_id", "id", record="scopes[2]")
    # One field under its two spellings (licence/license): an error naming it, never one winning.
    estate_case("licences_under_both_spellings", setter(["licenses"], []), "invalid_value", "licences")
    estate_case("license_type_under_both_spellings", setter(["resources", 0, "licence_type"], "None"),
                "invalid_value", "license_type", record=R0)
    estate_case("empty_resource_id", setter(["resources", 0, "id"], ""), "invalid_value", "id", record=R0)
    estate_case("blank_licence_id", setter(["licences", 0, "id"], "   "), "invalid_value", "id", record=L0)
    estate_case("resource_id_number", setter(["resources", 0, "id"], 7), "invalid_value", "id", record=R0)
    estate_case("missing_resource_id", deleter(["resources", 0, "id"]), "missing_field", "id", record=R0)
    # References.
    estate_case("unknown_scope", setter(["resources", 0, "scope"], "nope"), "unknown_reference", "scope", record=R0)
    estate_case("unknown_parent", setter(["scopes", 1, "parent"], "nope"), "unknown_reference", "parent", record="scopes[1]")
    estate_case("scope_cycle", setter(["scopes", 0, "parent"], "sub/rg"), "invalid_value", "parent", record="scopes[0]")
    estate_case("self_parent", setter(["scopes", 0, "parent"], "sub"), "invalid_value", "parent", record="scopes[0]")
    estate_case("unknown_host", setter(["resources", 0, "host"], "nohost"), "unknown_reference", "host", record=R0)
    estate_case("host_is_vm", setter(["resources", 0, "host"], "vm1"), "unknown_reference", "host", record=R0)
    estate_case("licence_unknown_scope", setter(["licences", 0, "scope"], "x"), "unknown_reference", "scope", record=L0)
    estate_case("assignment_unknown_scope", setter(["central_assignments", 0, "scope"], "x"),
                "unknown_reference", "scope", record="central_assignments[0]")
    # Kind-specific fields: the field is named.
    estate_case("vcpus_string", setter(["resources", 0, "vcpus"], "four"), "invalid_value", "vcpus", record=R0)
    estate_case("vcpus_negative", setter(["resources", 0, "vcpus"], -4), "invalid_value", "vcpus", record=R0)
    estate_case("vcpus_float", setter(["resources", 0, "vcpus"], 4.5), "invalid_value", "vcpus", record=R0)
    estate_case("vcpus_huge", setter(["resources", 0, "vcpus"], 2**40), "invalid_value", "vcpus", record=R0)
    estate_case("vcpus_zero", setter(["resources", 0, "vcpus"], 0), "invalid_value", "vcpus", record=R0)
    estate_case("vcpus_implausible", setter(["resources", 0, "vcpus"], 100000), "invalid_value", "vcpus", record=R0)
    estate_case("vcpus_null", setter(["resources", 0, "vcpus"], None), "invalid_value", "vcpus", record=R0)
    estate_case("vcpus_missing", deleter(["resources", 0, "vcpus"]), "missing_field", "vcpus", record=R0)
    estate_case("os_unknown", setter(["resources", 0, "os"], "beos"), "unknown_variant", "os", record=R0)
    estate_case("os_number", setter(["resources", 0, "os"], 3), "invalid_value", "os", record=R0)
    estate_case("os_missing", deleter(["resources", 0, "os"]), "missing_field", "os", record=R0)
    estate_case("license_type_unknown", setter(["resources", 0, "license_type"], "windows_server"),
                "unknown_variant", "license_type", record=R0)
    estate_case("license_type_number", setter(["resources", 0, "license_type"], 1),
                "invalid_value", "license_type", record=R0)
    estate_case("license_type_list", setter(["resources", 0, "license_type"], ["Windows_Server"]),
                "invalid_value", "license_type", record=R0)
    estate_case("unknown_vm_field", setter(["resources", 0, "cores"], 4), "invalid_value", "cores", record=R0)
    estate_case("kind_unknown", setter(["resources", 0, "kind"], "mainframe"), "unknown_variant", "kind", record=R0)
    estate_case("kind_number", setter(["resources", 0, "kind"], 5), "invalid_value", "kind", record=R0)
    estate_case("kind_missing", deleter(["resources", 0, "kind"]), "missing_field", "kind", record=R0)
    estate_case("active_above_vcpus", setter(["resources", 0, "active_vcpus"], 8), "invalid_value", "active_vcpus", record=R0)
    estate_case("instances_zero", setter(["resources", 2, "instances"], 0), "invalid_value", "instances", record=R2)
    estate_case("instances_huge", setter(["resources", 2, "instances"], 10**9), "invalid_value", "instances", record=R2)
    estate_case("instances_string", setter(["resources", 2, "instances"], "3"), "invalid_value", "instances", record=R2)
    estate_case("physical_cores_zero", setter(["resources", 3, "physical_cores"], 0), "invalid_value", "physical_cores", record=R3)
    estate_case("tier_unknown", setter(["resources", 1, "tier"], "turbo"), "unknown_variant", "tier", record=R1)
    estate_case("vcore_tier_without_vcores", deleter(["resources", 1, "vcores"]), "missing_field", "vcores", record=R1)
    estate_case("dtu_on_vcore_tier", setter(["resources", 1, "dtu"], 100), "invalid_value", "dtu", record=R1)
    estate_case("vcores_string", setter(["resources", 1, "vcores"], "4"), "invalid_value", "vcores", record=R1)
    estate_case("created_not_date", setter(["resources", 1, "created"], "yesterday"), "invalid_value", "created", record=R1)
    estate_case("paas_license_type_vm_string", setter(["resources", 1, "license_type"], "Windows_Server"),
                "unknown_variant", "license_type", record=R1)
    # Prices and hours.
    for name, value in [("price_1e19", "10000000000000000000"), ("price_decimal_max", "79228162514264337593543950335"),
                        ("price_1e23_sci", "1e23"), ("price_underscore", "1_000"), ("price_comma", "1,5"),
                        ("price_currency_sign", "$1"), ("price_nan", "NaN"), ("price_empty", ""),
                        ("price_sub_micro", "0.0000004"), ("price_negative", "-1"), ("price_sci_overflow", "1e99999"),
                        ("price_inf", "inf")]:
        code = "invalid_value"
        estate_case(name, setter(["resources", 0, "prices", "payg_per_hour"], value), code,
                    "prices.payg_per_hour", record=R0)
    estate_case("price_number", setter(["resources", 0, "prices", "payg_per_hour"], 0.376), "invalid_value",
                "prices.payg_per_hour", record=R0)
    estate_case("ahb_above_payg", setter(["resources", 0, "prices", "ahb_per_hour"], "0.5"), "invalid_value",
                "prices.ahb_per_hour", record=R0)
    estate_case("ahb_price_missing", deleter(["resources", 0, "prices", "ahb_per_hour"]), "missing_field",
                "prices.ahb_per_hour", record=R0)
    estate_case("prices_unknown_field", setter(["resources", 0, "prices", "vat"], "1"), "invalid_value",
                "prices.vat", record=R0)
    estate_case("host_sql_price_huge",
                setter(["resources", 3, "sql_prices"], {"payg_per_hour": "1e20", "ahb_per_hour": "0"}),
                "invalid_value", "sql_prices.payg_per_hour", record=R3)
    estate_case("hours_per_month_1000", setter(["resources", 0, "hours_per_month"], "1000"), "invalid_value",
                "hours_per_month", record=R0)
    estate_case("hours_per_month_negative", setter(["resources", 0, "hours_per_month"], "-1"), "invalid_value",
                "hours_per_month", record=R0)
    estate_case("hours_per_month_huge", setter(["resources", 0, "hours_per_month"], "1e30"), "invalid_value",
                "hours_per_month", record=R0)
    estate_case("running_string", setter(["resources", 0, "running"], "yes"), "invalid_value", "running", record=R0)
    # Licences.
    estate_case("quantity_zero", setter(["licences", 0, "quantity"], 0), "invalid_value", "quantity", record=L0)
    estate_case("quantity_negative", setter(["licences", 0, "quantity"], -16), "invalid_value", "quantity", record=L0)
    estate_case("quantity_huge", setter(["licences", 0, "quantity"], 10**12), "invalid_value", "quantity", record=L0)
    estate_case("quantity_u64_overflow", setter(["licences", 0, "quantity"], 10**30), "invalid_value", "quantity", record=L0)
    estate_case("quantity_string", setter(["licences", 0, "quantity"], "16"), "invalid_value", "quantity", record=L0)
    estate_case("quantity_missing", deleter(["licences", 0, "quantity"]), "missing_field", "quantity", record=L0)
    estate_case("product_unknown", setter(["licences", 0, "product"], "windows_nt"), "unknown_variant", "product", record=L0)
    estate_case("edition_of_other_product", setter(["licences", 0, "edition"], "enterprise"), "invalid_value",
                "edition", record=L0)
    estate_case("edition_missing", deleter(["licences", 0, "edition"]), "missing_field", "edition", record=L0)
    estate_case("metric_of_other_product", setter(["licences", 0, "metric"], "subscription"), "invalid_value",
                "metric", record=L0)
    estate_case("sa_end_before_start", setter(["licences", 0, "sa"], {"start": "2027-01-01", "end": "2026-01-01"}),
                "invalid_value", "sa.end", record=L0)
    estate_case("sa_date_invalid", setter(["licences", 0, "sa"], {"start": "2025-02-30", "end": "2026-01-01"}),
                "invalid_value", "sa.start", record=L0)
    estate_case("sa_date_year_huge", setter(["licences", 0, "sa"], {"start": "2025-01-01", "end": "999999-01-01"}),
                "invalid_value", "sa.end", record=L0)
    estate_case("sa_end_year_9999", setter(["licences", 0, "sa"], {"start": "2025-01-01", "end": "9999-12-31"}),
                "invalid_value", "sa.end", record=L0)
    estate_case("sa_start_year_0001", setter(["licences", 0, "sa"], {"start": "0001-01-01", "end": "2027-12-31"}),
                "invalid_value", "sa.start", record=L0)
    estate_case("migration_start_year_1800", setter(["licences", 0, "migration_start"], "1800-06-01"),
                "invalid_value", "migration_start", record=L0)
    estate_case("on_premises_above_quantity", setter(["licences", 0, "on_premises_in_use"], 65), "invalid_value",
                "on_premises_in_use", record=L0)
    estate_case("unit_on_windows", setter(["licences", 0, "unit"], "vm"), "invalid_value", "unit", record=L0)
    estate_case("programme_number", setter(["licences", 0, "programme"], 4), "invalid_value",
                "programme", record=L0)
    estate_case("licence_unknown_field", setter(["licences", 0, "qty"], 1), "invalid_value", "qty", record=L0)
    # Central assignments.
    CA = "central_assignments[0]"
    estate_case("assignment_cores_zero", setter(["central_assignments", 0, "cores"], 0), "invalid_value", "cores", record=CA)
    estate_case("assignment_cores_huge", setter(["central_assignments", 0, "cores"], 10**10), "invalid_value", "cores", record=CA)
    estate_case("assignment_datacenter", setter(["central_assignments", 0, "edition"], "datacenter"),
                "invalid_value", "edition", record=CA)
    estate_case("assignment_review_before_start", setter(["central_assignments", 0, "review_date"], "2024-01-01"),
                "invalid_value", "review_date", record=CA)
    estate_case("assignment_start_year_0001", setter(["central_assignments", 0, "start"], "0001-01-01"),
                "invalid_value", "start", record=CA)
    estate_case("assignment_duplicate_id",
                lambda e: e["central_assignments"].append(dict(e["central_assignments"][0])),
                "duplicate_id", "id", record="central_assignments[1]")
    estate_case("azure_local_no_nodes",
                lambda e: e["resources"].append({"id": "hci", "kind": "azure_local_cluster", "node_cores": []}),
                "invalid_value", "node_cores", record="resources[4]")


def options():
    def opt(name, obj, code, field="-", line="-", python="same"):
        add("options", name + ".json", json.dumps(obj), code, field, line, "-", python)

    base = {"as_of": "2026-06-01"}
    add("options", "empty.json", "", "parse", line=1, python="clean")
    add("options", "truncated.json", '{"as_of": "2026-06-01"', "parse", line=1, python="clean")
    add("options", "duplicate_key.json", '{"as_of": "2026-06-01",\n"objective": "min_change",\n"objective": "max_savings"}',
        "invalid_option", "objective", python="clean")
    opt("array", [], "invalid_option", "-", python="clean")
    opt("missing_as_of", {}, "invalid_option", "as_of", python="clean")
    opt("as_of_invalid", {"as_of": "2026-13-01"}, "invalid_option", "as_of", python="clean")
    opt("as_of_year_0001", {"as_of": "0001-01-01"}, "invalid_option", "as_of", python="clean")
    opt("unknown_option", dict(base, objectve="min_change"), "invalid_option", "objectve")
    opt("objective_unknown", dict(base, objective="max_profit"), "invalid_option", "objective")
    opt("penalty_decimal_max", dict(base, change_penalty_per_month="79228162514264337593543950335"),
        "invalid_option", "change_penalty_per_month")
    opt("penalty_1e12", dict(base, change_penalty_per_month="1e12"), "invalid_option", "change_penalty_per_month")
    opt("penalty_negative", dict(base, change_penalty_per_month="-5"), "invalid_option", "change_penalty_per_month")
    opt("penalty_underscore", dict(base, change_penalty_per_month="1_0"), "invalid_option", "change_penalty_per_month")
    # Python accepts a number for a money option (its shortest repr); JSON does not.
    opt("penalty_number", dict(base, change_penalty_per_month=5), "invalid_option", "change_penalty_per_month", python="clean")
    opt("penalty_sub_micro", dict(base, change_penalty_per_month="0.0000001"), "invalid_option",
        "change_penalty_per_month")
    for k in ["windows_server_per_core_year", "sql_enterprise_per_core_year", "sql_standard_per_core_year"]:
        opt(f"price_{k}_huge", dict(base, licence_prices_per_year={k: "1e25"}), "invalid_option",
            f"licence_prices_per_year.{k}")
    # The deprecated price names are still read; an error names the key as it was written.
    for k in ["windows_server_core", "sql_enterprise_core", "sql_standard_core"]:
        opt(f"price_{k}_huge", dict(base, licence_prices_per_year={k: "1e25"}), "invalid_option",
            f"licence_prices_per_year.{k}")
    opt("price_under_both_names", dict(base, licence_prices_per_year={
        "windows_server_core": "100", "windows_server_per_core_year": "100"}), "invalid_option",
        "licence_prices_per_year.windows_server_per_core_year")
    opt("price_unknown", dict(base, licence_prices_per_year={"rhel": "1"}), "invalid_option",
        "licence_prices_per_year.rhel")
    # Python refuses both keyword spellings itself (a TypeError).
    opt("licence_prices_under_both_spellings", dict(base, licence_prices_per_year={}, license_prices_per_year={}),
        "invalid_option", "licence_prices_per_year", python="clean")
    for k in ["windows_server", "sql_server", "rhel", "sles"]:
        opt(f"reserve_{k}_u64_max", dict(base, reserve={k: 2**64 - 1}), "invalid_option", f"reserve.{k}")
    opt("reserve_too_big_for_licences", dict(base, reserve={"windows_server": 1000}), "invalid_option",
        "reserve.windows_server")
    opt("reserve_overflow", dict(base, reserve={"windows_server": 10**30}), "invalid_option", "reserve.windows_server",
        python="clean")
    opt("reserve_negative", dict(base, reserve={"sql_server": -1}), "invalid_option", "reserve.sql_server")
    opt("reserve_unknown_pool", dict(base, reserve={"oracle": 1}), "invalid_option", "reserve.oracle")
    opt("pin_unknown", dict(base, pin=["nope"]), "invalid_option", "pin[0]")
    opt("exclude_unknown", dict(base, exclude=["vm1", "nope"]), "invalid_option", "exclude[1]")
    opt("pin_and_exclude", dict(base, pin=["vm1"], exclude=["vm1"]), "invalid_option", "pin[0]")
    opt("pin_string", dict(base, pin="vm1"), "invalid_option", "pin")
    opt("pin_number", dict(base, pin=[1]), "invalid_option", "pin[0]")
    opt("renewal_horizon_negative", dict(base, renewal_horizon_days=-1), "invalid_option", "renewal_horizon_days")
    opt("renewal_horizon_huge", dict(base, renewal_horizon_days=2**40), "invalid_option", "renewal_horizon_days")
    opt("budget_negative", dict(base, exact_work_budget=-1), "invalid_option", "exact_work_budget")
    opt("budget_huge", dict(base, exact_work_budget=2**64 - 1), "invalid_option", "exact_work_budget")
    opt("recommendations_string", dict(base, recommendations="yes"), "invalid_option", "recommendations")


def rules():
    def rs(name, obj, code, field="-", line="-"):
        add("rules", name + ".json", json.dumps(obj) if not isinstance(obj, str) else obj, code, field, line)

    rs("empty", "", "parse", line=1)
    rs("garbage", "ws_rule=legacy", "parse", line=1)
    rs("duplicate_key", '{"version": "2023-04", "version": "2021-11"}', "invalid_option", "version")
    rs("array", [], "invalid_option")
    rs("unknown_version", {"version": "2099-01"}, "invalid_option", "version")
    rs("unknown_top_field", {"version": "2023-04", "knob": {}}, "invalid_option", "knob")
    rs("knob_unknown_value", {"version": "2023-04", "knobs": {"ws_rule": "per_socket"}}, "invalid_option",
       "knobs.ws_rule")
    rs("knob_wrong_type", {"version": "2023-04", "knobs": {"ws_dh_dual_use_days": "180"}}, "invalid_option",
       "knobs.ws_dh_dual_use_days")
    rs("knob_negative", {"version": "2023-04", "knobs": {"ws_dh_dual_use_days": -1}}, "invalid_option",
       "knobs.ws_dh_dual_use_days")
    rs("knob_unknown_name", {"version": "2023-04", "knobs": {"ws_rules": "current2023"}}, "invalid_option", "knobs.ws_rules")
    rs("knob_minimum_huge", {"version": "2023-04", "knobs": {"estate_minimum_core_licences": 2**70}},
       "invalid_option", "knobs.estate_minimum_core_licences")
    rs("knob_under_both_spellings", {"version": "2023-04", "knobs": {
        "estate_minimum_core_licences": 16, "estate_minimum_core_licenses": 16}},
       "invalid_option", "knobs.estate_minimum_core_licences")
    rs("knob_cutoff_invalid", {"version": "2023-04", "knobs": {"hyperscale_cutoff": "2023-02-30"}},
       "invalid_option", "knobs.hyperscale_cutoff")
    rs("knob_cutoff_year_9999", {"version": "2023-04", "knobs": {"hyperscale_cutoff": "9999-01-01"}},
       "invalid_option", "knobs.hyperscale_cutoff")
    rs("knob_pack_string", {"version": "2023-04", "knobs": {"display_pack_size": "2"}}, "invalid_option",
       "knobs.display_pack_size")
    rs("knob_programme_unknown", {"version": "2023-04", "knobs": {"ineligible_programmes": ["retail_box"]}},
       "invalid_option", "knobs.ineligible_programmes[0]")
    rs("missing_version", {"knobs": {}}, "invalid_option", "version")


HDR = "resource,hour,vcores,licence_price_per_vcore_hour\n"


def usage():
    def u(name, text, code, field="-", line="-", record="-"):
        add("usage", name + ".csv", text, code, field, line, record)

    u("empty", "", "parse", line=1)
    u("header_only", HDR, "invalid_value")
    u("wrong_header", "id,hour,vcores\n", "parse", line=1)
    # Years outside 1900-2199 are refused as they are read, before any span is computed.
    u("span_0001_9999", HDR + "db1,0001-01-01T00:00:00,4,\ndb1,9999-01-01T00:00:00,4,\n",
      "invalid_value", "hour", line=2)
    u("year_2500", HDR + "db1,2026-01-01T00:00:00,4,\ndb1,2500-01-01T00:00:00,4,\n",
      "invalid_value", "hour", line=3)
    u("span_eleven_years", HDR + "db1,2020-01-01T00:00:00,4,\ndb1,2031-01-01T00:00:00,4,\n",
      "invalid_value", "hour", record="usage[1]")
    u("price_1e23", HDR + "db1,2026-01-01T00:00:00,4,100000000000000000000000\n", "invalid_value",
      "licence_price_per_vcore_hour", record="usage[0]")
    u("price_decimal_max", HDR + "db1,2026-01-01T00:00:00,4,79228162514264337593543950335\n", "invalid_value",
      "licence_price_per_vcore_hour", record="usage[0]")
    u("price_1e10", HDR + "db1,2026-01-01T00:00:00,4,10000000000\n", "invalid_value",
      "licence_price_per_vcore_hour", record="usage[0]")
    u("price_negative", HDR + "db1,2026-01-01T00:00:00,4,-1\n", "invalid_value",
      "licence_price_per_vcore_hour", record="usage[0]")
    u("price_sub_micro", HDR + "db1,2026-01-01T00:00:00,4,0.0000001\n", "invalid_value",
      "licence_price_per_vcore_hour", record="usage[0]")
    u("price_text", HDR + "db1,2026-01-01T00:00:00,4,cheap\n", "parse", "licence_price_per_vcore_hour", line=2)
    u("vcores_huge", HDR + "db1,2026-01-01T00:00:00,5000,\n", "invalid_value", "vcores", record="usage[0]")
    u("vcores_negative", HDR + "db1,2026-01-01T00:00:00,-4,\n", "parse", "vcores", line=2)
    u("vcores_u32_overflow", HDR + "db1,2026-01-01T00:00:00,99999999999,\n", "parse", "vcores", line=2)
    u("hour_not_date", HDR + "db1,tomorrow,4,\n", "parse", "hour", line=2)
    u("hour_minutes", HDR + "db1,2026-01-01T00:30:00,4,\n", "invalid_value", "hour", record="usage[0]")
    u("hour_feb_30", HDR + "db1,2026-02-30T00:00:00,4,\n", "parse", "hour", line=2)
    u("out_of_order", HDR + "db1,2026-01-01T05:00:00,4,\ndb1,2026-01-01T01:00:00,4,\n", "invalid_value", "hour",
      record="usage[1]")
    u("twice_in_hour", HDR + "db1,2026-01-01T05:00:00,4,\ndb1,2026-01-01T05:00:00,2,\n", "invalid_value", "hour",
      record="usage[1]")
    u("too_many_fields", HDR + "db1,2026-01-01T05:00:00,4,1,2\n", "parse", line=2)
    u("too_few_fields", HDR + "db1,2026-01-01T05:00:00\n", "parse", line=2)
    u("unknown_resource", HDR + "nope,2026-01-01T05:00:00,4,\n", "unknown_reference", "resource",
      record="usage[0]")


def cost():
    hdr = ("BilledCost,BillingCurrency,ChargeCategory,ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,"
           "ConsumedUnit,EffectiveCost,ListUnitPrice,PricingCategory,ProviderName,ResourceId,ServiceName,"
           "x_SkuMeterCategory,x_SkuMeterSubcategory,x_SkuMeterName,x_SkuDetails\n")

    def row(start="2025-05-01T00:00:00Z", end="2025-05-01T01:00:00Z", qty="4", price="0.2", rid="db1",
            sub="vCore General Purpose - SQL License"):
        return (f"0.2,USD,Usage,{end},{start},{qty},Hours,0.2,{price},Standard,Microsoft,{rid},SQL Database,"
                f"SQL Database,{sub},vCore,NULL\n")

    def c(name, text, code, field="-", line="-", record="-"):
        add("cost", name + ".csv", text, code, field, line, record)

    c("quantity_1e20", hdr + row(qty="1e20", price="1e20"), "invalid_value", "quantity", line=2)
    c("price_times_quantity_overflow",
      hdr + row(qty="1e20", price="1e20").replace("NULL", '"{""vCores"":4}"'),
      "invalid_value", "unit_price", line=2)
    c("price_huge", hdr + row(price="1e22", qty="1"), "invalid_value", "licence_price_per_vcore_hour",
      record="usage[0]")
    c("quantity_negative", hdr + row(qty="-4"), "invalid_value", "quantity", line=2)
    c("quantity_huge", hdr + row(qty="1e12"), "invalid_value", "quantity", line=2)
    c("two_hours", hdr + row(end="2025-05-01T02:00:00Z"), "invalid_value", "start", line=2)
    c("unknown_resource", hdr + row(rid="/subscriptions/x/nope"), "unknown_reference", "resource_id", line=2)
    c("span_0001_9999", hdr + row() + row(start="9999-05-01T00:00:00Z", end="9999-05-01T01:00:00Z"),
      "invalid_value", "ChargePeriodStart", line=3, record="rows[1]")


def licences():
    hdr = "Licence ID,Product,Edition,Metric,Quantity,Program,SA Start,SA End\n"

    def l(name, text, code, field="*", line="*", record="*"):
        add("licences", name + ".csv", text, code, field, line, record)

    l("quantity_huge", hdr + "ws,Windows Server,Datacenter,core,99999999999999,EA,2025-01-01,2027-12-31\n",
      "invalid_value")
    l("quantity_underscore", hdr + "ws,Windows Server,Datacenter,core,1_000,EA,2025-01-01,2027-12-31\n",
      "invalid_value")
    l("duplicate_quantity_header",
      "Licence ID,Product,Edition,Metric,Quantity,Program,SA Start,SA End,Quantity\n"
      "ws,Windows Server,Datacenter,core,16,EA,2025-01-01,2027-12-31,32\n", "parse", line=1)
    l("duplicate_id_header",
      "Licence ID,Product,Edition,Metric,Quantity,Program,SA Start,SA End,licence id\n"
      "ws,Windows Server,Datacenter,core,16,EA,2025-01-01,2027-12-31,x\n", "parse", line=1)
    l("id_header_under_both_spellings",
      "Licence ID,Product,Edition,Metric,Quantity,Program,SA Start,SA End,License ID\n"
      "ws,Windows Server,Datacenter,core,16,EA,2025-01-01,2027-12-31,x\n", "parse", "License ID", line=1)
    l("date_invalid", hdr + "ws,Windows Server,Datacenter,core,16,EA,2025-02-30,2027-12-31\n", "invalid_value")
    l("date_year_9999", hdr + "ws,Windows Server,Datacenter,core,16,EA,2025-01-01,31/12/9999\n", "invalid_value")
    l("not_utf8", hdr.encode() + b"ws,Windows \xff,Datacenter,core,16,EA,2025-01-01,2027-12-31\n", "parse")


def inventory():
    def i(name, text, code, field="*", line="*", record="*"):
        add("inventory", name + ".json", text, code, field, line, record)

    i("empty", "", "parse", line=1)
    i("truncated", '{"data": [{"id": "/subscriptions/s/x"', "parse")
    i("deep", "[" * 5000 + "]" * 5000, "parse")
    i("duplicate_key", '{"data": [{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/'
      'virtualMachines/a",\n "type": "microsoft.compute/virtualmachines", "type": "x"}]}', "parse", line=2)


def usage_parquet():
    """Parquet usage (feature `parquet`): the files are written by
    ahb-core/tests/data/parquet/generate.py (pyarrow); only their manifest rows are here."""
    for name, code, field, record in [
        ("null_vcores", "parse", "vcores", "usage[1]"),
        ("vcores_fraction", "parse", "vcores", "usage[1]"),
        ("vcores_bool", "parse", "vcores", "-"),
        ("hour_2500", "invalid_value", "hour", "usage[1]"),
        ("hour_minutes", "invalid_value", "hour", "usage[1]"),
        ("price_negative", "invalid_value", "licence_price_per_vcore_hour", "usage[1]"),
        ("corrupt", "parse", "-", "-"),
    ]:
        ROWS.append((f"usage_parquet/{name}.parquet", code, field, "-", record, "same"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    os.chdir(here)
    write_base()
    estates()
    options()
    rules()
    usage()
    cost()
    licences()
    inventory()
    usage_parquet()
    with open("manifest.tsv", "w") as f:
        f.write("# file\tcode\tfield\tline\trecord\tpython\n")
        for r in ROWS:
            f.write("\t".join(r) + "\n")
    print(len(ROWS), "files")


if __name__ == "__main__":
    main()
