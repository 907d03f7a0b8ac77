"""Mutable records behind the paper broker, and the rejection it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from risk_manager.broker.port import AccountInfo, Order
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import AccountEvent, OrderEvent, PositionEvent


class PaperRejection(Exception):
    """A request the broker refuses; ``code`` follows the ProjectX per-endpoint error codes."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(slots=True)
class PaperAccount:
    id: int
    name: str
    balance: float
    can_trade: bool
    fees_per_contract: float
    tags: set[str] = field(default_factory=set)  # customTag is unique per account (live quirk)

    def info(self) -> AccountInfo:
        return AccountInfo(self.id, self.name, self.balance, self.can_trade)

    def event(self, at: datetime) -> AccountEvent:
        return AccountEvent(at, self.id, self.name, self.balance, self.can_trade)


@dataclass(slots=True)
class PaperOrder:
    id: int
    account_id: int
    contract_id: str
    type: OrderType
    side: Side
    size: int
    limit_price: float | None
    stop_price: float | None
    custom_tag: str | None
    status: OrderStatus = OrderStatus.PENDING
    triggered: bool = False  # a stop-limit whose stop was crossed now works as a limit
    fill_volume: int = 0
    filled_price: float | None = None
    last_event: OrderEvent | None = None

    def event(self, at: datetime) -> OrderEvent:
        ev = OrderEvent(at, self.account_id, self.id, self.contract_id, self.status, self.type, self.side,
                        self.size, self.limit_price, self.stop_price, self.fill_volume, self.filled_price,
                        self.custom_tag)
        self.last_event = ev
        return ev

    def view(self) -> Order:
        return Order(self.account_id, self.id, self.contract_id, self.status, self.type, self.side, self.size,
                     self.limit_price, self.stop_price, self.fill_volume)


@dataclass(slots=True)
class PaperPosition:
    """One netted row per (account, contract); kept at size 0 after a close so its id stays known."""

    id: int
    account_id: int
    contract_id: str
    size: int  # signed
    average_price: float
    opened_at: datetime

    def event(self, at: datetime) -> PositionEvent:
        if self.size == 0:
            return PositionEvent(at, self.account_id, self.contract_id, PositionType.UNDEFINED, 0, 0.0,
                                 self.id)
        kind = PositionType.LONG if self.size > 0 else PositionType.SHORT
        return PositionEvent(at, self.account_id, self.contract_id, kind, abs(self.size), self.average_price,
                             self.id)
