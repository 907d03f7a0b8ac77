"""The daemon (SPEC §3, §10): self-test -> database -> restore lockouts -> missed reset -> connect ->
reconcile -> evaluate -> live; and an orderly stop. ``risk-manager run`` and the demo both use it.

:func:`build_daemon` wires it in one go: the offline half (``offline.open_offline``), the login
(``login.log_in``), the connected half (``live.wire_live``), each part built complete and handed only what
it uses; it returns a :class:`RunningDaemon` or raises with everything it opened closed again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from risk_manager.config import Config
from risk_manager.daemon import gcpause
from risk_manager.daemon.connect import Connector
from risk_manager.daemon.journal import Listener
from risk_manager.daemon.live import Live, wire_live
from risk_manager.daemon.login import log_in
from risk_manager.daemon.offline import Offline, open_offline
from risk_manager.daemon.options import DaemonOptions, StartupError
from risk_manager.daemon.runtime_steps import add_accounts, seed_weeks
from risk_manager.daemon.selftest import run_self_test
from risk_manager.daemon.warmup import quiet_sdk
from risk_manager.enforcement.budget import RateBudget
from risk_manager.engine.record_types import DaemonStartedRecord

log = logging.getLogger("risk_manager.daemon")


class RunningDaemon:
    """Built by :func:`build_daemon`: every part exists; ``protected`` is set once the accounts are
    monitored and reconciled (at start-up, else after the next reconnect). ``stop()`` once."""

    def __init__(self, base: Offline, live: Live) -> None:
        self.base, self.live, self.opts, self.clock = base, live, base.opts, base.clock
        self.journal, self.engine = base.journal, base.engine
        self.store, self.writer, self.health = base.store, base.writer, base.health
        self.notifier = base.notifier
        self.control, self.protected, self.stop_requested = base.control, base.protected, base.stop_requested
        self.connection, self.budget, self.accounts = live.connection, live.budget, live.accounts
        self.executor, self.pipeline, self.timer = live.executor, live.pipeline, live.timer
        self.link, self.quotes, self.reconciling = live.link, live.quotes, live.reconciling
        self.startup_ms: float | None = None  # set when protected
        self._tasks: list[asyncio.Task[None]] = []
        self._stopped = False

    @property
    def config(self) -> Config:
        return self.base.live_config.config

    async def apply_config(self, new: Config) -> None:
        await self.base.live_config.apply(new)

    async def _go_live(self) -> None:
        base, live = self.base, self.live
        add_accounts(live.accounts, base.engine, base.store, live.pipeline)
        await seed_weeks(base.engine, base.store, live.reconciler, self.clock.now())
        live.pipeline.start()
        live.timer.start(first_daily=live.backups.first_due(base.opened_at))
        await live.connection.stream.start(live.accounts, live.pipeline.on_event, live.link.on_state,
                                           self._reconnected)
        quiet_sdk()  # the SDK creates more stdout loggers as its modules load: route them through ours
        await base.warm
        if await live.reconciling.reconcile_all("start-up") and live.link.monitored:
            self._protect()
        self._tasks.append(asyncio.create_task(
            live.reconciling.periodic(self.opts.reconcile_every, lambda: live.link.monitored),
            name="periodic-reconcile"))

    async def _reconnected(self) -> None:
        if await self.reconciling.reconcile_all("reconnect") and not self.protected.is_set():
            self._protect()

    def _protect(self) -> None:
        if self.opts.gc_tuning:
            gcpause.tune()  # once, now: the start-up heap is built and no breach waits behind it yet
        self.base.gc_pauses.protected = True
        self.startup_ms = round((time.perf_counter() - self.opts.started_at) * 1000, 1)
        self.protected.set()
        names = [a.name for a in self.accounts]
        rules = self.config.rules.enabled_names()
        at = self.engine.make.local(self.clock.now())
        self.journal.write(DaemonStartedRecord(at=at, accounts=tuple(names), rules=tuple(rules),
                                               startup_ms=self.startup_ms))
        self.journal.dispatch()
        log.warning("PROTECTED: %s monitored, %d rule(s) live (start-up took %.0f ms)", ", ".join(names),
                    len(rules), self.startup_ms)

    async def stop(self, drain: float = 3.0) -> None:
        """Orderly stop: control API, hubs, timers and workers first; in-flight actions get ``drain``
        seconds; then everything queued is committed. (kill -9 loses nothing that matters: it is all in
        SQLite.)"""
        if self._stopped:
            return
        self._stopped = True
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        await self.base.close(halt=lambda: self.live.halt(drain), disconnect=self.connection.close)


async def build_daemon(config: Config, connector: Connector, opts: DaemonOptions, *,
                       stop_requested: asyncio.Event | None = None,
                       listeners: Sequence[Listener] = ()) -> RunningDaemon:
    """Run the start-up sequence up to "protected" (a lost hub connection at the end leaves it to the
    reconnect). ``stop_requested``: set by the admin's "stop" over the control API; ``listeners`` see every
    journal record from the first on. Raises StartupError (exit code inside) after closing what it opened."""
    if opts.self_test:
        failed = [c for c in run_self_test(config) if not c.ok]
        if failed:
            why = "; ".join(f"{c.rule}: {c.detail}" for c in failed)
            raise StartupError(4, f"self-test failed: {why}")
    base = await open_offline(config, opts, listeners, stop_requested or asyncio.Event())
    budget = RateBudget(opts.rate_limit, opts.rate_window)
    try:
        conn = await log_in(connector, opts, base.journal, base.engine.make, base.clock)
    except BaseException:
        await base.close()
        raise
    try:
        live = await wire_live(base, conn, budget)
    except BaseException:
        async def unstarted_stream() -> None:
            with contextlib.suppress(Exception):
                await conn.stream.stop()

        await base.close(halt=unstarted_stream, disconnect=conn.close)
        raise
    daemon = RunningDaemon(base, live)
    try:
        await daemon._go_live()
    except BaseException:
        await daemon.stop()
        raise
    return daemon
