"""Journal records (SPEC §13): one JSON object per decision, field order fixed for byte-identical replays."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

Record = dict[str, Any]


class JournalWriter(Protocol):
    def write(self, record: Record) -> None: ...


class ListJournal:
    """Keeps records in memory (replay, tests)."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    def write(self, record: Record) -> None:
        self.records.append(record)


class RecordMaker:
    """Builds records with times rendered in the schedule zone (what the trader reads)."""

    def __init__(self, tz: ZoneInfo, dry_run: bool = False) -> None:
        self.tz = tz
        self.dry_run = dry_run

    def ts(self, at: datetime | None) -> str | None:
        return None if at is None else at.astimezone(self.tz).isoformat()

    def _base(self, at: datetime, type_: str, account: str, rule: str) -> Record:
        return {"at": self.ts(at), "type": type_, "account": account, "rule": rule}

    def _mark(self, rec: Record) -> Record:
        if self.dry_run:
            rec["dry_run"] = True
        return rec

    def violation(self, at: datetime, account: str, rule: str, message: str, symbol: str | None) -> Record:
        rec = self._base(at, "violation", account, rule)
        rec["message"] = message
        if symbol is not None:
            rec["symbol"] = symbol
        return self._mark(rec)

    def lockout(self, at: datetime, account: str, rule: str, kind: str, symbol: str | None,
                until: datetime | None, reason: str) -> Record:
        rec = self._base(at, "lockout", account, rule)
        rec.update(kind=kind, scope="symbol" if symbol else "account")
        if symbol:
            rec["symbol"] = symbol
        rec["until"] = self.ts(until)
        rec["reason"] = reason
        return self._mark(rec)

    def action(self, at: datetime, account: str, rule: str, action: str, **fields: Any) -> Record:
        rec = self._base(at, "action", account, rule)
        rec["action"] = action
        rec.update({k: v for k, v in fields.items() if v is not None})
        return self._mark(rec)

    def unlock(self, at: datetime, account: str, rule: str, symbol: str | None) -> Record:
        rec = self._base(at, "unlock", account, rule)
        if symbol:
            rec["symbol"] = symbol
        return rec

    def warning(self, at: datetime, account: str, rule: str, utilization: float) -> Record:
        rec = self._base(at, "warning", account, rule)
        rec["utilization"] = round(utilization, 4)
        return rec

    def reset(self, at: datetime, trading_day: date) -> Record:
        return {"at": self.ts(at), "type": "reset", "trading_day": trading_day.isoformat()}
