"""Persistence: SQLite state store (lockouts, seen trades, reset log, journal, audit)."""

from .backup import DEFAULT_KEEP, is_corruption, list_backups
from .records import (
    ACCOUNT_SCOPE,
    AuditEntry,
    ClockEvent,
    ClockKind,
    JournalEntry,
    LockoutKind,
    LockoutRecord,
    SeenTrade,
    StoreError,
    symbol_scope,
)
from .schema import SCHEMA_VERSION
from .store import Store

__all__ = [
    "ACCOUNT_SCOPE",
    "DEFAULT_KEEP",
    "SCHEMA_VERSION",
    "AuditEntry",
    "ClockEvent",
    "ClockKind",
    "JournalEntry",
    "LockoutKind",
    "LockoutRecord",
    "SeenTrade",
    "Store",
    "StoreError",
    "is_corruption",
    "list_backups",
    "symbol_scope",
]
