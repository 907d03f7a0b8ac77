"""The shared request budget under pressure (many accounts breaching at once, SPEC §7b): a freed slot goes
to a lockout's flatten before a close, and to a close before a reduction, whatever the order they came in."""

from __future__ import annotations

import asyncio

from risk_manager.enforcement.budget import CLOSE, FLATTEN, REDUCE, RateBudget


class Time:
    """A fake monotonic clock the test moves; ``sleep`` only yields to the other tasks."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)


async def test_waiting_calls_are_served_flatten_first() -> None:
    t = Time()
    budget = RateBudget(limit=2, window=10.0, monotonic=t, sleep=t.sleep)
    assert budget.try_acquire() and budget.try_acquire()  # the window is full until t = 10
    order: list[str] = []

    async def call(name: str, priority: int) -> None:
        await budget.acquire(priority)
        order.append(name)

    tasks = [asyncio.create_task(call(n, p)) for n, p in
             [("reduce-A", REDUCE), ("close-B", CLOSE), ("flatten-C", FLATTEN), ("flatten-D", FLATTEN)]]
    for _ in range(20):
        await asyncio.sleep(0)
    assert order == [] and budget.waited == 4  # all four queued behind the full window
    t.now = 10.0  # two slots free: both flattens, though they came last
    for _ in range(50):
        await asyncio.sleep(0)
    assert sorted(order) == ["flatten-C", "flatten-D"]
    t.now = 20.0  # two more: the close, then the reduction
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert order[2:] == ["close-B", "reduce-A"]


async def test_a_free_budget_never_waits() -> None:
    t = Time()
    budget = RateBudget(limit=3, window=10.0, monotonic=t, sleep=t.sleep)
    for p in (REDUCE, CLOSE, FLATTEN):
        await budget.acquire(p)
    assert budget.waited == 0 and t.now == 0.0
