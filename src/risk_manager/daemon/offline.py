"""The daemon's offline half (SPEC §10): the owned data directory, the store and its DB thread, the journal,
the engine with its lockouts restored and missed reset run, the control API. Opened complete by
:func:`open_offline` (or nothing stays open), closed in order by :meth:`Offline.close`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from risk_manager.clock.clock import Clock
from risk_manager.config import Config
from risk_manager.daemon import calendar_cache, gcpause
from risk_manager.daemon.control import ControlParts, LiveConfig, claim, start_control
from risk_manager.daemon.dbwriter import DbWriter
from risk_manager.daemon.health import Health
from risk_manager.daemon.journal import DaemonJournal, Listener
from risk_manager.daemon.lock import DataDirLock
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.paths import db_path
from risk_manager.daemon.startup import alert_recovered, missed_reset, open_store, restore_lockouts
from risk_manager.daemon.warmup import warm_calendar
from risk_manager.engine.actions import Action
from risk_manager.engine.engine import Engine
from risk_manager.engine.factory import build_engine
from risk_manager.engine.record_types import DaemonStoppedRecord
from risk_manager.notify import Notifier
from risk_manager.store import Store

if TYPE_CHECKING:
    from risk_manager.control.server import ControlServer

log = logging.getLogger("risk_manager.daemon")


async def _nothing() -> None:
    return None


def _stopped(journal: DaemonJournal, engine: Engine, clock: Clock) -> None:
    journal.write(DaemonStoppedRecord(at=engine.make.local(clock.now())))
    journal.dispatch(force=True)


class Relay:
    """The control API's way to the connected half (``daemon.control.Connected``): CONNECTING, and a
    self-lock's flatten has nowhere to go, until the login has built the executor and the timer."""

    def __init__(self) -> None:
        self._link_state: Callable[[], str] = lambda: "CONNECTING"
        self._submit: Callable[[list[Action]], None] = lambda actions: None
        self._poke: Callable[[], None] = lambda: None

    def attach(self, link_state: Callable[[], str], submit: Callable[[list[Action]], None],
               poke: Callable[[], None]) -> None:
        self._link_state, self._submit, self._poke = link_state, submit, poke

    def link_state(self) -> str:
        return self._link_state()

    def submit(self, actions: list[Action]) -> None:
        self._submit(actions)

    def poke(self) -> None:
        self._poke()


@dataclass(slots=True)
class Offline:
    opts: DaemonOptions
    clock: Clock
    lock: DataDirLock
    notifier: Notifier
    store: Store
    writer: DbWriter
    journal: DaemonJournal
    engine: Engine
    health: Health
    live_config: LiveConfig
    relay: Relay
    control: ControlServer | None  # None: not served (`control=False`, Windows)
    protected: asyncio.Event
    stop_requested: asyncio.Event  # the admin's "stop" over the control API
    gc_pauses: gcpause.PauseRecorder
    warm: asyncio.Task[None]  # the exchange calendar, computed off the loop while the login runs
    opened_at: datetime

    async def close(self, halt: Callable[[], Awaitable[None]] = _nothing,
                    disconnect: Callable[[], Awaitable[None]] = _nothing) -> None:
        """Control API first, then ``halt`` (the connected half's workers), commit everything queued, then
        ``disconnect``, the store and the data directory."""
        if self.control is not None:
            with contextlib.suppress(Exception):
                await self.control.stop()
        await halt()
        _stopped(self.journal, self.engine, self.clock)
        await self.notifier.stop()
        self.writer.flush()
        self.writer.close()
        with contextlib.suppress(Exception):
            await disconnect()
        self.store.close()
        self.lock.release()
        self.gc_pauses.close()
        log.warning("stopped: NOT MONITORED")


async def open_offline(config: Config, opts: DaemonOptions, listeners: Sequence[Listener],
                       stop_requested: asyncio.Event) -> Offline:
    """Own the data directory and the socket, open the store, restore the engine, serve the control API.
    Raises StartupError (exit code inside); whatever was opened by then is closed again."""
    clock = opts.clock
    async with contextlib.AsyncExitStack() as undo:
        undo.callback(log.warning, "stopped: NOT MONITORED")
        gc_pauses = gcpause.PauseRecorder()  # only records when RISK_MANAGER_GC_REPORT is set
        undo.callback(gc_pauses.close)
        journal = DaemonJournal(None)
        notifier = Notifier(config.notifications, tz=config.schedule.tz)
        journal.add_listener(notifier.offer)  # after the broker call, like every listener
        for fn in listeners:
            journal.add_listener(fn)
        lock, endpoint = claim(config, opts)  # one daemon per data directory; the socket is ours
        undo.callback(lock.release)
        if endpoint is not None:
            undo.callback(endpoint.release)  # closed and removed (Windows: the pipe's instance closed)
        notifier.start()
        undo.push_async_callback(notifier.stop)
        now = clock.now()
        store, recovered = open_store(opts.data_dir, now)
        undo.callback(store.close)
        writer = journal.writer = DbWriter(db_path(opts.data_dir))
        writer.start()
        undo.callback(writer.close)
        undo.callback(writer.flush)
        engine = build_engine(config, journal, store=store)
        undo.callback(_stopped, journal, engine, clock)
        health = Health(journal, engine.make, clock.now)
        if recovered:
            alert_recovered(journal, engine, now, opts.data_dir)
        engine.start(now)
        restore_lockouts(engine, store, now, config)
        missed_reset(engine, store, now)
        journal.dispatch()
        relay = Relay()
        live_config = LiveConfig(config, engine, journal, notifier, clock, opts.data_dir, relay)
        protected = asyncio.Event()
        control = None
        if endpoint is not None:
            parts = ControlParts(engine, store, journal, clock, live_config, relay, health, protected,
                                 stop_requested)
            control = await start_control(parts, opts, endpoint)
            undo.push_async_callback(control.stop)
        calendar = calendar_cache.install(engine, config, opts.data_dir)
        warm = asyncio.create_task(asyncio.to_thread(warm_calendar, engine, calendar, now), name="calendar")
        offline = Offline(opts, clock, lock, notifier, store, writer, journal, engine, health, live_config,
                          relay, control, protected, stop_requested, gc_pauses, warm, now)
        undo.pop_all()  # opened completely: ``Offline.close`` owns it all now
    return offline
