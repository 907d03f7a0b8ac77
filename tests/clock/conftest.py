from __future__ import annotations

import pytest
from clock_helpers import CT

from risk_manager.clock import ExchangeCalendar


@pytest.fixture(scope="session")
def cme() -> ExchangeCalendar:
    # Session-scoped: pandas/pmc import once; per-year schedules are cached inside the instance.
    return ExchangeCalendar("cme_equity", tz=CT)
