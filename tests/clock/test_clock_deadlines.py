from __future__ import annotations

from datetime import datetime

import pytest
from clock_helpers import ct, utc

from risk_manager.clock import DeadlineQueue


def test_orders_by_time_then_insertion() -> None:
    q: DeadlineQueue[str] = DeadlineQueue()
    q.set("c", utc(2026, 1, 1, 12), "C")
    q.set("a", utc(2026, 1, 1, 10), "A")
    q.set("b2", utc(2026, 1, 1, 11), "B2")
    q.set("b1", ct(2026, 1, 1, 5), "B1")  # 11:00Z too, inserted later -> after b2
    assert q.next() == (utc(2026, 1, 1, 10), "a", "A")
    assert len(q) == 4
    due = q.pop_due(utc(2026, 1, 1, 12))  # inclusive bound
    assert [d.key for d in due] == ["a", "b2", "b1", "c"]
    assert due[2].at == utc(2026, 1, 1, 11) and due[2].at.utcoffset() is not None
    assert q.next() is None and len(q) == 0


def test_pop_due_leaves_future_deadlines() -> None:
    q: DeadlineQueue[int] = DeadlineQueue()
    q.set("x", utc(2026, 1, 1, 10), 1)
    q.set("y", utc(2026, 1, 1, 10, 0, 1), 2)
    assert q.pop_due(utc(2026, 1, 1, 9)) == []
    due = q.pop_due(utc(2026, 1, 1, 10))
    assert [(d.at, d.key, d.payload) for d in due] == [(utc(2026, 1, 1, 10), "x", 1)]
    assert "y" in q and "x" not in q
    assert q.pop_next(utc(2026, 1, 1, 10)) is None
    assert q.pop_next(utc(2026, 1, 1, 11)) == (utc(2026, 1, 1, 10, 0, 1), "y", 2)


def test_set_replaces_time_and_payload() -> None:
    q: DeadlineQueue[str] = DeadlineQueue()
    q.set("k", utc(2026, 1, 1, 10), "old")
    q.set("other", utc(2026, 1, 1, 11), "o")
    q.set("k", utc(2026, 1, 1, 12), "new")
    assert len(q) == 2
    assert q.get("k") == (utc(2026, 1, 1, 12), "k", "new")
    assert [d.key for d in q.pop_due(utc(2026, 1, 1, 11))] == ["other"]  # stale 10:00 entry is skipped
    assert q.pop_due(utc(2026, 1, 1, 23)) == [(utc(2026, 1, 1, 12), "k", "new")]


def test_replacing_moves_tie_to_the_end() -> None:
    q: DeadlineQueue[None] = DeadlineQueue()
    at = utc(2026, 1, 1)
    for key in ("a", "b", "c"):
        q.set(key, at, None)
    q.set("a", at, None)
    assert [d.key for d in q.pop_due(at)] == ["b", "c", "a"]


def test_cancel() -> None:
    q: DeadlineQueue[None] = DeadlineQueue()
    q.set("a", utc(2026, 1, 1, 10), None)
    q.set("b", utc(2026, 1, 1, 11), None)
    assert q.cancel("a") is True
    assert q.cancel("a") is False
    assert q.get("a") is None
    assert q.next() is not None and q.next().key == "b"  # type: ignore[union-attr]
    q.set("a", utc(2026, 1, 1, 9), None)  # re-adding a cancelled key works
    assert [d.key for d in q.pop_due(utc(2026, 1, 2))] == ["a", "b"]


def test_naive_deadline_rejected() -> None:
    q: DeadlineQueue[None] = DeadlineQueue()
    with pytest.raises(ValueError, match="naive"):
        q.set("a", datetime(2026, 1, 1), None)
