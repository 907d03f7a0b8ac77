"""What live trading does besides tidy fills: forced fills, voided and duplicated trades, expiry, faults.

- ``force_fill``: fills part of a working order now at its own price (limit; stop; a stop-limit's limit).
- ``void_order``: every trade of an order is re-sent with ``voided: true``; the position is rebuilt from the
  trades that still stand and the balance gives back their P&L and fees (the corrected position follows).
- ``duplicate_order``: every trade of an order is re-sent unchanged (same ids).
- ``expire_orders``: working orders end Expired (4), as day orders do at the session end.
- ``inject``: a fault for the next order (reject, or a partial fill in parts); ``liquidity``: contracts an
  order can fill per touch.
"""

from __future__ import annotations

from dataclasses import replace

from risk_manager.broker.paper_core import PaperCore
from risk_manager.broker.paper_fills import net_fill
from risk_manager.broker.paper_model import OrderFault, PaperPosition, PaperRejection
from risk_manager.domain.enums import OrderStatus, OrderType
from risk_manager.domain.events import Event, TradeEvent


class PaperCorrections(PaperCore):
    def inject(self, fault: OrderFault) -> None:
        self._faults.append(fault)

    def set_liquidity(self, per_touch: int | None) -> None:
        if per_touch is not None and per_touch < 1:
            raise ValueError("liquidity must be >= 1 contract per touch (or None for unlimited)")
        self.liquidity = per_touch

    def remaining(self, account_id: int, order_id: int) -> int:
        """Contracts still to fill of a working order (PaperRejection if it is not working)."""
        return self._working(account_id, order_id).remaining

    def force_fill(self, account_id: int, order_id: int, size: int) -> None:
        order = self._working(account_id, order_id)
        if order.id in self._suspended:
            raise PaperRejection(2, "order is suspended")
        if size <= 0 or size > order.remaining:
            raise ValueError(f"cannot fill {size} of order {order_id}: {order.remaining} remain")
        if order.type in (OrderType.STOP, OrderType.TRAILING_STOP):
            price = order.stop_price
        elif order.type is OrderType.MARKET:
            price = self._touch(order)
        else:
            price = order.limit_price
        if price is None:
            raise PaperRejection(2, "no price to fill at")
        self._emit(self._fill(order, price, self._clock(), size))

    def expire_orders(self, account_id: int | None = None) -> int:
        orders = [o for o in [*self._open.values(), *self._suspended.values()]
                  if account_id is None or o.account_id == account_id]
        self._emit(self._end_orders(orders, self._clock(), OrderStatus.EXPIRED))
        return len(orders)

    def _order_trades(self, account_id: int, order_id: int) -> list[TradeEvent]:
        self._account(account_id)
        order = self._orders.get(order_id)
        if order is None or order.account_id != account_id:
            raise PaperRejection(2, "order not found")
        return [t for t in self._trades if t.order_id == order_id]

    def duplicate_order(self, account_id: int, order_id: int) -> int:
        trades = self._order_trades(account_id, order_id)
        self._emit(list(trades))
        return len(trades)

    def void_order(self, account_id: int, order_id: int) -> int:
        trades = [t for t in self._order_trades(account_id, order_id) if not t.voided]
        if not trades:
            return 0
        at = self._clock()
        acct = self._accounts[account_id]
        voided = {t.id for t in trades}
        self._trades = [replace(t, voided=True) if t.id in voided else t for t in self._trades]
        events: list[Event] = [replace(t, voided=True) for t in trades]  # at their own time
        for t in trades:
            acct.balance = round(acct.balance - (t.profit_and_loss or 0.0) + t.fees, 2)
        contract_id = trades[0].contract_id
        events += [self._rebuild_position(account_id, contract_id).event(at), acct.event(at)]
        self._emit(events)
        return len(trades)

    def _rebuild_position(self, account_id: int, contract_id: str) -> PaperPosition:
        """The position from the trades that still stand (in order), on the same row while it stays open."""
        contract = self._book.get(contract_id)
        size, avg = 0, 0.0
        for t in self._trades:
            if t.account_id == account_id and t.contract_id == contract_id and not t.voided:
                netting = net_fill(contract, size, avg, t.side, t.size, t.price, 0.0)
                size, avg = netting.size, netting.average_price
        key = (account_id, contract_id)
        pos = self._positions.get(key)
        if pos is None or (pos.size == 0 and size != 0):
            pos = PaperPosition(self._next_position, account_id, contract_id, 0, 0.0, self._clock())
            self._next_position += 1
            self._positions[key] = pos
        pos.size, pos.average_price = size, avg
        return pos
