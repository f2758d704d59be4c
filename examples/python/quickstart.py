"""The README's Python example: audit and optimise the sample estate, then a DataFrame path.

    pip install ./ahb-py pandas && python examples/python/quickstart.py
"""

import datetime

import pandas as pd

import ahb

estate = ahb.Estate.from_path("examples/data/sample-estate.json")
position = ahb.audit(estate, ahb.RuleSet.current(), as_of=datetime.date(2026, 11, 25))
print(position.compliant, position.totals["at_risk_monthly_savings"])  # bool, Decimal
print(position.to_pandas("pools")[["pool", "claimed", "covered", "shortfall"]])

plan = ahb.optimize(estate, as_of="2026-11-25", objective="max_savings")
print(plan.proven_optimal, plan.totals["monthly_savings"], plan.totals["changes"])

vms = pd.DataFrame({"id": ["vm1", "vm2"], "kind": "vm", "os": "windows", "vcpus": [4, 16],
                    "license_type": "Windows_Server", "payg_per_hour": ["0.192", "0.768"],
                    "ahb_per_hour": ["0.096", "0.384"]})
lines = pd.DataFrame({"id": ["ws"], "product": "windows_server", "edition": "datacenter",
                      "metric": "core", "quantity": [16], "programme": "ea",
                      "sa_start": ["2025-01-01"], "sa_end": ["2027-12-31"]})
small = ahb.estate_from_frames(resources=vms, licences=lines)
print(ahb.audit(small, as_of="2026-11-25").to_dict()["pools"][0]["shortfall"])

try:
    ahb.audit(ahb.Estate.from_json('{"schema": "ahb.estate/1", "resources": [{"id": 1}]}'))
except ahb.ValidationError as e:
    print(type(e).__name__, e.code, e.collection, e.index, e.field)
