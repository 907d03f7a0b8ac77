"""Duration and "HH:MM" value types."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from pydantic import TypeAdapter, ValidationError

from risk_manager.config import Duration, format_hhmm
from risk_manager.schema.values import ClockTime

DURATIONS = TypeAdapter(Duration)
CLOCK = TypeAdapter(ClockTime)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90.0), ("15m", 900.0), ("2h", 7200.0), ("1.5m", 90.0), (" 10s ", 10.0), (45, 45.0), (2.5, 2.5)],
)
def test_duration_parses_units_and_plain_seconds(text: object, seconds: float) -> None:
    duration = DURATIONS.validate_python(text)
    assert duration.seconds == seconds
    assert duration.until_reset is False
    assert duration.as_timedelta() == timedelta(seconds=seconds)


def test_until_reset_has_no_seconds() -> None:
    duration = DURATIONS.validate_python("until_reset")
    assert duration.until_reset is True
    assert duration.seconds is None
    assert duration.as_timedelta() is None


@pytest.mark.parametrize("text", ["90s", "15m", "2h", "until_reset"])
def test_duration_serialises_to_the_text_it_was_written_with(text: str) -> None:
    duration = DURATIONS.validate_python(text)
    assert str(duration) == text
    assert DURATIONS.dump_python(duration) == text
    assert DURATIONS.dump_json(duration) == f'"{text}"'.encode()


def test_plain_int_serialises_as_seconds() -> None:
    assert str(DURATIONS.validate_python(90)) == "90s"


def test_duration_equality_is_by_value() -> None:
    assert Duration("60s") == Duration("1m")
    assert hash(Duration("60s")) == hash(Duration("1m"))
    assert Duration("60s") != Duration("61s")
    assert Duration("until_reset") != Duration("24h")


@pytest.mark.parametrize(
    "bad", ["", "10", "10x", "m", "-5s", "0s", "5 minutes", "untilreset", True, None, [1]]
)
def test_bad_durations_are_rejected_with_a_hint(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        DURATIONS.validate_python(bad)
    assert "duration" in info.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    ("text", "expected"), [("17:00", time(17)), ("08:30", time(8, 30)), ("9:05", time(9, 5))]
)
def test_clock_time_parses_hh_mm(text: str, expected: time) -> None:
    assert CLOCK.validate_python(text) == expected
    assert CLOCK.dump_python(expected) == format_hhmm(expected)


@pytest.mark.parametrize("bad", ["24:00", "12:60", "1700", "12:00:00", "noon", 1020, None])
def test_bad_clock_times_are_rejected(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        CLOCK.validate_python(bad)
    assert "HH:MM" in info.value.errors()[0]["msg"]
