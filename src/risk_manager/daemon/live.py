"""The daemon's connected half: what exists once the login succeeded and the configured accounts were found
(reconciler, link and quote watch, executor, deadline timer, event pipeline, backups), wired by
:func:`wire_live` and halted in order by :meth:`Live.halt`."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from risk_manager.broker.port import AccountInfo
from risk_manager.daemon.connect import Connection
from risk_manager.daemon.linkstate import LinkWatch, QuoteWatch
from risk_manager.daemon.offline import Offline
from risk_manager.daemon.pipeline import Pipeline
from risk_manager.daemon.reconcile import Reconciler
from risk_manager.daemon.runtime_steps import Backups, Reconciling, resolve_accounts
from risk_manager.daemon.timer import DeadlineDriver
from risk_manager.enforcement.budget import RateBudget
from risk_manager.enforcement.live_executor import LiveExecutor
from risk_manager.engine.engine import Engine

log = logging.getLogger("risk_manager.daemon")


@dataclass(frozen=True, slots=True)
class Live:
    """The connected half, built once the login succeeded and the configured accounts were found."""

    connection: Connection
    budget: RateBudget
    accounts: list[AccountInfo]
    reconciler: Reconciler
    reconciling: Reconciling
    link: LinkWatch
    quotes: QuoteWatch
    executor: LiveExecutor
    timer: DeadlineDriver
    pipeline: Pipeline
    backups: Backups

    async def halt(self, drain: float) -> None:
        """Hubs, timers and workers first; in-flight actions get ``drain`` seconds."""
        with contextlib.suppress(Exception):
            await self.connection.stream.stop()
        await self.reconciling.stop()
        await self.timer.stop()
        await self.pipeline.stop()
        if not await self.executor.drain(drain):
            log.warning("stopping with %d action(s) still in flight", self.executor.in_flight)
        await self.executor.stop()


def _locked(engine: Engine, account_id: int) -> bool:
    """Any lockout on the account: a close is then re-sent at once while an earlier one is unanswered
    (the lockout is held until that one is answered, see ``_closing``)."""
    st = engine.states.get(account_id)
    return st is not None and bool(engine.locks.active(st.name))


def _holds(engine: Engine, account_id: int, rule: str) -> bool:
    """A lockout of ``rule`` still runs on the account (a close it decided still has its reason)."""
    st = engine.states.get(account_id)
    return st is not None and any(r.rule == rule for r in engine.locks.active(st.name))


async def wire_live(base: Offline, conn: Connection, budget: RateBudget) -> Live:
    """Find the configured accounts (StartupError 5), then build every connected part, each handed what it
    uses; the control API's relay is attached to the link, the executor and the timer."""
    engine, journal, clock, opts, health = base.engine, base.journal, base.clock, base.opts, base.health
    reconciler = Reconciler(conn.broker, budget)
    accounts = await resolve_accounts(reconciler, [a.name for a in base.live_config.config.accounts])
    link = LinkWatch(engine, journal, clock)
    quotes = QuoteWatch(engine, lambda: conn.stream, lambda: pipeline)

    def unknown_fate(account: str, what: str) -> None:
        """A request never answered (the adapter's bound): DEGRADED (critical alert) until a REST
        reconcile has read the positions again; the engine acts on what it finds."""
        health.fail(f"reconcile: unknown fate ({account})", f"{account}: {what}", account)
        reconciling.request_reconcile(f"unknown fate of a request of {account}")

    executor = LiveExecutor(conn.broker, engine.complete, journal, engine.make, clock,
                            engine.states.get, policy=opts.policy, budget=budget,
                            locked=lambda aid: _locked(engine, aid), unknown=unknown_fate,
                            holds=lambda aid, rule: _holds(engine, aid, rule))

    def closing(account: str) -> bool:
        aid = engine.account_id(account)
        return aid is not None and executor.closing(aid)

    backups = Backups(base.store, opts.data_dir)
    timer = DeadlineDriver(engine, clock, journal, executor.submit, health, daily=backups.daily, hold=closing)
    pipeline = Pipeline(engine, executor, journal, base.writer, clock, conn.broker.contract, quotes.changed,
                        timer.poke, health, lambda why: reconciling.request_reconcile(why))
    reconciling = Reconciling(reconciler, engine, pipeline, quotes.changed, health, journal, clock)
    base.relay.attach(lambda: str(link.state), executor.submit, timer.poke)
    return Live(conn, budget, accounts, reconciler, reconciling, link, quotes, executor, timer, pipeline,
                backups)
