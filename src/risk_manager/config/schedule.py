"""The `schedule:` section (SPEC section 8): time zone, daily reset, session window, calendar."""

from __future__ import annotations

from datetime import time
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from risk_manager.schema.section import field_error
from risk_manager.schema.values import WEEKDAY_NAMES, CalendarDate, ClockTime, StrictModel, Weekday


def _weekdays() -> list[Weekday]:
    return ["mon", "tue", "wed", "thu", "fri"]


class SessionConfig(StrictModel):
    """The allowed trading window for rule 009, as local wall-clock times in the schedule's zone.

    start > end is an overnight window (e.g. 17:00 -> 16:00). `days` name the day the window *ends*
    (the trading day, as CME labels it): 17:00 -> 16:00 on mon..fri runs Sunday 17:00 to Friday 16:00.
    """

    start: ClockTime = time(8, 30)
    end: ClockTime = time(15, 0)
    days: list[Weekday] = Field(default_factory=_weekdays, min_length=1)

    @field_validator("days")
    @classmethod
    def _distinct_days(cls, days: list[Weekday]) -> list[Weekday]:
        if len(set(days)) != len(days):
            raise ValueError("a day is listed twice")
        return days

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.start == self.end:
            raise field_error("end", "must differ from start (an empty or 24 h window is ambiguous)")
        return self

    @property
    def overnight(self) -> bool:
        """True when the window crosses midnight (start > end)."""
        return self.start > self.end

    @property
    def weekdays(self) -> frozenset[int]:
        """The session days as datetime.weekday() numbers (Monday = 0)."""
        return frozenset(WEEKDAY_NAMES.index(day) for day in self.days)


class ScheduleConfig(StrictModel):
    """Time zone, daily reset, session window and exchange calendar."""

    timezone: str = "America/Chicago"
    daily_reset: ClockTime = time(17, 0)
    session: SessionConfig = Field(default_factory=SessionConfig)
    # cme_equity: holidays and early closes of "CME Globex Equity" (pandas_market_calendars).
    calendar: Literal["cme_equity", "none"] = "cme_equity"
    holidays: list[CalendarDate] = Field(default_factory=list)  # extra closed dates
    early_closes: dict[CalendarDate, ClockTime] = Field(default_factory=dict)  # extra early closes

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown IANA time zone {name!r} (e.g. America/Chicago)") from None
        return name

    @property
    def tz(self) -> ZoneInfo:
        """The schedule's zone (zoneinfo caches instances, so this is cheap)."""
        return ZoneInfo(self.timezone)
