from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from clock_helpers import CT, ct, utc

from risk_manager.clock import ExchangeCalendar, SessionWindow

WEEKDAYS = frozenset(range(5))


@pytest.fixture
def day(cme: ExchangeCalendar) -> SessionWindow:
    return SessionWindow(time(8, 30), time(15, 0), WEEKDAYS, CT, cme)


@pytest.fixture
def globex(cme: ExchangeCalendar) -> SessionWindow:
    return SessionWindow(time(17, 0), time(16, 0), WEEKDAYS, CT, cme)


def test_day_window_boundaries_are_half_open(day: SessionWindow) -> None:
    assert not day.is_open(ct(2026, 11, 20, 8, 29, 59))
    assert day.is_open(ct(2026, 11, 20, 8, 30))
    assert day.current_end(ct(2026, 11, 20, 10)) == ct(2026, 11, 20, 15)
    assert day.is_open(ct(2026, 11, 20, 14, 59, 59))
    assert not day.is_open(ct(2026, 11, 20, 15, 0))
    assert day.current_end(ct(2026, 11, 20, 15, 0)) is None
    expected = (date(2026, 11, 20), utc(2026, 11, 20, 14, 30), utc(2026, 11, 20, 21))
    assert day.session_at(ct(2026, 11, 20, 9)) == expected


def test_day_window_weekend_and_next_start(day: SessionWindow) -> None:
    assert not day.is_open(ct(2026, 11, 21, 10))  # Saturday
    assert not day.is_open(ct(2026, 11, 22, 10))  # Sunday
    assert day.next_start(ct(2026, 11, 20, 15, 30)) == ct(2026, 11, 23, 8, 30)
    assert day.next_start(ct(2026, 11, 20, 8, 30)) == ct(2026, 11, 23, 8, 30)  # strictly after
    assert day.next_start(ct(2026, 11, 20, 8, 29)) == ct(2026, 11, 20, 8, 30)


def test_holiday_closed_and_next_start_skips_holiday_and_weekend(day: SessionWindow) -> None:
    assert not day.is_open(ct(2026, 12, 25, 10))
    assert day.session_for(date(2026, 12, 25)) is None
    # Thu 12-24 closes early at 12:15; Fri 12-25 holiday; then the weekend.
    assert day.current_end(ct(2026, 12, 24, 9)) == ct(2026, 12, 24, 12, 15)
    assert day.next_start(ct(2026, 12, 24, 12, 30)) == ct(2026, 12, 28, 8, 30)


def test_thanksgiving_and_black_friday_early_closes(day: SessionWindow) -> None:
    assert day.current_end(ct(2026, 11, 26, 9)) == ct(2026, 11, 26, 12, 0)
    assert day.is_open(ct(2026, 11, 26, 11, 59, 59))
    assert not day.is_open(ct(2026, 11, 26, 12, 0))
    assert day.current_end(ct(2026, 11, 27, 9)) == ct(2026, 11, 27, 12, 15)
    assert day.is_open(ct(2026, 11, 27, 12, 14))
    assert not day.is_open(ct(2026, 11, 27, 12, 15))


def test_early_close_before_start_means_no_session(day: SessionWindow) -> None:
    # pmc: Good Friday 2026-04-03 closes 08:15 CT, before the 08:30 start.
    assert day.session_for(date(2026, 4, 3)) is None
    assert day.next_start(ct(2026, 4, 2, 16)) == ct(2026, 4, 6, 8, 30)


def test_extra_config_holiday_and_early_close() -> None:
    extra = {date(2026, 11, 23): time(13)}
    cal = ExchangeCalendar("cme_equity", tz=CT, holidays=[date(2026, 11, 24)], early_closes=extra)
    win = SessionWindow(time(8, 30), time(15, 0), WEEKDAYS, CT, cal)
    assert win.current_end(ct(2026, 11, 23, 9)) == ct(2026, 11, 23, 13)
    assert not win.is_open(ct(2026, 11, 24, 10))
    assert win.next_start(ct(2026, 11, 23, 13)) == ct(2026, 11, 25, 8, 30)
    # An early close after the window's end does not extend it.
    late = ExchangeCalendar("none", tz=CT, early_closes={date(2026, 11, 23): time(15, 30)})
    assert SessionWindow(time(8, 30), time(15), WEEKDAYS, CT, late).current_end(ct(2026, 11, 23, 9)) == ct(
        2026, 11, 23, 15
    )


def test_no_calendar_means_no_holidays() -> None:
    win = SessionWindow(time(8, 30), time(15, 0), WEEKDAYS, CT)
    assert win.is_open(ct(2026, 12, 25, 10))
    assert win.current_end(ct(2026, 11, 26, 10)) == ct(2026, 11, 26, 15)


def test_overnight_window_labelled_by_end_date(globex: SessionWindow) -> None:
    assert not globex.is_open(ct(2026, 11, 22, 16, 59))  # Sunday before the open
    s = globex.session_at(ct(2026, 11, 22, 17, 0))  # Sunday 17:00 opens Monday's session
    assert s is not None and s.label == date(2026, 11, 23)
    assert s.end == ct(2026, 11, 23, 16)
    assert not globex.is_open(ct(2026, 11, 23, 16, 30))  # daily halt
    assert globex.current_end(ct(2026, 11, 23, 17)) == ct(2026, 11, 24, 16)
    assert not globex.is_open(ct(2026, 11, 20, 16, 0))  # Friday close
    assert not globex.is_open(ct(2026, 11, 20, 17, 0))  # no Saturday session
    assert not globex.is_open(ct(2026, 11, 21, 12))
    assert globex.next_start(ct(2026, 11, 20, 16)) == ct(2026, 11, 22, 17)


def test_overnight_window_holidays_and_early_closes(globex: SessionWindow) -> None:
    assert globex.current_end(ct(2026, 11, 25, 18)) == ct(2026, 11, 26, 12)  # Thanksgiving halt
    assert not globex.is_open(ct(2026, 11, 26, 13))
    assert globex.current_end(ct(2026, 11, 26, 17)) == ct(2026, 11, 27, 12, 15)
    assert globex.current_end(ct(2026, 12, 23, 20)) == ct(2026, 12, 24, 12, 15)
    assert not globex.is_open(ct(2026, 12, 24, 18))  # the session ending on 12-25 does not exist
    assert globex.next_start(ct(2026, 12, 24, 12, 30)) == ct(2026, 12, 27, 17)


def test_overnight_window_across_dst(globex: SessionWindow) -> None:
    fall = globex.session_for(date(2026, 11, 2))  # opens Sun 11-01 17:00 CST
    assert fall is not None and (fall.start, fall.end) == (utc(2026, 11, 1, 23), utc(2026, 11, 2, 22))
    before = globex.session_for(date(2026, 10, 30))
    assert before is not None and before.start == utc(2026, 10, 29, 22)  # 17:00 CDT
    spring = globex.session_for(date(2026, 3, 9))  # opens Sun 03-08 17:00 CDT
    assert spring is not None and (spring.start, spring.end) == (utc(2026, 3, 8, 22), utc(2026, 3, 9, 21))
    assert globex.is_open(utc(2026, 3, 8, 22)) and not globex.is_open(utc(2026, 3, 8, 21, 59))


def test_sessions_between(day: SessionWindow) -> None:
    week = day.sessions_between(ct(2026, 11, 23), ct(2026, 11, 30))
    assert [s.label.day for s in week] == [23, 24, 25, 26, 27]
    assert [s.end.astimezone(CT).time() for s in week][-2:] == [time(12), time(12, 15)]
    # Overlap semantics: a window starting mid-session includes it.
    assert [s.label.day for s in day.sessions_between(ct(2026, 11, 23, 14), ct(2026, 11, 24, 8, 30))] == [23]


def test_invariants_over_a_year(globex: SessionWindow, day: SessionWindow) -> None:
    for win in (globex, day):
        at = ct(2026, 1, 1)
        while at < ct(2027, 1, 1):
            nxt = win.next_session(at)
            assert nxt.start > at and win.is_open(nxt.start) and not win.is_open(nxt.end)
            assert win.current_end(nxt.start) == nxt.end
            assert win.session_at(nxt.end - timedelta(microseconds=1)) == nxt
            at = nxt.start


def test_invalid_days_rejected() -> None:
    with pytest.raises(ValueError, match="days"):
        SessionWindow(time(8), time(9), frozenset(), CT)
    with pytest.raises(ValueError, match="days"):
        SessionWindow(time(8), time(9), frozenset({7}), CT)
