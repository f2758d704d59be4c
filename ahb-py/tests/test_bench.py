"""pytest-benchmark: DataFrame → estate conversion against the solve it feeds, 10^5 rows.

Run with `pytest tests/test_bench.py --benchmark-enable`; the medians are recorded in
benches/README.md (section "Python"). The issue's target: conversion ≤ 25% of the solve.
"""

from __future__ import annotations

from typing import Any

import pytest

import ahb
from conftest import AS_OF, generated_frames

pytest.importorskip("pandas")
N = 100_000


@pytest.fixture(scope="module")
def frames() -> tuple[Any, Any]:
    return generated_frames(N, seed=3)


@pytest.fixture(scope="module")
def estate(frames: tuple[Any, Any]) -> ahb.Estate:
    return ahb.estate_from_frames(resources=frames[0], licences=frames[1])


@pytest.mark.benchmark(group="python-1e5")
def test_bench_dataframe_to_estate(benchmark: Any, frames: tuple[Any, Any]) -> None:
    e = benchmark(ahb.estate_from_frames, resources=frames[0], licences=frames[1])
    assert e.resource_count == N


@pytest.mark.benchmark(group="python-1e5")
def test_bench_optimize(benchmark: Any, estate: ahb.Estate) -> None:
    plan = benchmark(ahb.optimize, estate, as_of=AS_OF)
    assert plan.totals["changes"] > 0


@pytest.mark.benchmark(group="python-1e5")
def test_bench_audit(benchmark: Any, estate: ahb.Estate) -> None:
    p = benchmark(ahb.audit, estate, as_of=AS_OF)
    assert p.as_of == AS_OF
