"""Request checks of the paper broker: which orders it accepts (``PaperRejection`` code 2 otherwise)."""

from __future__ import annotations

from risk_manager.broker.paper_brackets import CHILD_TYPES
from risk_manager.broker.paper_fills import off_grid
from risk_manager.broker.paper_model import BracketLeg, PaperRejection
from risk_manager.domain.enums import OrderType

SUPPORTED = frozenset({OrderType.MARKET, OrderType.LIMIT, OrderType.STOP, OrderType.STOP_LIMIT,
                       OrderType.TRAILING_STOP, OrderType.JOIN_BID, OrderType.JOIN_ASK})
HAS_LIMIT = frozenset({OrderType.LIMIT, OrderType.STOP_LIMIT})
HAS_STOP = frozenset({OrderType.STOP, OrderType.STOP_LIMIT})
JOINS = frozenset({OrderType.JOIN_BID, OrderType.JOIN_ASK})


def validate(type: OrderType, size: int, limit_price: float | None, stop_price: float | None,
              trail_price: float | None, brackets: tuple[BracketLeg | None, BracketLeg | None],
              parts: tuple[int, ...] | None) -> None:
    if type not in SUPPORTED:
        raise PaperRejection(2, "unsupported order type")
    if size <= 0:
        raise PaperRejection(2, "invalid size")
    if type in HAS_LIMIT and limit_price is None:
        raise PaperRejection(2, "limit price required")
    if type in HAS_STOP and stop_price is None:
        raise PaperRejection(2, "stop price required")
    if type is OrderType.TRAILING_STOP and (trail_price is None or trail_price <= 0):
        raise PaperRejection(2, "trail price required")
    for leg in brackets:
        if leg is not None and (leg.ticks == 0 or leg.type not in CHILD_TYPES):
            raise PaperRejection(2, "invalid bracket")
    if parts is not None and (type is not OrderType.MARKET or sum(parts) != size
                              or any(p <= 0 for p in parts)):
        raise PaperRejection(2, "partial fills must be positive parts of a market order's size")


def check_grid(tick: float, limit: float | None, stop: float | None, trail: float | None, code: int) -> None:
    """Prices off the contract's tick grid are refused (the Gateway rejects them; the SDK aligns first)."""
    for name, price in (("limit", limit), ("stop", stop), ("trail", trail)):
        if price is not None and off_grid(price, tick):
            raise PaperRejection(code, f"{name} price {price} is not a multiple of the tick size {tick}")
