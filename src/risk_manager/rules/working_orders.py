"""Working entry orders in rule 001's count (SPEC §7b ``count_working_orders``).

An entry order is a working order that would open or grow a position if it filled (for an order against
the position, only the part beyond it, which would flip it). Each side counts its positions plus the
entry orders that would grow it, each order judged against the current position; micro weights apply.
"""

from __future__ import annotations

from risk_manager.domain.enums import Side
from risk_manager.domain.events import OrderEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import RuleContext
from risk_manager.rules.sizing import clean, is_micro, root_of


def growth(st: AccountState, order: OrderEvent) -> int:
    """Contracts this order adds to its side if it fills now (0 for an exit order)."""
    pos = st.positions.get(order.contract_id)
    size = pos.size if pos is not None else 0
    left = max(order.size - order.fill_volume, 0)
    if order.side is Side.BUY:
        return left if size >= 0 else max(0, left + size)
    return left if size <= 0 else max(0, left - size)


def entry_orders(st: AccountState) -> list[OrderEvent]:
    """Working orders that would grow a position, oldest first (ids grow with time)."""
    return sorted((o for o in st.orders.values() if growth(st, o) > 0), key=lambda o: o.id)


def projected_count(ctx: RuleContext, mode: str, micro_weight: float) -> float:
    """The count if, on each side, every working entry order filled (net: the worse of the two sides)."""
    st = ctx.state
    long_pos = short_pos = buy = sell = 0.0
    for pos in st.positions.values():
        w = micro_weight if is_micro(root_of(st, pos.contract_id), ctx) else 1.0
        if pos.size > 0:
            long_pos += pos.size * w
        else:
            short_pos -= pos.size * w
    for order in entry_orders(st):
        w = micro_weight if is_micro(root_of(st, order.contract_id), ctx) else 1.0
        if order.side is Side.BUY:
            buy += growth(st, order) * w
        else:
            sell += growth(st, order) * w
    if mode == "gross":
        return clean(long_pos + short_pos + buy + sell)
    if mode == "long":
        return clean(long_pos + buy)
    if mode == "short":
        return clean(short_pos + sell)
    net = long_pos - short_pos
    return clean(max(abs(net + buy), abs(net - sell)))
