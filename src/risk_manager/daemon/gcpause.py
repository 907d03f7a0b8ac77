"""Garbage-collector pauses kept off the enforcement path (issue 12.14).

A full (generation 2) collection walks every tracked object, and the daemon's start-up heap -- the SDK,
pydantic models, the exchange calendars -- is large: such a collection stopped the event loop for 21-72 ms,
in front of whatever breach was waiting. Once the daemon is protected, ``tune`` freezes
that heap (``gc.freeze``: moved to a permanent generation no collection walks again), and raises the
generation-0 threshold so the young collections the quote stream triggers run less often. Cycles created
later are still collected; only the start-up objects are exempt (they live as long as the daemon anyway).

``bench/latency.py`` measures the pauses: ``RISK_MANAGER_GC_REPORT=FILE`` makes the daemon record every
collection's duration and write them to FILE as JSON when it stops; ``RISK_MANAGER_GC_TUNING=0`` skips the
tuning (the benchmark's "before").
"""

from __future__ import annotations

import gc
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
THRESHOLDS = (20_000, 20, 20)  # CPython default (700, 10, 10)
REPORT_ENV, TUNING_ENV = "RISK_MANAGER_GC_REPORT", "RISK_MANAGER_GC_TUNING"


def tune() -> None:
    """Call once protected (start-up objects allocated). No collection first: at that point it found ~140
    garbage objects among ~94,000 and cost 0.12 s of CPU (0.3 s wall on a busy machine) on the way to
    PROTECTED; freezing that little garbage for good is cheaper."""
    if os.environ.get(TUNING_ENV, "1") == "0":
        return
    t0 = time.perf_counter()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    log.info("gc: %d start-up objects frozen, thresholds %s (%.0f ms)", gc.get_freeze_count(), THRESHOLDS,
             (time.perf_counter() - t0) * 1000)


class PauseRecorder:
    """Every collection while ``RISK_MANAGER_GC_REPORT`` names a file: generation, wall and CPU ms (CPU time
    is the collection's own cost; wall time also counts preemption on a busy machine), and whether it came
    after the daemon was protected (the enforcement path)."""

    def __init__(self) -> None:
        self.path = Path(p) if (p := os.environ.get(REPORT_ENV)) else None
        self.pauses: list[tuple[int, float, float, bool]] = []
        self.protected = False
        self._t0 = self._c0 = 0.0
        if self.path is not None:
            gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._t0, self._c0 = time.perf_counter(), time.thread_time()
        else:
            self.pauses.append((int(info["generation"]), (time.perf_counter() - self._t0) * 1000,
                                (time.thread_time() - self._c0) * 1000, self.protected))

    def close(self) -> None:
        if self.path is None:
            return
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        try:
            self.path.write_text(json.dumps({"tuned": os.environ.get(TUNING_ENV, "1") != "0",
                                             "pauses": self.pauses}))
        except OSError as e:
            log.warning("gc report %s not written: %s", self.path, e)
