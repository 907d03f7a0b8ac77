"""Plain records returned by the store. All datetimes are timezone-aware UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

LockoutKind = Literal["hard", "cooldown"]
ClockKind = Literal["in", "out"]

ACCOUNT_SCOPE = "account"
_SYMBOL_PREFIX = "symbol:"


class StoreError(RuntimeError):
    """The store cannot do what was asked (schema too new, backup failed, misuse)."""


def symbol_scope(root: str) -> str:
    """Scope string of a symbol lockout: ``symbol_scope("MNQ") == "symbol:MNQ"``."""
    return f"{_SYMBOL_PREFIX}{root}"


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, slots=True)
class LockoutRecord:
    account: str
    rule: str
    scope: str  # "account" or "symbol:<CME root>"
    kind: LockoutKind
    until: datetime | None  # None = until a condition / permanent while configured
    reason: str
    created_at: datetime

    def __post_init__(self) -> None:
        if self.kind not in ("hard", "cooldown"):
            raise ValueError(f"lockout kind must be 'hard' or 'cooldown', got {self.kind!r}")
        if self.scope != ACCOUNT_SCOPE and not (
            self.scope.startswith(_SYMBOL_PREFIX) and len(self.scope) > len(_SYMBOL_PREFIX)
        ):
            raise ValueError(f"lockout scope must be 'account' or 'symbol:<ROOT>', got {self.scope!r}")
        _require_aware("until", self.until)
        _require_aware("created_at", self.created_at)

    @property
    def symbol(self) -> str | None:
        """The CME root of a symbol-scope lockout, None for an account-scope one."""
        return self.scope[len(_SYMBOL_PREFIX) :] if self.scope.startswith(_SYMBOL_PREFIX) else None

    def is_active(self, now: datetime) -> bool:
        return self.until is None or self.until > now

    def ends_after(self, other: LockoutRecord) -> bool:
        """True if this lockout ends strictly later than ``other`` (None = never ends on a timer)."""
        if self.until is None:
            return other.until is not None
        return other.until is not None and self.until > other.until


@dataclass(frozen=True, slots=True)
class SeenTrade:
    account: str
    trade_id: str  # stored as text whatever the caller passed (ProjectX ids are ints)
    trading_day: date
    at: datetime
    pnl: float | None  # None = opening half-turn
    fees: float
    order_id: str | None
    voided: bool


@dataclass(frozen=True, slots=True)
class ClockEvent:
    account: str
    kind: ClockKind
    at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int
    record: dict[str, Any]
