"""The hash-chained journal: append, read back, and tamper detection."""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from risk_manager.store import LockoutRecord, Store

T0 = "2026-11-20T14:30:00.000000+00:00"


def record(i: int, account: str | None = "PRAC-1") -> dict[str, object]:
    rec: dict[str, object] = {"at": T0, "type": "violation", "rule": "max_contracts", "message": f"m{i}"}
    if account is not None:
        rec["account"] = account
    return rec


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "state.db"
    with Store.open(path) as s:
        for i in range(1, 6):
            assert s.append_journal(record(i)) == i
    yield path


def tamper(db: Path, sql: str) -> None:
    """What someone with the sqlite3 shell would do: drop the guards, then edit."""
    with sqlite3.connect(db) as raw:
        raw.execute("DROP TRIGGER journal_no_update")
        raw.execute("DROP TRIGGER journal_no_delete")
        raw.execute(sql)


def test_stored_form_is_canonical_and_chained(db: Path) -> None:
    with sqlite3.connect(db) as raw:
        rows = raw.execute("SELECT seq, body, prev_hash, hash FROM journal ORDER BY seq").fetchall()
    assert (
        rows[0][1]
        == f'{{"account":"PRAC-1","at":"{T0}","message":"m1","rule":"max_contracts","type":"violation"}}'
    )
    assert rows[0][2] == "0" * 64
    for (_, body, prev, digest), (_, _, next_prev, _) in itertools.pairwise(rows):
        assert digest == hashlib.sha256((prev + body).encode()).hexdigest()
        assert next_prev == digest


def test_tail_since_and_account_filter(db: Path) -> None:
    with Store.open(db) as s:
        s.append_journal({"at": T0, "type": "reset", "trading_day": "2026-11-21"})
        s.append_journal(record(7, account="PRAC-2"))
        assert [r.get("message") for r in s.journal_tail(2)] == [None, "m7"]
        assert [r["type"] for r in s.journal_tail(2, account="PRAC-1")] == ["violation", "reset"]
        assert [r["message"] for r in s.journal_tail(2, "PRAC-1", include_global=False)] == ["m4", "m5"]
        assert s.journal_tail(5, account="PRAC-2") == [
            {"at": T0, "type": "reset", "trading_day": "2026-11-21"},
            record(7, account="PRAC-2"),
        ]
        entries = s.journal_since(5)
        assert [e.seq for e in entries] == [6, 7]
        assert entries[1].record == record(7, account="PRAC-2")
        assert [e.seq for e in s.journal_since(0, limit=2)] == [1, 2]
        assert s.last_journal_seq() == 7
        assert s.verify_journal() == (True, None)


def test_datetimes_are_normalised_to_utc() -> None:
    s = Store.open(":memory:")
    local = datetime(2026, 11, 20, 17, 0, tzinfo=ZoneInfo("America/Chicago"))
    s.append_journal({"at": local, "type": "lockout", "until": None, "account": "A"})
    (rec,) = s.journal_tail(1)
    assert rec == {"at": "2026-11-20T23:00:00.000000+00:00", "type": "lockout", "until": None, "account": "A"}
    assert datetime.fromisoformat(rec["at"]) == local
    with pytest.raises(ValueError):
        s.append_journal({"type": "warning", "utilization": float("nan")})
    assert s.last_journal_seq() == 1


def test_empty_journal_verifies() -> None:
    assert Store.open(":memory:").verify_journal() == (True, None)


def test_append_only_triggers_block_edits(db: Path) -> None:
    with Store.open(db) as s:
        for sql in ("UPDATE journal SET body = '{}' WHERE seq = 2", "DELETE FROM journal WHERE seq = 5"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"), s.transaction():
                s._conn.execute(sql)
        assert s.verify_journal() == (True, None)


def test_edited_row_is_detected(db: Path) -> None:
    tamper(db, """UPDATE journal SET body = replace(body, '"m3"', '"nothing happened"') WHERE seq = 3""")
    with Store.open(db) as s:
        assert s.verify_journal() == (False, 3)


def test_edited_row_with_recomputed_own_hash_breaks_the_next_link(db: Path) -> None:
    with sqlite3.connect(db) as raw:
        prev, body = raw.execute("SELECT prev_hash, body FROM journal WHERE seq = 3").fetchone()
    forged = body.replace('"m3"', '"x"')
    digest = hashlib.sha256((prev + forged).encode()).hexdigest()
    tamper(db, f"UPDATE journal SET body = '{forged}', hash = '{digest}' WHERE seq = 3")
    with Store.open(db) as s:
        assert s.verify_journal() == (False, 4)


def test_deleted_middle_row_is_detected(db: Path) -> None:
    tamper(db, "DELETE FROM journal WHERE seq = 2")
    with Store.open(db) as s:
        assert s.verify_journal() == (False, 2)


def test_deleted_newest_rows_are_detected(db: Path) -> None:
    tamper(db, "DELETE FROM journal WHERE seq >= 4")
    with Store.open(db) as s:
        assert s.verify_journal() == (False, 4)


def test_rolled_back_append_leaves_no_gap() -> None:
    s = Store.open(":memory:")
    s.append_journal(record(1))
    with pytest.raises(RuntimeError), s.transaction():
        s.append_journal(record(2))
        raise RuntimeError("broker call planning failed")
    assert s.append_journal(record(3)) == 2
    assert s.verify_journal() == (True, None)


def test_lockout_and_journal_commit_together(db: Path) -> None:
    at = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    with Store.open(db) as s, s.transaction():
        s.put_lockout(LockoutRecord("PRAC-1", "daily_realized_loss", "account", "hard", None, "x", at))
        s.append_journal({"at": at, "type": "lockout", "account": "PRAC-1", "rule": "daily_realized_loss"})
    with Store.open(db) as s:
        assert len(s.active_lockouts()) == 1 and s.journal_tail(1)[0]["type"] == "lockout"
