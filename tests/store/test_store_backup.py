"""Online backups, rotation, and start-up recovery from a corrupt database."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from risk_manager.store import Store, StoreError, list_backups

T0 = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


def make_db(path: Path, marker: str) -> Store:
    store = Store.open(path)
    store.set_meta("marker", marker)
    store.append_journal({"type": "reset", "trading_day": marker})
    return store


def test_backup_is_a_consistent_named_copy(tmp_path: Path) -> None:
    with make_db(tmp_path / "state.db", "v1") as store:
        dest = store.backup(tmp_path / "backups", now=T0)
        assert dest.name == "state-20261120T230000.000000Z.db"
        store.set_meta("marker", "after-backup")
    with Store.open(dest) as copy:
        assert copy.get_meta("marker") == "v1"
        assert copy.verify_journal() == (True, None)
    assert not list((tmp_path / "backups").glob("*.tmp"))


def test_rotation_keeps_newest_seven(tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    foreign = backups / "other-20200101T000000.000000Z.db"  # another database's backup: untouched
    foreign.write_bytes(b"x")
    with make_db(tmp_path / "state.db", "v") as store:
        made = [store.backup(backups, now=T0 + timedelta(days=i)) for i in range(9)]
    kept = list_backups(backups, "state")
    assert kept == list(reversed(made))[:7]
    assert not made[0].exists() and not made[1].exists()
    assert foreign.exists()


def test_backup_of_memory_store_and_misuse(tmp_path: Path) -> None:
    store = Store.open(":memory:")
    store.set_meta("k", "v")
    path = store.backup(tmp_path, now=T0, keep=1)
    assert path.name.startswith("memory-")
    with pytest.raises(StoreError), store.transaction():
        store.backup(tmp_path, now=T0)
    with pytest.raises(ValueError):
        store.backup(tmp_path, keep=0)


def test_healthy_database_is_not_recovered(tmp_path: Path) -> None:
    make_db(tmp_path / "state.db", "live").close()
    store, recovered = Store.open_with_recovery(tmp_path / "state.db", tmp_path / "backups")
    with store:
        assert recovered is False
        assert store.get_meta("marker") == "live"
    assert not list(tmp_path.glob("*.corrupt-*"))


def _garbage_header(db: Path) -> None:
    with db.open("r+b") as fh:
        fh.write(os.urandom(4096))


def _garbage_pages(db: Path) -> None:
    size = db.stat().st_size
    assert size > 8192
    with db.open("r+b") as fh:  # keep page 1 (the header and schema), smash every table page
        fh.seek(4096)
        fh.write(b"\xa5" * (size - 4096))


@pytest.mark.parametrize("damage", [_garbage_header, _garbage_pages])
def test_corrupt_database_is_replaced_by_newest_backup(tmp_path: Path, damage: object) -> None:
    db, backups = tmp_path / "state.db", tmp_path / "backups"
    with make_db(db, "old") as store:
        store.backup(backups, now=T0)
        store.set_meta("marker", "newest")
        store.backup(backups, now=T0 + timedelta(days=1))
        for i in range(50):  # enough rows for several pages
            store.append_journal({"type": "violation", "message": "x" * 200, "n": i})
    assert callable(damage)
    damage(db)
    store, recovered = Store.open_with_recovery(db, backups, now=T0 + timedelta(days=2))
    with store:
        assert recovered is True
        assert store.get_meta("marker") == "newest"
        assert store.integrity_ok() and store.verify_journal() == (True, None)
    (aside,) = tmp_path.glob("state.db.corrupt-*")
    assert aside.name == "state.db.corrupt-20261122T230000.000000Z"
    assert len(list_backups(backups, "state")) == 2  # backups themselves are kept


def test_corrupt_newest_backup_falls_back_to_older(tmp_path: Path) -> None:
    db, backups = tmp_path / "state.db", tmp_path / "backups"
    with make_db(db, "older") as store:
        store.backup(backups, now=T0)
        newest = store.backup(backups, now=T0 + timedelta(days=1))
    _garbage_header(newest)
    _garbage_header(db)
    store, recovered = Store.open_with_recovery(db, backups)
    with store:
        assert recovered and store.get_meta("marker") == "older"


def test_no_backup_starts_empty_and_reports_recovery(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    make_db(db, "lost").close()
    _garbage_header(db)
    store, recovered = Store.open_with_recovery(db, tmp_path / "none-yet")
    with store:
        assert recovered is True
        assert store.get_meta("marker") is None and store.last_journal_seq() == 0


def test_non_corruption_errors_are_not_recovered(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    make_db(db, "keep").close()
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError, match="newer"):
        Store.open_with_recovery(db, tmp_path / "backups")
    assert db.exists() and not list(tmp_path.glob("*.corrupt-*"))


def test_deleted_database_is_restored_but_first_start_is_not_a_recovery(tmp_path: Path) -> None:
    db, backups = tmp_path / "state.db", tmp_path / "backups"
    store, recovered = Store.open_with_recovery(db, backups)
    with store:
        assert recovered is False and store.last_journal_seq() == 0
        store.set_meta("marker", "backed-up")
        store.backup(backups, now=T0)
    db.unlink()
    store, recovered = Store.open_with_recovery(db, backups)
    with store:
        assert recovered is True and store.get_meta("marker") == "backed-up"
