"""Pure fill rules of the paper broker: which price an order fills at, and how a fill nets.

Pricing: an order that is marketable when it *enters* the book (market, a newly placed or modified limit,
a stop at its trigger, a stop-limit at its trigger) takes the touch, which is never worse than its limit.
A limit already *resting* fills at its own limit price once the touch reaches it, even if the quote gapped
through: the conservative paper fill, and the same price a real resting order would get. A trailing stop is a
stop whose stop price trails the touch (``ratchet``); join-bid/join-ask orders are limits at the touch they
joined.
"""

from __future__ import annotations

from dataclasses import dataclass

from risk_manager.broker.paper_model import PaperOrder
from risk_manager.domain.contracts import Contract
from risk_manager.domain.enums import OrderType, Side

_STOPS = (OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP)


def touch_price(side: Side, bid: float | None, ask: float | None, last: float | None) -> float | None:
    """What an aggressive order of ``side`` pays: ask for buys, bid for sells; a missing side uses last."""
    price = ask if side is Side.BUY else bid
    return price if price is not None else last


def _limit_reached(side: Side, limit: float, touch: float) -> bool:
    return touch <= limit if side is Side.BUY else touch >= limit


def _stop_crossed(side: Side, stop: float, touch: float) -> bool:
    return touch >= stop if side is Side.BUY else touch <= stop


def fill_price(order: PaperOrder, touch: float | None, entering: bool) -> float | None:
    """The price ``order`` fills at against ``touch`` now, or None if it keeps working.

    Marks a stop-limit ``triggered`` when its stop is crossed (it then behaves as a limit that is entering).
    """
    if touch is None:
        return None
    if order.type is OrderType.MARKET:
        return touch
    if order.type in _STOPS and not order.triggered:
        assert order.stop_price is not None
        if not _stop_crossed(order.side, order.stop_price, touch):
            return None
        if order.type is not OrderType.STOP_LIMIT:
            return touch
        order.triggered = True
        entering = True
    assert order.limit_price is not None
    if not _limit_reached(order.side, order.limit_price, touch):
        return None
    return touch if entering else order.limit_price


def ratchet(order: PaperOrder, touch: float | None, tick_size: float) -> bool:
    """Trail a trailing stop's stop price behind ``touch`` (only ever tightened); True if it moved."""
    if touch is None or order.trail_price is None:
        return False
    trail = order.trail_price
    wanted = on_grid(touch - trail if order.side is Side.SELL else touch + trail, tick_size)
    current = order.stop_price
    tighter = current is None or (wanted > current if order.side is Side.SELL else wanted < current)
    if tighter:
        order.stop_price = wanted
    return tighter


def on_grid(price: float, tick_size: float) -> float:
    """``price`` rounded to the nearest tick, without float noise (20000.25, not 20000.250000000004)."""
    decimals = max(0, len(f"{tick_size:.10f}".rstrip("0").split(".")[1]))
    return round(round(price / tick_size) * tick_size, decimals)


def off_grid(price: float, tick_size: float) -> bool:
    return abs(price / tick_size - round(price / tick_size)) > 1e-6


def reduces(position: int, side: Side, size: int) -> bool:
    """True if an order of ``side``/``size`` only reduces the signed ``position`` (never opens or flips)."""
    return position != 0 and side.sign * position < 0 and size <= abs(position)


@dataclass(frozen=True, slots=True)
class Leg:
    """One trade of a fill: a closing leg carries P&L, an opening leg has ``pnl`` None."""

    size: int
    pnl: float | None
    fees: float


@dataclass(frozen=True, slots=True)
class Netting:
    size: int  # signed position after the fill
    average_price: float  # 0.0 when flat
    legs: tuple[Leg, ...]  # a flip yields (closing, opening)


def net_fill(contract: Contract, position: int, average: float, side: Side, qty: int, price: float,
             fees_per_contract: float) -> Netting:
    """Net a fill of ``qty`` at ``price`` into the signed ``position`` with ``average`` entry price.

    P&L of a closing leg = (exit - average) / tick_size * tick_value * closed_qty, sign flipped for shorts;
    rounded to cents like the gateway's ``profitAndLoss``. Fees are charged on every contract of every fill.
    """
    after = position + side.sign * qty
    if position == 0 or side.sign * position > 0:  # open or scale in: re-weight the average
        avg = (abs(position) * average + qty * price) / abs(after)
        return Netting(after, avg, (Leg(qty, None, _cents(fees_per_contract * qty)),))
    closing = min(qty, abs(position))
    direction = 1 if position > 0 else -1
    pnl = (price - average) / contract.tick_size * contract.tick_value * closing * direction
    legs = [Leg(closing, _cents(pnl), _cents(fees_per_contract * closing))]
    opening = qty - closing
    if opening:  # flip: the rest opens a new position at the fill price
        legs.append(Leg(opening, None, _cents(fees_per_contract * opening)))
        return Netting(after, price, tuple(legs))
    return Netting(after, average if after else 0.0, tuple(legs))


def _cents(value: float) -> float:
    return round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
