"""The daemon's connected steps: resolve accounts by name, seed them, reconcile over REST, back up daily."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from risk_manager.broker.port import AccountInfo
from risk_manager.daemon.journal import alert_record
from risk_manager.daemon.options import StartupError
from risk_manager.daemon.paths import backup_dir
from risk_manager.daemon.reconcile import Reconciler
from risk_manager.daemon.startup import seed_trades
from risk_manager.daemon.week_seed import restore_figures, seed_week
from risk_manager.store import DEFAULT_KEEP, list_backups

if TYPE_CHECKING:
    from risk_manager.daemon.runtime import Daemon

log = logging.getLogger("risk_manager.daemon")
RETRY_DELAYS = (0.5, 1.0, 2.0)
BACKUP_EVERY = timedelta(days=1)
REQUEST_GAP = 5.0  # seconds between reconciles asked for by rejected payloads or engine errors
FIXED_BY_RECONCILE = ("engine:", "payload:", "pipeline", "reconcile")


class Steps:
    def __init__(self, daemon: Daemon, reconciler: Reconciler) -> None:
        self.d = daemon
        self.reconciler = reconciler
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

    async def resolve_accounts(self) -> list[AccountInfo]:
        for delay in (*RETRY_DELAYS, None):
            try:
                found = await self.reconciler.accounts()
                break
            except Exception as e:
                if delay is None:
                    raise StartupError(5, f"Account/search failed: {e}") from None
                await asyncio.sleep(delay)
        by_name = {a.name.casefold(): a for a in found}
        wanted = [a.name for a in self.d.config.accounts]
        missing = [n for n in wanted if n.casefold() not in by_name]
        if missing:
            raise StartupError(5, f"account(s) not found at the gateway: {', '.join(missing)} "
                                  f"(this login sees: {', '.join(sorted(a.name for a in found)) or 'none'})")
        return [by_name[n.casefold()] for n in wanted]

    def add_accounts(self, accounts: list[AccountInfo]) -> None:
        d = self.d
        assert d.engine is not None and d.store is not None and d.pipeline is not None
        for a in accounts:
            st = d.engine.add_account(a.id, a.name)
            restore_figures(st, d.store)
            n = seed_trades(st, d.store, d.engine)
            d.pipeline.add_account(a.id)
            log.info("account %s (id %d): %d trade(s) of today restored, realized %.2f", a.name, a.id, n,
                     st.realized)

    async def seed_weeks(self) -> None:
        """The P&L of the week's finished days for the accounts with weekly rules (stored + Trade/search)."""
        d = self.d
        assert d.engine is not None and d.store is not None
        now = d.clock.now()
        for st in d.engine.states.values():
            days = await seed_week(st, d.store, d.engine, now, self.reconciler.trades)
            if days:
                log.info("account %s: %d earlier trading day(s) of this week restored, %.2f", st.name, days,
                         st.past_days.week_of(d.engine.day or now.date(), st.pnl_basis == "net"))

    async def reconcile_all(self, why: str) -> bool:
        """REST snapshot of every account judged by the engine; retried a few times. True when done."""
        async with self._lock:
            for delay in (*RETRY_DELAYS, None):
                try:
                    await self._reconcile_once()
                    self.reconciles += 1
                    log.info("reconciled over REST (%s)", why)
                    if self.d.health is not None:
                        self.d.health.clear_where(*FIXED_BY_RECONCILE)
                    return True
                except Exception as e:
                    log.error("reconcile (%s) failed: %s", why, f"{type(e).__name__}: {e}"[:300])
                    if delay is None:
                        break
                    await asyncio.sleep(delay)
        d = self.d
        if d.health is not None:
            d.health.fail("reconcile", f"REST reconcile after {why} failed; state may be stale")
        elif d.engine is not None:
            d.journal.write(alert_record(d.engine.make, d.clock.now(), "critical",
                                         f"REST reconcile after {why} failed; state may be stale"))
        d.journal.dispatch()
        return False

    async def _reconcile_once(self) -> None:
        d = self.d
        assert d.engine is not None and d.pipeline is not None and d.quotes is not None
        engine, pipeline = d.engine, d.pipeline
        for aid in engine.states:
            pipeline.hold(aid)  # the hub's events from now on are judged after the snapshot (older trades)
        try:
            infos = {a.id: a for a in await self.reconciler.accounts()}
            now = d.clock.now()
            day_start = engine.td.start(now)
            snaps = await asyncio.gather(*(self.reconciler.snapshot(st, day_start, now, infos.get(aid))
                                           for aid, st in engine.states.items()))
        except BaseException:
            for aid in engine.states:
                pipeline.release(aid)
            raise
        await asyncio.gather(*(pipeline.feed(aid, events)
                               for aid, events in zip(engine.states, snaps, strict=True)))
        d.quotes.changed()

    async def periodic_reconcile(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            if self.d.link is not None and self.d.link.monitored:
                await self.reconcile_all("periodic check")

    # ---- backups ---------------------------------------------------------------------------------------

    def first_backup_due(self, now: datetime) -> datetime:
        """Now if the newest backup is a day old (or none exists), else a day after it: restarts in a loop
        must not rotate the good backups away."""
        store = self.d.store
        assert store is not None and store.path is not None
        newest = list_backups(backup_dir(self.d.opts.data_dir), store.path.stem)
        if not newest:
            return now
        age = timedelta(seconds=max(0.0, now.timestamp() - newest[0].stat().st_mtime))
        return now if age >= BACKUP_EVERY else now + (BACKUP_EVERY - age)

    def daily_backup(self, now: datetime) -> None:
        store = self.d.store
        if store is None:
            return
        path = store.backup(backup_dir(self.d.opts.data_dir), now=now, keep=DEFAULT_KEEP)
        log.info("online backup written: %s", path)
