"""The daemon's journal writer: SQLite (hash chain, via the DB thread) + a log line + live listeners.

Records are collected while the engine decides and dispatched right after the worker has handed the
actions to the executor, so neither file I/O nor an fsync sits between a breach and its close request.
A ``lockout`` record is the exception: it is committed before ``write`` returns (SPEC §6: persisted and
journaled before any broker call for it).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from risk_manager.daemon.dbwriter import DbWriter
from risk_manager.engine.records import Record, RecordMaker

log = logging.getLogger("risk_manager.journal")
Listener = Callable[[Record], None]
SYNC_TYPES = frozenset({"lockout"})


class DaemonJournal:
    def __init__(self, writer: DbWriter | None) -> None:
        self.writer = writer
        self.listeners: list[Listener] = []
        self._pending: list[Record] = []
        self._scheduled = False
        self.written = 0

    def add_listener(self, fn: Listener) -> None:
        self.listeners.append(fn)

    def write(self, record: Record) -> None:
        self._pending.append(record)
        if record.get("type") in SYNC_TYPES:
            self.dispatch()
            if self.writer is not None and not self.writer.flush():
                log.critical("lockout record could not be committed in time: %s", _dumps(record))
            return
        if not self._scheduled:
            try:
                asyncio.get_running_loop().call_soon(self.dispatch)
                self._scheduled = True
            except RuntimeError:  # no loop (start-up, tests): dispatch at once
                self.dispatch()

    def dispatch(self) -> None:
        """Hand pending records to the DB thread, the log and the listeners (in order)."""
        self._scheduled = False
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        for rec in pending:
            self.written += 1
            if self.writer is not None:
                self.writer.journal(rec)
            log.info("%s", _dumps(rec))
            for fn in list(self.listeners):
                try:
                    fn(rec)
                except Exception:
                    log.exception("journal listener failed")


def _dumps(rec: Record) -> str:
    return json.dumps(rec, default=str, separators=(",", ":"))


def connection_record(make: RecordMaker, at: datetime, kind: str, **fields: Any) -> Record:
    """``connection_lost`` / ``connection_restored`` (with ``down_seconds``)."""
    rec: Record = {"at": make.ts(at), "type": kind}
    rec.update({k: v for k, v in fields.items() if v is not None})
    return rec


def alert_record(make: RecordMaker, at: datetime, level: str, message: str,
                 account: str | None = None) -> Record:
    rec: Record = {"at": make.ts(at), "type": "alert", "level": level}
    if account is not None:
        rec["account"] = account
    rec["message"] = message
    return rec
