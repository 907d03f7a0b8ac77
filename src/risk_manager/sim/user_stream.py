"""The paper broker's event sink: normalised events -> GatewayUser* pushes; and the Gateway rows REST returns.

Events go out in the order the broker emits them (order, trade, position, account), to the user-hub
connections subscribed to that account. The only thing the broker does not keep is an order's creation
time, so that is remembered here from the first event of each order.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from risk_manager.broker.paper import PaperBroker
from risk_manager.domain.enums import OrderStatus
from risk_manager.domain.events import AccountEvent, Event, OrderEvent, PositionEvent, TradeEvent
from risk_manager.sim import payloads as P
from risk_manager.sim.hub import Hub
from risk_manager.sim.signalr import invocation


class UserStream:
    def __init__(self, hub: Hub, broker: PaperBroker, bare: bool = False) -> None:
        self.hub = hub
        self.broker = broker
        self.bare = bare
        self._order_created: dict[int, datetime] = {}
        self._pos_opened: dict[int, tuple[int, datetime]] = {}  # position id -> (sign, opened at)
        self.pushed: Counter[str] = Counter()
        self.deliveries = 0

    def __call__(self, event: Event) -> None:
        if isinstance(event, OrderEvent):
            data = self._order(event, self._order_created.setdefault(event.id, event.at))
            self._push("GatewayUserOrder", "orders", event.account_id, P.ACTION_UPSERT, data)
        elif isinstance(event, TradeEvent):
            data = P.trade_from_event(event)
            self._push("GatewayUserTrade", "trades", event.account_id, P.ACTION_TRADE, data)
        elif isinstance(event, PositionEvent):
            self._on_position(event)
        elif isinstance(event, AccountEvent):
            self._push("GatewayUserAccount", "accounts", event.account_id, P.ACTION_UPSERT, P.account(event))
        # QuoteEvents belong to the market hub, which the price feed drives.

    def _on_position(self, e: PositionEvent) -> None:
        sign = (e.signed_size > 0) - (e.signed_size < 0)
        prev = self._pos_opened.get(e.id)
        if sign and (prev is None or prev[0] != sign):  # opened from flat, or flipped
            prev = self._pos_opened[e.id] = (sign, e.at)
        opened = prev[1] if prev else e.at
        data = P.position_from_event(e, self.broker.book.find(e.contract_id), opened)
        action = P.ACTION_UPSERT if e.size else P.ACTION_REMOVE
        if not e.size:
            self._pos_opened.pop(e.id, None)
        self._push("GatewayUserPosition", "positions", e.account_id, action, data)

    def _push(self, target: str, kind: str, account_id: int, action: int, data: dict[str, Any]) -> None:
        self.pushed[target] += 1
        record = invocation(target, P.wrap(action, data, self.bare))
        self.deliveries += self.hub.publish(record, kind, account_id)

    # ---- REST rows ----------------------------------------------------------------------------------------

    def _order(self, e: OrderEvent, created: datetime | None = None) -> dict[str, Any]:
        """The Gateway row, with the fields live sends beyond the docs (bracket links, trail distance)."""
        row = P.order_from_event(e, created or self._order_created.get(e.id, e.at))
        parent, linked, trail = self.broker.order_links(e.id)
        row.update(parentOrderId=parent, linkedOrderId=linked, trailPrice=trail)
        return row

    def order_rows(self, account_id: int) -> list[dict[str, Any]]:
        return [self._order(e) for e in self.broker.order_events(account_id)]

    def open_order_rows(self, account_id: int) -> list[dict[str, Any]]:
        """Order/searchOpen: live returns status 1 only (pending 6 / suspended 8 appear on the stream)."""
        return [self._order(e) for e in self.broker.order_events(account_id) if e.status == OrderStatus.OPEN]

    def position_rows(self, account_id: int) -> list[dict[str, Any]]:
        book = self.broker.book
        return [P.position_from_event(e, book.find(e.contract_id), e.at)
                for e in self.broker.position_events(account_id) if e.size]

    def trade_rows(self, account_id: int) -> list[dict[str, Any]]:
        return [P.trade_from_event(e) for e in self.broker.trade_events(account_id)]
