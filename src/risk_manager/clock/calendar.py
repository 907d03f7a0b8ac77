"""Exchange holidays and early closes: pandas_market_calendars "CME Globex Equity" plus config extras.

pandas/pmc are heavy (~90 MB, ~0.3-1.5 s import), so they are imported lazily on the first lookup of a
year, and each year's schedule is computed once and cached as plain dicts; later lookups are dict hits.
Trading dates are pmc's schedule index: the date on which a session ENDS (CME convention).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from risk_manager.clock.trading_day import local_instant

CalendarMode = Literal["cme_equity", "none"]
PMC_NAMES: dict[str, str] = {"cme_equity": "CME Globex Equity"}
CHICAGO = ZoneInfo("America/Chicago")


@dataclass(frozen=True, slots=True)
class _Year:
    holidays: frozenset[date]
    early_closes: dict[date, datetime]  # trading date -> UTC close instant


class ExchangeCalendar:
    """Holidays and early closes for trading dates.

    ``mode="cme_equity"`` uses pmc; ``mode="none"`` has no exchange holidays (extras still apply).
    ``holidays`` are extra closed dates; ``early_closes`` extra ``date -> local close`` in ``tz`` (the
    schedule zone). An extra early close replaces the exchange's close for that date, so an operator can
    correct a date (e.g. CME's yearly Good Friday decision) without a release.
    """

    def __init__(
        self,
        mode: CalendarMode = "cme_equity",
        *,
        tz: ZoneInfo = CHICAGO,
        holidays: Iterable[date] = (),
        early_closes: Mapping[date, time] | None = None,
    ) -> None:
        if mode != "none" and mode not in PMC_NAMES:
            raise ValueError(f"unknown calendar mode {mode!r}; expected one of {[*PMC_NAMES, 'none']}")
        self.mode: CalendarMode = mode
        self.tz = tz
        self._extra_holidays = frozenset(holidays)
        self._extra_closes: dict[date, datetime] = {
            d: local_instant(d, t, tz) for d, t in (early_closes or {}).items()
        }
        self._years: dict[int, _Year] = {}
        self._pmc: Any = None

    def is_holiday(self, d: date) -> bool:
        """True if ``d`` is an extra holiday or an exchange weekday with no session (weekends are not)."""
        return d in self._extra_holidays or d in self._year(d.year).holidays

    def early_close_utc(self, d: date) -> datetime | None:
        """UTC instant of the early close of trading date ``d``, or None on a regular (or closed) day."""
        if self.is_holiday(d):
            return None
        extra = self._extra_closes.get(d)
        if extra is not None:
            return extra
        return self._year(d.year).early_closes.get(d)

    def early_close(self, d: date, tz: ZoneInfo | None = None) -> time | None:
        """Local time (in ``tz``, default the schedule zone) of the early close of trading date ``d``."""
        at = self.early_close_utc(d)
        return None if at is None else at.astimezone(tz or self.tz).time().replace(tzinfo=None)

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._compute(year)
        return cached

    def _compute(self, year: int) -> _Year:
        if self.mode == "none":
            return _Year(frozenset(), {})
        import pandas_market_calendars as pmc  # lazy: heavy import, only when a calendar is consulted

        if self._pmc is None:
            self._pmc = pmc.get_calendar(PMC_NAMES[self.mode])
        cal = self._pmc
        sched = cal.schedule(start_date=date(year, 1, 1).isoformat(), end_date=date(year, 12, 31).isoformat())
        cal_tz = ZoneInfo(str(cal.tz))
        closes: dict[date, datetime] = {
            idx.date(): close.to_pydatetime().astimezone(UTC)
            for idx, close in zip(sched.index, sched["market_close"], strict=True)
        }
        return _Year(_missing_weekdays(year, closes, cal.weekmask), _early_closes(closes, cal_tz))


def _missing_weekdays(year: int, sessions: Mapping[date, Any], weekmask: str) -> frozenset[date]:
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    open_days = {i for i, n in enumerate(names) if n in weekmask.split()}
    d, out = date(year, 1, 1), set()
    while d.year == year:
        if d.weekday() in open_days and d not in sessions:
            out.add(d)
        d += timedelta(days=1)
    return frozenset(out)


def _early_closes(closes: Mapping[date, datetime], tz: ZoneInfo) -> dict[date, datetime]:
    """Dates whose close is earlier than that weekday's regular (most common local) close."""
    local = {d: c.astimezone(tz).time() for d, c in closes.items()}
    by_weekday: dict[int, Counter[time]] = {}
    for d, t in local.items():
        by_weekday.setdefault(d.weekday(), Counter())[t] += 1
    regular = {wd: counts.most_common(1)[0][0] for wd, counts in by_weekday.items()}
    return {d: closes[d] for d, t in local.items() if t < regular[d.weekday()]}
