"""ProjectX hub payloads and REST rows -> normalised events, parsed strictly (SPEC §14).

One pydantic model per Gateway object, camelCase as on the wire. Numbers must be JSON numbers (no
strings, no booleans), finite and in range; ids must be present and not null; enums must be known codes;
a position with a size has a side. Anything else raises :class:`MalformedEvent` and is never valued:
the daemon journals it (``bad_event``), alerts and reconciles the account over REST.

User-hub payloads arrive either wrapped as ``{"action": n, "data": {...}}`` or bare; both are accepted.
"""

from __future__ import annotations

import math
from datetime import datetime
from enum import IntEnum
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    model_validator,
)

from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import (
    AccountEvent,
    MalformedEvent,
    OrderEvent,
    PositionEvent,
    QuoteEvent,
    TradeEvent,
    parse_time,
)

MAX_ID = 2**63 - 1
MAX_SIZE = 1_000_000
MAX_PRICE = 10**15


def _code[E: IntEnum](enum: type[E]) -> PlainValidator:
    def check(value: object) -> E:
        if type(value) is not int:  # bool is an int subclass; "1" and 1.0 are not codes either
            raise ValueError("must be an integer code")
        try:
            return enum(value)
        except ValueError:
            raise ValueError(f"unknown {enum.__name__} code {value}") from None

    return PlainValidator(check)


def _stamp(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 time")
    try:
        return parse_time(value)
    except MalformedEvent as e:
        raise ValueError(str(e)) from None


Id = Annotated[int, Field(ge=0, le=MAX_ID)]
Size = Annotated[int, Field(ge=0, le=MAX_SIZE)]
Price = Annotated[float, Field(allow_inf_nan=False)]
Money = Annotated[float, Field(allow_inf_nan=False, ge=-1e12, le=1e12)]
Stamp = Annotated[datetime, PlainValidator(_stamp)]
ContractId = Annotated[str, Field(min_length=1, max_length=100)]
Status = Annotated[OrderStatus, _code(OrderStatus)]
Kind = Annotated[OrderType, _code(OrderType)]
Direction = Annotated[Side, _code(Side)]
PosKind = Annotated[PositionType, _code(PositionType)]


class Payload(BaseModel):
    model_config = ConfigDict(strict=True, allow_inf_nan=False, extra="ignore", frozen=True)


class AccountPayload(Payload):
    id: Id
    name: Annotated[str, Field(min_length=1)]
    balance: Money
    canTrade: bool


class OrderPayload(Payload):
    id: Id
    accountId: Id
    contractId: ContractId
    status: Status
    type: Kind
    side: Direction
    size: Size
    creationTimestamp: Stamp | None = None
    updateTimestamp: Stamp | None = None
    limitPrice: Price | None = None
    stopPrice: Price | None = None
    fillVolume: Size | None = None
    filledPrice: Price | None = None
    customTag: str | None = None


class PositionPayload(Payload):
    id: Id | None = None
    accountId: Id
    contractId: ContractId
    type: PosKind
    size: Size
    averagePrice: Price

    @model_validator(mode="after")
    def _sided(self) -> Self:
        if self.size > 0 and self.type is PositionType.UNDEFINED:
            raise ValueError("an open position must be long (1) or short (2)")
        return self


class TradePayload(Payload):
    id: Id
    accountId: Id
    contractId: ContractId
    creationTimestamp: Stamp
    price: Price
    profitAndLoss: Money | None  # required key; null = the opening half-turn
    fees: Money | None = None
    commissions: Money | None = None
    side: Direction
    size: Annotated[int, Field(gt=0, le=MAX_SIZE)]
    orderId: Id | None = None
    voided: bool | None = None


def unwrap(payload: Any) -> dict[str, Any]:
    """Strip the live ``{"action", "data"}`` envelope if present."""
    if isinstance(payload, dict) and "data" in payload and "action" in payload:
        payload = payload["data"]
    if not isinstance(payload, dict):
        raise MalformedEvent(f"expected an object, got {type(payload).__name__}")
    return payload


def validate[M: Payload](model: type[M], data: Any) -> M:
    """``data`` as ``model``; MalformedEvent naming every bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        why = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'payload'}: {err['msg']}"
                        for err in e.errors(include_url=False))
        raise MalformedEvent(f"{model.__name__.removesuffix('Payload').lower()}: {why}"[:500]) from None


def parse_account(payload: Any, now: datetime) -> AccountEvent:
    a = validate(AccountPayload, unwrap(payload))
    return AccountEvent(now, a.id, a.name, a.balance, a.canTrade)


def parse_order(payload: Any, now: datetime) -> OrderEvent:
    o = validate(OrderPayload, unwrap(payload))
    return OrderEvent(at=o.updateTimestamp or o.creationTimestamp or now, account_id=o.accountId, id=o.id,
                      contract_id=o.contractId, status=o.status, type=o.type, side=o.side, size=o.size,
                      limit_price=o.limitPrice, stop_price=o.stopPrice, fill_volume=o.fillVolume or 0,
                      filled_price=o.filledPrice, custom_tag=o.customTag)


def parse_position(payload: Any, now: datetime) -> PositionEvent:
    p = validate(PositionPayload, unwrap(payload))
    # Receive time: creationTimestamp is when the position first opened, not when it changed.
    kind = p.type if p.size else PositionType.UNDEFINED
    return PositionEvent(now, p.accountId, p.contractId, kind, p.size, p.averagePrice, p.id or 0)


def parse_trade(payload: Any, now: datetime) -> TradeEvent:
    t = validate(TradePayload, unwrap(payload))
    return TradeEvent(t.creationTimestamp, t.accountId, t.id, t.contractId, t.price, t.profitAndLoss,
                      fees_of(t), t.side, t.size, t.orderId or 0, bool(t.voided))


def fees_of(t: TradePayload) -> float:
    """``fees``, or its older alias ``commissions``; 0 when neither is sent."""
    if t.fees is not None:
        return t.fees
    return t.commissions or 0.0


def parse_quote(contract_id: Any, payload: Any, now: datetime) -> QuoteEvent:
    """GatewayQuote arguments ``(contractId, quote)``; a price of 0 means missing.

    The hot path (every quote): the same rules as the models (JSON numbers only, finite), checked by hand
    for three fields, which costs a fraction of a model validation."""
    if not isinstance(contract_id, str) or not contract_id or not isinstance(payload, dict):
        raise MalformedEvent("quote: expected (contractId, object)")
    # Receive time, not the exchange stamp: staleness is judged against our own clock.
    return QuoteEvent(now, contract_id, _price(payload, "bestBid"), _price(payload, "bestAsk"),
                      _price(payload, "lastPrice"))


def _price(payload: dict[str, Any], key: str) -> float | None:
    value = payload.get(key)
    if value is None:
        return None
    kind = type(value)  # not isinstance: a bool is no price
    if (kind is float and math.isfinite(value)) or (kind is int and abs(value) <= MAX_PRICE):
        return float(value) or None
    raise MalformedEvent(f"quote: {key}: must be a finite number, got {str(value)[:40]!r}")
