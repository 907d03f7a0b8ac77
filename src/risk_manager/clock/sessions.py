"""Trading session windows (rule 009 and "next session start" lockouts), DST- and holiday-aware.

Each session instance is labelled by the local date on which it ENDS; ``days``, holidays and early closes
apply to that end date (CME convention): an overnight mon..fri 17:00 -> 16:00 window opens Sunday 17:00
for Monday and has no instance ending Saturday or Sunday. On an early-close date the instance ends at
min(end, early close); if that is not after its start the instance does not exist. Intervals are
half-open: [start, end). ``start == end`` means a 24-hour window ending at ``end``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from risk_manager.clock.calendar import ExchangeCalendar
from risk_manager.clock.clock import to_utc
from risk_manager.clock.trading_day import local_instant

_MAX_SCAN_DAYS = 400  # longer than any plausible closure run; bounds every search loop


class Session(NamedTuple):
    """One session instance: ``label`` = local end date; ``start``/``end`` are UTC."""

    label: date
    start: datetime
    end: datetime


class SessionWindow:
    """Allowed trading window, e.g. ``SessionWindow(time(8, 30), time(15), frozenset(range(5)), tz, cal)``."""

    def __init__(
        self,
        start: time,
        end: time,
        days: frozenset[int],
        tz: ZoneInfo,
        calendar: ExchangeCalendar | None = None,
    ) -> None:
        if not days or not days <= frozenset(range(7)):
            raise ValueError(f"days must be a non-empty subset of 0..6 (0=Mon), got {sorted(days)}")
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("start/end must be naive local wall-clock times; pass the zone as tz")
        self.start = start
        self.end = end
        self.days = days
        self.tz = tz
        self.calendar = calendar
        self.overnight = start >= end

    def session_for(self, label: date) -> Session | None:
        """The instance ending on local date ``label``, or None if there is none (closed day/holiday)."""
        if label.weekday() not in self.days:
            return None
        cal = self.calendar
        if cal is not None and cal.is_holiday(label):
            return None
        open_day = label - timedelta(days=1) if self.overnight else label
        start = local_instant(open_day, self.start, self.tz)
        end = local_instant(label, self.end, self.tz)
        early = cal.early_close_utc(label) if cal is not None else None
        if early is not None and early < end:
            end = early
        return Session(label, start, end) if end > start else None

    def _labels_from(self, at: datetime, days: int = _MAX_SCAN_DAYS) -> Iterator[date]:
        # An instance containing or following ``at`` cannot end before the local date of ``at``, minus one
        # day of slack for DST shifts; scanning forward from there finds instances in time order.
        first = at.astimezone(self.tz).date() - timedelta(days=1)
        for i in range(days):
            yield first + timedelta(days=i)

    def session_at(self, at: datetime) -> Session | None:
        """The open instance containing ``at``, or None if the window is closed at ``at``."""
        now = to_utc(at)
        for label in self._labels_from(now):
            s = self.session_for(label)
            if s is None:
                continue
            if s.start > now:
                return None  # later instances start even later
            if now < s.end:
                return s
        return None

    def is_open(self, at: datetime) -> bool:
        return self.session_at(at) is not None

    def current_end(self, at: datetime) -> datetime | None:
        """UTC end of the open instance containing ``at``; None when closed."""
        s = self.session_at(at)
        return None if s is None else s.end

    def next_session(self, at: datetime) -> Session:
        """The first instance starting strictly after ``at`` (skips weekends, holidays, empty days)."""
        now = to_utc(at)
        for label in self._labels_from(now):
            s = self.session_for(label)
            if s is not None and s.start > now:
                return s
        raise LookupError(f"no session starts within {_MAX_SCAN_DAYS} days after {now.isoformat()}")

    def next_start(self, at: datetime) -> datetime:
        """UTC start of the first instance starting strictly after ``at``."""
        return self.next_session(at).start

    def sessions_between(self, a: datetime, b: datetime) -> list[Session]:
        """Instances overlapping [a, b), in time order."""
        lo, hi = to_utc(a), to_utc(b)
        out: list[Session] = []
        for label in self._labels_from(lo, (hi - lo).days + 3):
            s = self.session_for(label)
            if s is None:
                continue
            if s.start >= hi:
                break
            if s.end > lo:
                out.append(s)
        return out
