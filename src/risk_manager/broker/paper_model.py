"""Mutable records behind the paper broker, and the rejection it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from risk_manager.broker.port import AccountInfo, Order
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import AccountEvent, OrderEvent, PositionEvent


class PaperRejection(Exception):
    """A request the broker refuses; ``code`` follows the ProjectX per-endpoint error codes."""

    def __init__(self, code: int, message: str, order_id: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.order_id = order_id  # set when the order was created and then rejected (status 5)


@dataclass(frozen=True, slots=True)
class BracketLeg:
    """``stopLossBracket`` / ``takeProfitBracket``: a child at ``ticks`` from the entry's fill price (either
    sign is accepted: the direction follows from the entry's side), of ``type`` (stop, limit, trailing...)."""

    ticks: int
    type: OrderType


@dataclass(slots=True)
class OrderFault:
    """Fault injection: what happens to the next order the broker accepts (of ``scope``, on ``account_id``).

    ``reject``: the order is created and rejected (status 5). ``partial``: a market order fills at once in
    ``parts`` (each its own trade at the same time and price).
    """

    kind: Literal["reject", "partial"]
    parts: tuple[int, ...] = ()
    scope: Literal["any", "entry", "close"] = "any"
    account_id: int | None = None

    def matches(self, account_id: int, closing: bool) -> bool:
        if self.account_id is not None and self.account_id != account_id:
            return False
        return self.scope == "any" or (self.scope == "close") == closing


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
    trail_price: float | None = None  # trailing stop: distance from the touch, in price
    parent_id: int | None = None  # bracket child: its entry order
    linked_id: int | None = None  # bracket child: its OCO sibling
    bracket_ticks: int = 0  # bracket child: distance from the entry's fill price, in ticks (> 0)
    children: list[int] = field(default_factory=list)  # bracket entry: its child orders

    @property
    def remaining(self) -> int:
        return self.size - self.fill_volume

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
