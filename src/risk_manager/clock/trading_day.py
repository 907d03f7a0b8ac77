"""Trading day arithmetic around a daily reset at a local wall-clock time (DST-safe).

The trading day is the period between two resets; its label is the local date of the reset that ends it
(reset 17:00 Chicago: 2026-11-20 16:59 CT -> 2026-11-20, 17:00 CT -> 2026-11-21).

DST rule (PEP 495): the reset for local date ``d`` is ``combine(d, reset).replace(tzinfo=tz, fold=0)``.
fold=0 picks the FIRST occurrence of an ambiguous time and pushes a nonexistent (gap) time FORWARD
(02:30 on a spring-forward day -> 03:30 DST). Each local date has exactly one reset instant, so the reset
can never fire twice on one date. (fold=1 would map a gap time backwards: a known trap.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from risk_manager.clock.clock import to_utc


def local_instant(d: date, at: time, tz: ZoneInfo) -> datetime:
    """UTC instant of wall time ``at`` on date ``d`` in ``tz`` (fold=0: gap -> forward, overlap -> first)."""
    return datetime.combine(d, at.replace(tzinfo=None, fold=0)).replace(tzinfo=tz).astimezone(UTC)


class TradingDay:
    """Daily reset schedule: ``TradingDay(ZoneInfo("America/Chicago"), time(17, 0))``."""

    def __init__(self, tz: ZoneInfo, reset: time) -> None:
        if reset.tzinfo is not None:
            raise ValueError("reset must be a naive local wall-clock time; pass the zone as tz")
        self.tz = tz
        self.reset = reset
        # (start, end, label) of the day last asked about: nearly every call (each quote, each trade) falls
        # in it, and working it out again converts through the zone four times
        self._last: tuple[datetime, datetime, date] | None = None

    def reset_at(self, label: date) -> datetime:
        """UTC instant of the reset that ends the trading day labelled ``label``."""
        return local_instant(label, self.reset, self.tz)

    def _next(self, at: datetime) -> tuple[date, datetime]:
        now = to_utc(at)
        last = self._last
        if last is not None and last[0] <= now < last[1]:
            return last[2], last[1]
        # Start one day back: a gap time near midnight can push yesterday's reset past local midnight.
        d = now.astimezone(self.tz).date() - timedelta(days=1)
        for i in range(4):
            cand = self.reset_at(d + timedelta(days=i))
            if cand > now:
                label = d + timedelta(days=i)
                self._last = (self.reset_at(label - timedelta(days=1)), cand, label)
                return label, cand
        raise AssertionError("unreachable: a reset occurs at least every 26 hours")  # pragma: no cover

    def label(self, at: datetime) -> date:
        """Label (local date of the ending reset) of the trading day containing ``at``."""
        return self._next(at)[0]

    def next_reset(self, at: datetime) -> datetime:
        """UTC instant of the first reset strictly after ``at``."""
        return self._next(at)[1]

    def start(self, at: datetime) -> datetime:
        """UTC instant of the reset that began the trading day containing ``at`` (<= ``at``)."""
        label = self._next(at)[0]
        return self.reset_at(label - timedelta(days=1))

    def bounds(self, at: datetime) -> tuple[date, datetime, datetime]:
        """``(label, start, end)`` of the trading day containing ``at``; start <= at < end."""
        label, end = self._next(at)
        return label, self.reset_at(label - timedelta(days=1)), end
