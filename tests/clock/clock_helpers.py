"""Shared helpers for the clock tests (unique module name: tests/ has no packages)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

CT = ZoneInfo("America/Chicago")
NY = ZoneInfo("America/New_York")


def ct(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    """Chicago wall time -> aware datetime (fold=0)."""
    return datetime(y, mo, d, h, mi, s, tzinfo=CT)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)
