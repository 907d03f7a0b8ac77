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

from risk_manager.broker.paper_fills import fill_price, net_fill, touch_price
from risk_manager.broker.paper_model import PaperAccount, PaperOrder, PaperPosition, PaperRejection
from risk_manager.domain.contracts import Contract, ContractBook
from risk_manager.domain.enums import OrderStatus
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
        self._positions: dict[tuple[int, str], PaperPosition] = {}
        self._trades: list[TradeEvent] = []
        self._quotes: dict[str, Quote] = {}
        self._next_order = 1
        self._next_trade = 1
        self._next_position = 1

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
        order = self._open.get(order_id)
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
        """Fill ``order`` if the touch allows it; returns the fill's events (empty if it keeps working)."""
        price = fill_price(order, self._touch(order), entering)
        return [] if price is None else self._fill(order, price, at)

    def _fill(self, order: PaperOrder, price: float, at: datetime) -> list[Event]:
        acct = self._accounts[order.account_id]
        contract = self._book.get(order.contract_id)
        key = (order.account_id, order.contract_id)
        pos = self._positions.get(key)
        if pos is None or pos.size == 0:  # a new row (and a new id) whenever a position opens from flat
            pos = PaperPosition(self._next_position, order.account_id, order.contract_id, 0, 0.0, at)
            self._next_position += 1
            self._positions[key] = pos
        netting = net_fill(contract, pos.size, pos.average_price, order.side, order.size, price,
                           acct.fees_per_contract)
        if netting.size != 0 and (pos.size == 0 or (pos.size > 0) != (netting.size > 0)):
            pos.opened_at = at  # opened from flat or flipped
        pos.size, pos.average_price = netting.size, netting.average_price
        order.status, order.fill_volume, order.filled_price = OrderStatus.FILLED, order.size, price
        self._open.pop(order.id, None)
        events: list[Event] = [order.event(at)]
        for leg in netting.legs:
            trade = TradeEvent(at, acct.id, self._next_trade, order.contract_id, price, leg.pnl, leg.fees,
                               order.side, leg.size, order.id)
            self._next_trade += 1
            self._trades.append(trade)
            events.append(trade)
            acct.balance = round(acct.balance + (leg.pnl or 0.0) - leg.fees, 2)
        events += [pos.event(at), acct.event(at)]
        return events

    def _recheck(self, contract_id: str, at: datetime) -> list[Event]:
        """Working orders of ``contract_id`` (all accounts, oldest first) against the new touch."""
        events: list[Event] = []
        for order in [o for o in self._open.values() if o.contract_id == contract_id]:
            if order.id in self._open:
                events += self._try_fill(order, entering=False, at=at)
        return events
