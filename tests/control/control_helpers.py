"""A real engine fed with events, a fake control backend, and a control server run on its own thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from risk_manager.config import Config, load_config_text
from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import AccountEvent, OrderEvent, PositionEvent, QuoteEvent, TradeEvent
from risk_manager.engine.engine import Engine
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal

MNQ = catalogue_contract("MNQ").id
T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Friday 09:00 CST, session 08:30-15:00 open
Json = dict[str, Any]


def config(rules: str, accounts: str = "[{name: PRAC-1}]", extra: str = "") -> Config:
    return load_config_text(
        f"accounts: {accounts}\n"
        "schedule: {timezone: America/Chicago, daily_reset: '17:00',"
        " session: {start: '08:30', end: '15:00'}}\n"
        + extra + "rules:\n" + rules, "test.yaml")


def engine(cfg: Config, start: datetime = T0) -> tuple[Engine, ListJournal]:
    journal = ListJournal()
    eng = build_engine(cfg, journal)
    eng.start(start)
    eng.add_account(1, "PRAC-1")
    eng.handle(AccountEvent(start, 1, "PRAC-1", 50000.0, True))
    return eng, journal


def run_until(eng: Engine, until: datetime) -> None:
    """Fire every deadline due up to ``until`` at its own time (as the daemon's timer would)."""
    while (d := eng.pop_due(until)) is not None:
        eng.fire(d)


def open_long(eng: Engine, at: datetime, trade_id: int, size: int = 1, total: int | None = None,
              price: float = 21000.0, fees: float = 0.0) -> None:
    """One opening fill of ``size`` (its own order) and the position update to ``total``."""
    eng.handle(TradeEvent(at, 1, trade_id, MNQ, price, None, fees, Side.BUY, size, 1000 + trade_id))
    eng.handle(PositionEvent(at, 1, MNQ, PositionType.LONG, total or size, price))


def close_long(eng: Engine, at: datetime, trade_id: int, pnl: float, size: int = 1) -> None:
    eng.handle(TradeEvent(at, 1, trade_id, MNQ, 21000.0, pnl, 0.0, Side.SELL, size, 1000 + trade_id))
    eng.handle(PositionEvent(at, 1, MNQ, PositionType.LONG, 0, 21000.0))


def quote(eng: Engine, at: datetime, bid: float, ask: float | None = None) -> None:
    eng.handle(QuoteEvent(at, MNQ, bid, ask if ask is not None else bid + 0.25, bid))


def stop_order(eng: Engine, at: datetime, order_id: int, size: int, price: float) -> None:
    eng.handle(OrderEvent(at, 1, order_id, MNQ, OrderStatus.OPEN, OrderType.STOP, Side.SELL, size,
                          stop_price=price))


def later(minutes: float = 0, seconds: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)
