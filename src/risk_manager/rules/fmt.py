"""How rule messages and dashboard lines write money and times."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def fmt_money(value: float | None) -> str:
    """-1234.5 -> "-1,234.50"; None -> "n/a"."""
    return "n/a" if value is None else f"{value:,.2f}"


def local_hhmm(at: datetime, now: datetime, tz: ZoneInfo) -> str:
    """"17:00" when ``at`` is on the same local day as ``now``, else "Mon 08:30" (within a week) or a date."""
    local, today = at.astimezone(tz), now.astimezone(tz)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if abs(local - today) < timedelta(days=6):
        return local.strftime("%a %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
