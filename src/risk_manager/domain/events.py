"""Normalised events: what the engine consumes, whatever the source (live hubs, REST, paper broker).

ProjectX user-hub payloads arrive either wrapped as ``{"action": n, "data": {...}}`` or bare; both are
accepted. Anything that cannot be understood raises :class:`MalformedEvent` so the caller can log and skip.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side


class MalformedEvent(ValueError):
    """A payload that cannot be normalised. Logged and skipped, never fatal."""


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
            raise MalformedEvent(f"bad timestamp {value!r}") from e
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def unwrap(payload: Any) -> dict[str, Any]:
    """Strip the live ``{"action", "data"}`` envelope if present."""
    if isinstance(payload, dict) and "data" in payload and "action" in payload:
        payload = payload["data"]
    if not isinstance(payload, dict):
        raise MalformedEvent(f"expected an object, got {type(payload).__name__}")
    return payload


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def parse_account(payload: Any, now: datetime) -> AccountEvent:
    d = unwrap(payload)
    try:
        return AccountEvent(now, int(d["id"]), str(d["name"]), float(d.get("balance") or 0.0),
                            bool(d["canTrade"]))
    except (KeyError, TypeError, ValueError) as e:
        raise MalformedEvent(f"account event: {e!r}") from e


def parse_order(payload: Any, now: datetime) -> OrderEvent:
    d = unwrap(payload)
    try:
        return OrderEvent(
            at=parse_time(d.get("updateTimestamp") or d.get("creationTimestamp"), now),
            account_id=int(d["accountId"]), id=int(d["id"]), contract_id=str(d["contractId"]),
            status=OrderStatus(int(d["status"])), type=OrderType(int(d["type"])), side=Side(int(d["side"])),
            size=int(d["size"]), limit_price=_opt_float(d.get("limitPrice")),
            stop_price=_opt_float(d.get("stopPrice")), fill_volume=int(d.get("fillVolume") or 0),
            filled_price=_opt_float(d.get("filledPrice")), custom_tag=d.get("customTag"),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise MalformedEvent(f"order event: {e!r}") from e


def parse_position(payload: Any, now: datetime) -> PositionEvent:
    d = unwrap(payload)
    try:
        size = int(d["size"])
        if size < 0:
            raise ValueError("negative size")
        return PositionEvent(
            # Receive time: creationTimestamp is when the position first opened, not when it changed.
            at=now,
            account_id=int(d["accountId"]), contract_id=str(d["contractId"]),
            type=PositionType(int(d.get("type") or 0)), size=size,
            average_price=float(d.get("averagePrice") or 0.0), id=int(d.get("id") or 0),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise MalformedEvent(f"position event: {e!r}") from e


def parse_trade(payload: Any, now: datetime) -> TradeEvent:
    d = unwrap(payload)
    try:
        fees = d.get("fees")
        if fees is None:
            fees = d.get("commissions")
        return TradeEvent(
            at=parse_time(d.get("creationTimestamp"), now), account_id=int(d["accountId"]), id=int(d["id"]),
            contract_id=str(d["contractId"]), price=float(d["price"]),
            profit_and_loss=_opt_float(d.get("profitAndLoss")), fees=float(fees or 0.0),
            side=Side(int(d["side"])), size=int(d["size"]), order_id=int(d.get("orderId") or 0),
            voided=bool(d.get("voided") or False),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise MalformedEvent(f"trade event: {e!r}") from e


def parse_quote(contract_id: Any, payload: Any, now: datetime) -> QuoteEvent:
    """GatewayQuote arguments ``(contractId, quote)``; a ``lastPrice`` of 0 means missing."""
    if not isinstance(payload, dict) or not contract_id:
        raise MalformedEvent("quote event: expected (contractId, object)")
    try:
        def price(key: str) -> float | None:
            v = payload.get(key)
            return float(v) if v not in (None, 0, 0.0) else None

        # Receive time, not the exchange stamp: staleness is judged against our own clock.
        return QuoteEvent(now, str(contract_id), price("bestBid"), price("bestAsk"), price("lastPrice"))
    except (TypeError, ValueError) as e:
        raise MalformedEvent(f"quote event: {e!r}") from e
