"""One task drives every engine deadline (grace ends, cooldown ends, session end, daily reset) and the
daily backup: it sleeps until the nearest one (at most 30 s, so a clock jump is noticed), and is woken
early when a nearer deadline appears. Each deadline fires at its own time, in order.

A lockout's end is held while a close sent for that account is still unanswered (``hold``): the gateway may
apply it late, and it must not meet a position opened after the lockout ended (SPEC §14). It is re-checked
every ``HOLD_RECHECK`` seconds; the adapter bounds how long a request stays unanswered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from risk_manager.clock.clock import Clock
from risk_manager.clock.deadlines import Deadline
from risk_manager.daemon.journal import DaemonJournal, alert_record
from risk_manager.engine.actions import Action
from risk_manager.engine.engine import Engine, Payload

log = logging.getLogger(__name__)
MAX_SLEEP = 30.0
HOLD_RECHECK = 0.1


class DeadlineDriver:
    def __init__(self, engine: Engine, clock: Clock, journal: DaemonJournal,
                 execute: Callable[[list[Action]], None], *, daily: Callable[[datetime], None] | None = None,
                 daily_every: timedelta = timedelta(days=1), max_sleep: float = MAX_SLEEP,
                 hold: Callable[[str], bool] | None = None) -> None:
        self.engine, self.clock, self.journal, self._execute = engine, clock, journal, execute
        self._hold = hold  # account name -> a close sent for it is unanswered
        self._held: set[str] = set()
        self._daily, self._daily_every = daily, daily_every
        self._next_daily: datetime | None = None
        self._max_sleep = max_sleep
        self._wake = asyncio.Event()
        self._until: datetime | None = None  # what the sleeping task is waiting for
        self._task: asyncio.Task[None] | None = None
        self.fired = 0

    def start(self, first_daily: datetime | None = None) -> None:
        self._next_daily = first_daily
        self._task = asyncio.create_task(self._run(), name="deadlines")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def poke(self) -> None:
        """Called after every engine call: wake the task if a nearer deadline appeared."""
        d = self.engine.next_deadline()
        if d is not None and (self._until is None or d.at < self._until):
            self._wake.set()

    def fire_due(self) -> None:
        now = self.clock.now()
        while (d := self.engine.pop_due(now)) is not None:
            if self._holds(d, now):
                continue
            self.fired += 1
            try:
                actions = self.engine.fire(d, now)
            except Exception:
                log.exception("deadline %s failed", d.key)
                continue
            if actions:
                self._execute(actions)
                self.journal.hold()
            self.journal.dispatch()
        if self._daily is not None and self._next_daily is not None and now >= self._next_daily:
            self._next_daily = now + self._daily_every
            try:
                self._daily(now)
            except Exception:
                log.exception("daily housekeeping failed")

    def _holds(self, d: Deadline[Payload], now: datetime) -> bool:
        """Postpone a lockout's end while a close sent for its account is unanswered."""
        if self._hold is None or d.payload[0] != "unlock" or not self._hold(str(d.payload[1])):
            self._held.discard(d.key)
            return False
        self.engine.deadlines.set(d.key, now + timedelta(seconds=HOLD_RECHECK), d.payload)
        if d.key not in self._held:
            self._held.add(d.key)
            msg = (f"{d.payload[2]} lockout held past its end: a close request sent for it has not been "
                   "answered yet (it may still be applied)")
            log.warning("%s: %s", d.payload[1], msg)
            self.journal.write(alert_record(self.engine.make, now, "warning", msg, str(d.payload[1])))
        return True

    def _sleep_for(self) -> float:
        now = self.clock.now()
        targets = [d.at for d in (self.engine.next_deadline(),) if d is not None]
        if self._next_daily is not None:
            targets.append(self._next_daily)
        delay = self._max_sleep
        if targets:
            delay = min(delay, max((min(targets) - now).total_seconds(), 0.0))
        self._until = now + timedelta(seconds=delay)
        return delay

    async def _run(self) -> None:
        while True:
            try:
                self.fire_due()
            except Exception:
                log.exception("deadline driver failed; continuing")
            delay = self._sleep_for()
            self._wake.clear()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), delay)
            self._until = None
