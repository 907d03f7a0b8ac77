"""Start-up chores that keep the event loop free: the SDK's loggers, and the exchange calendar."""

from __future__ import annotations

import logging
from datetime import datetime

from risk_manager.daemon.calendar_cache import CachedCalendar
from risk_manager.engine.engine import Engine

log = logging.getLogger("risk_manager.daemon")


def quiet_sdk() -> None:
    try:
        from risk_manager.broker.projectx.logs import take_over_sdk_loggers

        take_over_sdk_loggers(logging.WARNING)
    except Exception:  # logging hygiene must never stop enforcement
        log.exception("taking over the SDK's loggers failed")


def warm_calendar(engine: Engine, calendar: CachedCalendar | None, now: datetime) -> None:
    """Load this year's and next year's exchange calendar off the event loop (from the data directory's
    cache, else via pandas in ~1.5 s), so no session question asked by a rule stalls enforcement."""
    session = engine.session
    if session is None:
        return
    try:
        if calendar is not None:
            calendar.warm(now.year, now.year + 1)
        session.is_open(now)
        session.next_start(now)
    except Exception:
        log.exception("loading the exchange calendar failed")
