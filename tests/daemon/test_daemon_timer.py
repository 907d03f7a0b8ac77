"""The one deadline driver production runs (daemon/timer.DeadlineDriver) over a real engine: on time with the
wall clock, woken early for a nearer deadline, past deadlines in order at their own times, a wall-clock step
noticed within max_sleep, and an orderly stop. (Retries of a failing deadline: test_daemon_health.py.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from daemon_helpers import config

from risk_manager.clock.clock import Clock, SystemClock, VirtualClock
from risk_manager.daemon.health import Health
from risk_manager.daemon.journal import DaemonJournal
from risk_manager.daemon.timer import DeadlineDriver
from risk_manager.engine.factory import build_engine
from risk_manager.store import LockoutRecord
from support import until

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday, 09:00 Chicago


class Rig:
    def __init__(self, clock: Clock, max_sleep: float = 30.0) -> None:
        self.clock = clock
        self.journal = DaemonJournal(None)
        self.records: list[tuple[dict[str, Any], datetime]] = []
        self.journal.add_listener(lambda r: self.records.append((r, datetime.now(UTC))))
        self.engine = build_engine(config(""), self.journal)
        self.engine.start(clock.now())
        self.engine.add_account(1, "PRAC-1")
        health = Health(self.journal, self.engine.make, clock.now)
        self.driver = DeadlineDriver(self.engine, clock, self.journal, lambda actions: None, health,
                                     max_sleep=max_sleep)

    def cooldown(self, rule: str, until_: datetime) -> None:
        """A cooldown lockout ending at ``until_``: its unlock is a deadline of the engine."""
        rec = LockoutRecord("PRAC-1", rule, "account", "cooldown", until_, "test", self.clock.now())
        self.engine.locks.restore(rec, self.clock.now())
        self.driver.poke()

    def unlocks(self) -> list[tuple[str, str, datetime]]:
        return [(r["rule"], r["at"], wall) for r, wall in self.records if r["type"] == "unlock"]

    def at(self, when: datetime) -> str:
        return str(self.engine.make.ts(when))


async def test_fires_a_short_real_deadline_on_time() -> None:
    rig = Rig(SystemClock())
    rig.driver.start()
    try:
        end = datetime.now(UTC) + timedelta(milliseconds=50)
        rig.cooldown("a", end)
        assert await until(lambda: rig.unlocks() != [], within=2.0)
        [(rule, at, wall)] = rig.unlocks()
        assert (rule, at) == ("a", rig.at(end)) and wall >= end  # journaled at its own time, not early
    finally:
        await rig.driver.stop()


async def test_wakes_early_for_a_nearer_deadline() -> None:
    rig = Rig(SystemClock())  # 30 s cap: only the poke makes this fast
    rig.cooldown("far", datetime.now(UTC) + timedelta(hours=1))
    rig.driver.start()
    try:
        await asyncio.sleep(0.02)  # the task now sleeps towards "far"
        rig.cooldown("near", datetime.now(UTC) + timedelta(milliseconds=50))
        assert await until(lambda: rig.unlocks() != [], within=1.0)
        assert [u[0] for u in rig.unlocks()] == ["near"]
        nxt = rig.engine.next_deadline()
        assert nxt is not None and "far" in nxt.key
    finally:
        await rig.driver.stop()


async def test_past_deadlines_fire_in_order_at_their_own_times() -> None:
    clock = VirtualClock(T0)
    rig = Rig(clock)
    ends = {"c": T0 + timedelta(hours=3), "a": T0 + timedelta(hours=1), "b": T0 + timedelta(hours=2)}
    for rule, end in ends.items():
        rig.cooldown(rule, end)
    rig.cooldown("later", T0 + timedelta(hours=9))
    clock.set(T0 + timedelta(hours=4))  # the process slept through all three
    rig.driver.start()
    try:
        assert await until(lambda: len(rig.unlocks()) == 3, within=1.0)
        assert [(u[0], u[1]) for u in rig.unlocks()] == [(r, rig.at(ends[r])) for r in "abc"]
        assert rig.engine.locks.has_rule("PRAC-1", "later")
    finally:
        await rig.driver.stop()


async def test_a_wall_clock_step_is_noticed_within_max_sleep() -> None:
    # No poke after the jump: only the capped sleep re-reading the clock can fire it (NTP step, resume).
    clock = VirtualClock(T0)
    rig = Rig(clock, max_sleep=0.05)
    end = T0 + timedelta(hours=8)
    rig.cooldown("a", end)
    rig.driver.start()
    try:
        await asyncio.sleep(0.1)
        assert rig.unlocks() == []
        clock.set(T0 + timedelta(hours=12))
        assert await until(lambda: rig.unlocks() != [], within=1.0)
        assert [(u[0], u[1]) for u in rig.unlocks()] == [("a", rig.at(end))]
    finally:
        await rig.driver.stop()


async def test_stop_ends_the_task_and_keeps_pending_deadlines() -> None:
    rig = Rig(SystemClock())
    rig.driver.start()
    assert rig.driver.running
    await asyncio.wait_for(rig.driver.stop(), 1.0)
    assert not rig.driver.running
    rig.cooldown("after-stop", datetime.now(UTC) + timedelta(milliseconds=20))
    await asyncio.sleep(0.1)
    assert rig.unlocks() == []
    rig.driver.start()  # resumes: the now-past deadline fires at once
    try:
        assert await until(lambda: rig.unlocks() != [], within=1.0)
    finally:
        await rig.driver.stop()
    await rig.driver.stop()  # stopping twice is harmless


def test_max_sleep_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Rig(SystemClock(), max_sleep=0)
