"""GC pauses off the enforcement path (issue 12.14): once protected the start-up heap is frozen (no full
collection walks it again) and young collections are rarer; the pause recorder the latency benchmark reads.
The pauses themselves are measured in bench/latency.py, not asserted here."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from risk_manager.daemon import gcpause

PROBE = ("import gc; from risk_manager.daemon import gcpause; gcpause.tune(); "
         "print(gc.get_freeze_count(), *gc.get_threshold())")


def _probe(env: dict[str, str]) -> list[int]:
    out = subprocess.run([sys.executable, "-c", PROBE], env={**os.environ, **env}, capture_output=True,
                         text=True, timeout=60, check=True)
    return [int(x) for x in out.stdout.split()]


def test_tuning_freezes_the_start_up_heap_and_raises_the_thresholds() -> None:
    # in a child process: freezing this test process's heap would outlive the test
    frozen, *thresholds = _probe({gcpause.TUNING_ENV: "1"})
    assert tuple(thresholds) == gcpause.THRESHOLDS
    untouched, *thresholds = _probe({gcpause.TUNING_ENV: "0"})  # the benchmark's "before"
    assert tuple(thresholds) == (700, 10, 10)
    assert frozen > 10 * max(untouched, 1000)  # the whole start-up heap, not a few interpreter objects


def test_the_recorder_writes_every_collection_with_generation_and_phase(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "gc.json"
    monkeypatch.setenv(gcpause.REPORT_ENV, str(report))
    rec = gcpause.PauseRecorder()
    try:
        gc.collect(0)
        rec.protected = True
        gc.collect()
    finally:
        rec.close()
    pauses = json.loads(report.read_text())["pauses"]
    assert [(p[0], p[3]) for p in pauses][-2:] == [(0, False), (2, True)]
    assert all(p[1] >= 0 and p[2] >= 0 for p in pauses)
