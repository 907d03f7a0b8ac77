"""The daemon (SPEC §3, §10): self-test -> database -> restore lockouts -> missed reset -> connect ->
reconcile -> evaluate -> live; and an orderly stop. ``risk-manager run`` and the demo both use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from risk_manager.broker.port import AccountInfo
from risk_manager.config import Config
from risk_manager.daemon import calendar_cache, gcpause
from risk_manager.daemon.connect import Connection, Connector, LoginFailed
from risk_manager.daemon.control import apply_config, claim, start_control
from risk_manager.daemon.dbwriter import DbWriter
from risk_manager.daemon.health import Health
from risk_manager.daemon.journal import DaemonJournal, alert_record
from risk_manager.daemon.linkstate import LinkWatch, QuoteWatch
from risk_manager.daemon.options import DaemonOptions, StartupError
from risk_manager.daemon.paths import db_path
from risk_manager.daemon.pipeline import Pipeline
from risk_manager.daemon.reconcile import Reconciler
from risk_manager.daemon.runtime_steps import Steps
from risk_manager.daemon.selftest import run_self_test
from risk_manager.daemon.startup import alert_recovered, missed_reset, open_store, restore_lockouts
from risk_manager.daemon.timer import DeadlineDriver
from risk_manager.daemon.warmup import quiet_sdk, warm_calendar
from risk_manager.enforcement.budget import RateBudget
from risk_manager.enforcement.live_executor import LiveExecutor
from risk_manager.engine.engine import Engine
from risk_manager.engine.factory import build_engine
from risk_manager.notify import Notifier
from risk_manager.store import Store

if TYPE_CHECKING:
    from risk_manager.control.endpoint import BoundSocket
    from risk_manager.control.server import ControlServer
    from risk_manager.daemon.lock import DataDirLock

log = logging.getLogger("risk_manager.daemon")


class Daemon:
    def __init__(self, config: Config, connector: Connector, options: DaemonOptions) -> None:
        self.config, self._connector, self.opts = config, connector, options
        self.clock = options.clock
        self.protected = asyncio.Event()
        self.stop_requested = asyncio.Event()  # the admin's "stop" over the control API
        self.control: ControlServer | None = None
        self._lock: DataDirLock | None = None
        self._endpoint: BoundSocket | None = None
        self.budget = RateBudget(options.rate_limit, options.rate_window)
        self.store: Store | None = None
        self.writer: DbWriter | None = None
        self.journal = DaemonJournal(None)
        self.notifier = Notifier(config.notifications, tz=config.schedule.tz)
        self.journal.add_listener(self.notifier.offer)  # after the broker call, like every listener
        self.engine: Engine | None = None
        self.connection: Connection | None = None
        self.executor: LiveExecutor | None = None
        self.pipeline: Pipeline | None = None
        self.timer: DeadlineDriver | None = None
        self.health: Health | None = None
        self.link: LinkWatch | None = None
        self.quotes: QuoteWatch | None = None
        self.accounts: list[AccountInfo] = []
        self.startup_ms: float | None = None
        self._steps: Steps | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopped = False
        self._gc_pauses = gcpause.PauseRecorder()  # only records when RISK_MANAGER_GC_REPORT is set

    # ---- start ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Run the start-up sequence up to "protected". Raises StartupError (exit code inside)."""
        if self.opts.self_test:
            failed = [c for c in run_self_test(self.config) if not c.ok]
            if failed:
                why = "; ".join(f"{c.rule}: {c.detail}" for c in failed)
                raise StartupError(4, f"self-test failed: {why}")
        self._lock, self._endpoint = claim(self)  # one daemon per data directory; the socket is ours
        self.notifier.start()
        now = self.clock.now()
        self.store, recovered = open_store(self.opts.data_dir, now)
        self.writer = DbWriter(db_path(self.opts.data_dir))
        self.writer.start()
        self.journal.writer = self.writer
        engine = self.engine = build_engine(self.config, self.journal, store=self.store)
        health = self.health = Health(self.journal, engine.make, self.clock.now)
        if recovered:
            alert_recovered(self.journal, engine, now, self.opts.data_dir)
        engine.start(now)
        restore_lockouts(engine, self.store, now, self.config)
        missed_reset(engine, self.store, now)
        self.journal.dispatch()
        if self._endpoint is not None:
            endpoint, self._endpoint = self._endpoint, None
            self.control = await start_control(self, endpoint)
        calendar = calendar_cache.install(engine, self.config, self.opts.data_dir)
        warm = asyncio.create_task(asyncio.to_thread(warm_calendar, engine, calendar, now), name="calendar")
        self.connection = conn = await self._login()
        steps = self._steps = Steps(self, Reconciler(conn.broker, self.budget))
        self.accounts = await steps.resolve_accounts()
        self.link = LinkWatch(engine, self.journal, self.clock)
        self.quotes = QuoteWatch(engine, lambda: conn.stream, lambda: self.pipeline)
        self.executor = LiveExecutor(conn.broker, engine.complete, self.journal, engine.make,
                                     self.clock, engine.states.get, policy=self.opts.policy,
                                     budget=self.budget, locked=self._locked)
        self.timer = DeadlineDriver(engine, self.clock, self.journal, self.executor.submit, health,
                                    daily=steps.daily_backup, hold=self._close_unanswered)
        self.pipeline = Pipeline(engine, self.executor, self.journal, self.writer, self.clock,
                                 conn.broker.contract, self.quotes.changed, self.timer.poke, health,
                                 steps.request_reconcile)
        steps.add_accounts(self.accounts)
        await steps.seed_weeks()
        self.pipeline.start()
        self.timer.start(first_daily=steps.first_backup_due(now))
        await conn.stream.start(self.accounts, self.pipeline.on_event, self.link.on_state, self._reconnected)
        quiet_sdk()  # the SDK creates more stdout loggers as its modules load: route them through ours
        await warm
        if await steps.reconcile_all("start-up") and self.link.monitored:
            self._protect()
        self._tasks.append(asyncio.create_task(steps.periodic_reconcile(self.opts.reconcile_every),
                                               name="periodic-reconcile"))

    async def apply_config(self, new: Config) -> None:
        await apply_config(self, new)

    async def _login(self) -> Connection:
        delay, rejections = 1.0, 0
        while True:
            try:
                return await self._connector()
            except LoginFailed as e:
                if e.rejected:
                    rejections += 1
                    self._login_rejected(str(e), rejections, delay)
                else:
                    log.critical("NOT MONITORED: cannot log in to the gateway (%s); retrying in %.0f s",
                                 str(e)[:300], delay)
            except Exception as e:
                log.critical("NOT MONITORED: cannot log in to the gateway (%s); retrying in %.0f s",
                             f"{type(e).__name__}: {e}"[:300], delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.opts.login_retry_cap)

    def _locked(self, account_id: int) -> bool:
        """Any lockout on the account: a close is then re-sent at once while an earlier one is unanswered
        (the lockout is held until that one is answered, see ``_close_unanswered``)."""
        st = self.engine.states.get(account_id) if self.engine is not None else None
        return st is not None and self.engine is not None and bool(self.engine.locks.active(st.name))

    def _close_unanswered(self, account: str) -> bool:
        aid = self.engine.account_id(account) if self.engine is not None else None
        return aid is not None and self.executor is not None and self.executor.closing(aid)

    def _login_rejected(self, reason: str, count: int, delay: float) -> None:
        """A wrong key: said once (log, journal, notification), then quietly retried with back-off; a
        foreground run gives up (exit 3) after ``opts.login_rejections_allowed``."""
        text = "login rejected: check PROJECT_X_API_KEY (and PROJECT_X_USERNAME)"
        if count == 1:
            log.critical("NOT MONITORED: %s (%s); retrying with back-off", text, reason[:200])
            assert self.engine is not None
            self.journal.write(alert_record(self.engine.make, self.clock.now(), "critical",
                                            f"NOT MONITORED: {text}"))
            self.journal.dispatch()
        else:
            log.warning("login rejected again (%d times); next try in %.0f s", count, delay)
        allowed = self.opts.login_rejections_allowed
        if allowed is not None and count >= allowed:
            raise StartupError(3, f"{text} ({count} rejections)")

    async def _reconnected(self) -> None:
        assert self._steps is not None
        if await self._steps.reconcile_all("reconnect") and not self.protected.is_set():
            self._protect()

    def _protect(self) -> None:
        assert self.engine is not None
        if self.opts.gc_tuning:
            gcpause.tune()  # once, now: the start-up heap is built and no breach waits behind it yet
        self._gc_pauses.protected = True
        self.startup_ms = round((time.perf_counter() - self.opts.started_at) * 1000, 1)
        self.protected.set()
        names = [a.name for a in self.accounts]
        self.journal.write({"at": self.engine.make.ts(self.clock.now()), "type": "daemon_started",
                            "accounts": names, "rules": self.config.rules.enabled_names(),
                            "startup_ms": self.startup_ms})
        self.journal.dispatch()
        log.warning("PROTECTED: %s monitored, %d rule(s) live (start-up took %.0f ms)", ", ".join(names),
                    len(self.config.rules.enabled_names()), self.startup_ms)

    # ---- stop ----------------------------------------------------------------------------------------

    async def stop(self, drain: float = 3.0) -> None:
        """Orderly stop: hubs, timers and workers first; in-flight actions get ``drain`` seconds; then
        everything queued is committed. (kill -9 loses nothing that matters: it is all in SQLite.)"""
        if self._stopped:
            return
        self._stopped = True
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        if self.control is not None:
            with contextlib.suppress(Exception):
                await self.control.stop()
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.stream.stop()
        if self._steps is not None:
            await self._steps.stop()
        if self.timer is not None:
            await self.timer.stop()
        if self.pipeline is not None:
            await self.pipeline.stop()
        if self.executor is not None:
            if not await self.executor.drain(drain):
                log.warning("stopping with %d action(s) still in flight", self.executor.in_flight)
            await self.executor.stop()
        if self.engine is not None:
            self.journal.write({"at": self.engine.make.ts(self.clock.now()), "type": "daemon_stopped"})
        self.journal.dispatch(force=True)
        await self.notifier.stop()
        if self.writer is not None:
            self.writer.flush()
            self.writer.close()
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.close()
        if self.store is not None:
            self.store.close()
        if self._endpoint is not None:  # claimed but never served (start-up stopped before that)
            self._endpoint.sock.close()
            self._endpoint.remove()
        if self._lock is not None:
            self._lock.release()
        self._gc_pauses.close()
        log.warning("stopped: NOT MONITORED")
