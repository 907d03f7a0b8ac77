from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clock_helpers import utc

from risk_manager.clock import DeadlineScheduler, SystemClock, VirtualClock


class Recorder:
    def __init__(self) -> None:
        self.fired: list[tuple[str, datetime, Any, datetime]] = []
        self.event = asyncio.Event()

    async def __call__(self, key: str, at: datetime, payload: Any) -> None:
        self.fired.append((key, at, payload, datetime.now(UTC)))
        self.event.set()

    async def wait(self, limit: float = 2.0) -> None:
        await asyncio.wait_for(self.event.wait(), limit)
        self.event.clear()


async def test_fires_short_real_deadline() -> None:
    rec = Recorder()
    sched = DeadlineScheduler(SystemClock(), rec)
    sched.start()
    at = datetime.now(UTC) + timedelta(milliseconds=50)
    sched.set("grace", at, {"account": "PRAC-1"})
    await rec.wait()
    await sched.stop()
    [(key, fired_at, payload, wall)] = rec.fired
    assert (key, fired_at, payload) == ("grace", at, {"account": "PRAC-1"})
    assert wall >= at
    assert len(sched) == 0


async def test_wakes_early_for_nearer_deadline() -> None:
    rec = Recorder()
    sched = DeadlineScheduler(SystemClock(), rec)  # 30 s cap: only an explicit wake makes this fast
    sched.set("far", datetime.now(UTC) + timedelta(hours=1), None)
    sched.start()
    await asyncio.sleep(0.02)  # task is now sleeping towards "far"
    sched.set("near", datetime.now(UTC) + timedelta(milliseconds=50), None)
    await rec.wait(limit=1.0)
    assert [f[0] for f in rec.fired] == ["near"]
    assert sched.next() is not None and sched.next().key == "far"  # type: ignore[union-attr]
    await sched.stop()


async def test_past_deadlines_fire_in_order_with_sync_and_async_handlers() -> None:
    seen: list[str] = []
    done = asyncio.Event()

    def on_due(key: str, at: datetime, payload: Any) -> None:
        seen.append(key)
        if key == "c":
            done.set()

    clock = VirtualClock(utc(2026, 11, 20, 23))
    sched = DeadlineScheduler(clock, on_due)
    sched.set("c", utc(2026, 11, 20, 22), None)
    sched.set("a", utc(2026, 11, 20, 20), None)
    sched.set("b", utc(2026, 11, 20, 21), None)
    sched.set("later", utc(2026, 11, 21), None)
    sched.start()
    await asyncio.wait_for(done.wait(), 1.0)
    assert seen == ["a", "b", "c"]
    assert sched.get("later") is not None
    await sched.stop()


async def test_clock_step_is_noticed_within_max_sleep() -> None:
    # No set() after the jump: only the capped sleep re-checking the clock can fire it (NTP step / resume).
    rec = Recorder()
    clock = VirtualClock(utc(2026, 11, 20, 12))
    sched = DeadlineScheduler(clock, rec, max_sleep=0.05)
    sched.set("reset", utc(2026, 11, 20, 23), None)
    sched.start()
    await asyncio.sleep(0.1)
    assert rec.fired == []
    clock.set(utc(2026, 11, 21, 3))
    await rec.wait(limit=1.0)
    assert [(f[0], f[1]) for f in rec.fired] == [("reset", utc(2026, 11, 20, 23))]
    await sched.stop()


async def test_cancel_and_replace_prevent_firing() -> None:
    rec = Recorder()
    sched = DeadlineScheduler(SystemClock(), rec)
    sched.start()
    now = datetime.now(UTC)
    sched.set("cancelled", now + timedelta(milliseconds=30), None)
    sched.set("moved", now + timedelta(milliseconds=30), None)
    assert sched.cancel("cancelled") is True
    sched.set("moved", now + timedelta(hours=1), "later")
    sched.set("probe", now + timedelta(milliseconds=120), None)
    await rec.wait()
    assert [f[0] for f in rec.fired] == ["probe"]
    await sched.stop()


async def test_handler_error_is_logged_and_loop_continues(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []
    done = asyncio.Event()

    async def on_due(key: str, at: datetime, payload: Any) -> None:
        if key == "bad":
            raise RuntimeError("boom")
        seen.append(key)
        done.set()

    clock = VirtualClock(utc(2026, 1, 1, 12))
    sched = DeadlineScheduler(clock, on_due)
    sched.set("bad", utc(2026, 1, 1, 10), None)
    sched.set("good", utc(2026, 1, 1, 11), None)
    with caplog.at_level(logging.ERROR, logger="risk_manager.clock.scheduler"):
        sched.start()
        await asyncio.wait_for(done.wait(), 1.0)
    assert seen == ["good"]
    assert any("bad" in r.getMessage() for r in caplog.records)
    await sched.stop()


async def test_stop_ends_task_and_keeps_pending_deadlines() -> None:
    rec = Recorder()
    sched = DeadlineScheduler(SystemClock(), rec)
    sched.start()
    sched.start()  # idempotent
    assert sched.running
    await asyncio.wait_for(sched.stop(), 1.0)
    assert not sched.running
    sched.set("after-stop", datetime.now(UTC) + timedelta(milliseconds=20), None)
    await asyncio.sleep(0.1)
    assert rec.fired == []
    sched.start()  # resumes: the now-past deadline fires at once
    await rec.wait()
    assert [f[0] for f in rec.fired] == ["after-stop"]
    await sched.stop()
    await sched.stop()  # stopping twice is harmless
