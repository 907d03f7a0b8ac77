"""In-process paper broker (SPEC §13): replay, unit tests, and the engine behind the gateway simulator.

Deterministic: no clock reads of its own (``clock`` is injected), no randomness, ids are sequential
(accounts from 1; orders, trades and positions from 1, each global across accounts).
Every state change is emitted to the subscribed sinks as the normalised events a live gateway would send,
in gateway order for a fill: order (Pending 6 -> Filled 2), trade(s), position, account.
Fill prices: see ``paper_fills``; native brackets: ``paper_brackets``; partial fills, voids, duplicates,
expiry and injected faults: ``paper_corrections``; what it reports (accounts, positions, orders,
trades): ``paper_views``. Rejections raise :class:`PaperRejection` with the
endpoint's error code.
"""

from __future__ import annotations

from collections.abc import Callable

from risk_manager.broker.paper_brackets import build_children
from risk_manager.broker.paper_checks import HAS_LIMIT, HAS_STOP, JOINS, check_grid, validate
from risk_manager.broker.paper_corrections import PaperCorrections
from risk_manager.broker.paper_fills import on_grid, reduces
from risk_manager.broker.paper_model import (
    BracketLeg,
    PaperAccount,
    PaperOrder,
    PaperRejection,
)
from risk_manager.broker.paper_views import PaperViews
from risk_manager.broker.port import AccountInfo
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import Event, QuoteEvent

__all__ = ["PaperBroker", "PaperRejection"]

_MODIFIABLE_LIMIT = HAS_LIMIT | JOINS
_MODIFIABLE_STOP = HAS_STOP | {OrderType.TRAILING_STOP}


class PaperBroker(PaperCorrections, PaperViews):
    # ---- setup ---------------------------------------------------------------------------------
    def subscribe(self, sink: Callable[[Event], object]) -> None:
        """Sinks get every event synchronously, in order. They may call back into the broker."""
        self._sinks.append(sink)

    def add_account(self, name: str, balance: float = 50_000.0, can_trade: bool = True,
                    fees_per_contract: float | None = None) -> AccountInfo:
        fees = self._default_fees if fees_per_contract is None else fees_per_contract
        acct = PaperAccount(len(self._accounts) + 1, name, float(balance), can_trade, fees)
        self._accounts[acct.id] = acct
        self._emit([acct.event(self._clock())])
        return acct.info()

    def set_can_trade(self, account_id: int, value: bool) -> None:
        acct = self._account(account_id)
        acct.can_trade = value
        self._emit([acct.event(self._clock())])

    def set_fees(self, account_id: int, fees_per_contract: float) -> None:
        self._account(account_id).fees_per_contract = fees_per_contract

    def on_quote(self, contract_id: str, bid: float | None, ask: float | None,
                 last: float | None = None) -> None:
        """New touch (None = side missing). Emits the quote, then the fills it triggers (oldest first)."""
        self._book.get(contract_id)  # UnknownContractError: a feed for a contract we cannot value is a bug
        at = self._clock()
        self._quotes[contract_id] = (bid, ask, last)
        self._emit([QuoteEvent(at, contract_id, bid, ask, last), *self._recheck(contract_id, at)])

    # ---- orders --------------------------------------------------------------------------------
    def place_order(self, account_id: int, contract_id: str, type: OrderType, side: Side, size: int,
                    limit_price: float | None = None, stop_price: float | None = None,
                    custom_tag: str | None = None, *, trail_price: float | None = None,
                    stop_loss: BracketLeg | None = None, take_profit: BracketLeg | None = None,
                    parts: tuple[int, ...] | None = None) -> int:
        """``trail_price``: a trailing stop's distance; ``stop_loss``/``take_profit``: native bracket
        children; ``parts``: a market order fills at once in these parts (summing to ``size``)."""
        return self._submit(account_id, contract_id, type, side, size, limit_price, stop_price, custom_tag,
                            closing=False, reject_code=2, trail_price=trail_price,
                            brackets=(stop_loss, take_profit), parts=parts)

    def cancel_order(self, account_id: int, order_id: int) -> None:
        order = self._working(account_id, order_id)
        family = [order, *(self._suspended[c] for c in order.children if c in self._suspended)]
        self._emit(self._end_orders(family, self._clock()))

    def modify_order(self, account_id: int, order_id: int, size: int | None = None,
                     limit_price: float | None = None, stop_price: float | None = None,
                     trail_price: float | None = None) -> None:
        """Change a working order; it is then re-entered: if marketable it fills at once, at the touch."""
        order = self._working(account_id, order_id)
        new_size = order.size if size is None else size
        if new_size <= 0 or new_size < order.fill_volume:
            raise PaperRejection(3, "invalid size")
        if limit_price is not None and order.type not in _MODIFIABLE_LIMIT:
            raise PaperRejection(3, "order has no limit price")
        if stop_price is not None and order.type not in _MODIFIABLE_STOP:
            raise PaperRejection(3, "order has no stop price")
        if trail_price is not None and (order.type is not OrderType.TRAILING_STOP or trail_price <= 0):
            raise PaperRejection(3, "order has no trail price")
        check_grid(self._book.get(order.contract_id).tick_size, limit_price, stop_price, trail_price, code=3)
        position = self._position_size(account_id, order.contract_id)
        if (new_size > order.size and not self._accounts[account_id].can_trade
                and not reduces(position, order.side, new_size)):
            raise PaperRejection(3, "account violation")
        order.size = new_size
        order.limit_price = order.limit_price if limit_price is None else limit_price
        order.stop_price = order.stop_price if stop_price is None else stop_price
        order.trail_price = order.trail_price if trail_price is None else trail_price
        at = self._clock()
        if order.id in self._suspended:  # a bracket child waiting for its entry: re-priced, not re-entered
            self._emit([order.event(at)])
            return
        self._emit([order.event(at), *self._try_fill(order, entering=True, at=at)])

    def close_position(self, account_id: int, contract_id: str) -> int:
        """Market order for the whole position (allowed while ``can_trade`` is false)."""
        self._account(account_id)
        position = self._position_size(account_id, contract_id)
        if position == 0:
            raise PaperRejection(2, "position not found")
        side = Side.SELL if position > 0 else Side.BUY
        return self._submit(account_id, contract_id, OrderType.MARKET, side, abs(position), None, None, None,
                            closing=True, reject_code=5)

    def partial_close(self, account_id: int, contract_id: str, size: int) -> int:
        self._account(account_id)
        position = self._position_size(account_id, contract_id)
        if position == 0:
            raise PaperRejection(2, "position not found")
        if size <= 0 or size > abs(position):
            raise PaperRejection(5, "invalid close size")
        side = Side.SELL if position > 0 else Side.BUY
        return self._submit(account_id, contract_id, OrderType.MARKET, side, size, None, None, None,
                            closing=True, reject_code=6)

    def _submit(self, account_id: int, contract_id: str, type: OrderType, side: Side, size: int,
                limit_price: float | None, stop_price: float | None, custom_tag: str | None, *,
                closing: bool, reject_code: int, trail_price: float | None = None,
                brackets: tuple[BracketLeg | None, BracketLeg | None] = (None, None),
                parts: tuple[int, ...] | None = None) -> int:
        acct = self._account(account_id)
        contract = self._contract(contract_id)
        validate(type, size, limit_price, stop_price, trail_price, brackets, parts)
        check_grid(contract.tick_size, limit_price if type in HAS_LIMIT else None,
                         stop_price if type in HAS_STOP else None, trail_price, code=2)
        if custom_tag is not None and custom_tag in acct.tags:
            raise PaperRejection(2, "custom tag already used")
        position = self._position_size(account_id, contract_id)
        if not (closing or acct.can_trade or reduces(position, side, size)):
            raise PaperRejection(4, "account violation")
        order = PaperOrder(self._next_order, account_id, contract_id, type, side, size,
                           limit_price if type in HAS_LIMIT else None,
                           stop_price if type in HAS_STOP else None, custom_tag,
                           trail_price=trail_price if type is OrderType.TRAILING_STOP else None)
        touch = self._touch(order)
        if touch is None and (type is OrderType.MARKET or type in JOINS or type is OrderType.TRAILING_STOP):
            raise PaperRejection(reject_code, "no market")
        if type in JOINS:  # joins the touch of the side it is named after, and rests there
            bid, ask, _ = self._quotes[contract_id]
            order.limit_price = bid if type is OrderType.JOIN_BID else ask
            if order.limit_price is None:
                raise PaperRejection(reject_code, "no market")
        if type is OrderType.TRAILING_STOP:
            assert touch is not None and trail_price is not None
            order.stop_price = on_grid(touch - trail_price if side is Side.SELL else touch + trail_price,
                                       contract.tick_size)
        fault = self._take_fault(account_id, closing)
        self._next_order += 1
        self._orders[order.id] = order
        if custom_tag is not None:
            acct.tags.add(custom_tag)
        at = self._clock()
        events: list[Event] = [order.event(at)]  # Pending (6)
        if fault is not None and fault.kind == "reject":
            order.status = OrderStatus.REJECTED
            self._emit([*events, order.event(at)])
            raise PaperRejection(reject_code, "order rejected", order.id)
        if brackets != (None, None):
            reference = order.limit_price or order.stop_price or touch
            for child in build_children(order, *brackets, self._next_order, reference, contract.tick_size):
                self._orders[child.id] = self._suspended[child.id] = child
                self._next_order += 1
                events.append(child.event(at))  # Suspended (8)
        if fault is not None and fault.kind == "partial" and type is OrderType.MARKET:
            parts = fault.parts if sum(fault.parts) == size else parts
        if parts:
            assert touch is not None
            fill: list[Event] = []
            for part in parts:
                fill += self._fill(order, touch, at, part)
        else:
            fill = self._try_fill(order, entering=True, at=at)
        if not fill:
            order.status = OrderStatus.OPEN
            self._open[order.id] = order
            fill = [order.event(at)]
        self._emit(events + fill)
        return order.id
