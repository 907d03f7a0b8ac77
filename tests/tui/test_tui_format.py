"""Pure formatting: countdowns, utilisation bars and their colour thresholds, money, prices, times."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risk_manager.tui.format import (
    bar,
    bar_colour,
    countdown,
    day_hhmm,
    hhmm,
    hhmmss,
    money,
    pct,
    price,
    short_countdown,
    signed_money,
)


@pytest.mark.parametrize(("seconds", "text"), [
    (59, "0m 59s"), (0, "0m 00s"), (-3, "0m 00s"), (1685, "28m 05s"), (60, "1m 00s"),
    (3600, "1h 00m 00s"), (9405, "2h 36m 45s"), (90061, "25h 01m 01s"), (None, "—"), (float("nan"), "—"),
])
def test_countdown(seconds: float | None, text: str) -> None:
    assert countdown(seconds) == text


def test_countdown_rounds_partial_seconds_up_so_a_live_lockout_never_reads_zero() -> None:
    assert countdown(0.4) == "0m 01s"
    assert countdown(58.01) == "0m 59s"


@pytest.mark.parametrize(("seconds", "text"), [
    (1685, "28m"), (45, "45s"), (7385, "2h 03m"), (None, "—"), (0, "0s"),
])
def test_short_countdown(seconds: float | None, text: str) -> None:
    assert short_countdown(seconds) == text


@pytest.mark.parametrize(("util", "colour"), [
    (0.0, "green"), (0.4999, "green"), (0.5, "yellow"), (0.65, "yellow"), (0.8, "yellow"),
    (0.8001, "red"), (1.0, "red"), (1.7, "red"), (None, "green"), (-0.2, "green"),
])
def test_bar_colour_thresholds_50_and_80_percent(util: float | None, colour: str) -> None:
    assert bar_colour(util) == colour


@given(st.floats(min_value=-5, max_value=5, allow_nan=False), st.integers(min_value=1, max_value=60))
def test_bar_is_always_its_width_and_monotonic_fill(util: float, width: int) -> None:
    text = bar(util, width)
    assert len(text) == width
    filled = text.count("█")
    assert filled == round(min(1.0, max(0.0, util)) * width)
    assert text == "█" * filled + "░" * (width - filled)


def test_bar_examples() -> None:
    assert bar(0.5, 10) == "█████░░░░░"
    assert bar(1.4, 4) == "████"  # a breach fills the bar, never overflows it
    assert bar(None, 3) == "░░░"


def test_money_and_pct() -> None:
    assert money(-512.5) == "-$512.50"
    assert money(1200) == "$1,200.00"
    assert money(None) == "—"
    assert signed_money(75.5) == "+$75.50"
    assert signed_money(-75.5) == "-$75.50"
    assert signed_money(0.0) == "$0.00"
    assert pct(0.823) == "82%"
    assert pct(None) == "—"


@pytest.mark.parametrize(("value", "text"), [
    (21000.25, "21000.25"), (20981.5, "20981.50"), (6010, "6010.00"), (1.23456, "1.23456"),
    (0.1 + 0.2, "0.30"), (None, "—"),
])
def test_price(value: float | None, text: str) -> None:
    assert price(value) == text


def test_times_stay_in_their_own_offset() -> None:
    assert hhmmss("2026-11-20T14:23:15-06:00") == "14:23:15"
    assert hhmmss("not a time") == "not a time"
    assert hhmmss(None) == "--:--:--"
    assert hhmm("08:30") == "08:30"  # session bounds come as HH:MM already
    assert hhmm("2026-11-20T15:00:00-06:00") == "15:00"
    assert day_hhmm("2026-11-20T17:00:00-06:00", "2026-11-20") == "17:00"
    assert day_hhmm("2026-11-23T08:30:00-06:00", "2026-11-20") == "Mon 08:30"
