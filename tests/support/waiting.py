"""Bounded polling for tests that wait on something another task or process does (a socket, a hub, the
dashboard). Each loop stops by itself: ``within`` seconds on the event loop's monotonic clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Pause = Callable[[float], Awaitable[object]]  # asyncio.sleep, or a Textual pilot's ``pause``


async def until(pred: Callable[[], object], within: float = 10.0, step: float = 0.01,
                pause: Pause | None = None) -> bool:
    """Poll ``pred`` every ``step`` seconds; True as soon as it holds, False after ``within`` seconds.
    For ``assert await until(...)``; :func:`wait_until` fails by itself."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    sleep = pause or asyncio.sleep
    while loop.time() < end:
        if pred():
            return True
        await sleep(step)
    return bool(pred())


async def wait_until[T](pred: Callable[[], T | None], within: float = 10.0, what: str = "condition",
                        step: float = 0.01, pause: Pause | None = None) -> T:
    """Poll ``pred`` until it returns something truthy and return that, or fail after ``within`` seconds
    naming ``what`` it waited for."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    sleep = pause or asyncio.sleep
    while True:
        value = pred()
        if value:
            return value
        if loop.time() >= end:
            raise AssertionError(f"timed out after {within:g}s waiting for {what}")
        await sleep(step)
