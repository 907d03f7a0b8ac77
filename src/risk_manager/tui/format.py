"""Pure text helpers for the trader dashboard: countdowns, money, utilisation bars and their colours.

Nothing here touches Textual or the clock, so every string the trader reads can be unit tested.
"""

from __future__ import annotations

import math
from datetime import datetime

# SPEC §11: green below 50 %, yellow up to 80 %, red above.
GREEN_BELOW = 0.5
YELLOW_UP_TO = 0.8


def countdown(seconds: float | None) -> str:
    """``28m 05s``; hours when needed (``2h 03m 07s``); ``0m 00s`` once elapsed; ``—`` when unknown.

    Partial seconds round *up*: a lockout with 0.4 s left has not ended, so it must not read ``0m 00s``.
    """
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "—"
    total = max(0, math.ceil(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    return f"{minutes}m {secs:02d}s"


def short_countdown(seconds: float | None) -> str:
    """Coarse form for table cells (``28m``, ``2h 03m``, ``45s``)."""
    if seconds is None:
        return "—"
    total = max(0, math.ceil(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"


def bar_colour(utilization: float | None) -> str:
    """Colour of a utilisation bar: green < 50 %, yellow up to and including 80 %, red above."""
    if utilization is None or utilization < GREEN_BELOW:
        return "green"
    if utilization <= YELLOW_UP_TO:
        return "yellow"
    return "red"


def bar(utilization: float | None, width: int = 20) -> str:
    """A fixed-width block bar, clamped to 0..100 % (a breach past the limit fills it, no overflow)."""
    frac = 0.0 if utilization is None else min(1.0, max(0.0, utilization))
    filled = round(frac * width)
    return "█" * filled + "░" * (width - filled)


def pct(utilization: float | None) -> str:
    return "—" if utilization is None else f"{utilization * 100:.0f}%"


def money(value: float | None) -> str:
    """``-$512.50`` / ``$1,200.00``; ``—`` when unknown."""
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def signed_money(value: float | None) -> str:
    """Money with an explicit ``+`` for gains (P&L columns)."""
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + money(value)


def pnl_style(value: float | None) -> str:
    if value is None or value == 0:
        return ""
    return "green" if value > 0 else "red"


def price(value: float | None) -> str:
    """Prices keep their precision, at least two decimals (``21000.25``, ``4.50``), no float noise."""
    if value is None:
        return "—"
    whole, _, frac = f"{value:.6f}".partition(".")
    return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def hhmmss(text: str | None) -> str:
    """The wall-clock time of an ISO timestamp *in its own offset* (journal times are in the schedule
    zone already, which is what the trader reads); the raw text if it is not a timestamp."""
    at = parse_time(text)
    if at is None:
        return text or "--:--:--"
    return at.strftime("%H:%M:%S")


def hhmm(text: str | None) -> str:
    at = parse_time(text)
    if at is None:
        return text or "--:--"
    return at.strftime("%H:%M")


def day_hhmm(text: str | None, today: str | None = None, seconds: bool = False) -> str:
    """``15:00`` when on ``today`` (ISO date), otherwise ``Mon 08:30``; ``seconds`` adds them
    (``20:04:12``): a lockout end rounded to the minute would tell the trader to re-enter too early."""
    at = parse_time(text)
    if at is None:
        return text or "—"
    clock = "%H:%M:%S" if seconds else "%H:%M"
    if today is not None and at.date().isoformat() == today:
        return at.strftime(clock)
    return at.strftime(f"%a {clock}")
