"""One task drives every engine deadline (grace ends, cooldown ends, session end, daily reset) and the
daily backup: it sleeps until the nearest one (at most 30 s, so a wall-clock step is noticed), and is woken
early when a nearer deadline appears. Each deadline fires at its own time, in order; one that passed while
the process slept (or the clock jumped) fires on the next wake.

A deadline whose firing raises (a store write inside the daily reset, a rule) is never dropped: it is
retried with backoff (1 s, doubling, at most 60 s) and still judged at its own time, and the daemon is
DEGRADED (journaled critical, notified) until a retry succeeds. The engine makes a retried reset
idempotent. A failed daily backup is retried the same way (at most hourly).

A lockout's end is held while a close sent for that account is still unanswered (``hold``): the gateway may
apply it late, and it must not meet a position opened after the lockout ended (SPEC §14). It is re-checked
every ``HOLD_RECHECK`` seconds; the adapter bounds how long a request stays unanswered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from risk_manager.clock.clock import Clock
from risk_manager.clock.deadlines import Deadline
from risk_manager.daemon.health import Health
from risk_manager.daemon.journal import DaemonJournal, alert_record
from risk_manager.engine.actions import Action
from risk_manager.engine.engine import Engine, Payload

log = logging.getLogger(__name__)
MAX_SLEEP = 30.0
FIRST_RETRY = 1.0
MAX_RETRY = 60.0
MAX_BACKUP_RETRY = 3600.0
HOLD_RECHECK = 0.1


@dataclass(slots=True)
class _Retry:
    deadline: Deadline[Any]
    due: datetime  # next attempt (wall clock)
    delay: float  # seconds until the attempt after this one


class DeadlineDriver:
    def __init__(self, engine: Engine, clock: Clock, journal: DaemonJournal,
                 execute: Callable[[list[Action]], None], health: Health, *,
                 daily: Callable[[datetime], None] | None = None,
                 daily_every: timedelta = timedelta(days=1), max_sleep: float = MAX_SLEEP,
                 hold: Callable[[str], bool] | None = None) -> None:
        if max_sleep <= 0:
            raise ValueError("max_sleep must be > 0")
        self.engine, self.clock, self.journal, self._execute = engine, clock, journal, execute
        self.health = health
        self._hold = hold  # account name -> a close sent for it is unanswered
        self._held: set[str] = set()
        self._daily, self._daily_every = daily, daily_every
        self._next_daily: datetime | None = None
        self._daily_retry = FIRST_RETRY
        self._retries: dict[str, _Retry] = {}
        self._max_sleep = max_sleep
        self._wake = asyncio.Event()
        self._until: datetime | None = None  # what the sleeping task is waiting for
        self._task: asyncio.Task[None] | None = None
        self.fired = 0

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def retrying(self) -> list[str]:
        """Keys of deadlines whose firing failed and that wait for their next attempt."""
        return list(self._retries)

    def start(self, first_daily: datetime | None = None) -> None:
        self._next_daily = first_daily
        self._wake = asyncio.Event()
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
        for retry in sorted(self._retries.values(), key=lambda r: r.deadline.at):
            if retry.due <= now:
                self._fire(retry.deadline, now, retry)
        while (d := self.engine.pop_due(now)) is not None:
            if not self._holds(d, now):
                self._fire(d, now, None)
        if self._daily is not None and self._next_daily is not None and now >= self._next_daily:
            self._housekeeping(self._daily, now)

    def _fire(self, d: Deadline[Any], now: datetime, retry: _Retry | None) -> None:
        self.fired += 1
        key = f"deadline:{d.key}"
        try:
            actions = self.engine.fire(d, now)
        except Exception as e:
            delay = FIRST_RETRY if retry is None else retry.delay
            self._retries[d.key] = _Retry(d, now + timedelta(seconds=delay), min(delay * 2, MAX_RETRY))
            log.exception("deadline %s (due %s) failed", d.key, d.at.isoformat())
            self.health.fail(key, f"deadline {d.key} due {d.at.isoformat()} failed "
                                  f"({type(e).__name__}: {e}); retrying"[:400])
        else:
            self._retries.pop(d.key, None)
            self.health.clear(key)
            if actions:
                self._execute(actions)
                self.journal.hold()
        self.journal.dispatch()

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

    def _housekeeping(self, daily: Callable[[datetime], None], now: datetime) -> None:
        try:
            daily(now)
        except Exception as e:
            log.exception("daily housekeeping failed")
            self._next_daily = now + timedelta(seconds=self._daily_retry)
            self._daily_retry = min(self._daily_retry * 2, MAX_BACKUP_RETRY)
            self.health.fail("daily", f"daily backup failed ({type(e).__name__}: {e}); retrying"[:400])
        else:
            self._next_daily = now + self._daily_every
            self._daily_retry = FIRST_RETRY
            self.health.clear("daily")
        self.journal.dispatch()

    def _sleep_for(self) -> float:
        now = self.clock.now()
        targets = [d.at for d in (self.engine.next_deadline(),) if d is not None]
        targets += [r.due for r in self._retries.values()]
        if self._next_daily is not None:
            targets.append(self._next_daily)
        delay = self._max_sleep
        if targets:
            delay = min(delay, max((min(targets) - now).total_seconds(), 0.0))
        self._until = now + timedelta(seconds=delay)
        return delay

    async def _run(self) -> None:
        while True:
            # Clear before looking: a poke() after this point re-wakes the wait below.
            self._wake.clear()
            try:
                self.fire_due()
                delay = self._sleep_for()
            except Exception as e:  # the engine's deadline queue itself failed: keep the task alive
                log.exception("deadline driver failed; continuing")
                self.health.fail("driver", f"deadline driver failed ({type(e).__name__}: {e})"[:400])
                delay = FIRST_RETRY
            else:
                self.health.clear("driver")
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), delay)
            self._until = None
