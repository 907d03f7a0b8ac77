"""Exchange holidays and early closes remembered in the data directory, so a restart needs no pandas.

Loading pandas_market_calendars costs ~1.5 s on this machine, most of a start-up. The answers for a year
(after the config's extra holidays and early closes) are small: they are computed once, saved as JSON,
and reused while the calendar mode, zone, extras and library version stay the same.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import date, datetime, timedelta
from importlib import metadata
from pathlib import Path

from risk_manager.clock import ExchangeCalendar, SessionWindow
from risk_manager.config import Config
from risk_manager.engine.engine import Engine

log = logging.getLogger(__name__)
Year = tuple[frozenset[date], dict[date, datetime]]


def _fingerprint(config: Config) -> str:
    s = config.schedule
    try:
        version = metadata.version("pandas_market_calendars")
    except metadata.PackageNotFoundError:
        version = "?"
    key = json.dumps([s.calendar, s.timezone, sorted(map(str, s.holidays)),
                      sorted((str(d), str(t)) for d, t in s.early_closes.items()), version])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class CachedCalendar(ExchangeCalendar):
    def __init__(self, config: Config, path: Path) -> None:
        s = config.schedule
        super().__init__(s.calendar, tz=s.tz, holidays=list(s.holidays), early_closes=dict(s.early_closes))
        # The answers come from a separate instance: the base class calls its own is_holiday() inside
        # early_close_utc(), which must not land back in this cache while it is being filled.
        self._inner = ExchangeCalendar(s.calendar, tz=s.tz, holidays=list(s.holidays),
                                       early_closes=dict(s.early_closes))
        self.path = path
        self.fingerprint = _fingerprint(config)
        self._cached: dict[int, Year] = self._load()

    def is_holiday(self, d: date) -> bool:
        return d in self._answers(d.year)[0]

    def early_close_utc(self, d: date) -> datetime | None:
        return self._answers(d.year)[1].get(d)

    def warm(self, *years: int) -> None:
        for y in years:
            self._answers(y)

    def _answers(self, year: int) -> Year:
        cached = self._cached.get(year)
        if cached is None:
            cached = self._cached[year] = self._compute_year(year)
            self._save()
        return cached

    def _compute_year(self, year: int) -> Year:
        holidays, closes = set(), {}
        d = date(year, 1, 1)
        while d.year == year:
            if self._inner.is_holiday(d):
                holidays.add(d)
            else:
                close = self._inner.early_close_utc(d)
                if close is not None:
                    closes[d] = close
            d += timedelta(days=1)
        return frozenset(holidays), closes

    def _load(self) -> dict[int, Year]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("fingerprint") != self.fingerprint:
                return {}
            return {int(y): (frozenset(date.fromisoformat(h) for h in v["holidays"]),
                             {date.fromisoformat(k): datetime.fromisoformat(c)
                              for k, c in v["early_closes"].items()})
                    for y, v in data["years"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def _save(self) -> None:
        years = {str(y): {"holidays": sorted(h.isoformat() for h in hol),
                          "early_closes": {k.isoformat(): v.isoformat() for k, v in sorted(closes.items())}}
                 for y, (hol, closes) in sorted(self._cached.items())}
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps({"fingerprint": self.fingerprint, "years": years}), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as e:  # a cache that cannot be written only costs the next start-up time
            log.warning("could not save the calendar cache %s: %s", self.path, e)


def install(engine: Engine, config: Config, data: Path) -> CachedCalendar | None:
    """Give the engine's session window the cached calendar (no-op for ``calendar: none``)."""
    session = engine.session
    if config.schedule.calendar == "none" or not isinstance(session, SessionWindow):
        return None
    cal = CachedCalendar(config, data / "calendar-cache.json")
    session.calendar = cal
    return cal
