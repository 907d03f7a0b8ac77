from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from clock_helpers import CT, NY, ct, utc

from risk_manager.clock import TradingDay

CHI_17 = TradingDay(CT, time(17, 0))


def test_label_flips_exactly_at_reset() -> None:
    assert CHI_17.label(ct(2026, 11, 20, 16, 59, 59)) == date(2026, 11, 20)
    assert CHI_17.label(ct(2026, 11, 20, 17, 0)) == date(2026, 11, 21)
    assert CHI_17.next_reset(ct(2026, 11, 20, 16, 59)) == utc(2026, 11, 20, 23)
    assert CHI_17.next_reset(ct(2026, 11, 20, 17, 0)) == utc(2026, 11, 21, 23)  # strictly after
    assert CHI_17.start(ct(2026, 11, 20, 17, 0)) == utc(2026, 11, 20, 23)
    assert CHI_17.start(ct(2026, 11, 20, 16, 59)) == utc(2026, 11, 19, 23)
    expected = (date(2026, 11, 20), utc(2026, 11, 19, 23), utc(2026, 11, 20, 23))
    assert CHI_17.bounds(ct(2026, 11, 20, 9)) == expected


def test_weekend_days_are_ordinary_trading_days() -> None:
    # The reset is daily; the trading day labelled Saturday is Fri 17:00 -> Sat 17:00.
    assert CHI_17.label(ct(2026, 11, 21, 12)) == date(2026, 11, 21)
    assert CHI_17.reset_at(date(2026, 11, 21)) == utc(2026, 11, 21, 23)


def test_spring_forward_day_is_23_hours() -> None:
    # 2026-03-08: CST (-6) -> CDT (-5) at 02:00 local.
    label, start, end = CHI_17.bounds(utc(2026, 3, 8, 8))  # 02:00 CST -> 03:00 CDT instant
    assert label == date(2026, 3, 8)
    assert start == utc(2026, 3, 7, 23)  # 17:00 CST
    assert end == utc(2026, 3, 8, 22)  # 17:00 CDT
    assert end - start == timedelta(hours=23)
    assert CHI_17.label(utc(2026, 3, 8, 21, 59, 59)) == date(2026, 3, 8)
    assert CHI_17.label(utc(2026, 3, 8, 22)) == date(2026, 3, 9)
    assert CHI_17.next_reset(utc(2026, 3, 8, 22)) == utc(2026, 3, 9, 22)


def test_fall_back_day_is_25_hours() -> None:
    # 2026-11-01: CDT (-5) -> CST (-6) at 02:00 local.
    label, start, end = CHI_17.bounds(utc(2026, 11, 1, 7))
    assert label == date(2026, 11, 1)
    assert start == utc(2026, 10, 31, 22)  # 17:00 CDT
    assert end == utc(2026, 11, 1, 23)  # 17:00 CST
    assert end - start == timedelta(hours=25)
    assert CHI_17.label(utc(2026, 11, 1, 22, 59, 59)) == date(2026, 11, 1)
    assert CHI_17.label(utc(2026, 11, 1, 23)) == date(2026, 11, 2)


def test_reset_inside_spring_gap_goes_forward_once() -> None:
    # 02:30 does not exist in New York on 2026-03-08: the reset happens at 03:30 EDT (07:30Z), not 01:30.
    day = TradingDay(NY, time(2, 30))
    first = day.next_reset(utc(2026, 3, 8, 5))  # 00:00 EST
    assert first == utc(2026, 3, 8, 7, 30)
    assert first.astimezone(NY).hour == 3
    assert day.label(utc(2026, 3, 8, 7, 29)) == date(2026, 3, 8)
    assert day.next_reset(first) == utc(2026, 3, 9, 6, 30)  # 02:30 EDT next day
    assert day.label(first) == date(2026, 3, 9)


def test_reset_inside_fall_back_overlap_fires_once_at_first_occurrence() -> None:
    # 01:30 happens twice in New York on 2026-11-01: 05:30Z (EDT) and 06:30Z (EST). Only the first counts.
    day = TradingDay(NY, time(1, 30))
    assert day.next_reset(utc(2026, 11, 1, 4)) == utc(2026, 11, 1, 5, 30)
    after_first = utc(2026, 11, 1, 5, 45)
    assert day.next_reset(after_first) == utc(2026, 11, 2, 6, 30)  # skips the second 01:30
    assert day.label(utc(2026, 11, 1, 6, 30)) == date(2026, 11, 2)
    fires, at = [], utc(2026, 10, 30)
    while at < utc(2026, 11, 4):
        at = day.next_reset(at)
        fires.append(at.astimezone(NY).date())
    assert len(fires) == len(set(fires))
    assert fires[:4] == [date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)]


def test_start_and_next_reset_agree_over_a_year() -> None:
    at = utc(2026, 1, 1)
    while at < utc(2027, 1, 1):
        nxt = CHI_17.next_reset(at)
        assert CHI_17.start(nxt) == nxt
        assert nxt.astimezone(CT).hour == 17
        at = nxt


def test_aware_reset_time_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        TradingDay(CT, time(17, 0, tzinfo=CT))
