"""Journal records (SPEC §13): built typed by ``RecordMaker`` (times in the schedule zone, ``dry_run``
marked), serialized by ``record_types.record_dict`` (field order fixed for byte-identical replays)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from risk_manager.engine.record_types import (
    ActionRecord,
    CallResultRecord,
    DoneRecord,
    JournalRecord,
    LockRecord,
    ResetRecord,
    UnlockRecord,
    ViolationRecord,
    WarningRecord,
    record_dict,
)

Record = dict[str, Any]  # a record as JSON object: what readers (store, control, dashboard, tests) see
ACTION_FIELDS = frozenset({"symbol", "from", "to", "order_id", "stop", "order_ids"})


class JournalWriter(Protocol):
    def write(self, record: JournalRecord) -> None: ...


class ListJournal:
    """Keeps records in memory (replay, tests), as the JSON objects they are written as."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    def write(self, record: JournalRecord) -> None:
        self.records.append(record_dict(record))


class RecordMaker:
    """Builds records with times rendered in the schedule zone (what the trader reads)."""

    def __init__(self, tz: ZoneInfo, dry_run: bool = False) -> None:
        self.tz = tz
        self.dry_run = dry_run

    def ts(self, at: datetime | None) -> str | None:
        return None if at is None else at.astimezone(self.tz).isoformat()

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    def violation(self, at: datetime, account: str, rule: str, message: str,
                  symbol: str | None) -> ViolationRecord:
        return ViolationRecord(at=self.local(at), account=account, rule=rule, message=message, symbol=symbol,
                               dry_run=self.dry_run)

    def lockout(self, at: datetime, account: str, rule: str, kind: str, symbol: str | None,
                until: datetime | None, reason: str) -> LockRecord:
        return LockRecord(at=self.local(at), account=account, rule=rule, kind=kind,
                          scope="symbol" if symbol else "account", symbol=symbol or None,
                          until=None if until is None else self.local(until), reason=reason,
                          dry_run=self.dry_run)

    def action(self, at: datetime, account: str, rule: str, action: str, **fields: Any) -> ActionRecord:
        """``fields``: ``symbol``, ``from``/``to`` (sizes), ``order_id`` + ``stop``, ``order_ids``."""
        unknown = fields.keys() - ACTION_FIELDS
        if unknown:
            raise TypeError(f"action record fields {sorted(unknown)} unknown")
        ids = fields.get("order_ids")
        return ActionRecord(at=self.local(at), account=account, rule=rule, action=action,
                            symbol=fields.get("symbol"), from_size=fields.get("from"),
                            to_size=fields.get("to"), order_id=fields.get("order_id"),
                            stop=fields.get("stop"),
                            order_ids=None if ids is None else tuple(ids), dry_run=self.dry_run)

    def call_result(self, at: datetime, account: str, rule: str, action: str, symbol: str | None, call: str,
                    *, contract_id: str | None = None, size: int | None = None, order_id: int | None = None,
                    stop: float | None = None, ok: bool, uncertain: bool, error: str | None, ms: float,
                    since_decision_ms: float, attempt: int, late: bool = False) -> CallResultRecord:
        return CallResultRecord(at=self.local(at), account=account, rule=rule, action=action, symbol=symbol,
                                dry_run=self.dry_run, call=call, contract_id=contract_id, size=size,
                                order_id=order_id, stop=stop, ok=ok, uncertain=uncertain, error=error or None,
                                ms=ms, since_decision_ms=since_decision_ms, attempt=attempt, late=late)

    def done(self, at: datetime, account: str, rule: str, action: str, symbol: str | None, *, ok: bool,
             calls: int, attempts: int, ms: float) -> DoneRecord:
        return DoneRecord(at=self.local(at), account=account, rule=rule, action=action, symbol=symbol,
                          dry_run=self.dry_run, ok=ok, calls=calls, attempts=attempts, ms=ms)

    def unlock(self, at: datetime, account: str, rule: str, symbol: str | None) -> UnlockRecord:
        return UnlockRecord(at=self.local(at), account=account, rule=rule, symbol=symbol or None)

    def warning(self, at: datetime, account: str, rule: str, utilization: float) -> WarningRecord:
        return WarningRecord(at=self.local(at), account=account, rule=rule, utilization=round(utilization, 4))

    def reset(self, at: datetime, trading_day: date) -> ResetRecord:
        return ResetRecord(at=self.local(at), trading_day=trading_day)
