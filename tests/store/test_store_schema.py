"""Opening, pragmas, migrations, transactions and the meta table."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from risk_manager.store import SCHEMA_VERSION, LockoutRecord, Store, StoreError
from risk_manager.store import schema as schema_mod

T0 = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
TABLES = {"meta", "lockouts", "trades", "resets", "journal", "clock_events", "audit", "ended_lockouts"}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as raw:
        rows = raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}


def test_fresh_file_is_migrated_to_current_version(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "state.db"  # parent directory is created
    with Store.open(db) as store:
        assert store.pragma("user_version") == SCHEMA_VERSION
        assert store.path == db
        assert store.integrity_ok()
    assert _tables(db) >= TABLES and "timers" not in _tables(db)


def test_a_version_1_database_loses_the_unused_timers_table_and_keeps_its_data(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    with sqlite3.connect(db) as raw:
        for statement in schema_mod.MIGRATIONS[0]:
            raw.execute(statement)
        raw.execute("PRAGMA user_version = 1")
        raw.execute("INSERT INTO timers VALUES ('reset', '2026-11-20T23:00:00+00:00', NULL, 'reset', '{}')")
        raw.execute("INSERT INTO resets VALUES ('2026-11-20', '2026-11-19T23:00:00+00:00')")
    with Store.open(db) as store:
        assert store.pragma("user_version") == SCHEMA_VERSION == 4
        assert store.last_reset() is not None
    assert "timers" not in _tables(db) and _tables(db) >= TABLES


def test_pragmas_wal_full_foreign_keys_busy_timeout(tmp_path: Path) -> None:
    with Store.open(tmp_path / "state.db", busy_timeout_ms=1234) as store:
        assert store.pragma("journal_mode") == "wal"
        assert store.pragma("synchronous") == 2  # FULL
        assert store.pragma("foreign_keys") == 1
        assert store.pragma("busy_timeout") == 1234
    with pytest.raises(ValueError):
        Store.open(":memory:").pragma("user_version; DROP TABLE meta")


def test_reopening_keeps_data(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    with Store.open(db) as store:
        store.set_meta("config_hash", "abc")
        store.put_lockout(LockoutRecord("A", "daily_realized_loss", "account", "hard", None, "loss", T0))
        store.append_journal({"at": "x", "type": "reset"})
    with Store.open(db) as store:
        assert store.get_meta("config_hash") == "abc"
        assert [lk.rule for lk in store.active_lockouts("A")] == ["daily_realized_loss"]
        assert store.last_journal_seq() == 1
        assert store.pragma("user_version") == SCHEMA_VERSION


def test_memory_store_works_without_wal() -> None:
    with Store.open(":memory:") as store:
        assert store.path is None
        assert store.pragma("journal_mode") == "memory"
        store.set_meta("k", "v")
        store.set_meta("k", "w")
        assert store.get_meta("k") == "w"
        assert store.get_meta("missing") is None


def test_newer_schema_is_refused_not_touched(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    Store.open(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer"):
        Store.open(db)


def test_failed_migration_rolls_back_completely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "state.db"
    Store.open(db).close()
    broken = ("CREATE TABLE extra (x INTEGER)", "THIS IS NOT SQL")
    monkeypatch.setattr(schema_mod, "MIGRATIONS", (*schema_mod.MIGRATIONS, broken))
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(sqlite3.OperationalError):
        Store.open(db)
    assert "extra" not in _tables(db)
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_pending_migration_is_applied_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "state.db"
    Store.open(db).close()
    monkeypatch.setattr(
        schema_mod, "MIGRATIONS", (*schema_mod.MIGRATIONS, ("CREATE TABLE extra (x INTEGER)",))
    )
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Store.open(db) as store:
        assert store.pragma("user_version") == SCHEMA_VERSION + 1
    assert "extra" in _tables(db)


def test_transaction_groups_writes_and_rolls_back_on_error() -> None:
    store = Store.open(":memory:")
    with pytest.raises(RuntimeError), store.transaction():
        store.set_meta("a", "1")
        store.append_journal({"type": "x"})
        raise RuntimeError("boom")
    assert store.get_meta("a") is None
    assert store.last_journal_seq() == 0
    with store.transaction():
        store.set_meta("a", "1")
        store.set_meta("b", "2")
    assert (store.get_meta("a"), store.get_meta("b")) == ("1", "2")


def test_nested_block_failure_undoes_only_the_inner_writes() -> None:
    store = Store.open(":memory:")
    with store.transaction():
        store.set_meta("outer", "1")
        try:
            with store.transaction():
                store.set_meta("inner", "1")
                raise ValueError("inner failed")
        except ValueError:
            pass
        store.set_meta("after", "1")
    assert store.get_meta("outer") == "1"
    assert store.get_meta("inner") is None
    assert store.get_meta("after") == "1"


def test_naive_datetimes_are_rejected() -> None:
    store = Store.open(":memory:")
    with pytest.raises(ValueError, match="naive"):
        store.record_reset(datetime(2026, 1, 1).date(), datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="aware"):
        LockoutRecord("A", "r", "account", "hard", None, "x", datetime(2026, 1, 1))
    assert store.last_reset() is None
