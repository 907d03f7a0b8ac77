"""A reload applied live: new limits act at once, lockouts are never shortened, unblocked symbols unlock."""

from datetime import UTC, datetime, timedelta

from replay_helpers import config

from risk_manager.config import load_config_text
from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import OrderEvent, PositionEvent, TradeEvent
from risk_manager.engine.factory import build_engine
from risk_manager.engine.reconfigure import reconfigure
from risk_manager.engine.records import ListJournal

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
MNQ, CL = catalogue_contract("MNQ").id, catalogue_contract("CL").id


def test_new_limit_applies_and_active_cooldown_keeps_its_end() -> None:
    cool = ("  cooldown_after_loss:\n    enabled: true\n    flatten_on_breach: false\n"
            "    tiers: [{loss: -50, cooldown: 30m}]\n")
    journal = ListJournal()
    eng = build_engine(load_config_text(config(cool)), journal)
    eng.start(T0)
    eng.add_account(1, "PRAC-1")
    eng.handle(TradeEvent(T0, 1, 1, MNQ, 21000.0, -80.0, 0.0, Side.SELL, 1, 7))
    until = eng.locks.ending_last("PRAC-1").until  # type: ignore[union-attr]
    tighter = cool.replace("30m", "1m") + "  max_contracts: {enabled: true, limit: 1}\n"
    reconfigure(eng, load_config_text(config(tighter)), T0 + timedelta(seconds=5))
    assert eng.locks.ending_last("PRAC-1").until == until  # type: ignore[union-attr]
    acts = eng.handle(PositionEvent(T0 + timedelta(seconds=10), 1, CL, PositionType.LONG, 3, 70.0))
    assert [a.kind for a in acts] == ["close_position"]  # the kill switch: still locked
    assert [r["rule"] for r in journal.records if r["type"] == "violation"][-1] == "max_contracts"


def test_symbol_no_longer_blocked_is_unlocked_and_warn_at_changes() -> None:
    blocked = "  symbol_blocks: {enabled: true, blocked: [CL]}\n"
    journal = ListJournal()
    eng = build_engine(load_config_text(config(blocked)), journal)
    eng.start(T0)
    eng.add_account(1, "PRAC-1")
    eng.handle(OrderEvent(T0, 1, 5, CL, OrderStatus.OPEN, OrderType.LIMIT, Side.BUY, 1, limit_price=60.0))
    assert eng.locks.has("PRAC-1", "symbol_blocks", "CL")
    reconfigure(eng, load_config_text(config("  symbol_blocks: {enabled: true, blocked: [GC]}\n",
                                             "enforcement: {warn_at: 0.5}\n")), T0 + timedelta(seconds=1))
    assert not eng.locks.has("PRAC-1", "symbol_blocks", "CL")
    assert journal.records[-1]["type"] == "unlock" and journal.records[-1]["symbol"] == "CL"
    assert eng.warnings.warn_at == 0.5
