"""Replays every finding of the Python fuzz target (``tests/fuzz_corpus/*.pickle``, saved by
``scripts/fuzz-python``) in a subprocess, so that a crash fails the test instead of killing it:
each must now return or raise ``ahb.AhbError``, ``TypeError`` or ``ValueError``."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "fuzz_corpus"


def test_every_saved_fuzz_finding_is_fixed() -> None:
    files = sorted(CORPUS.glob("*.pickle"))
    assert files, f"no saved cases in {CORPUS}"
    proc = subprocess.run(
        [sys.executable, str(HERE / "fuzz_python.py"), "replay", *map(str, files)],
        capture_output=True, text=True, timeout=600,
    )
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    started = [x["start"] for x in lines if "start" in x]
    assert proc.returncode in (0, 1), (
        f"the replay died (status {proc.returncode}) in {started[-1] if started else '?'}: "
        f"{proc.stderr[-2000:]}"
    )
    outcomes = {x["file"]: x for x in lines if "file" in x}
    failures = [f"{name}: {x['finding']}" for name, x in outcomes.items() if x["outcome"] == "finding"]
    failures += [f"{f.name}: never ran" for f in files if f.name not in outcomes]
    assert not failures, "\n".join(failures)
