"""Client-side request budget shared by every account (the gateway allows 200 requests / 60 s).

A sliding window: a call may go out at once while fewer than ``limit`` calls were made in the last
``window`` seconds; otherwise it waits for the oldest one to age out. A call taken with ``spend`` holds its
slot until its answer comes and then for a whole window: the gateway counts a request when it arrives,
which can be well after we sent it (a loaded machine, a slow link), so stamping the send time alone let
the gateway see more than ``limit`` in one of its windows. Urgent first attempts therefore never
wait unless the whole deployment is already at the gateway's limit, where waiting beats a 429.

When calls do wait (many accounts breaching at once, SPEC §7b), a freed slot goes to the most urgent
waiter first: ``FLATTEN`` (a lockout's flatten) before ``CLOSE`` before ``REDUCE``, across accounts.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Sleep = Callable[[float], Awaitable[None]]
FLATTEN, CLOSE, REDUCE = 0, 1, 2  # priorities of waiting calls: lower goes first


class RateBudget:
    def __init__(self, limit: int = 180, window: float = 60.0,
                 monotonic: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._now = monotonic
        self._sleep = sleep
        self._waiting = [0, 0, 0]  # waiters per priority
        self._stamps: deque[float] = deque()  # when each counted call was answered (or sent), oldest first
        self._open = 0  # calls taken with ``spend`` and not answered yet: each holds a slot
        self.waited = 0  # calls that had to wait (diagnostics)

    def _trim(self, now: float) -> None:
        edge = now - self.window
        while self._stamps and self._stamps[0] <= edge:
            self._stamps.popleft()

    def available(self) -> int:
        self._trim(self._now())
        return self.limit - len(self._stamps) - self._open

    def try_acquire(self, hold: bool = False) -> bool:
        """Take a slot if one is free: stamped now, or (``hold``) held open until ``release``."""
        now = self._now()
        self._trim(now)
        if len(self._stamps) + self._open >= self.limit:
            return False
        if hold:
            self._open += 1
        else:
            self._stamps.append(now)
        return True

    @asynccontextmanager
    async def spend(self, priority: int = CLOSE) -> AsyncIterator[None]:
        """Hold a slot for one call from now until its answer, then for a window after the answer."""
        await self.acquire(priority, hold=True)
        try:
            yield
        finally:
            self.release()

    def release(self) -> None:
        """The answer to a call taken with ``hold`` came: its slot now ages out a window from now."""
        self._open -= 1
        self._stamps.append(self._now())

    async def acquire(self, priority: int = CLOSE, hold: bool = False) -> None:
        """Take one slot (``hold``: open until ``release``), waiting (bounded by the window) when the
        budget is spent; a waiter lets every more urgent waiter go first."""
        if not any(self._waiting[:priority + 1]) and self.try_acquire(hold):
            return
        self.waited += 1
        self._waiting[priority] += 1
        try:
            while any(self._waiting[:priority]) or not self.try_acquire(hold):
                # only open calls hold the window: one of them is answered soon, look again shortly
                wait = self._stamps[0] + self.window - self._now() if self._stamps else 0.05
                await self._sleep(min(max(wait, 0.01), self.window))
        finally:
            self._waiting[priority] -= 1
