"""The lockouts component's public API on its own: start, unlock, restore, release, spared fills.

A real store (SQLite in memory) and a real deadline queue: what is persisted, journaled and armed is read
back from them, never from the component's insides.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from risk_manager.clock.deadlines import DeadlineQueue
from risk_manager.domain.contracts import ContractBook, catalogue_contract
from risk_manager.domain.enums import PositionType
from risk_manager.domain.events import PositionEvent
from risk_manager.domain.state import AccountState
from risk_manager.engine.lockouts import Lockouts, Payload, unlock_key
from risk_manager.engine.record_types import record_dict
from risk_manager.engine.records import ListJournal, RecordMaker
from risk_manager.store import Store
from risk_manager.store.records import LockoutRecord, symbol_scope

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
MNQ = catalogue_contract("MNQ").id
FREQ = "trade_frequency_limit"


def parts() -> tuple[Lockouts, Store, DeadlineQueue[Payload], ListJournal, RecordMaker]:
    store, queue, journal = Store.open(":memory:"), DeadlineQueue[Payload](), ListJournal()
    make = RecordMaker(ZoneInfo("America/Chicago"))
    return Lockouts(store, queue, journal, make), store, queue, journal, make


def cooldown(seconds: int, created: datetime = T0, account: str = "PRAC-1") -> LockoutRecord:
    until = T0 + timedelta(seconds=seconds)
    return LockoutRecord(account, FREQ, "account", "cooldown", until, "3/3", created)


def block(root: str, account: str = "PRAC-1") -> LockoutRecord:
    return LockoutRecord(account, "symbol_blocks", symbol_scope(root), "hard", None, f"{root} blocked", T0)


def types(journal: ListJournal) -> list[str]:
    return [r["type"] for r in journal.records]


def test_start_persists_journals_and_arms_the_end_and_never_shortens() -> None:
    locks, store, queue, journal, make = parts()
    rec = cooldown(60)
    assert locks.start(rec, make.lockout(T0, "PRAC-1", FREQ, "cooldown", None, rec.until, "3/3"))
    assert locks.is_locked("PRAC-1") and locks.has_rule("PRAC-1", FREQ) and locks.has("PRAC-1", FREQ)
    assert store.active_lockouts() == [rec] and types(journal) == ["lockout"]
    due = queue.get(unlock_key("PRAC-1", FREQ, "account"))
    assert due is not None and due.at == rec.until and due.payload == ("unlock", "PRAC-1", FREQ, "account")
    shorter = cooldown(30, T0 + timedelta(seconds=1))
    assert not locks.start(shorter, make.lockout(T0, "PRAC-1", FREQ, "cooldown", None, shorter.until, "x"))
    assert types(journal) == ["lockout"] and locks.ending_last("PRAC-1") == rec  # nothing recorded
    longer = cooldown(90, T0 + timedelta(seconds=2))
    assert locks.start(longer, make.lockout(T0, "PRAC-1", FREQ, "cooldown", None, longer.until, "x"))
    assert queue.get(unlock_key("PRAC-1", FREQ, "account")).at == longer.until  # type: ignore[union-attr]
    assert locks.active("PRAC-1") == [longer] and store.active_lockouts() == [longer]


def test_unlock_journals_cancels_the_end_and_forgets_the_spared_fill() -> None:
    locks, store, queue, journal, make = parts()
    rec = cooldown(60)
    locks.start(rec, make.lockout(T0, "PRAC-1", FREQ, "cooldown", None, rec.until, "3/3"))
    st = AccountState(1, "PRAC-1", ContractBook.builtin())
    locks.spared.at_lock(st, {MNQ: 1}, set())
    assert store.spared_fills() == [("PRAC-1", MNQ, 1)]
    at = T0 + timedelta(seconds=20)
    locks.unlock("PRAC-1", FREQ, "account", at)
    assert not locks.is_locked("PRAC-1") and store.active_lockouts() == [] and store.spared_fills() == []
    assert queue.get(unlock_key("PRAC-1", FREQ, "account")) is None
    assert journal.records[-1] == record_dict(make.unlock(at, "PRAC-1", FREQ, None))
    assert locks.held_at("PRAC-1", FREQ, T0 + timedelta(seconds=10))  # a late event is still judged by it
    assert not locks.held_at("PRAC-1", FREQ, at)
    locks.unlock("PRAC-1", FREQ, "account", at)  # not active: nothing more
    assert types(journal) == ["lockout", "unlock"]


def test_restore_rearms_a_running_lockout_and_ends_an_expired_one_at_its_own_time() -> None:
    locks, _, queue, journal, _ = parts()
    now = T0 + timedelta(seconds=45)
    running, expired = cooldown(60), cooldown(30, account="PRAC-2")
    active, released = locks.restore_all([running, expired], now, lambda _a, _r: True)
    assert (active, released) == ([running], [])
    assert locks.is_locked("PRAC-1") and not locks.is_locked("PRAC-2")
    assert queue.get(unlock_key("PRAC-1", FREQ, "account")).at == running.until  # type: ignore[union-attr]
    assert [(r["type"], r["account"]) for r in journal.records] == [("unlock", "PRAC-2")]
    assert locks.held_at("PRAC-2", FREQ, T0 + timedelta(seconds=29))  # ran until its own end, not now
    assert not locks.held_at("PRAC-2", FREQ, T0 + timedelta(seconds=30))


def test_a_symbol_block_lasts_only_while_it_is_configured() -> None:
    locks, store, _, journal, _ = parts()
    store.put_lockout(block("CL"))
    store.put_lockout(block("NG"))
    blocked = {("PRAC-1", "NG")}
    active, released = locks.restore_all(store.active_lockouts(), T0, lambda a, r: (a, r) in blocked)
    assert [r.symbol for r in active] == ["NG"] and [r.symbol for r in released] == ["CL"]
    assert [(r["type"], r.get("symbol")) for r in journal.records] == [("unlock", "CL")]
    assert [r.symbol for r in store.active_lockouts()] == ["NG"]
    assert locks.has("PRAC-1", "symbol_blocks", "NG") and not locks.is_locked("PRAC-1")  # symbol scope only
    blocked.clear()  # a reload unblocks NG
    locks.release_symbol_blocks("PRAC-1", lambda a, r: (a, r) in blocked, T0 + timedelta(minutes=1))
    assert not locks.active("PRAC-1") and store.active_lockouts() == []
    assert [r.get("symbol") for r in journal.records] == ["CL", "NG"]


def test_restore_spared_keeps_only_the_fills_of_locked_accounts() -> None:
    locks, store, _, _, _ = parts()
    store.put_spared("PRAC-1", MNQ, 2)
    store.put_spared("PRAC-2", MNQ, -1)
    locks.restore_all([cooldown(60)], T0, lambda _a, _r: True)
    assert locks.restore_spared(store.spared_fills()) == [("PRAC-1", MNQ, 2)]
    assert store.spared_fills() == [("PRAC-1", MNQ, 2)]  # PRAC-2 is not locked: its record is gone
    st = AccountState(1, "PRAC-1", ContractBook.builtin())
    own = PositionEvent(T0, 1, MNQ, PositionType.LONG, 2, 21000.0)
    assert locks.kill_switch(st, own, st.apply(own, True)) == []  # the spared position itself
    more = PositionEvent(T0, 1, MNQ, PositionType.LONG, 3, 21000.0)
    kills = locks.kill_switch(st, more, st.apply(more, True))
    assert [(v.rule, v.action, v.to_size) for v in kills] == [(FREQ, "reduce_position", 2)]
