"""Seen trades, reset log, clock events and the audit trail."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from risk_manager.store import AuditEntry, ClockEvent, Store

T0 = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
DAY = date(2026, 11, 20)


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store.open(":memory:")
    yield s
    s.close()


def test_same_trade_twice_is_a_duplicate(store: Store) -> None:
    assert store.record_trade("PRAC-1", 101, DAY, T0, None, 0.74, 9001, False) is True
    assert store.record_trade("PRAC-1", 101, DAY, T0, None, 0.74, 9001, False) is False
    assert store.record_trade("PRAC-1", "101", DAY, T0, None, 0.74, 9001) is False  # same id as text
    assert store.record_trade("PRAC-2", 101, DAY, T0, None, 0.74, 9001) is True  # other account
    (t,) = store.trades_for_day("PRAC-1", DAY)
    assert (t.trade_id, t.pnl, t.fees, t.order_id, t.voided, t.at) == ("101", None, 0.74, "9001", False, T0)


def test_voiding_counts_once_and_is_final(store: Store) -> None:
    store.record_trade("PRAC-1", 7, DAY, T0, -50.0, 1.0, 1, False)
    assert store.record_trade("PRAC-1", 7, DAY, T0, -50.0, 1.0, 1, True) is True  # reverse it
    assert store.record_trade("PRAC-1", 7, DAY, T0, -50.0, 1.0, 1, True) is False
    assert store.record_trade("PRAC-1", 7, DAY, T0, -50.0, 1.0, 1, False) is False  # stale copy
    trade = store.get_trade("PRAC-1", 7)
    assert trade is not None and trade.voided
    store.record_trade("PRAC-1", 8, DAY, T0, 20.0, 1.0, 2, False)
    assert store.mark_voided("PRAC-1", 8) is True
    assert store.mark_voided("PRAC-1", 8) is False
    assert store.mark_voided("PRAC-1", 999) is False
    assert [t.voided for t in store.trades_for_day("PRAC-1", DAY)] == [True, True]


def test_trades_for_day_filters_and_orders(store: Store) -> None:
    store.record_trade("PRAC-1", 3, DAY, T0 + timedelta(seconds=2), 10.0, 0.5, None)
    store.record_trade("PRAC-1", 2, DAY, T0, 5.0, 0.5, None)
    store.record_trade("PRAC-1", 1, DAY + timedelta(days=1), T0 + timedelta(days=1), 1.0, 0.5, None)
    assert [t.trade_id for t in store.trades_for_day("PRAC-1", DAY)] == ["2", "3"]
    assert [t.trading_day for t in store.trades_for_day("PRAC-1", DAY + timedelta(days=1))] == [
        DAY + timedelta(days=1)
    ]
    assert store.trades_for_day("PRAC-9", DAY) == []


def test_reset_log_is_idempotent(store: Store) -> None:
    assert store.last_reset() is None
    assert store.reset_done(DAY) is False
    assert store.record_reset(DAY, T0) is True
    assert store.record_reset(DAY, T0 + timedelta(hours=1)) is False
    assert store.reset_done(DAY) is True
    store.record_reset(DAY - timedelta(days=3), T0 - timedelta(days=3))  # late, older day
    assert store.last_reset() == DAY
    store.record_reset(DAY + timedelta(days=1), T0 + timedelta(days=1))
    assert store.last_reset() == DAY + timedelta(days=1)


def test_clock_events(store: Store) -> None:
    store.record_clock_event("PRAC-1", "in", T0)
    store.record_clock_event("PRAC-1", "out", T0 + timedelta(hours=2))
    store.record_clock_event("PRAC-2", "in", T0 + timedelta(hours=1))
    assert store.clock_events("PRAC-1") == [
        ClockEvent("PRAC-1", "in", T0),
        ClockEvent("PRAC-1", "out", T0 + timedelta(hours=2)),
    ]
    assert [e.kind for e in store.clock_events("PRAC-1", since=T0 + timedelta(hours=1))] == ["out"]
    assert [e.kind for e in store.clock_events("PRAC-1", since=T0)] == ["in", "out"]  # inclusive
    with pytest.raises(ValueError):
        store.record_clock_event("PRAC-1", "lunch", T0)  # type: ignore[arg-type]


def test_audit_tail_is_newest_n_oldest_first_and_append_only(store: Store) -> None:
    for i in range(5):
        store.audit("admin", f"action{i}", i % 2 == 0, f"detail {i}", T0 + timedelta(seconds=i))
    tail = store.audit_tail(2)
    assert tail == [
        AuditEntry(T0 + timedelta(seconds=3), "admin", "action3", False, "detail 3"),
        AuditEntry(T0 + timedelta(seconds=4), "admin", "action4", True, "detail 4"),
    ]
    assert len(store.audit_tail(100)) == 5
    assert store.audit_tail(0) == []
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.transaction():
        store._conn.execute("DELETE FROM audit")
    assert len(store.audit_tail(100)) == 5
