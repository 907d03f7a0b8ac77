"""Native brackets of the paper broker: the child orders of ``stopLossBracket`` / ``takeProfitBracket``.

Children are created with the entry, Suspended (status 8) and off the book. When the entry (partly) fills
they go on the book (Open, 1) at their distance from the entry's average fill price, sized to what the entry
has filled so far. The two children are one-cancels-other: when one has filled completely the other is
cancelled. When the position goes flat, every active bracket child of that contract is cancelled (a child
never opens a position of its own). Cancelling an entry cancels its still-suspended children.
"""

from __future__ import annotations

from datetime import datetime

from risk_manager.broker.paper_fills import on_grid
from risk_manager.broker.paper_model import BracketLeg, PaperOrder
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import Event

CHILD_TYPES = frozenset({OrderType.STOP, OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP})


def build_children(entry: PaperOrder, stop_loss: BracketLeg | None, take_profit: BracketLeg | None,
                   first_id: int, reference: float | None, tick: float) -> list[PaperOrder]:
    """The suspended children of ``entry``, priced from ``reference`` until the entry fills."""
    exit_side = Side.SELL if entry.side is Side.BUY else Side.BUY
    children: list[PaperOrder] = []
    for leg, is_loss in ((stop_loss, True), (take_profit, False)):
        if leg is None:
            continue
        child = PaperOrder(first_id + len(children), entry.account_id, entry.contract_id, leg.type, exit_side,
                           entry.size, None, None, None, status=OrderStatus.SUSPENDED, parent_id=entry.id,
                           bracket_ticks=abs(leg.ticks) * (-1 if is_loss else 1))
        if reference is not None:
            price_child(child, entry.side, reference, tick)
        children.append(child)
    if len(children) == 2:
        children[0].linked_id, children[1].linked_id = children[1].id, children[0].id
    entry.children = [c.id for c in children]
    return children


def price_child(child: PaperOrder, entry_side: Side, fill: float, tick: float) -> None:
    """Set the child's prices at its distance from the entry's fill (loss side negative, profit positive)."""
    price = on_grid(fill + entry_side.sign * child.bracket_ticks * tick, tick)
    if child.type is OrderType.TRAILING_STOP:
        child.trail_price = on_grid(abs(child.bracket_ticks) * tick, tick)
        child.stop_price = price
    elif child.type is OrderType.STOP:
        child.stop_price = price
    elif child.type is OrderType.STOP_LIMIT:
        child.stop_price = child.limit_price = price
    else:
        child.limit_price = price


def activate_children(entry: PaperOrder, children: list[PaperOrder], tick: float,
                      suspended: dict[int, PaperOrder], book: dict[int, PaperOrder],
                      at: datetime) -> list[Event]:
    """After a fill of ``entry``: children go on the book, or follow the entry's filled size."""
    events: list[Event] = []
    for child in children:
        if child.id in suspended:
            del suspended[child.id]
            assert entry.filled_price is not None
            price_child(child, entry.side, entry.filled_price, tick)
            child.status, child.size = OrderStatus.OPEN, entry.fill_volume
            book[child.id] = child
            events.append(child.event(at))
        elif child.id in book and child.size != entry.fill_volume:
            child.size = entry.fill_volume
            events.append(child.event(at))
    return events


def after_fill(order: PaperOrder, position: int, orders: dict[int, PaperOrder], book: dict[int, PaperOrder],
               suspended: dict[int, PaperOrder]) -> list[PaperOrder]:
    """Working orders a fill of ``order`` ends: its OCO sibling; every active bracket child once flat."""
    ended: list[PaperOrder] = []
    if order.status is OrderStatus.FILLED and order.linked_id is not None:
        sibling = orders.get(order.linked_id)
        if sibling is not None and (sibling.id in book or sibling.id in suspended):
            ended.append(sibling)
    if position == 0:
        ended += [o for o in book.values()
                  if o.parent_id is not None and o.account_id == order.account_id
                  and o.contract_id == order.contract_id and o not in ended and o is not order]
    return ended
