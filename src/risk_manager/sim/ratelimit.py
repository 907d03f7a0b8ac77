"""Sliding-window rate limiters per endpoint group (Gateway: 200 / 60 s; bars 50 / 30 s; HTTP 429 beyond)."""

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


BARS_ENDPOINT = "history/retrievebars"


class EndpointLimits:
    """The Gateway's rate limits per endpoint group (docs: "Rate limits"), each a sliding window per token.

    ``bars``: ``History/retrieveBars`` (50 / 30 s). ``default``: every other endpoint together
    (200 / 60 s). The docs do not say whether "all other endpoints" share one window or have one each; the
    simulator takes the stricter reading (one shared window), so a client that stays inside it here stays
    inside it live.
    """

    def __init__(self, limit: int, window: float, bars_limit: int, bars_window: float,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.default = SlidingWindowLimiter(limit, window, now)
        self.bars = SlidingWindowLimiter(bars_limit, bars_window, now)

    def group(self, endpoint: str) -> SlidingWindowLimiter:
        return self.bars if endpoint == BARS_ENDPOINT else self.default

    def allow(self, key: str, endpoint: str = "") -> tuple[bool, float]:
        return self.group(endpoint).allow(key)

    @property
    def rejected(self) -> int:
        return self.default.rejected + self.bars.rejected

    def configure(self, limit: int | None = None, window: float | None = None,
                  group: str = "default") -> None:
        if group not in ("default", "bars"):
            raise ValueError("group must be default or bars")
        (self.bars if group == "bars" else self.default).configure(limit, window)

    def snapshot(self) -> dict[str, object]:
        return {**self.default.snapshot(), "bars": self.bars.snapshot()}
