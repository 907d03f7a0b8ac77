"""Builders for the tests of rules 006-010 and 012 (unique module name: tests/ has no packages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import AccountEvent, Event, OrderEvent, PositionEvent, QuoteEvent, TradeEvent
from risk_manager.domain.marks import MarkMode
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import RuleContext, SessionLike, TimerEvent, TradingDayLike

BOOK = ContractBook.builtin()
MNQ = BOOK.by_root("MNQ").id  # tick 0.25, $0.50
ES = BOOK.by_root("ES").id
M2K = BOOK.by_root("M2K").id  # tick 0.10
T0 = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)  # Friday 08:30 CT


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def new_state(mark_mode: MarkMode = "liquidation") -> AccountState:
    return AccountState(1, "PRAC-1", ContractBook.builtin(), mark_mode=mark_mode)


def trade(when: datetime, tid: int, order_id: int, pnl: float | None = None, *, cid: str = MNQ,
          side: Side = Side.BUY, size: int = 1, price: float = 21000.0, voided: bool = False) -> TradeEvent:
    return TradeEvent(when, 1, tid, cid, price, pnl, 0.0, side, size, order_id, voided)


def position(when: datetime, size: int, avg: float = 21000.0, cid: str = MNQ) -> PositionEvent:
    kind = PositionType.LONG if size > 0 else PositionType.SHORT if size < 0 else PositionType.UNDEFINED
    return PositionEvent(when, 1, cid, kind, abs(size), avg if size else 0.0)


def stop_order(when: datetime, oid: int, side: Side, stop: float | None, *, cid: str = MNQ,
               status: OrderStatus = OrderStatus.OPEN, kind: OrderType = OrderType.STOP,
               size: int = 1) -> OrderEvent:
    return OrderEvent(when, 1, oid, cid, status, kind, side, size, stop_price=stop)


def quote(when: datetime, bid: float | None, ask: float | None, last: float | None = None,
          cid: str = MNQ) -> QuoteEvent:
    return QuoteEvent(when, cid, bid, ask, last)


def account(when: datetime, can_trade: bool) -> AccountEvent:
    return AccountEvent(when, 1, "PRAC-1", 50_000.0, can_trade)


def feed(state: AccountState, event: Event | TimerEvent, session: SessionLike | None = None,
         trading_day: TradingDayLike | None = None, count: bool = True) -> RuleContext:
    """Apply an event to the state like the engine does and build the context a rule sees."""
    if isinstance(event, TimerEvent):
        return RuleContext(event.at, state, session=session, trading_day=trading_day)
    delta = state.apply(event, count)
    return RuleContext(event.at, state, delta, session, trading_day)


@dataclass
class FakeSession:
    """Open over half-open [start, end) intervals, like the real SessionWindow."""

    windows: list[tuple[datetime, datetime]] = field(default_factory=list)

    def _window(self, when: datetime) -> tuple[datetime, datetime] | None:
        return next(((s, e) for s, e in self.windows if s <= when < e), None)

    def is_open(self, at: datetime) -> bool:
        return self._window(at) is not None

    def current_end(self, at: datetime) -> datetime | None:
        w = self._window(at)
        return None if w is None else w[1]

    def next_start(self, at: datetime) -> datetime:
        starts = sorted(s for s, _ in self.windows if s > at)
        if not starts:
            raise LookupError("no session ahead")
        return starts[0]


@dataclass
class FakeTradingDay:
    reset: datetime

    def label(self, at: datetime) -> date:
        return self.reset.date()

    def next_reset(self, at: datetime) -> datetime:
        return self.reset

    def start(self, at: datetime) -> datetime:
        return self.reset - timedelta(days=1)
