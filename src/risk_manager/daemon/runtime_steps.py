"""The daemon's connected steps: resolve accounts by name, seed them, reconcile over REST, back up daily.

Each step gets only what it uses (the reconciler, the engine, the store, the pipeline's ``feed``), never the
daemon itself."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from risk_manager.broker.port import AccountInfo
from risk_manager.clock.clock import Clock
from risk_manager.daemon.health import Health
from risk_manager.daemon.journal import DaemonJournal
from risk_manager.daemon.options import StartupError
from risk_manager.daemon.paths import backup_dir
from risk_manager.daemon.reconcile import Reconciler
from risk_manager.daemon.startup import seed_trades
from risk_manager.daemon.week_seed import restore_figures, seed_week
from risk_manager.domain.events import Event
from risk_manager.engine.engine import Engine
from risk_manager.store import DEFAULT_KEEP, Store, list_backups

log = logging.getLogger("risk_manager.daemon")
RETRY_DELAYS = (0.5, 1.0, 2.0)
BACKUP_EVERY = timedelta(days=1)
REQUEST_GAP = 5.0  # seconds between reconciles asked for by rejected payloads or engine errors
FIXED_BY_RECONCILE = ("engine:", "payload:", "pipeline", "reconcile")


class Feed(Protocol):
    """Where a reconcile snapshot goes (the pipeline: judged back to back, behind the account's queue)."""

    def add_account(self, account_id: int) -> None: ...
    async def feed(self, account_id: int, events: list[Event]) -> None: ...


async def resolve_accounts(reconciler: Reconciler, wanted: list[str]) -> list[AccountInfo]:
    """The configured accounts, by name (case-insensitive), in the config's order. StartupError(5)."""
    for delay in (*RETRY_DELAYS, None):
        try:
            found = await reconciler.accounts()
            break
        except Exception as e:
            if delay is None:
                raise StartupError(5, f"Account/search failed: {e}") from None
            await asyncio.sleep(delay)
    by_name = {a.name.casefold(): a for a in found}
    missing = [n for n in wanted if n.casefold() not in by_name]
    if missing:
        raise StartupError(5, f"account(s) not found at the gateway: {', '.join(missing)} "
                              f"(this login sees: {', '.join(sorted(a.name for a in found)) or 'none'})")
    return [by_name[n.casefold()] for n in wanted]


def add_accounts(accounts: list[AccountInfo], engine: Engine, store: Store, feed: Feed) -> None:
    for a in accounts:
        st = engine.add_account(a.id, a.name)
        restore_figures(st, store)
        n = seed_trades(st, store, engine)
        feed.add_account(a.id)
        log.info("account %s (id %d): %d trade(s) of today restored, realized %.2f", a.name, a.id, n,
                 st.realized)


async def seed_weeks(engine: Engine, store: Store, reconciler: Reconciler, now: datetime) -> None:
    """The P&L of the week's finished days for the accounts with weekly rules (stored + Trade/search)."""
    for st in engine.states.values():
        days = await seed_week(st, store, engine, now, reconciler.trades)
        if days:
            log.info("account %s: %d earlier trading day(s) of this week restored, %.2f", st.name, days,
                     st.past_days.week_of(engine.day or now.date(), st.pnl_basis == "net"))


class Reconciling:
    """REST snapshots of every account, judged like events: at start-up, after a reconnect, periodically,
    and when a rejected payload or an engine error asks for one."""

    def __init__(self, reconciler: Reconciler, engine: Engine, feed: Feed, on_positions: Callable[[], None],
                 health: Health, journal: DaemonJournal, clock: Clock) -> None:
        self.reconciler, self.engine, self.feed, self.on_positions = reconciler, engine, feed, on_positions
        self.health, self.journal, self.clock = health, journal, clock
        self._lock = asyncio.Lock()
        self._requested: asyncio.Task[None] | None = None
        self.reconciles = 0

    def request_reconcile(self, why: str) -> None:
        """Reconcile soon (a payload was rejected, the engine failed): one at a time, at most every
        REQUEST_GAP seconds however often it is asked for."""
        if self._requested is None or self._requested.done():
            self._requested = asyncio.get_running_loop().create_task(self._requested_reconcile(why),
                                                                     name="requested-reconcile")

    async def _requested_reconcile(self, why: str) -> None:
        await self.reconcile_all(why)
        await asyncio.sleep(REQUEST_GAP)  # requests meanwhile are covered by this one

    async def stop(self) -> None:
        if self._requested is not None:
            self._requested.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._requested

    async def reconcile_all(self, why: str) -> bool:
        """REST snapshot of every account judged by the engine; retried a few times. True when done."""
        async with self._lock:
            for delay in (*RETRY_DELAYS, None):
                try:
                    await self._reconcile_once()
                    self.reconciles += 1
                    log.info("reconciled over REST (%s)", why)
                    self.health.clear_where(*FIXED_BY_RECONCILE)
                    return True
                except Exception as e:
                    log.error("reconcile (%s) failed: %s", why, f"{type(e).__name__}: {e}"[:300])
                    if delay is None:
                        break
                    await asyncio.sleep(delay)
        self.health.fail("reconcile", f"REST reconcile after {why} failed; state may be stale")
        self.journal.dispatch()
        return False

    async def _reconcile_once(self) -> None:
        engine = self.engine
        infos = {a.id: a for a in await self.reconciler.accounts()}
        now = self.clock.now()
        day_start = engine.td.start(now)
        snaps = await asyncio.gather(*(self.reconciler.snapshot(st, day_start, now, infos.get(aid))
                                       for aid, st in engine.states.items()))
        await asyncio.gather(*(self.feed.feed(aid, events)
                               for aid, events in zip(engine.states, snaps, strict=True)))
        self.on_positions()

    async def periodic(self, every: float, monitored: Callable[[], bool]) -> None:
        while True:
            await asyncio.sleep(every)
            if monitored():
                await self.reconcile_all("periodic check")


class Backups:
    """The daily online backup of the database into the data directory's backups."""

    def __init__(self, store: Store, data_dir: Path) -> None:
        self.store, self.dir = store, backup_dir(data_dir)

    def first_due(self, now: datetime) -> datetime:
        """Now if the newest backup is a day old (or none exists), else a day after it: restarts in a loop
        must not rotate the good backups away."""
        assert self.store.path is not None
        newest = list_backups(self.dir, self.store.path.stem)
        if not newest:
            return now
        age = timedelta(seconds=max(0.0, now.timestamp() - newest[0].stat().st_mtime))
        return now if age >= BACKUP_EVERY else now + (BACKUP_EVERY - age)

    def daily(self, now: datetime) -> None:
        path = self.store.backup(self.dir, now=now, keep=DEFAULT_KEEP)
        log.info("online backup written: %s", path)
