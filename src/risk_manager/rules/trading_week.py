"""The trading week (SPEC §7b): the trading days labelled Monday to Sunday of one ISO week."""

from __future__ import annotations

from datetime import datetime, timedelta

from risk_manager.rules.base import TradingDayLike


def next_week_start(td: TradingDayLike, at: datetime) -> datetime:
    """The reset that starts the next week's Monday trading day (Sunday 17:00 CT by default)."""
    label = td.label(at)
    monday = label + timedelta(days=7 - label.weekday())
    reset = td.next_reset(at)
    for _ in range(10):  # at most 7 resets away; a reset never skips a label
        if td.label(reset) >= monday:
            return reset
        reset = td.next_reset(reset)
    return reset
