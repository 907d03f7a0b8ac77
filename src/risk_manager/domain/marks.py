"""Mark prices and unrealized P&L (SPEC §5)."""

from __future__ import annotations

from typing import Literal

from risk_manager.domain.contracts import Contract
from risk_manager.domain.events import QuoteEvent

MarkMode = Literal["liquidation", "last", "mid"]


def _mid(q: QuoteEvent) -> float | None:
    return (q.bid + q.ask) / 2 if q.bid is not None and q.ask is not None else None


def mark_price(q: QuoteEvent, size: int, mode: MarkMode) -> float | None:
    """The price a position of ``size`` (signed) is valued at. Missing sides fall back to last, then mid."""
    if mode == "liquidation":
        side = q.bid if size > 0 else q.ask  # what a flatten would get
        if side is not None:
            return side
        return q.last if q.last is not None else _mid(q)
    if mode == "mid":
        m = _mid(q)
        return m if m is not None else q.last
    return q.last if q.last is not None else _mid(q)


def unrealized_pnl(contract: Contract, size: int, avg_price: float, mark: float) -> float:
    """(mark - avg) / tickSize * tickValue * size; a signed size flips the sign for shorts."""
    return (mark - avg_price) / contract.tick_size * contract.tick_value * size

