"""REST reconcile (SPEC §4, §5, §10): after start-up and every reconnect, rebuild what the hubs missed.

Open positions, open orders, the account and the trades since the trading day began (read before and
after the positions until no fill came between: the positions then hold exactly those trades) are turned
into normalised events and judged by the engine like live ones, in this order: trades (each at its own
timestamp, so a cooldown that has already ended is journaled but not started, and a daily limit crossed
during the gap still locks), positions, orders, account. Trades the engine has seen are duplicates it
ignores; so a position opened while the daemon was down meets the kill switch of a restored lockout.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import replace
from datetime import datetime

from risk_manager.broker.port import AccountInfo, BrokerPort, Order, Position, Trade
from risk_manager.domain.enums import OrderStatus, PositionType
from risk_manager.domain.events import (
    AccountEvent,
    Event,
    MalformedEvent,
    OrderEvent,
    PositionEvent,
    TradeEvent,
    parse_time,
)
from risk_manager.domain.state import AccountState
from risk_manager.enforcement.budget import RateBudget

log = logging.getLogger(__name__)
SNAPSHOT_TRIES = 3


class Reconciler:
    def __init__(self, broker: BrokerPort, budget: RateBudget) -> None:
        self.broker = broker
        self.budget = budget

    async def _call[T](self, aw: Awaitable[T]) -> T:
        async with self.budget.spend():
            return await aw

    async def accounts(self) -> list[AccountInfo]:
        return await self._call(self.broker.accounts())

    async def trades(self, account_id: int, start_iso: str, end_iso: str) -> list[Trade]:
        return await self._call(self.broker.trades(account_id, start_iso, end_iso))

    async def snapshot(self, st: AccountState, day_start: datetime, now: datetime,
                       info: AccountInfo | None) -> list[Event]:
        """Events that bring ``st`` in line with the broker. Raises BrokerError when a read fails."""
        aid = st.account_id
        trades = await self._call(self.broker.trades(aid, day_start.isoformat()))
        for _ in range(SNAPSHOT_TRIES):
            # the positions must hold exactly the fills of the trades read: no fill between two trade reads
            positions, orders = await asyncio.gather(self._call(self.broker.open_positions(aid)),
                                                     self._call(self.broker.open_orders(aid)))
            again = await self._call(self.broker.trades(aid, day_start.isoformat()))
            same = _ids(again) == _ids(trades)
            trades = again
            if same:
                break
        else:
            log.warning("account %s kept trading while its snapshot was read: positions may be ahead of "
                        "its trades", st.name)
        events: list[Event] = []
        events.extend(trade_events(trades))
        events.extend(position_events(st, positions, now))
        events.extend(order_events(st, orders, now))
        if info is not None:
            events.append(AccountEvent(now, info.id, info.name, info.balance, info.can_trade))
        return events


def _ids(trades: list[Trade]) -> set[tuple[int, bool]]:
    return {(t.id, t.voided) for t in trades}


def trade_events(trades: list[Trade]) -> list[TradeEvent]:
    out: list[TradeEvent] = []
    for t in trades:
        try:
            at = parse_time(t.at_iso)
        except MalformedEvent:
            log.warning("trade %s has no usable timestamp; skipped", t.id)
            continue
        out.append(TradeEvent(at, t.account_id, t.id, t.contract_id, t.price, t.profit_and_loss, t.fees,
                              t.side, t.size, t.order_id, t.voided))
    out.sort(key=lambda e: (e.at, e.id))
    return out


def position_events(st: AccountState, positions: list[Position], now: datetime) -> list[PositionEvent]:
    out: list[PositionEvent] = []
    seen: set[str] = set()
    for p in positions:
        if not p.size:
            continue
        seen.add(p.contract_id)
        cur = st.positions.get(p.contract_id)
        if cur is not None and cur.size == p.size and abs(cur.avg_price - p.average_price) < 1e-9:
            continue
        kind = PositionType.LONG if p.size > 0 else PositionType.SHORT
        out.append(PositionEvent(now, st.account_id, p.contract_id, kind, abs(p.size), p.average_price))
    for cid in st.positions:
        if cid not in seen:  # closed during the gap
            out.append(PositionEvent(now, st.account_id, cid, PositionType.UNDEFINED, 0, 0.0))
    return out


def order_events(st: AccountState, orders: list[Order], now: datetime) -> list[OrderEvent]:
    out: list[OrderEvent] = []
    seen: set[int] = set()
    for o in orders:
        seen.add(o.id)
        cur = st.orders.get(o.id)
        if (cur is not None and cur.status == o.status and cur.size == o.size
                and cur.stop_price == o.stop_price and cur.limit_price == o.limit_price):
            continue
        out.append(OrderEvent(now, st.account_id, o.id, o.contract_id, o.status, o.type, o.side, o.size,
                              o.limit_price, o.stop_price, o.fill_volume))
    for oid, cur in st.orders.items():
        if oid not in seen and cur.status == OrderStatus.OPEN:  # gone during the gap (Order/searchOpen
            out.append(replace(cur, at=now, status=OrderStatus.CANCELLED))  # lists Open orders only)
    return out
