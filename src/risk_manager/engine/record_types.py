"""Journal records (SPEC §13): one frozen dataclass per record type, and the one serializer.

A record's JSON object has ``at`` first (when it has one), then ``type``, then its fields in declaration
order: the order is part of the format (the replay journals are compared byte for byte, the store hashes
each record). A field declared with :func:`optional` is left out while it holds its "absent" value (None,
False, 0); ``key`` renames a field whose JSON name is a Python keyword (``from``). Datetimes are written as
ISO 8601 with the offset they carry (``RecordMaker`` gives them the schedule's zone), dates as ISO dates.
Readers (store, control, dashboard) parse the JSON objects; only the writing side is typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, ClassVar


def optional(absent: object = None, *, key: str | None = None) -> Any:
    """A field left out of the record while it equals ``absent``."""
    return field(default=absent, metadata={"absent": absent, "key": key})


def renamed(key: str) -> Any:
    return field(default=None, metadata={"absent": None, "key": key})


@dataclass(frozen=True, slots=True, kw_only=True)
class ViolationRecord:
    TYPE: ClassVar[str] = "violation"
    at: datetime
    account: str
    rule: str
    message: str
    symbol: str | None = optional()
    dry_run: bool = optional(False)


@dataclass(frozen=True, slots=True, kw_only=True)
class LockRecord:
    """A lockout started (or extended); ``until`` None: until its condition clears (written as null)."""

    TYPE: ClassVar[str] = "lockout"
    at: datetime
    account: str
    rule: str
    kind: str
    scope: str  # "account" | "symbol"
    symbol: str | None = optional()
    until: datetime | None
    reason: str
    dry_run: bool = optional(False)


@dataclass(frozen=True, slots=True, kw_only=True)
class UnlockRecord:
    TYPE: ClassVar[str] = "unlock"
    at: datetime
    account: str
    rule: str
    symbol: str | None = optional()


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionRecord:
    """An action decided (sizes absolute; the fields its kind uses)."""

    TYPE: ClassVar[str] = "action"
    at: datetime
    account: str
    rule: str
    action: str
    symbol: str | None = optional()
    from_size: int | None = renamed("from")
    to_size: int | None = renamed("to")
    order_id: int | None = optional()
    stop: float | None = optional()
    order_ids: tuple[int, ...] | None = optional()
    dry_run: bool = optional(False)


@dataclass(frozen=True, slots=True, kw_only=True)
class CallResultRecord:
    """One broker call of an action and its answer (``late``: the answer to a call reported uncertain)."""

    TYPE: ClassVar[str] = "result"
    at: datetime
    account: str
    rule: str
    action: str
    symbol: str | None = optional()
    dry_run: bool = optional(False)
    call: str
    contract_id: str | None = optional()
    size: int | None = optional()
    order_id: int | None = optional()
    stop: float | None = optional()
    ok: bool
    uncertain: bool
    error: str | None = optional()
    ms: float
    since_decision_ms: float
    attempt: int
    late: bool = optional(False)


@dataclass(frozen=True, slots=True, kw_only=True)
class DoneRecord:
    """An action finished (``ok``: the broker shows its goal) after ``calls`` broker calls."""

    TYPE: ClassVar[str] = "result"
    at: datetime
    account: str
    rule: str
    action: str
    symbol: str | None = optional()
    dry_run: bool = optional(False)
    call: str = "done"
    ok: bool
    calls: int
    attempts: int
    ms: float


@dataclass(frozen=True, slots=True, kw_only=True)
class WarningRecord:
    TYPE: ClassVar[str] = "warning"
    at: datetime
    account: str
    rule: str
    utilization: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ResetRecord:
    TYPE: ClassVar[str] = "reset"
    at: datetime
    trading_day: date


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRecord:
    """Something a person must know (level info / warning / critical); an action's alert names it."""

    TYPE: ClassVar[str] = "alert"
    at: datetime
    level: str
    account: str | None = optional()
    rule: str | None = optional()
    action: str | None = optional()
    symbol: str | None = optional()
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BadEventRecord:
    """A gateway payload rejected at the boundary; ``raw`` has its secrets masked; ``suppressed``: rejected
    since the previous bad_event of this stream and kind."""

    TYPE: ClassVar[str] = "bad_event"
    at: datetime
    account: str | None = optional()
    kind: str
    reason: str
    raw: str
    suppressed: int = optional(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionLostRecord:
    TYPE: ClassVar[str] = "connection_lost"
    at: datetime
    state: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionRestoredRecord:
    TYPE: ClassVar[str] = "connection_restored"
    at: datetime
    down_seconds: float
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DaemonStartedRecord:
    TYPE: ClassVar[str] = "daemon_started"
    at: datetime
    accounts: tuple[str, ...]
    rules: tuple[str, ...]
    startup_ms: float


@dataclass(frozen=True, slots=True, kw_only=True)
class DaemonStoppedRecord:
    TYPE: ClassVar[str] = "daemon_stopped"
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryRecord:
    """The end of a replay: what the paper broker says each account made and holds."""

    TYPE: ClassVar[str] = "summary"
    account: str
    realized_pnl: float
    fees: float
    positions: dict[str, int]


JournalRecord = (ViolationRecord | LockRecord | UnlockRecord | ActionRecord | CallResultRecord | DoneRecord
                 | WarningRecord | ResetRecord | AlertRecord | BadEventRecord | ConnectionLostRecord
                 | ConnectionRestoredRecord | DaemonStartedRecord | DaemonStoppedRecord | SummaryRecord)

_Layout = tuple[tuple[str, str, bool, object], ...]  # (attribute, JSON key, may be left out, absent value)
_layouts: dict[type, _Layout] = {}


def _layout(cls: type) -> _Layout:
    layout = _layouts.get(cls)
    if layout is None:
        layout = _layouts[cls] = tuple((f.name, f.metadata.get("key") or f.name, "absent" in f.metadata,
                                        f.metadata.get("absent")) for f in fields(cls))
    return layout


def _plain(value: object) -> object:
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def record_dict(rec: JournalRecord) -> dict[str, Any]:
    """The record as the JSON object the journal holds (SPEC §13), keys in their fixed order."""
    out: dict[str, Any] = {}
    typed = False
    for name, key, optional_, absent in _layout(type(rec)):
        value = getattr(rec, name)
        if optional_ and value == absent:
            continue
        if not typed and name != "at":
            out["type"], typed = rec.TYPE, True
        out[key] = _plain(value)
        if name == "at":
            out["type"], typed = rec.TYPE, True
    if not typed:
        out["type"] = rec.TYPE
    return out
