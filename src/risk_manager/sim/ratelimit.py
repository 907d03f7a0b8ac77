"""Sliding-window rate limiter (Gateway: 200 requests / 60 s; HTTP 429 beyond)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """Per-key sliding window over accepted requests. ``limit <= 0`` disables it.

    Rejected requests do not count, so a client that backs off gets through as soon as the oldest accepted
    request leaves the window.
    """

    def __init__(self, limit: int, window: float, now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._now = now
        self._hits: dict[str, deque[float]] = {}
        self.rejected = 0

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def configure(self, limit: int | None = None, window: float | None = None) -> None:
        if limit is not None:
            self.limit = limit
        if window is not None:
            self.window = window
        self._hits.clear()

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next slot frees up)."""
        if not self.enabled:
            return True, 0.0
        now = self._now()
        hits = self._hits.setdefault(key, deque())
        cutoff = now - self.window
        while hits and hits[0] <= cutoff:
            hits.popleft()
        if len(hits) >= self.limit:
            self.rejected += 1
            return False, max(0.0, hits[0] + self.window - now)
        hits.append(now)
        return True, 0.0

    def snapshot(self) -> dict[str, object]:
        return {"enabled": self.enabled, "limit": self.limit, "window": self.window,
                "rejected": self.rejected}
