"""Events evaluated at their own timestamp when they arrive late (a reconcile after a gap)."""

from datetime import UTC, datetime, timedelta

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
