"""In-process paper broker (SPEC §13): replay, unit tests, and the engine behind the gateway simulator.

Deterministic: no clock reads of its own (``clock`` is injected), no randomness, ids are sequential
(accounts from 1; orders, trades and positions from 1, each global across accounts).
Every state change is emitted to the subscribed sinks as the normalised events a live gateway would send,
in gateway order for a fill: order (Pending 6 -> Filled 2), trade(s), position, account.
Fill prices: see ``paper_fills``. Rejections raise :class:`PaperRejection` with the endpoint's error code.
"""

from __future__ import annotations

from collections.abc import Callable

from risk_manager.broker.paper_core import PaperCore
from risk_manager.broker.paper_fills import reduces
from risk_manager.broker.paper_model import PaperAccount, PaperOrder, PaperPosition, PaperRejection
from risk_manager.broker.port import AccountInfo, Order, Position, Trade
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import Event, OrderEvent, PositionEvent, QuoteEvent, TradeEvent

__all__ = ["PaperBroker", "PaperRejection"]

_SUPPORTED = frozenset({OrderType.MARKET, OrderType.LIMIT, OrderType.STOP, OrderType.STOP_LIMIT})
_HAS_LIMIT = frozenset({OrderType.LIMIT, OrderType.STOP_LIMIT})
_HAS_STOP = frozenset({OrderType.STOP, OrderType.STOP_LIMIT})


class PaperBroker(PaperCore):
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
                    custom_tag: str | None = None) -> int:
        return self._submit(account_id, contract_id, type, side, size, limit_price, stop_price, custom_tag,
                            closing=False, no_market_code=2)

    def cancel_order(self, account_id: int, order_id: int) -> None:
        order = self._working(account_id, order_id)
        order.status = OrderStatus.CANCELLED
        del self._open[order.id]
        self._emit([order.event(self._clock())])

    def modify_order(self, account_id: int, order_id: int, size: int | None = None,
                     limit_price: float | None = None, stop_price: float | None = None) -> None:
        """Change a working order; it is then re-entered: if marketable it fills at once, at the touch."""
        order = self._working(account_id, order_id)
        new_size = order.size if size is None else size
        if new_size <= 0:
            raise PaperRejection(3, "invalid size")
        if limit_price is not None and order.type not in _HAS_LIMIT:
            raise PaperRejection(3, "order has no limit price")
        if stop_price is not None and order.type not in _HAS_STOP:
            raise PaperRejection(3, "order has no stop price")
        position = self._position_size(account_id, order.contract_id)
        if (new_size > order.size and not self._accounts[account_id].can_trade
                and not reduces(position, order.side, new_size)):
            raise PaperRejection(3, "account violation")
        order.size = new_size
        order.limit_price = order.limit_price if limit_price is None else limit_price
        order.stop_price = order.stop_price if stop_price is None else stop_price
        at = self._clock()
        self._emit([order.event(at), *self._try_fill(order, entering=True, at=at)])

    def close_position(self, account_id: int, contract_id: str) -> int:
        """Market order for the whole position (allowed while ``can_trade`` is false)."""
        self._account(account_id)
        position = self._position_size(account_id, contract_id)
        if position == 0:
            raise PaperRejection(2, "position not found")
        side = Side.SELL if position > 0 else Side.BUY
        return self._submit(account_id, contract_id, OrderType.MARKET, side, abs(position), None, None, None,
                            closing=True, no_market_code=5)

    def partial_close(self, account_id: int, contract_id: str, size: int) -> int:
        self._account(account_id)
        position = self._position_size(account_id, contract_id)
        if position == 0:
            raise PaperRejection(2, "position not found")
        if size <= 0 or size > abs(position):
            raise PaperRejection(5, "invalid close size")
        side = Side.SELL if position > 0 else Side.BUY
        return self._submit(account_id, contract_id, OrderType.MARKET, side, size, None, None, None,
                            closing=True, no_market_code=6)

    def _submit(self, account_id: int, contract_id: str, type: OrderType, side: Side, size: int,
                limit_price: float | None, stop_price: float | None, custom_tag: str | None, *,
                closing: bool, no_market_code: int) -> int:
        acct = self._account(account_id)
        self._contract(contract_id)
        if type not in _SUPPORTED:
            raise PaperRejection(2, "unsupported order type")
        if size <= 0:
            raise PaperRejection(2, "invalid size")
        if type in _HAS_LIMIT and limit_price is None:
            raise PaperRejection(2, "limit price required")
        if type in _HAS_STOP and stop_price is None:
            raise PaperRejection(2, "stop price required")
        if custom_tag is not None and custom_tag in acct.tags:
            raise PaperRejection(2, "custom tag already used")
        position = self._position_size(account_id, contract_id)
        if not (closing or acct.can_trade or reduces(position, side, size)):
            raise PaperRejection(4, "account violation")
        order = PaperOrder(self._next_order, account_id, contract_id, type, side, size,
                           limit_price if type in _HAS_LIMIT else None,
                           stop_price if type in _HAS_STOP else None, custom_tag)
        if type is OrderType.MARKET and self._touch(order) is None:
            raise PaperRejection(no_market_code, "no market")
        self._next_order += 1
        self._orders[order.id] = order
        if custom_tag is not None:
            acct.tags.add(custom_tag)
        at = self._clock()
        events: list[Event] = [order.event(at)]  # Pending (6)
        fill = self._try_fill(order, entering=True, at=at)
        if not fill:
            order.status = OrderStatus.OPEN
            self._open[order.id] = order
            fill = [order.event(at)]
        self._emit(events + fill)
        return order.id

    # ---- queries -------------------------------------------------------------------------------
    def account(self, account_id: int) -> AccountInfo:
        return self._account(account_id).info()

    def accounts(self) -> list[AccountInfo]:
        return [a.info() for a in self._accounts.values()]

    def positions(self, account_id: int) -> list[Position]:
        """Open positions, signed sizes, by position id (the order the rows were opened from flat)."""
        return [Position(p.account_id, p.contract_id, p.size, p.average_price)
                for p in self._rows(account_id)]

    def position_events(self, account_id: int) -> list[PositionEvent]:
        """Open rows as gateway snapshots (``at`` = when opened or flipped, ``id`` = position id)."""
        return [p.event(p.opened_at) for p in self._rows(account_id)]

    def open_orders(self, account_id: int) -> list[Order]:
        self._account(account_id)
        return [o.view() for o in self._open.values() if o.account_id == account_id]

    def orders(self, account_id: int) -> list[Order]:
        return [o.view() for o in self._account_orders(account_id)]

    def order_events(self, account_id: int) -> list[OrderEvent]:
        """Latest snapshot of every order of the account (timestamps, filled price, custom tag)."""
        return [o.last_event for o in self._account_orders(account_id) if o.last_event is not None]

    def trades(self, account_id: int) -> list[Trade]:
        return [Trade(t.account_id, t.id, t.contract_id, t.price, t.profit_and_loss, t.fees, t.side, t.size,
                      t.order_id, t.voided, t.at.isoformat()) for t in self.trade_events(account_id)]

    def trade_events(self, account_id: int) -> list[TradeEvent]:
        self._account(account_id)
        return [t for t in self._trades if t.account_id == account_id]

    def touch(self, contract_id: str) -> tuple[float | None, float | None, float | None]:
        """(bid, ask, last) of the latest quote; all None before the first one."""
        return self._quotes.get(contract_id, (None, None, None))

    def _rows(self, account_id: int) -> list[PaperPosition]:
        self._account(account_id)
        rows = [p for p in self._positions.values() if p.account_id == account_id and p.size != 0]
        return sorted(rows, key=lambda p: p.id)

    def _account_orders(self, account_id: int) -> list[PaperOrder]:
        self._account(account_id)
        return [o for o in self._orders.values() if o.account_id == account_id]
