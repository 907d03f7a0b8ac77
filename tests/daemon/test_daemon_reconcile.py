"""Reconcile snapshots -> events: only differences, closed-during-the-gap as size 0, trades in time order."""

from __future__ import annotations

from datetime import UTC, datetime

from daemon_helpers import ES, MNQ

from risk_manager.broker.port import Order, Position, Trade
from risk_manager.daemon.reconcile import order_events, position_events, trade_events
from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import OrderEvent, PositionEvent
from risk_manager.domain.state import AccountState

NOW = datetime(2026, 11, 20, 16, tzinfo=UTC)


def state() -> AccountState:
    st = AccountState(1, "PRAC-1", ContractBook.builtin())
    st.apply(PositionEvent(NOW, 1, MNQ, PositionType.LONG, 2, 21000.0))
    st.apply(OrderEvent(NOW, 1, 10, MNQ, OrderStatus.OPEN, OrderType.STOP, Side.SELL, 2, stop_price=20990.0))
    st.apply(OrderEvent(NOW, 1, 11, MNQ, OrderStatus.SUSPENDED, OrderType.LIMIT, Side.SELL, 2, 21050.0))
    return st


def test_positions_only_differences_and_closed_ones_as_zero() -> None:
    st = state()
    same = position_events(st, [Position(1, MNQ, 2, 21000.0)], NOW)
    assert same == []
    evs = position_events(st, [Position(1, ES, -1, 6000.0)], NOW)
    assert [(e.contract_id, e.signed_size) for e in evs] == [(ES, -1), (MNQ, 0)]
    assert all(e.at == NOW for e in evs)


def test_orders_gone_during_the_gap_are_removed_but_stream_only_states_are_kept() -> None:
    st = state()
    evs = order_events(st, [], NOW)
    assert [(e.id, e.status) for e in evs] == [(10, OrderStatus.CANCELLED)]  # 11 (suspended) is kept
    moved = Order(1, 10, MNQ, OrderStatus.OPEN, OrderType.STOP, Side.SELL, 2, stop_price=20995.0)
    assert [(e.id, e.stop_price) for e in order_events(st, [moved], NOW)] == [(10, 20995.0)]


def test_trades_are_sorted_by_their_own_time_and_bad_stamps_skipped() -> None:
    rows = [Trade(1, 2, MNQ, 21000.0, -50.0, 0.5, Side.SELL, 1, 8, False, "2026-11-20T15:01:00Z"),
            Trade(1, 1, MNQ, 21000.0, None, 0.5, Side.BUY, 1, 7, False, "2026-11-20T15:00:00Z"),
            Trade(1, 3, MNQ, 21000.0, None, 0.5, Side.BUY, 1, 9, False, "")]
    evs = trade_events(rows)
    assert [e.id for e in evs] == [1, 2]
    assert evs[0].at == datetime(2026, 11, 20, 15, tzinfo=UTC)
