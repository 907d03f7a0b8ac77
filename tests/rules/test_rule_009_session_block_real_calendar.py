"""009 with the real SessionWindow and CME calendar: overnight windows, holidays, early closes, DST."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from time_rules_helpers import feed, new_state, position, trade

from risk_manager.clock import ExchangeCalendar, SessionWindow
from risk_manager.config import SessionBlockOutsideConfig
from risk_manager.domain.events import Event
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import LockoutSpec, RuleContext, TimerEvent, Violation
from risk_manager.rules.session_block_outside import SessionBlockOutsideRule

CT = ZoneInfo("America/Chicago")
WEEKDAYS = frozenset(range(5))
HARD = LockoutSpec("hard", "session_start")


def ct(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=CT)


@pytest.fixture(scope="module")
def cme() -> ExchangeCalendar:
    return ExchangeCalendar("cme_equity", tz=CT)


@pytest.fixture(scope="module")
def day(cme: ExchangeCalendar) -> SessionWindow:
    return SessionWindow(time(8, 30), time(15, 0), WEEKDAYS, CT, cme)


@pytest.fixture(scope="module")
def overnight(cme: ExchangeCalendar) -> SessionWindow:
    return SessionWindow(time(17, 0), time(16, 0), WEEKDAYS, CT, cme)  # CME Globex: Sun 17:00 .. Fri 16:00


def rule(before: int = 0) -> SessionBlockOutsideRule:
    cfg = {"enabled": True, "flatten_before_end_seconds": before}
    return SessionBlockOutsideRule(SessionBlockOutsideConfig.model_validate(cfg))


def opening_fill(session: SessionWindow, when: datetime) -> list[Violation]:
    r, st, ev = rule(), new_state(), trade(when, 1, 1)
    return r.evaluate(ev, feed(st, ev, session))


def step(r: SessionBlockOutsideRule, st: AccountState, ev: Event, s: SessionWindow) -> RuleContext:
    ctx = feed(st, ev, s)
    assert r.evaluate(ev, ctx) == []
    return ctx


@pytest.mark.parametrize(("when", "allowed"), [
    (ct(2026, 11, 22, 17, 30), True),  # Sunday evening: the Monday session is open
    (ct(2026, 11, 23, 3, 0), True),  # overnight, after midnight
    (ct(2026, 11, 23, 16, 30), False),  # the daily maintenance break 16:00-17:00
    (ct(2026, 11, 20, 16, 30), False),  # Friday after the close
    (ct(2026, 11, 21, 10, 0), False),  # Saturday
    (ct(2026, 11, 22, 16, 59), False),  # Sunday before the open
])
def test_overnight_window(overnight: SessionWindow, when: datetime, allowed: bool) -> None:
    out = opening_fill(overnight, when)
    assert (out == []) is allowed
    if not allowed:
        assert out[0].lockout == HARD


def test_overnight_lockout_runs_until_the_sunday_open(overnight: SessionWindow) -> None:
    assert overnight.next_start(ct(2026, 11, 21, 10, 0)) == ct(2026, 11, 22, 17, 0)


def test_holiday_is_closed_and_locks_until_the_next_trading_day(day: SessionWindow) -> None:
    [v] = opening_fill(day, ct(2026, 12, 25, 10, 0))  # Christmas, a Friday
    assert v.action == "flatten" and v.lockout == HARD
    assert day.next_start(ct(2026, 12, 25, 10, 0)) == ct(2026, 12, 28, 8, 30)  # Monday


def test_thanksgiving_early_close_ends_the_session_at_noon(day: SessionWindow) -> None:
    assert opening_fill(day, ct(2026, 11, 26, 11, 59)) == []
    [v] = opening_fill(day, ct(2026, 11, 26, 12, 0))  # 12:00 CT early close: already outside
    assert v.lockout == HARD
    assert day.next_start(ct(2026, 11, 26, 12, 0)) == ct(2026, 11, 27, 8, 30)


def test_thanksgiving_session_end_timer_fires_at_the_early_close(day: SessionWindow) -> None:
    r, st = rule(), new_state()
    ctx = step(r, st, position(ct(2026, 11, 26, 10, 0), 1), day)
    assert r.next_deadline(ctx) == ct(2026, 11, 26, 12, 0)
    timer = TimerEvent(ct(2026, 11, 26, 12, 0), "session_block_outside")
    [v] = r.evaluate(timer, feed(st, timer, day))
    assert (v.action, v.lockout) == ("flatten", HARD)


def test_flatten_before_end_on_an_early_close(day: SessionWindow) -> None:
    r, st = rule(before=120), new_state()
    ctx = step(r, st, position(ct(2026, 11, 27, 9, 0), 1), day)  # Black Friday: 12:15 CT close
    assert r.next_deadline(ctx) == ct(2026, 11, 27, 12, 13)


def test_regular_day_deadline_across_the_dst_change(day: SessionWindow) -> None:
    utc = ZoneInfo("UTC")
    for when, utc_hour in ((ct(2026, 10, 30, 9, 0), 20), (ct(2026, 11, 2, 9, 0), 21)):  # CDT, then CST
        r, st = rule(), new_state()
        deadline = r.next_deadline(step(r, st, position(when, 1), day))
        assert deadline == when.replace(hour=15)
        assert deadline is not None and deadline.astimezone(utc).hour == utc_hour


def test_weekend_days_are_not_session_days(day: SessionWindow) -> None:
    assert day.session_for(date(2026, 11, 21)) is None
    assert len(opening_fill(day, ct(2026, 11, 21, 10, 0))) == 1
