"""Notification texts: one short line per record worth a message, None for journal noise."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from risk_manager.engine.record_types import JournalRecord, record_dict
from risk_manager.engine.records import Record, RecordMaker
from risk_manager.notify.messages import MAX_CHARS, describe

CT = ZoneInfo("America/Chicago")
AT = datetime(2026, 11, 20, 10, 15, tzinfo=CT)
RESET = datetime(2026, 11, 20, 17, 0, tzinfo=CT)
MAKE = RecordMaker(CT)


def js(rec: JournalRecord) -> Record:
    """A record as the notifier receives it (a journal listener): its JSON object."""
    return record_dict(rec)


def test_lockout_names_rule_reason_and_until_in_the_schedule_zone() -> None:
    rec = js(MAKE.lockout(AT, "PRAC-1", "daily_realized_loss", "hard", None, RESET,
                       "daily P&L -512.50 <= limit -500.00"))
    assert describe(rec, CT) == ("PRAC-1 LOCKED until 17:00 CT by daily_realized_loss: "
                                 "daily P&L -512.50 <= limit -500.00")


def test_lockout_variants() -> None:
    cooldown = js(MAKE.lockout(AT, "PRAC-1", "trade_frequency_limit", "cooldown", None,
                            datetime(2026, 11, 20, 10, 16, tzinfo=CT), "3/3 trades this minute"))
    assert describe(cooldown, CT) == ("PRAC-1 COOLDOWN until 10:16 CT by trade_frequency_limit: "
                                      "3/3 trades this minute")
    block = js(MAKE.lockout(AT, "PRAC-1", "symbol_blocks", "hard", "CL", None, "CL is blocked"))
    assert describe(block, CT) == (
        "PRAC-1 CL BLOCKED until the condition clears by symbol_blocks: CL is blocked")
    tomorrow = js(MAKE.lockout(AT, "PRAC-1", "daily_realized_loss", "hard", None,
                            datetime(2026, 11, 23, 17, 0, tzinfo=CT), "x"))
    assert "until Mon 2026-11-23 17:00 CT by" in (describe(tomorrow, CT) or "")
    # without a zone the record's own offset is kept (no guess at a name)
    assert "until 17:00 by daily_realized_loss" in (describe(tomorrow | {"until": RESET.isoformat()}) or "")


def test_position_actions() -> None:
    flat = js(MAKE.action(AT, "PRAC-1", "daily_realized_loss", "flatten"))
    assert describe(flat) == "PRAC-1 FLATTENING all positions (daily_realized_loss)"
    close = js(MAKE.action(AT, "PRAC-1", "daily_unrealized_loss", "close_position", symbol="MNQ"))
    assert describe(close) == "PRAC-1 CLOSING MNQ (daily_unrealized_loss)"
    reduce = js(MAKE.action(AT, "PRAC-1", "max_contracts", "reduce_position", symbol="MNQ",
                         **{"from": 4, "to": 2}))
    assert describe(reduce) == "PRAC-1 REDUCING MNQ 4 -> 2 (max_contracts)"
    dry = js(RecordMaker(CT, dry_run=True).action(AT, "PRAC-1", "daily_realized_loss", "flatten"))
    assert describe(dry) == "[dry run] PRAC-1 FLATTENING all positions (daily_realized_loss)"


def test_alerts_connection_warning_unlock() -> None:
    alert = {"at": AT.isoformat(), "type": "alert", "level": "critical", "account": "PRAC-1",
             "rule": "daily_realized_loss", "action": "flatten", "message": "flatten: still not done"}
    assert describe(alert) == "ALERT PRAC-1 daily_realized_loss: flatten: still not done"
    assert describe({"type": "alert", "level": "critical", "message": "database restored"}) == (
        "ALERT risk-manager: database restored")
    assert describe(alert | {"level": "warning"}) is None
    lost = {"type": "connection_lost", "state": "DOWN", "reason": "user hub closed"}
    assert describe(lost) == "NOT MONITORED: connection to the gateway lost [DOWN] (user hub closed)"
    back = {"type": "connection_restored", "down_seconds": 12.4, "reason": "reconnected"}
    assert describe(back) == "Monitored again: connection to the gateway restored after 12 s"
    warn = js(MAKE.warning(AT, "PRAC-1", "daily_realized_loss", 0.8234))
    assert describe(warn) == "PRAC-1 WARNING: daily_realized_loss at 82% of its limit"
    breach = js(MAKE.warning(AT, "PRAC-1", "max_contracts", 1.0))
    assert describe(breach) is None  # a breach: its action says it
    assert describe(js(MAKE.unlock(AT, "PRAC-1", "trade_frequency_limit", None))) == (
        "PRAC-1 unlocked: trade_frequency_limit")
    block = js(MAKE.unlock(AT, "PRAC-1", "symbol_blocks", "CL"))
    assert describe(block) == "PRAC-1 CL unlocked: symbol_blocks"


@pytest.mark.parametrize("rec", [
    js(MAKE.violation(AT, "PRAC-1", "daily_realized_loss", "daily P&L -512.50", None)),
    js(MAKE.action(AT, "PRAC-1", "trade_frequency_limit", "cancel_entry_orders", order_ids=[1])),
    js(MAKE.action(AT, "PRAC-1", "no_stop_loss_grace", "modify_stop", order_id=1, stop=1.0)),
    js(MAKE.action(AT, "PRAC-1", "max_contracts", "flatten")) | {"type": "result", "ok": True},
    js(MAKE.reset(AT, date(2026, 11, 21))),
    {"type": "daemon_started", "accounts": ["PRAC-1"]},
    {"type": "daemon_stopped"},
    {"type": "summary"},
    {},
])
def test_noise_is_not_sent(rec: dict[str, object]) -> None:
    assert describe(rec) is None


def test_odd_fields_never_raise_and_long_texts_are_cut() -> None:
    assert describe({"type": "lockout", "until": "not a time", "at": None}) == (
        "risk-manager LOCKED until not a time by None")
    assert describe({"type": "warning", "utilization": "x"}) == "risk-manager WARNING: None at ? of its limit"
    long = describe({"type": "alert", "level": "critical", "message": "x" * 5000}) or ""
    assert len(long) == MAX_CHARS and long.endswith("…")
