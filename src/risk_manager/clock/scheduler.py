"""One asyncio task that fires deadlines on time (daily reset, lockout and cooldown ends, grace periods).

No task or timer per deadline and no scheduler library: the task sleeps until the earliest deadline, but
never longer than ``max_sleep`` (30 s) so a wall-clock step (NTP, laptop sleep) is noticed on the next
wake; ``set`` of a nearer deadline wakes it at once. Deadlines are absolute UTC instants compared with
``clock.now()``, so a deadline that passed while the process slept fires immediately on wake.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from risk_manager.clock.clock import Clock
from risk_manager.clock.deadlines import Deadline, DeadlineQueue

log = logging.getLogger(__name__)

OnDue = Callable[[str, datetime, Any], Awaitable[None] | None]


class DeadlineScheduler:
    """``on_due(key, at, payload)`` is called (and awaited if it returns an awaitable) once per due deadline,
    in time order, from the scheduler's task. An exception in ``on_due`` is logged and does not stop it."""

    def __init__(self, clock: Clock, on_due: OnDue, *, max_sleep: float = 30.0) -> None:
        if max_sleep <= 0:
            raise ValueError("max_sleep must be > 0")
        self._clock = clock
        self._on_due = on_due
        self._max_sleep = max_sleep
        self._queue: DeadlineQueue[Any] = DeadlineQueue()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- deadlines -------------------------------------------------------------------------------
    def set(self, key: str, at: datetime, payload: Any = None) -> None:
        """Schedule (or replace) ``key`` at ``at``; wakes the task so a nearer deadline is honoured."""
        self._queue.set(key, at, payload)
        self._wake.set()

    def cancel(self, key: str) -> bool:
        """Drop ``key``; True if it was pending. (The task need not wake: it will just find less to do.)"""
        return self._queue.cancel(key)

    def get(self, key: str) -> Deadline[Any] | None:
        return self._queue.get(key)

    def next(self) -> Deadline[Any] | None:
        return self._queue.next()

    def __len__(self) -> int:
        return len(self._queue)

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start the task on the running event loop (idempotent). Deadlines already past fire at once."""
        if self.running:
            return
        self._wake = asyncio.Event()  # bind to the current loop
        self._wake.set()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="deadline-scheduler")

    async def stop(self) -> None:
        """Cancel the task and wait for it to end. Pending deadlines are kept (start() resumes them)."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    # -- loop ------------------------------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            # Clear before reading the queue: a set() after this point re-wakes the wait below.
            self._wake.clear()
            now = self._clock.now()
            item = self._queue.pop_next(now)
            if item is not None:
                await self._fire(item)
                continue  # one at a time: on_due may cancel or replace later deadlines
            nxt = self._queue.next()
            delay = self._max_sleep if nxt is None else (nxt.at - now).total_seconds()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=min(max(delay, 0.0), self._max_sleep))

    async def _fire(self, item: Deadline[Any]) -> None:
        try:
            result = self._on_due(item.key, item.at, item.payload)
            if inspect.isawaitable(result):
                await result
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("deadline handler failed for %s at %s", item.key, item.at.isoformat())
