from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest
import time_machine
from clock_helpers import CT, ct, utc

from risk_manager.clock import Clock, SystemClock, TradingDay, VirtualClock


def test_virtual_clock_normalises_to_utc_and_moves_forward() -> None:
    clock = VirtualClock(ct(2026, 11, 20, 8, 30))
    assert clock.now() == utc(2026, 11, 20, 14, 30)
    assert clock.now().tzinfo is UTC
    clock.set(utc(2026, 11, 20, 14, 30))  # same instant is allowed
    assert clock.advance(timedelta(minutes=5)) == utc(2026, 11, 20, 14, 35)
    clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=timezone(timedelta(hours=-5))))
    assert clock.now() == utc(2026, 11, 20, 15, 0)


def test_virtual_clock_never_goes_backwards() -> None:
    clock = VirtualClock(utc(2026, 11, 20, 12))
    with pytest.raises(ValueError, match="backwards"):
        clock.set(utc(2026, 11, 20, 11, 59, 59))
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))
    assert clock.now() == utc(2026, 11, 20, 12)


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        VirtualClock(datetime(2026, 1, 1))
    clock = VirtualClock(utc(2026, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        clock.set(datetime(2026, 1, 2))


def test_clocks_satisfy_protocol() -> None:
    assert isinstance(SystemClock(), Clock)
    assert isinstance(VirtualClock(utc(2026, 1, 1)), Clock)


def test_system_clock_follows_wall_clock_thanksgiving_rollover() -> None:
    day = TradingDay(CT, time(17, 0))
    with time_machine.travel(ct(2026, 11, 26, 16, 59, 59), tick=False):
        now = SystemClock().now()
        assert now == utc(2026, 11, 26, 22, 59, 59)
        assert now.tzinfo is UTC
        assert day.label(now).isoformat() == "2026-11-26"
    with time_machine.travel(ct(2026, 11, 26, 17, 0), tick=False):
        assert day.label(SystemClock().now()).isoformat() == "2026-11-27"
