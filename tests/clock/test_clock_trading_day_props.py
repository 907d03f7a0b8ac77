from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from risk_manager.clock import TradingDay

ZONES = ["America/Chicago", "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago"]

instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2031, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
resets = st.times().map(lambda t: t.replace(microsecond=0))


@settings(max_examples=1500, deadline=None)
@given(now=instants, reset=resets, zone=st.sampled_from(ZONES))
def test_next_reset_properties(now: datetime, reset: time, zone: str) -> None:
    day = TradingDay(ZoneInfo(zone), reset)
    nxt = day.next_reset(now)
    assert now < nxt <= now + timedelta(hours=25)
    following = day.next_reset(nxt)
    assert day.label(following) > day.label(nxt) > day.label(now)
    assert following.astimezone(day.tz).date() > nxt.astimezone(day.tz).date()  # never twice a local date
    start = day.start(now)
    assert start <= now < nxt
    assert day.next_reset(start) == nxt
    assert day.label(start) == day.label(now)


@settings(max_examples=300, deadline=None)
@given(walk=st.lists(st.tuples(instants, st.integers(-3 * 86400, 3 * 86400)), min_size=1, max_size=30),
       reset=resets, zone=st.sampled_from(ZONES))
def test_one_day_remembered_between_calls_never_changes_an_answer(
        walk: list[tuple[datetime, int]], reset: time, zone: str) -> None:
    # The instance remembers the last day it worked out; a fresh one per call is the reference.
    shared = TradingDay(ZoneInfo(zone), reset)
    for base, step in walk:
        for at in (base, base + timedelta(seconds=step)):  # near the last one, and anywhere
            fresh = TradingDay(ZoneInfo(zone), reset)
            assert shared.bounds(at) == fresh.bounds(at)
            assert shared.label(at) == fresh.label(at) and shared.next_reset(at) == fresh.next_reset(at)
        end = shared.next_reset(base)  # the remembered day's own edges
        for at in (end - timedelta(microseconds=1), end, shared.start(base)):
            assert shared.label(at) == TradingDay(ZoneInfo(zone), reset).label(at)
