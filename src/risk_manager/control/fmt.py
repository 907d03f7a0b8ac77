"""Small formatting helpers shared by the snapshot and the CLI: ISO times in the schedule zone, countdowns."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo


def iso(at: datetime | None, tz: ZoneInfo) -> str | None:
    """``at`` as ISO 8601 with the schedule zone's offset (what the trader reads); None stays None."""
    return None if at is None else at.astimezone(tz).isoformat()


def seconds_until(until: datetime | None, now: datetime) -> int | None:
    """Whole seconds left, rounded up so "1 s" shows until the lockout has really ended; never negative."""
    if until is None:
        return None
    return max(0, math.ceil((until - now).total_seconds()))


def countdown(seconds: float | None) -> str:
    """59 -> "59s", 330 -> "5m30s", 1700 -> "28m", 3900 -> "1h05m", 90000 -> "1d01h"; None -> "?"."""
    if seconds is None:
        return "?"
    s = max(0, math.ceil(seconds))
    if s < 60:
        return f"{s}s"
    if s < 600:
        return f"{s // 60}m{s % 60:02d}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 86400}d{s % 86400 // 3600:02d}h"


def money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"
