"""Events evaluated at their own timestamp when they arrive late (a reconcile after a gap)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from replay_helpers import config

from risk_manager.config import load_config_text
from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import PositionType, Side
from risk_manager.domain.events import PositionEvent, TradeEvent
from risk_manager.engine.engine import Engine
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal

MNQ = catalogue_contract("MNQ").id
DAILY = "  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: false}\n"
COOL = "  cooldown_after_loss:\n    enabled: true\n    tiers: [{loss: -50, cooldown: 5m}]\n"
T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 09:00 CT


def engine(rules: str) -> tuple[ListJournal, Engine]:
    journal = ListJournal()
    eng = build_engine(load_config_text(config(rules)), journal)
    eng.start(T0)
    eng.add_account(1, "PRAC-1")
    return journal, eng


def loss(tid: int, at: datetime, pnl: float) -> TradeEvent:
    return TradeEvent(at, 1, tid, MNQ, 21000.0, pnl, 0.0, Side.SELL, 1, 100 + tid)


def test_cooldown_that_already_ended_is_journaled_but_not_started() -> None:
    journal, eng = engine(COOL)
    eng.handle(loss(1, T0, -80.0), now=T0 + timedelta(minutes=10))  # seen 10 min late
    locks = [r for r in journal.records if r["type"] == "lockout"]
    assert len(locks) == 1 and locks[0]["until"] == "2026-11-20T09:05:00-06:00"
    assert not eng.locks.is_locked("PRAC-1")


def test_daily_limit_crossed_during_a_gap_still_locks() -> None:
    _, eng = engine(DAILY)
    eng.handle(loss(1, T0, -60.0), now=T0 + timedelta(minutes=10))
    eng.handle(loss(2, T0 + timedelta(minutes=1), -60.0), now=T0 + timedelta(minutes=10))
    assert eng.locks.is_locked("PRAC-1")


def test_a_trade_seen_twice_never_counts_twice() -> None:
    _, eng = engine(DAILY)
    for _ in range(3):
        eng.handle(loss(1, T0, -60.0))
    assert eng.states[1].realized == -60.0
    assert not eng.locks.is_locked("PRAC-1")


def test_a_trade_from_the_previous_trading_day_does_not_count_today() -> None:
    _, eng = engine(DAILY)
    yesterday = datetime(2026, 11, 19, 22, 30, tzinfo=UTC)  # 16:30 CT on the 19th: the previous trading day
    eng.handle(loss(1, yesterday, -500.0), now=T0)
    assert eng.states[1].realized == 0.0 and not eng.locks.is_locked("PRAC-1")


def test_position_update_before_its_trade_never_spares_a_later_fill() -> None:
    cool = "  cooldown_after_loss:\n    enabled: true\n    flatten_on_breach: false\n" \
           "    tiers: [{loss: -50, cooldown: 5m}]\n"
    _, eng = engine(cool)
    eng.handle(PositionEvent(T0, 1, MNQ, PositionType.LONG, 2, 21000.0))
    # the exit's position update arrives first, then its losing trade starts the cooldown
    eng.handle(PositionEvent(T0, 1, MNQ, PositionType.LONG, 1, 21000.0))
    eng.handle(loss(1, T0, -80.0))
    assert eng.locks.is_locked("PRAC-1")
    acts = eng.handle(PositionEvent(T0 + timedelta(seconds=5), 1, MNQ, PositionType.LONG, 3, 21000.0))
    assert [(a.kind, a.from_size, a.to_size) for a in acts] == [("reduce_position", 3, 1)]


# ---- issue 12.2 / 12.3 / 12.4: late events meet the lockouts of their own time; the spared fill ----------
MES = catalogue_contract("MES").id
FREQ = ("  trade_frequency_limit:\n    enabled: true\n    per_minute: 3\n"
        "    cooldown: {per_minute: 10s}\n")


def entry(tid: int, at: datetime, size: int = 1) -> TradeEvent:
    return TradeEvent(at, 1, tid, MES, 6000.0, None, 0.0, Side.BUY, 1, 200 + tid)


def long_mes(at: datetime, size: int) -> PositionEvent:
    return PositionEvent(at, 1, MES, PositionType.LONG, size, 6000.0)


def test_12_2_a_loss_first_seen_after_its_cooldown_ended_neither_locks_nor_flattens() -> None:
    short = "  cooldown_after_loss:\n    enabled: true\n    tiers: [{loss: -40, cooldown: 5s}]\n"
    journal, eng = engine(short)
    restart = T0 + timedelta(seconds=15)
    # at a restart the reconcile judges the day's trades first, then the positions (bought at +7 s, after
    # the cooldown would have ended)
    acts = eng.handle(TradeEvent(T0, 1, 9, MES, 6000.0, -49.0, 0.0, Side.SELL, 1, 90), now=restart)
    assert acts == [] and not eng.locks.is_locked("PRAC-1")
    assert eng.handle(long_mes(restart, 1), now=restart) == []
    kinds = [r["type"] for r in journal.records]
    assert kinds == ["violation", "lockout"]  # journaled, not started, no flatten
    assert journal.records[0]["at"] == "2026-11-20T09:00:00-06:00"  # the violation: the trade's own time
    assert journal.records[1]["at"] == "2026-11-20T09:00:15-06:00"  # the lockout: the decision's time
    assert journal.records[1]["until"] == "2026-11-20T09:00:05-06:00"


def test_12_3_a_late_entry_inside_an_expired_restored_cooldown_sits_out() -> None:
    from risk_manager.store.records import LockoutRecord

    journal, eng = engine(FREQ)
    st = eng.states[1]
    for i in range(3):  # the day's entries before the kill (seeded at start-up, not judged again)
        st.apply(entry(i, T0 + timedelta(seconds=i)), True)
    rec = LockoutRecord("PRAC-1", "trade_frequency_limit", "account", "cooldown",
                        T0 + timedelta(seconds=12), "3/3 trades this minute", T0 + timedelta(seconds=2))
    restart = T0 + timedelta(seconds=12, milliseconds=500)
    eng.locks.restore(rec, restart)  # expired during the downtime
    assert not eng.locks.is_locked("PRAC-1")
    acts = eng.handle(entry(3, T0 + timedelta(seconds=3)), now=restart)  # the 4th entry, inside it
    assert acts == [] and not eng.locks.is_locked("PRAC-1")
    assert [r["type"] for r in journal.records] == ["unlock"]
    # a 4th entry after that cooldown ended is judged (and counts 4 in the minute)
    eng.handle(entry(4, T0 + timedelta(seconds=12, milliseconds=100)), now=restart)
    assert eng.locks.is_locked("PRAC-1")


def test_12_3_ended_lockouts_are_forgotten_at_the_reset() -> None:
    _, eng = engine(FREQ)
    for i in range(3):
        eng.handle(entry(i, T0 + timedelta(seconds=i)))
    assert eng.locks.is_locked("PRAC-1")
    while (d := eng.pop_due(T0 + timedelta(hours=9))) is not None:  # the unlock, then the 17:00 reset
        eng.fire(d)
    assert not eng.locks.held_at("PRAC-1", "trade_frequency_limit", T0 + timedelta(seconds=5))


def test_12_4_the_spared_fill_stays_spared_after_a_restart() -> None:
    from risk_manager.daemon.startup import restore_lockouts
    from risk_manager.store import Store

    cfg = load_config_text(config(FREQ))
    store = Store.open(":memory:")
    live = build_engine(cfg, ListJournal(), store=store)
    live.start(T0)
    live.add_account(1, "PRAC-1")
    for i in range(3):  # the 3rd entry starts the cooldown without a flatten: its fill is allowed
        at = T0 + timedelta(seconds=i)
        assert live.handle(entry(i, at), at) == []
        assert live.handle(long_mes(at, i + 1), at) == []
    assert live.locks.is_locked("PRAC-1")
    # kill; restart 2 s later, still inside the cooldown: the reconcile reports the position
    now = T0 + timedelta(seconds=4)
    journal = ListJournal()
    eng = build_engine(cfg, journal, store=store)
    eng.start(now)
    restore_lockouts(eng, store, now, cfg)
    eng.add_account(1, "PRAC-1")
    assert eng.locks.is_locked("PRAC-1")
    assert eng.handle(long_mes(now, 3), now) == []  # spared, as live
    assert not [r for r in journal.records if r["type"] == "action"]
    # the trader adds while locked: the kill switch takes back what he added, not the spared fill
    acts = eng.handle(long_mes(now + timedelta(seconds=1), 4), now + timedelta(seconds=1))
    assert [(a.kind, a.from_size, a.to_size) for a in acts] == [("reduce_position", 4, 3)]


def test_12_4_a_position_grown_while_down_is_reduced_to_the_spared_fill() -> None:
    from risk_manager.daemon.startup import restore_lockouts
    from risk_manager.store import Store

    cfg = load_config_text(config(FREQ))
    store = Store.open(":memory:")
    live = build_engine(cfg, ListJournal(), store=store)
    live.start(T0)
    live.add_account(1, "PRAC-1")
    for i in range(3):
        at = T0 + timedelta(seconds=i)
        live.handle(entry(i, at), at)
        live.handle(long_mes(at, i + 1), at)
    now = T0 + timedelta(seconds=4)
    eng = build_engine(cfg, ListJournal(), store=store)
    eng.start(now)
    restore_lockouts(eng, store, now, cfg)
    eng.add_account(1, "PRAC-1")
    acts = eng.handle(long_mes(now, 5), now)
    assert [(a.kind, a.from_size, a.to_size) for a in acts] == [("reduce_position", 5, 3)]
    # once the cooldown ends the record is gone: a later restart spares nothing
    while (d := eng.pop_due(T0 + timedelta(seconds=13))) is not None:
        eng.fire(d)
    assert store.spared_fills() == []


def test_an_extended_lockout_still_covers_late_events_from_its_first_start() -> None:
    from risk_manager.store.records import LockoutRecord

    _, eng = engine(FREQ)
    first = LockoutRecord("PRAC-1", "trade_frequency_limit", "account", "cooldown",
                          T0 + timedelta(seconds=10), "first", T0)
    longer = LockoutRecord("PRAC-1", "trade_frequency_limit", "account", "cooldown",
                           T0 + timedelta(seconds=30), "longer", T0 + timedelta(seconds=5))
    assert eng.locks.book.add(first) and eng.locks.book.add(longer)
    eng.locks.book.remove("PRAC-1", "trade_frequency_limit", "account", T0 + timedelta(seconds=30))
    for s in (0, 3, 7, 29):
        assert eng.locks.held_at("PRAC-1", "trade_frequency_limit", T0 + timedelta(seconds=s))
    assert not eng.locks.held_at("PRAC-1", "trade_frequency_limit", T0 + timedelta(seconds=30))


def _restart(cfg_rules: str, live_events: list[TradeEvent | PositionEvent],
             now: datetime) -> tuple[Engine, Any]:
    """Judge ``live_events`` on an engine with a store (its actions never executed: killed before they
    landed), then start a new engine on that store as the daemon does."""
    from risk_manager.daemon.startup import restore_lockouts
    from risk_manager.store import Store

    cfg = load_config_text(config(cfg_rules))
    store = Store.open(":memory:")
    live = build_engine(cfg, ListJournal(), store=store)
    live.start(T0)
    live.add_account(1, "PRAC-1")
    for ev in live_events:
        live.handle(ev, ev.at)
    eng = build_engine(cfg, ListJournal(), store=store)
    eng.start(now)
    restore_lockouts(eng, store, now, cfg)
    eng.add_account(1, "PRAC-1")
    return eng, store


def test_12_4_a_lockout_with_a_flatten_in_flight_at_a_crash_spares_nothing() -> None:
    flat = ("  trade_frequency_limit:\n    enabled: true\n    per_minute: 3\n"
            "    cooldown: {per_minute: 60s}\n    flatten_on_breach: true\n")
    events = [e for i in range(3)
              for e in (entry(i, T0 + timedelta(seconds=i)), long_mes(T0 + timedelta(seconds=i), i + 1))]
    eng, store = _restart(flat, events, T0 + timedelta(seconds=5))  # killed before the flatten landed
    assert store.spared_fills() == []
    acts = eng.handle(long_mes(T0 + timedelta(seconds=5), 3), T0 + timedelta(seconds=5))
    assert [a.kind for a in acts] == ["close_position"]


def test_12_4_what_was_held_when_a_no_flatten_cooldown_started_stays_after_a_restart() -> None:
    es = catalogue_contract("ES").id
    held = PositionEvent(T0, 1, es, PositionType.SHORT, 2, 6000.0)
    events: list[TradeEvent | PositionEvent] = [held]
    events += [e for i in range(3)
               for e in (entry(i, T0 + timedelta(seconds=i)), long_mes(T0 + timedelta(seconds=i), i + 1))]
    now = T0 + timedelta(seconds=5)
    eng, store = _restart(FREQ, events, now)
    assert sorted(store.spared_fills()) == [("PRAC-1", es, -2), ("PRAC-1", MES, 3)]
    assert eng.handle(PositionEvent(now, 1, es, PositionType.SHORT, 2, 6000.0), now) == []
    assert eng.handle(long_mes(now, 3), now) == []


def test_a_cooldown_judged_late_and_already_over_still_covers_the_late_events_inside_it() -> None:
    """Chaos run (seed 12): the 22nd entry of a minute, first seen at a restart after its 5 s cooldown had
    ended, was journaled but not started; the 23rd, 1 s later and inside that cooldown, then started a new
    one (the crash-free run sat it out). A lockout that is over by the time it is judged still ran then."""
    journal, eng = engine(FREQ)
    restart = T0 + timedelta(seconds=12, milliseconds=500)
    for i in range(3):  # the 3rd entry starts a 10 s cooldown that ended 0.5 s before the restart
        eng.handle(entry(i, T0 + timedelta(seconds=i)), now=restart)
    assert not eng.locks.is_locked("PRAC-1")
    acts = eng.handle(entry(3, T0 + timedelta(seconds=3)), now=restart)  # inside it: sits out
    assert acts == [] and not eng.locks.is_locked("PRAC-1")
    assert [r["until"] for r in journal.records if r["type"] == "lockout"] == ["2026-11-20T09:00:12-06:00"]
    # after it ended the rule judges again (5 entries in the minute: a new cooldown, running now)
    eng.handle(entry(4, T0 + timedelta(seconds=12, milliseconds=100)), now=restart)
    assert eng.locks.is_locked("PRAC-1")


def test_a_no_flatten_cooldown_started_by_a_gap_trade_spares_what_was_held_at_its_own_time() -> None:
    """Chaos run (seed 12): a frequency cooldown first judged at a restart (started by a trade of the gap)
    closed 2 NQ bought before it started: the fresh engine knew no position when it started (the snapshot's
    positions follow its trades), so what it held then looked opened while locked. Held at the lockout's
    own time = the position read now minus the fills after it; only what came after is taken back."""
    _, eng = engine(FREQ)
    now = T0 + timedelta(seconds=5)
    gap = [TradeEvent(T0, 1, 1, MNQ, 21000.0, None, 0.0, Side.BUY, 1, 201),
           TradeEvent(T0 + timedelta(seconds=1), 1, 2, MES, 6000.0, None, 0.0, Side.BUY, 1, 202),
           TradeEvent(T0 + timedelta(seconds=2), 1, 3, MES, 6000.0, None, 0.0, Side.BUY, 1, 203),  # 3/3
           TradeEvent(T0 + timedelta(seconds=3), 1, 4, MNQ, 21000.0, None, 0.0, Side.BUY, 1, 204)]  # inside
    for t in gap:
        assert eng.handle(t, now, late=True) == []
    assert eng.locks.is_locked("PRAC-1")
    assert eng.handle(long_mes(now, 2), now, late=True) == []  # held when it started: spared
    acts = eng.handle(PositionEvent(now, 1, MNQ, PositionType.LONG, 2, 21000.0), now, late=True)
    assert [(a.kind, a.from_size, a.to_size) for a in acts] == [("reduce_position", 2, 1)]


def test_a_cooldown_that_ended_before_a_crash_still_covers_a_late_entry_after_the_restart() -> None:
    """Chaos run (CI, seed 12): a frequency cooldown ended live (its timer fired, the store row went), the
    daemon was killed, and an entry made just before that end, never seen live, was judged at the restart:
    the ended cooldown was forgotten, so it started a lockout of its own and the lockouts drifted from the
    crash-free run. The day's ended lockouts are kept in the store and known again after a restart."""
    from risk_manager.daemon.startup import restore_lockouts
    from risk_manager.store import Store

    cfg = load_config_text(config(FREQ))
    store = Store.open(":memory:")
    live = build_engine(cfg, ListJournal(), store=store)
    live.start(T0)
    live.add_account(1, "PRAC-1")
    for i in range(3):  # the 3rd entry starts a 10 s cooldown, which ends live at +12 s
        live.handle(entry(i, T0 + timedelta(seconds=i)), T0 + timedelta(seconds=i))
    while (d := live.pop_due(T0 + timedelta(seconds=13))) is not None:
        live.fire(d)
    assert not live.locks.is_locked("PRAC-1")
    now = T0 + timedelta(seconds=20)  # killed, restarted
    journal = ListJournal()
    eng = build_engine(cfg, journal, store=store)
    eng.start(now)
    restore_lockouts(eng, store, now, cfg)
    eng.add_account(1, "PRAC-1")
    for i in range(3):
        eng.states[1].apply(entry(i, T0 + timedelta(seconds=i)), True)  # seeded from the store
    assert eng.handle(entry(3, T0 + timedelta(seconds=11)), now, late=True) == []  # inside it: sits out
    assert [r["type"] for r in journal.records] == []


def test_a_lockout_stored_but_not_journaled_before_a_kill_is_journaled_at_the_restart() -> None:
    """Chaos run: the lockout is stored before anything acts; its journal record is committed after the
    first broker calls. A kill in between (seen 0-15 ms after a fill) left a lockout the journal never
    showed. The restart journals it, once, its reason saying so."""
    from risk_manager.daemon.startup import RECOVERED, restore_lockouts
    from risk_manager.store import Store
    from risk_manager.store.records import LockoutRecord

    cfg = load_config_text(config(FREQ))
    store = Store.open(":memory:")
    lost = LockoutRecord("PRAC-1", "trade_frequency_limit", "account", "cooldown", T0 + timedelta(seconds=12),
                         "3/3 trades this minute", T0 + timedelta(seconds=2))
    store.put_lockout(lost)
    now = T0 + timedelta(seconds=5)
    for _ in range(2):
        journal = ListJournal()
        eng = build_engine(cfg, journal, store=store)
        eng.start(now)
        restore_lockouts(eng, store, now, cfg)
        for r in journal.records:
            store.append_journal(r)
    locks = store.journaled_lockouts("PRAC-1")
    assert len(locks) == 1 and locks[0]["reason"] == f"3/3 trades this minute {RECOVERED}"
    assert locks[0]["until"] == "2026-11-20T09:00:12-06:00"


def test_12_4_a_spared_position_that_shrank_stays_spared_after_a_restart() -> None:
    """Chaos seed 1: NQ 4 held when a frequency cooldown started (spared), reduced to 2 by the
    per-instrument limit; killed; at the restart, still in the cooldown, NQ 2 was closed as if opened."""
    from risk_manager.daemon.startup import restore_lockouts
    from risk_manager.store import Store

    cfg = load_config_text(config(FREQ))
    store = Store.open(":memory:")
    live = build_engine(cfg, ListJournal(), store=store)
    live.start(T0)
    live.add_account(1, "PRAC-1")
    for i in range(3):  # the 3rd entry starts the cooldown: MES 3 spared
        at = T0 + timedelta(seconds=i)
        live.handle(entry(i, at), at)
        live.handle(long_mes(at, i + 1), at)
    at = T0 + timedelta(seconds=3)
    assert live.handle(long_mes(at, 2), at) == []  # an exit (the trader's, or a daemon's reduction)
    now = T0 + timedelta(seconds=5)  # kill; restart inside the cooldown
    eng = build_engine(cfg, ListJournal(), store=store)
    eng.start(now)
    restore_lockouts(eng, store, now, cfg)
    eng.add_account(1, "PRAC-1")
    assert eng.handle(long_mes(now, 2), now) == []  # still what was held when it started: spared
    # growing it again while locked is taken back to what is spared
    acts = eng.handle(long_mes(now + timedelta(seconds=1), 3), now + timedelta(seconds=1))
    assert [(a.kind, a.from_size, a.to_size) for a in acts] == [("reduce_position", 3, 2)]


def test_12_4_a_flip_that_starts_the_cooldown_is_spared_whole() -> None:
    """Chaos seed 1: short 3 MNQ, buy 5 -> two trades (3 closing, 2 opening: the entry that starts the
    frequency cooldown), then one position update (+2). The spared size was taken from the second trade
    alone (-3 + 2 = -1), so the +2 update looked opened while locked and was closed."""
    _, eng = engine(FREQ)

    def trade(tid: int, side: Side, size: int, pnl: float | None, ms: int, oid: int = 0) -> TradeEvent:
        at = T0 + timedelta(milliseconds=ms)
        return TradeEvent(at, 1, tid, MES, 6000.0, pnl, 0.0, side, size, oid or tid)

    def pos(size: int, ms: int) -> PositionEvent:
        kind = PositionType.LONG if size > 0 else PositionType.SHORT
        return PositionEvent(T0 + timedelta(milliseconds=ms), 1, MES, kind, abs(size), 6000.0)

    eng.handle(trade(1, Side.SELL, 1, None, 0))
    eng.handle(pos(-1, 0))
    eng.handle(trade(2, Side.SELL, 2, None, 100))
    eng.handle(pos(-3, 100))
    assert eng.handle(trade(3, Side.BUY, 3, 0.0, 200, oid=3)) == []  # order 3's closing leg
    assert eng.handle(trade(4, Side.BUY, 2, None, 200, oid=3)) == []  # its opening leg: 3rd entry, cooldown
    assert eng.locks.is_locked("PRAC-1")
    assert eng.handle(pos(2, 200)) == []  # the fill that started it: spared
    acts = eng.handle(pos(3, 300))  # a later add while locked is taken back
    assert [(a.kind, a.from_size, a.to_size) for a in acts] == [("reduce_position", 3, 2)]


def test_a_loss_cooldown_judged_late_flattens_before_the_gaps_positions_are_known() -> None:
    """A reconcile judges the gap's trades before its positions: a losing trade inside a flattening
    cooldown that still runs, closing the only position the engine knew, found it flat and dropped the
    flatten; what the trader opened in the gap arrived afterwards (chaos seed 1: MES 2 and MNQ 2 held under a
    loss cooldown, spared by a frequency cooldown also started in the gap)."""
    cool = "  cooldown_after_loss:\n    enabled: true\n    tiers: [{loss: -50, cooldown: 5m}]\n"
    _, eng = engine(cool)
    eng.handle(PositionEvent(T0, 1, MNQ, PositionType.LONG, 1, 21000.0))
    gap_end = T0 + timedelta(seconds=3)
    acts = eng.handle(loss(1, T0 + timedelta(seconds=1), -80.0), now=gap_end, late=True)
    assert [a.kind for a in acts] == ["flatten"]
    # live, the loss that closes the only position leaves nothing to flatten
    _, live = engine(cool)
    live.handle(PositionEvent(T0, 1, MNQ, PositionType.LONG, 1, 21000.0))
    assert live.handle(loss(1, T0 + timedelta(seconds=1), -80.0)) == []


def test_a_gap_trade_with_no_position_update_after_it_never_sizes_a_later_fill() -> None:
    """Chaos seed 1: MNQ 3 held before a kill was sold in the gap (flat: no position row, no update after
    it); a later buy of 5 from flat started a frequency cooldown and was spared as 5 - 3 = 2, so the kill
    switch reduced the fill that started the cooldown to 2. Only the legs of a fill's own order count."""
    _, eng = engine(FREQ)
    restart = T0 + timedelta(seconds=2)
    eng.handle(entry(1, T0), now=restart, late=True)
    eng.handle(TradeEvent(T0, 1, 2, MNQ, 21000.0, 0.0, 0.0, Side.SELL, 3, 50), now=restart, late=True)
    eng.handle(entry(3, T0 + timedelta(seconds=1)), now=restart, late=True)
    eng.handle(long_mes(restart, 2), now=restart, late=True)
    at = restart + timedelta(seconds=1)
    assert eng.handle(TradeEvent(at, 1, 4, MNQ, 21000.0, None, 0.0, Side.BUY, 5, 60)) == []  # 3rd entry
    assert eng.locks.is_locked("PRAC-1")
    assert eng.handle(PositionEvent(at, 1, MNQ, PositionType.LONG, 5, 21000.0)) == []  # spared whole
