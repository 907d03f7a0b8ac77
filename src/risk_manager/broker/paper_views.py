"""What the paper broker reports: accounts, open positions, orders and trades, as the port's rows and as
gateway event snapshots (what REST searches and a reconcile read). Read-only: nothing here changes state.
"""

from __future__ import annotations

from risk_manager.broker.paper_core import PaperCore
from risk_manager.broker.paper_model import PaperOrder, PaperPosition
from risk_manager.broker.port import AccountInfo, Order, Position, Trade
from risk_manager.domain.events import OrderEvent, PositionEvent, TradeEvent


class PaperViews(PaperCore):
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

    def order_links(self, order_id: int) -> tuple[int | None, int | None, float | None]:
        """(parent order, OCO sibling, trail distance) of an order, for gateway rows; Nones if unknown."""
        o = self._orders.get(order_id)
        return (o.parent_id, o.linked_id, o.trail_price) if o is not None else (None, None, None)

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
