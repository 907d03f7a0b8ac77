"""Normalised events: what the engine consumes, whatever the source (live hubs, REST, paper broker).

Typed values only: turning a broker's wire payloads into these events is the broker adapter's job
(``broker/projectx/payloads.py`` for ProjectX). A payload that cannot be turned into one raises
:class:`MalformedEvent` there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side


class MalformedEvent(ValueError):
    """A payload (or a time) that cannot be normalised: rejected, never valued, never fatal."""


@dataclass(frozen=True, slots=True)
class AccountEvent:
    at: datetime
    account_id: int
    name: str
    balance: float
    can_trade: bool


@dataclass(frozen=True, slots=True)
class OrderEvent:
    at: datetime
    account_id: int
    id: int
    contract_id: str
    status: OrderStatus
    type: OrderType
    side: Side
    size: int
    limit_price: float | None = None
    stop_price: float | None = None
    fill_volume: int = 0
    filled_price: float | None = None
    custom_tag: str | None = None


@dataclass(frozen=True, slots=True)
class PositionEvent:
    at: datetime
    account_id: int
    contract_id: str
    type: PositionType
    size: int  # always >= 0; 0 means closed
    average_price: float
    id: int = 0

    @property
    def signed_size(self) -> int:
        if self.type is PositionType.SHORT:
            return -self.size
        return self.size if self.type is PositionType.LONG else 0


@dataclass(frozen=True, slots=True)
class TradeEvent:
    at: datetime
    account_id: int
    id: int
    contract_id: str
    price: float
    profit_and_loss: float | None  # None = opening half-turn
    fees: float
    side: Side
    size: int
    order_id: int
    voided: bool = False


@dataclass(frozen=True, slots=True)
class QuoteEvent:
    at: datetime
    contract_id: str
    bid: float | None
    ask: float | None
    last: float | None


Event = AccountEvent | OrderEvent | PositionEvent | TradeEvent | QuoteEvent
UserEvent = AccountEvent | OrderEvent | PositionEvent | TradeEvent


def parse_time(value: Any, fallback: datetime | None = None) -> datetime:
    """ISO 8601 (``Z`` or offset) -> aware UTC datetime. Naive times are taken as UTC."""
    if value is None or value == "":
        if fallback is None:
            raise MalformedEvent("missing timestamp")
        return fallback
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value))
        except ValueError as e:
            raise MalformedEvent(f"bad timestamp {str(value)[:60]!r}") from e
    try:
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    except OverflowError:  # "0001-01-01T00:00:00+05:00" has no UTC instant
        raise MalformedEvent(f"timestamp out of range {str(value)[:60]!r}") from None
