"""The daemon's journal writer: SQLite (hash chain, via the DB thread) + a log line + live listeners.

Records are collected while the engine decides and dispatched once the executor's first broker calls
are on the wire: after actions are submitted the journal is *held* for a few milliseconds (logging a record
costs ~0.3 ms, an fsync ~2 ms; neither may sit between a breach and its close request). A ``lockout``
record is the exception: it is committed before ``write`` returns (SPEC §6: persisted and journaled before
any broker call for it) — or, inside ``batch()`` (one engine call deciding for many accounts at once, a
market gap), once at the end of the batch, still before any action of the batch is submitted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime

from risk_manager.daemon.dbwriter import DbWriter
from risk_manager.engine.record_types import (
    AlertRecord,
    BadEventRecord,
    JournalRecord,
    LockRecord,
    record_dict,
)
from risk_manager.engine.records import Record, RecordMaker

log = logging.getLogger("risk_manager.journal")
Listener = Callable[[Record], None]
SYNC_TYPES = (LockRecord,)  # committed before ``write`` returns
HOLD_SECONDS = 0.005  # > the p99 of "call -> request reaches the gateway" on loopback (~2-3 ms)


class DaemonJournal:
    def __init__(self, writer: DbWriter | None) -> None:
        self.writer = writer
        self.listeners: list[Listener] = []
        self._pending: list[JournalRecord] = []
        self._later: list[Callable[[], None]] = []
        self._scheduled = False
        self._held_until = 0.0
        self._batch = 0  # > 0: lockout records are committed together when the batch ends
        self._unflushed: list[JournalRecord] = []
        self._unlogged: list[Record] = []  # with the DB thread already; not yet logged nor shown
        self.written = 0

    def add_listener(self, fn: Listener) -> None:
        self.listeners.append(fn)

    def write(self, record: JournalRecord) -> None:
        self._pending.append(record)
        if isinstance(record, SYNC_TYPES):
            self._run_later()  # deferred DB work (seen trades) goes in the same commit, as before
            self._to_db()  # its log line and listeners follow with the rest (after the hold, if any)
            if self._batch:
                self._unflushed.append(record)
            elif self.writer is not None and not self.writer.flush():
                log.critical("lockout record could not be committed in time: %s", _dumps(record))
        if not self._scheduled:
            try:
                asyncio.get_running_loop().call_soon(self.dispatch)
                self._scheduled = True
            except RuntimeError:  # no loop (start-up, tests): dispatch at once
                self.dispatch(force=True)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Commit the lockout records written inside with one flush at the end (20 accounts breaching on
        one quote wait for one fsync, not 20 in a row). The caller submits actions only after it."""
        self._batch += 1
        try:
            yield
        finally:
            self._batch -= 1
            if not self._batch and self._unflushed:
                records, self._unflushed = self._unflushed, []
                if self.writer is not None and not self.writer.flush():
                    for record in records:
                        log.critical("lockout record could not be committed in time: %s", _dumps(record))

    def later(self, fn: Callable[[], None], seconds: float = 0.002) -> None:
        """Run ``fn`` about ``seconds`` from now, or at a forced dispatch (DB work off the urgent path)."""
        self._later.append(fn)
        if len(self._later) == 1:
            asyncio.get_running_loop().call_later(seconds, self._run_later)

    def _run_later(self) -> None:
        later, self._later = self._later, []
        for fn in later:
            try:
                fn()
            except Exception:
                log.exception("deferred journal work failed")

    def hold(self, seconds: float = HOLD_SECONDS) -> None:
        """Keep pending records back for ``seconds`` (broker calls were just started); dispatched after."""
        loop = asyncio.get_running_loop()
        self._held_until = max(self._held_until, time.monotonic() + seconds)
        loop.call_later(seconds, self.dispatch, True)  # forced: a timer firing a hair early must not strand


    def dispatch(self, force: bool = False) -> None:
        """Hand pending records to the DB thread, the log and the listeners (in order)."""
        self._scheduled = False
        if force:
            self._run_later()
        if not (self._pending or self._unlogged) or (not force and time.monotonic() < self._held_until):
            return
        self._to_db()
        unlogged, self._unlogged = self._unlogged, []
        for rec in unlogged:
            log.info("%s", _dumps(rec))
            for fn in list(self.listeners):
                try:
                    fn(rec)
                except Exception:
                    log.exception("journal listener failed")

    def _to_db(self) -> None:
        """Pending records to the DB thread, in order (a lockout's commit includes all before it). Their
        log lines wait: 20 accounts locked by one quote wrote ~120 lines (~6 ms) before the first close."""
        pending, self._pending = self._pending, []
        for typed in pending:
            rec = record_dict(typed)
            self.written += 1
            if self.writer is not None:
                self.writer.journal(rec)
            self._unlogged.append(rec)


def _dumps(rec: Record | JournalRecord) -> str:
    return json.dumps(rec if isinstance(rec, dict) else record_dict(rec), default=str, separators=(",", ":"))


def alert_record(make: RecordMaker, at: datetime, level: str, message: str,
                 account: str | None = None) -> AlertRecord:
    return AlertRecord(at=make.local(at), level=level, account=account, message=message)


def bad_event_record(make: RecordMaker, at: datetime, kind: str, reason: str, raw: str,
                     account: str | None = None, suppressed: int = 0) -> BadEventRecord:
    """A gateway payload rejected at the boundary (never valued); ``raw`` has its secrets masked."""
    return BadEventRecord(at=make.local(at), account=account, kind=kind, reason=reason, raw=raw,
                          suppressed=suppressed)
