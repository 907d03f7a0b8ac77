from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date, time

import pytest
from clock_helpers import CT, NY, utc

from risk_manager.clock import ExchangeCalendar


def test_cme_holidays(cme: ExchangeCalendar) -> None:
    assert cme.is_holiday(date(2026, 12, 25))
    assert cme.is_holiday(date(2026, 1, 1))
    assert not cme.is_holiday(date(2026, 11, 26))  # Thanksgiving: halt at 12:00, not closed
    assert not cme.is_holiday(date(2026, 11, 25))
    assert not cme.is_holiday(date(2026, 11, 28))  # Saturday: a weekend, not a holiday


def test_cme_early_closes_in_schedule_zone(cme: ExchangeCalendar) -> None:
    assert cme.early_close(date(2026, 11, 26), CT) == time(12, 0)  # Thanksgiving
    assert cme.early_close(date(2026, 11, 27), CT) == time(12, 15)  # Black Friday
    assert cme.early_close(date(2026, 12, 24), CT) == time(12, 15)
    assert cme.early_close(date(2026, 7, 3), CT) == time(12, 0)
    assert cme.early_close(date(2026, 11, 26)) == time(12, 0)  # default zone = schedule zone
    assert cme.early_close_utc(date(2026, 11, 27)) == utc(2026, 11, 27, 18, 15)


def test_regular_close_is_not_an_early_close(cme: ExchangeCalendar) -> None:
    # pmc reports 16:00 CT on regular days; only earlier closes count.
    assert cme.early_close(date(2026, 11, 25), CT) is None
    assert cme.early_close(date(2026, 11, 20), CT) is None
    assert cme.early_close(date(2026, 12, 25), CT) is None  # closed, not early
    assert cme.early_close(date(2026, 11, 28), CT) is None  # weekend


def test_early_close_converted_to_other_zone(cme: ExchangeCalendar) -> None:
    assert cme.early_close(date(2026, 11, 26), NY) == time(13, 0)
    assert cme.early_close(date(2026, 11, 27), NY) == time(13, 15)


def test_years_are_computed_lazily_once(cme: ExchangeCalendar) -> None:
    cal = ExchangeCalendar("cme_equity", tz=CT)
    assert cal._years == {}
    cal.is_holiday(date(2027, 12, 24))
    assert set(cal._years) == {2027}
    first = cal._years[2027]
    cal.early_close(date(2027, 11, 26), CT)
    assert cal._years[2027] is first
    assert cal.early_close(date(2027, 11, 25), CT) == time(12, 0)  # Thanksgiving 2027


def test_extra_holidays_and_early_closes() -> None:
    cal = ExchangeCalendar(
        "cme_equity",
        tz=CT,
        holidays=[date(2026, 11, 24)],
        early_closes={date(2026, 11, 23): time(13, 0), date(2026, 4, 3): time(10, 15)},
    )
    assert cal.is_holiday(date(2026, 11, 24))
    assert cal.is_holiday(date(2026, 12, 25))  # exchange holidays still apply
    assert cal.early_close(date(2026, 11, 23), CT) == time(13, 0)
    assert cal.early_close(date(2026, 11, 23), NY) == time(14, 0)
    # pmc says 08:15 on Good Friday 2026; the operator's override wins.
    assert cal.early_close(date(2026, 4, 3), CT) == time(10, 15)
    assert cal.early_close(date(2026, 11, 27), CT) == time(12, 15)


def test_none_mode_has_only_extras() -> None:
    extra = {date(2026, 7, 2): time(12)}
    cal = ExchangeCalendar("none", tz=CT, holidays=[date(2026, 7, 3)], early_closes=extra)
    assert not cal.is_holiday(date(2026, 12, 25))
    assert cal.early_close(date(2026, 11, 26), CT) is None
    assert cal.is_holiday(date(2026, 7, 3))
    assert cal.early_close(date(2026, 7, 2), CT) == time(12, 0)


def test_unknown_mode_rejected() -> None:
    with pytest.raises(ValueError, match="unknown calendar mode"):
        ExchangeCalendar("nyse")  # type: ignore[arg-type]


def test_pandas_is_not_imported_until_needed() -> None:
    code = textwrap.dedent(
        """
        import sys
        from datetime import date
        import risk_manager.clock as c
        cal = c.ExchangeCalendar("none")
        cal.is_holiday(date(2026, 12, 25))
        c.ExchangeCalendar("cme_equity")
        assert "pandas" not in sys.modules and "pandas_market_calendars" not in sys.modules
        c.ExchangeCalendar("cme_equity").is_holiday(date(2026, 12, 25))
        assert "pandas_market_calendars" in sys.modules
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
