"""Lockout persistence: upsert key, never-shorten semantics, scopes, expiry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from risk_manager.store import ACCOUNT_SCOPE, LockoutRecord, Store, symbol_scope

T0 = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
RESET = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store.open(":memory:")
    yield s
    s.close()


def cooldown(until: datetime | None, at: datetime = T0, rule: str = "trade_frequency_limit") -> LockoutRecord:
    return LockoutRecord("PRAC-1", rule, ACCOUNT_SCOPE, "cooldown", until, "3/3 trades", at)


def test_round_trip_returns_aware_utc(store: Store) -> None:
    chicago = ZoneInfo("America/Chicago")
    rec = LockoutRecord(
        "PRAC-1", "daily_realized_loss", "account", "hard", RESET.astimezone(chicago), "x", T0
    )
    assert store.put_lockout(rec) == rec
    (got,) = store.active_lockouts()
    assert got.until == RESET and got.until.tzinfo is UTC
    assert got.created_at == T0 and got.created_at.tzinfo is UTC
    assert (got.kind, got.scope, got.reason, got.symbol) == ("hard", "account", "x", None)


def test_shorter_lockout_does_not_replace_longer_active_one(store: Store) -> None:
    long = cooldown(T0 + timedelta(minutes=30))
    store.put_lockout(long)
    short = cooldown(T0 + timedelta(seconds=60), at=T0 + timedelta(seconds=5))
    assert store.put_lockout(short) == long
    assert store.active_lockouts("PRAC-1") == [long]


def test_equal_end_keeps_the_original_row(store: Store) -> None:
    first = cooldown(T0 + timedelta(minutes=5))
    store.put_lockout(first)
    again = LockoutRecord(
        "PRAC-1", first.rule, ACCOUNT_SCOPE, "hard", first.until, "other", T0 + timedelta(seconds=1)
    )
    assert store.put_lockout(again) == first
    assert store.get_lockout("PRAC-1", first.rule, ACCOUNT_SCOPE) == first


def test_longer_lockout_extends(store: Store) -> None:
    store.put_lockout(cooldown(T0 + timedelta(seconds=60)))
    longer = cooldown(T0 + timedelta(minutes=30), at=T0 + timedelta(seconds=10))
    assert store.put_lockout(longer) == longer
    assert store.active_lockouts() == [longer]


def test_open_ended_lockout_is_the_latest(store: Store) -> None:
    timed = cooldown(RESET)
    store.put_lockout(timed)
    forever = cooldown(None, at=T0 + timedelta(seconds=1))
    assert store.put_lockout(forever) == forever
    # and nothing timed can shorten an open-ended one
    assert store.put_lockout(cooldown(RESET + timedelta(days=3), at=T0 + timedelta(seconds=2))) == forever
    assert store.active_lockouts()[0].until is None


def test_expired_lockout_is_replaced_even_by_a_shorter_one(store: Store) -> None:
    store.put_lockout(cooldown(T0 + timedelta(minutes=30)))
    later = T0 + timedelta(hours=1)  # the old one ended at T0+30m
    fresh = cooldown(later + timedelta(seconds=60), at=later)
    assert store.put_lockout(fresh) == fresh
    assert store.active_lockouts() == [fresh]


def test_scopes_rules_and_accounts_are_independent(store: Store) -> None:
    blocks = [
        LockoutRecord("PRAC-1", "symbol_blocks", symbol_scope(root), "hard", None, f"{root} blocked", T0)
        for root in ("MNQ", "CL")
    ]
    for rec in blocks:
        store.put_lockout(rec)
    store.put_lockout(cooldown(T0 + timedelta(seconds=60)))
    store.put_lockout(LockoutRecord("PRAC-2", "daily_realized_loss", ACCOUNT_SCOPE, "hard", RESET, "x", T0))
    mine = store.active_lockouts("PRAC-1")
    assert {(lk.rule, lk.scope) for lk in mine} == {
        ("symbol_blocks", "symbol:MNQ"),
        ("symbol_blocks", "symbol:CL"),
        ("trade_frequency_limit", "account"),
    }
    assert {lk.symbol for lk in mine} == {"MNQ", "CL", None}
    assert len(store.active_lockouts()) == 4
    assert store.delete_lockout("PRAC-1", "symbol_blocks", "symbol:CL") is True
    assert store.delete_lockout("PRAC-1", "symbol_blocks", "symbol:CL") is False
    assert store.get_lockout("PRAC-1", "symbol_blocks", "symbol:MNQ") == blocks[0]
    assert len(store.active_lockouts("PRAC-1")) == 2


def test_active_filter_with_now_and_expire(store: Store) -> None:
    ends = T0 + timedelta(seconds=60)
    store.put_lockout(cooldown(ends))
    store.put_lockout(cooldown(None, rule="auth_loss_guard"))
    assert len(store.active_lockouts("PRAC-1", now=ends - timedelta(microseconds=1))) == 2
    assert [lk.rule for lk in store.active_lockouts(now=ends)] == ["auth_loss_guard"]
    assert len(store.active_lockouts()) == 2  # no now: every stored row
    assert store.expire_lockouts(ends - timedelta(seconds=1)) == []
    (gone,) = store.expire_lockouts(ends)
    assert gone.rule == "trade_frequency_limit"
    assert [lk.rule for lk in store.active_lockouts()] == ["auth_loss_guard"]


def test_lockouts_survive_reopen(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    rec = cooldown(RESET)
    with Store.open(db) as s:
        s.put_lockout(rec)
    with Store.open(db) as s:
        assert s.active_lockouts("PRAC-1") == [rec]


@pytest.mark.parametrize(
    ("scope", "kind"), [("symbol:", "hard"), ("MNQ", "hard"), ("account", "soft"), ("Account", "hard")]
)
def test_invalid_records_are_rejected(scope: str, kind: str) -> None:
    with pytest.raises(ValueError):
        LockoutRecord("A", "r", scope, kind, None, "x", T0)  # type: ignore[arg-type]
