"""Time: injectable clocks, trading day and daily reset, exchange calendar, sessions, deadlines.

Importing this package does not import pandas; the exchange calendar loads it on first use.
"""

from risk_manager.clock.calendar import CalendarMode, ExchangeCalendar
from risk_manager.clock.clock import Clock, SystemClock, VirtualClock, to_utc
from risk_manager.clock.deadlines import Deadline, DeadlineQueue
from risk_manager.clock.sessions import Session, SessionWindow
from risk_manager.clock.trading_day import TradingDay, local_instant

__all__ = [
    "CalendarMode",
    "Clock",
    "Deadline",
    "DeadlineQueue",
    "ExchangeCalendar",
    "Session",
    "SessionWindow",
    "SystemClock",
    "TradingDay",
    "VirtualClock",
    "local_instant",
    "to_utc",
]
