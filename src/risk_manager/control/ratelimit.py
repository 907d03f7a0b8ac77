"""Failed admin-password attempts per client: after ``max_failures`` within ``window`` seconds, refuse."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class FailureLimiter:
    """Sliding window of failure times per client key; bounded memory (loopback peers only)."""

    def __init__(self, max_failures: int = 5, window: float = 300.0,
                 clock: Callable[[], float] = time.monotonic, max_clients: int = 1024) -> None:
        if max_failures < 1 or window <= 0:
            raise ValueError("max_failures >= 1 and window > 0 required")
        self.max_failures, self.window = max_failures, window
        self._clock = clock
        self._max_clients = max_clients
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        cutoff = self._clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again (rounded up, >= 1); None when it may try now."""
        times = self._recent(key)
        if times is None or len(times) < self.max_failures:
            return None
        return max(1, math.ceil(times[0] + self.window - self._clock()))

    def failure(self, key: str) -> None:
        if key not in self._failures and len(self._failures) >= self._max_clients:
            self._failures.pop(next(iter(self._failures)))  # drop the oldest client, keep memory bounded
        times = self._failures.setdefault(key, deque(maxlen=self.max_failures))
        times.append(self._clock())

    def success(self, key: str) -> None:
        self._failures.pop(key, None)
