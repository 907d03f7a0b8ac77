"""Journal plumbing: records reach SQLite in order (hash chain intact), lockouts are durable at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from risk_manager.daemon.dbwriter import DbWriter
from risk_manager.daemon.journal import DaemonJournal
from risk_manager.engine.record_types import LockRecord, ViolationRecord
from risk_manager.store import Store


def rec(i: int, type_: str = "violation") -> ViolationRecord | LockRecord:
    """Record number ``i`` (in its message / reason)."""
    at = datetime(2026, 11, 20, 10, 0, i, tzinfo=UTC)
    if type_ == "lockout":
        return LockRecord(at=at, account="PRAC-1", rule="r", kind="hard", scope="account", until=None,
                          reason=str(i))
    return ViolationRecord(at=at, account="PRAC-1", rule="r", message=str(i))


def n(r: dict[str, Any]) -> int:
    return int(r["reason"] if r["type"] == "lockout" else r["message"])


def journal_on(db: Path) -> tuple[DbWriter, DaemonJournal, list[int]]:
    """A fresh database, its writer thread started, and a journal whose listener collects record numbers."""
    Store.open(db).close()
    writer = DbWriter(db)
    writer.start()
    journal = DaemonJournal(writer)
    seen: list[int] = []
    journal.add_listener(lambda r: seen.append(n(r)))
    return writer, journal, seen


async def test_records_are_committed_in_order_and_listeners_see_them(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    writer, journal, seen = journal_on(db)
    for i in range(5):
        journal.write(rec(i))
    assert seen == []  # dispatched after the worker's turn, not inside the engine call
    await asyncio.sleep(0)
    assert seen == [0, 1, 2, 3, 4]
    assert writer.flush()
    writer.close()
    with Store.open(db) as store:
        assert [n(r) for r in store.journal_tail(10)] == [0, 1, 2, 3, 4]
        assert store.verify_journal() == (True, None)


def test_a_lockout_record_is_durable_before_write_returns(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    Store.open(db).close()
    writer = DbWriter(db)
    writer.start()
    journal = DaemonJournal(writer)
    journal.write(rec(1))
    journal.write(rec(2, "lockout"))
    with Store.open(db) as other:  # another connection sees both, in order, with no flush by the caller
        assert [(n(r), r["type"]) for r in other.journal_tail(5)] == [(1, "violation"), (2, "lockout")]
    writer.close()


async def test_a_lockout_is_committed_at_once_but_its_log_line_waits_for_the_hold(tmp_path: Path) -> None:
    # Logging ~120 lines for 20 accounts locked by one quote took ~6 ms in front of the first close.
    db = tmp_path / "j.db"
    writer, journal, seen = journal_on(db)
    journal.write(rec(1))
    journal.write(rec(2, "lockout"))
    with Store.open(db) as other:
        assert [n(r) for r in other.journal_tail(5)] == [1, 2]  # durable before write returned
    assert seen == []  # not logged nor shown yet
    journal.hold(0.01)  # the executor's first calls were just submitted
    journal.dispatch()
    await asyncio.sleep(0)
    assert seen == []
    await asyncio.sleep(0.05)  # the hold's own timer dispatches
    assert seen == [1, 2]
    writer.close()


def test_seen_trades_are_recorded_by_the_writer_thread(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    Store.open(db).close()
    writer = DbWriter(db)
    writer.start()
    at = datetime(2026, 11, 20, 15, tzinfo=UTC)
    writer.trade("PRAC-1", 7, date(2026, 11, 20), at, -12.5, 1.0, 3, False)
    writer.trade("PRAC-1", 7, date(2026, 11, 20), at, -12.5, 1.0, 3, False)  # duplicate: kept once
    assert writer.flush()
    writer.close()
    with Store.open(db) as store:
        trades = store.trades_for_day("PRAC-1", date(2026, 11, 20))
        assert [(t.trade_id, t.pnl) for t in trades] == [("7", -12.5)]


def test_lockouts_of_one_batch_are_durable_together_when_it_ends(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    Store.open(db).close()
    writer = DbWriter(db)
    writer.start()
    flushes: list[bool] = []
    real = writer.flush

    def counted(within: float = 5.0) -> bool:
        flushes.append(True)
        return real(within)

    writer.flush = counted  # type: ignore[method-assign]
    journal = DaemonJournal(writer)
    with journal.batch():
        for i in range(20):  # a market gap: 20 accounts locked on one quote
            journal.write(rec(i, "lockout"))
        assert flushes == []
    assert len(flushes) == 1
    with Store.open(db) as other:  # durable once the batch ends, before any action is submitted
        assert [n(r) for r in other.journal_tail(30)] == list(range(20))
    journal.write(rec(20, "lockout"))  # outside a batch: at once, as before
    assert len(flushes) == 2
    writer.close()


def test_lockouts_added_in_a_batch_are_stored_in_one_transaction_at_its_end(tmp_path: Path) -> None:
    from risk_manager.engine.lockbook import LockBook
    from risk_manager.store.records import LockoutRecord

    at = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    store = Store.open(tmp_path / "l.db")
    calls: list[int] = []
    real = store.put_lockouts
    store.put_lockouts = lambda recs: (calls.append(len(recs)), real(recs))[1]  # type: ignore[method-assign]
    book = LockBook(store)
    with book.batch():
        for i in range(20):
            rec = LockoutRecord(f"ACC-{i}", "daily_realized_loss", "account", "hard", None, "r", at)
            assert book.add(rec)
        # in force at once, stored at the end
        assert store.active_lockouts() == [] and book.is_locked("ACC-3")
        book.remove("ACC-5", "daily_realized_loss", "account", at)
    assert calls == [19]
    stored = sorted(r.account for r in store.active_lockouts())
    assert stored == sorted(f"ACC-{i}" for i in range(20) if i != 5)
