"""Long work releases the GIL: another Python thread keeps running during a large solve."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

import ahb
from conftest import AS_OF, generated_frames


@pytest.fixture(scope="module")
def big() -> ahb.Estate:
    df, lic = generated_frames(60_000, seed=11)
    return ahb.estate_from_frames(resources=df, licences=lic)


def longest_stall(work: Callable[[], Any]) -> tuple[float, float, int]:
    """Runs `work` in a thread while this thread ticks; returns (work seconds, longest gap
    between ticks while it ran, ticks)."""
    done = threading.Event()
    took: list[float] = []

    def run() -> None:
        t = time.perf_counter()
        work()
        took.append(time.perf_counter() - t)
        done.set()

    worker = threading.Thread(target=run)
    last = time.perf_counter()
    worst = 0.0
    ticks = 0
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        worst = max(worst, now - last)
        last = now
        ticks += 1
        time.sleep(0.001)
    worker.join()
    return took[0], worst, ticks


@pytest.mark.parametrize("what", ["optimize", "audit", "audit_and_optimize"])
def test_other_threads_progress_during_a_solve(big: ahb.Estate, what: str) -> None:
    fn = {
        "optimize": lambda: ahb.optimize(big, as_of=AS_OF),
        # An audit of this estate takes about 50 ms: five in a row, so the run is long
        # enough to tell a stall from a switch interval.
        "audit": lambda: [ahb.audit(big, as_of=AS_OF) for _ in range(5)],
        "audit_and_optimize": lambda: ahb.audit_and_optimize(big, as_of=AS_OF),
    }[what]
    took, worst, ticks = longest_stall(fn)
    assert took > 0.05, "the solve is too short to tell"
    # Holding the GIL would stall this thread for the whole solve; released, it stalls for
    # a few switch intervals (sys.getswitchinterval() = 5 ms) at most.
    assert worst < max(0.25 * took, 0.05), (took, worst, ticks)
    assert ticks > 10
