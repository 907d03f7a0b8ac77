"""State, event emission and fill execution of the paper broker (the public surface is ``paper.py``).

Every operation first brings the whole state up to date, then emits its events in one batch. A sink that
calls back into the broker (the engine flattening on a trade event) therefore always sees state at least
as new as the events it has received, and its own events are queued behind the current batch: gateway
order (order -> trade -> position -> account) is never interleaved.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime

from risk_manager.broker.paper_brackets import activate_children, after_fill
from risk_manager.broker.paper_fills import fill_price, net_fill, ratchet, touch_price
from risk_manager.broker.paper_model import (
    OrderFault,
    PaperAccount,
    PaperOrder,
    PaperPosition,
    PaperRejection,
)
from risk_manager.domain.contracts import Contract, ContractBook
from risk_manager.domain.enums import OrderStatus, OrderType
from risk_manager.domain.events import Event, TradeEvent

Quote = tuple[float | None, float | None, float | None]  # bid, ask, last


class PaperCore:
    def __init__(self, book: ContractBook, clock: Callable[[], datetime],
                 fees_per_contract: float = 0.0) -> None:
        self._book = book
        self._clock = clock
        self._default_fees = fees_per_contract
        self._sinks: list[Callable[[Event], object]] = []
        self._queue: deque[Event] = deque()
        self._emitting = False
        self._accounts: dict[int, PaperAccount] = {}
        self._orders: dict[int, PaperOrder] = {}
        self._open: dict[int, PaperOrder] = {}  # working orders only, by id (= age): quotes scan just these
        self._suspended: dict[int, PaperOrder] = {}  # bracket children waiting for their entry to fill
        self._positions: dict[tuple[int, str], PaperPosition] = {}
        self._trades: list[TradeEvent] = []
        self._quotes: dict[str, Quote] = {}
        self._next_order = 1
        self._next_trade = 1
        self._next_position = 1
        self.liquidity: int | None = None  # contracts one order can fill per touch (None: all)
        self.pending_cancel = False  # emit PendingCancellation (7) before Cancelled (3)
        self._faults: list[OrderFault] = []

    @property
    def book(self) -> ContractBook:
        return self._book

    # ---- emission ------------------------------------------------------------------------------
    def _emit(self, events: list[Event]) -> None:
        self._queue.extend(events)
        if self._emitting:
            return  # a sink called back into us: the outer loop delivers these after the current batch
        self._emitting = True
        try:
            while self._queue:
                event = self._queue.popleft()
                for sink in list(self._sinks):
                    sink(event)
        finally:
            self._emitting = False

    # ---- lookups -------------------------------------------------------------------------------
    def _account(self, account_id: int) -> PaperAccount:
        acct = self._accounts.get(account_id)
        if acct is None:
            raise PaperRejection(1, "account not found")
        return acct

    def _contract(self, contract_id: str) -> Contract:
        contract = self._book.find(contract_id)
        if contract is None:
            raise PaperRejection(8, "contract not found")
        return contract

    def _working(self, account_id: int, order_id: int) -> PaperOrder:
        self._account(account_id)
        order = self._open.get(order_id) or self._suspended.get(order_id)
        if order is None or order.account_id != account_id:
            raise PaperRejection(2, "order not found")
        return order

    def _position_size(self, account_id: int, contract_id: str) -> int:
        pos = self._positions.get((account_id, contract_id))
        return pos.size if pos else 0

    def _touch(self, order: PaperOrder) -> float | None:
        bid, ask, last = self._quotes.get(order.contract_id, (None, None, None))
        return touch_price(order.side, bid, ask, last)

    # ---- fills ---------------------------------------------------------------------------------
    def _try_fill(self, order: PaperOrder, entering: bool, at: datetime) -> list[Event]:
        """Fill ``order`` if the touch allows it (at most ``liquidity`` contracts); returns the fill's events
        (empty if it keeps working)."""
        price = fill_price(order, self._touch(order), entering)
        if price is None:
            return []
        qty = order.remaining if self.liquidity is None else min(order.remaining, self.liquidity)
        return self._fill(order, price, at, qty)

    def _fill(self, order: PaperOrder, price: float, at: datetime, qty: int | None = None) -> list[Event]:
        """Fill ``qty`` (default: all that remains) of ``order`` at ``price``: order, bracket children,
        trade(s), position, account, then what the fill ends (an OCO sibling, brackets of a flat position)."""
        qty = order.remaining if qty is None else qty
        acct = self._accounts[order.account_id]
        contract = self._book.get(order.contract_id)
        key = (order.account_id, order.contract_id)
        pos = self._positions.get(key)
        if pos is None or pos.size == 0:  # a new row (and a new id) whenever a position opens from flat
            pos = PaperPosition(self._next_position, order.account_id, order.contract_id, 0, 0.0, at)
            self._next_position += 1
            self._positions[key] = pos
        netting = net_fill(contract, pos.size, pos.average_price, order.side, qty, price,
                           acct.fees_per_contract)
        if netting.size != 0 and (pos.size == 0 or (pos.size > 0) != (netting.size > 0)):
            pos.opened_at = at  # opened from flat or flipped
        pos.size, pos.average_price = netting.size, netting.average_price
        done, before = order.fill_volume, order.filled_price
        # average fill price over the parts (the first part's price exactly: no float noise on a single fill)
        if not done or before is None:
            order.filled_price = price
        else:
            order.filled_price = (before * done + price * qty) / (done + qty)
        order.fill_volume += qty
        if order.remaining <= 0:
            order.status = OrderStatus.FILLED
            self._open.pop(order.id, None)
        else:
            order.status = OrderStatus.OPEN
            self._open[order.id] = order
        events: list[Event] = [order.event(at)]
        events += activate_children(order, self._family(order), contract.tick_size, self._suspended,
                                    self._open, at)
        for leg in netting.legs:
            trade = TradeEvent(at, acct.id, self._next_trade, order.contract_id, price, leg.pnl, leg.fees,
                               order.side, leg.size, order.id)
            self._next_trade += 1
            self._trades.append(trade)
            events.append(trade)
            acct.balance = round(acct.balance + (leg.pnl or 0.0) - leg.fees, 2)
        events += [pos.event(at), acct.event(at)]
        return events + self._end_orders(after_fill(order, pos.size, self._orders, self._open,
                                                    self._suspended), at)

    def _family(self, order: PaperOrder) -> list[PaperOrder]:
        return [self._orders[c] for c in order.children]

    def _end_orders(self, orders: list[PaperOrder], at: datetime,
                    status: OrderStatus = OrderStatus.CANCELLED) -> list[Event]:
        """Take working orders off the book with ``status`` (cancel: via PendingCancellation if enabled)."""
        events: list[Event] = []
        for order in orders:
            self._open.pop(order.id, None)
            self._suspended.pop(order.id, None)
            if status is OrderStatus.CANCELLED and self.pending_cancel:
                order.status = OrderStatus.PENDING_CANCELLATION
                events.append(order.event(at))
            order.status = status
            events.append(order.event(at))
        return events

    def _recheck(self, contract_id: str, at: datetime) -> list[Event]:
        """Working orders of ``contract_id`` (all accounts, oldest first) against the new touch; trailing
        stops trail it first."""
        events: list[Event] = []
        tick = self._book.get(contract_id).tick_size
        for order in [o for o in self._open.values() if o.contract_id == contract_id]:
            if order.id not in self._open:
                continue
            if order.type is OrderType.TRAILING_STOP and ratchet(order, self._touch(order), tick):
                events.append(order.event(at))
            events += self._try_fill(order, entering=False, at=at)
        return events

    def _take_fault(self, account_id: int, closing: bool) -> OrderFault | None:
        for fault in self._faults:
            if fault.matches(account_id, closing):
                self._faults.remove(fault)
                return fault
        return None
