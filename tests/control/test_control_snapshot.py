"""build_snapshot on a real engine: badge transitions, lockouts with time left, P&L, positions, rule lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from control_helpers import (
    T0,
    close_long,
    config,
    engine,
    later,
    open_long,
    quote,
    run_until,
    stop_order,
)

from risk_manager.config import Config
from risk_manager.control.snapshot import build_snapshot
from risk_manager.domain.events import AccountEvent
from risk_manager.engine.engine import Engine

Json = dict[str, Any]

DAILY = "  daily_realized_loss: {enabled: true, limit: -500, include_unrealized: false}\n"
FREQ = "  trade_frequency_limit: {enabled: true, per_hour: 3}\n"
COOL = "  cooldown_after_loss: {enabled: true, tiers: [{loss: -100, cooldown: 5m}]}\n"
MAXC = "  max_contracts: {enabled: true, limit: 5}\n"
AUTH = "  auth_loss_guard: {enabled: true}\n"


def snap(eng: Engine, cfg: Config, now: datetime, started_at: datetime = T0) -> Json:
    return build_snapshot(eng, cfg, "CONNECTED", now, started_at=started_at, clocked_in={})


def account(s: Json) -> Json:
    return dict(s["accounts"][0])


def rule(acct: Json, name: str) -> Json:
    return dict(next(r for r in acct["rules"] if r["rule"] == name))


def test_fresh_account_is_ok_with_every_rule_listed_and_json_ready() -> None:
    cfg = config(DAILY + MAXC)
    eng, _ = engine(cfg)
    s = snap(eng, cfg, T0)
    json.dumps(s)  # JSON-ready: no datetimes or other objects left
    a = account(s)
    assert (a["name"], a["id"], a["badge"], a["lockouts"], a["can_trade"]) == ("PRAC-1", 1, "OK", [], True)
    assert [r["id"] for r in a["rules"]] == [f"{i:03d}" for i in range(1, 18)]
    assert rule(a, "max_contracts")["text"] == "0/5 contracts (net)"
    assert rule(a, "daily_realized_loss")["text"] == "daily realized P&L 0.00 / -500.00"
    assert rule(a, "symbol_blocks") == {"rule": "symbol_blocks", "id": "011", "enabled": False,
                                        "utilization": None, "state": "ok", "text": "off"}
    assert a["pnl"]["loss_limit"] == -500.0 and a["pnl"]["profit_target"] is None
    assert s["daemon"] == {"state": "PROTECTED", "link": "CONNECTED", "mode": "enforce",
                           "started_at": "2026-11-20T09:00:00-06:00", "uptime_seconds": 0, "problems": []}


def test_warning_when_a_rule_reaches_warn_at() -> None:
    cfg = config(DAILY)
    eng, _ = engine(cfg)
    open_long(eng, T0, 1)
    close_long(eng, later(1), 2, pnl=-420.0)
    a = account(snap(eng, cfg, later(2)))
    assert a["badge"] == "WARNING"
    assert "daily_realized_loss at 84%" in a["badge_reason"]
    row = rule(a, "daily_realized_loss")
    assert (row["state"], row["utilization"], row["text"]) == (
        "warning", 0.84, "daily realized P&L -420.00 / -500.00")
    assert a["pnl"]["realized"] == -420.0 and a["pnl"]["utilization"] == 0.84


def test_cooldown_counts_down_then_warning_remains_while_the_hour_is_full() -> None:
    cfg = config(FREQ + MAXC)
    eng, _ = engine(cfg)
    for i in range(3):
        open_long(eng, later(i), i + 1, total=i + 1)
    a = account(snap(eng, cfg, later(4)))
    assert a["badge"] == "COOLDOWN"
    (lock,) = a["lockouts"]
    assert (lock["rule"], lock["kind"], lock["scope"], lock["until"]) == (
        "trade_frequency_limit", "cooldown", "account", "2026-11-20T09:32:00-06:00")
    assert lock["remaining_seconds"] == 28 * 60
    assert rule(a, "trade_frequency_limit")["text"] == "3/3 trades this hour [COOLDOWN 28m]"
    assert rule(a, "trade_frequency_limit")["state"] == "locked"
    assert rule(a, "max_contracts")["text"] == "3/5 contracts (net)"
    # rounds up: half a second before the end there is still "1 s" left, never 0 while locked
    half = datetime(2026, 11, 20, 15, 31, 59, 500000, tzinfo=UTC)
    assert account(snap(eng, cfg, half))["lockouts"][0]["remaining_seconds"] == 1
    run_until(eng, later(33))
    a = account(snap(eng, cfg, later(33)))
    assert a["lockouts"] == [] and a["badge"] == "WARNING"  # 3/3 trades still inside the hour
    assert rule(a, "trade_frequency_limit")["text"] == "3/3 trades this hour"
    run_until(eng, later(63))
    assert account(snap(eng, cfg, later(63)))["badge"] == "OK"


def test_hard_lockout_beats_a_cooldown_and_is_listed_first_until_the_reset() -> None:
    cfg = config(DAILY + COOL)
    eng, _ = engine(cfg)
    open_long(eng, T0, 1)
    close_long(eng, later(1), 2, pnl=-600.0)
    a = account(snap(eng, cfg, later(2)))
    assert a["badge"] == "LOCKED" and a["badge_reason"].startswith("daily_realized_loss: ")
    assert [x["rule"] for x in a["lockouts"]] == ["daily_realized_loss", "cooldown_after_loss"]
    daily, cool = a["lockouts"]
    assert (daily["kind"], daily["until"]) == ("hard", "2026-11-20T17:00:00-06:00")
    assert daily["remaining_seconds"] == 8 * 3600 - 2 * 60
    assert (cool["kind"], cool["remaining_seconds"]) == ("cooldown", 4 * 60)
    assert rule(a, "cooldown_after_loss")["text"] == "a loss of -100.00 -> 5m [COOLDOWN 4m00s]"
    assert rule(a, "daily_realized_loss")["text"].endswith("[LOCKED 7h58m]")
    run_until(eng, later(10))  # the cooldown ends on its own; the hard lockout stays
    a = account(snap(eng, cfg, later(10)))
    assert a["badge"] == "LOCKED" and [x["rule"] for x in a["lockouts"]] == ["daily_realized_loss"]
    reset = datetime(2026, 11, 20, 23, 0, 1, tzinfo=UTC)  # 17:00:01 CST
    run_until(eng, reset)
    s = snap(eng, cfg, reset)
    assert account(s)["badge"] == "OK" and account(s)["pnl"]["realized"] == 0.0
    assert s["clock"]["trading_day"] == "2026-11-21"  # labelled by the reset that ends it


def test_condition_lockout_has_no_timer_and_ends_when_can_trade_returns() -> None:
    cfg = config(AUTH)
    eng, _ = engine(cfg)
    eng.handle(AccountEvent(later(1), 1, "PRAC-1", 50000.0, False))
    a = account(snap(eng, cfg, later(2)))
    assert a["badge"] == "LOCKED" and a["can_trade"] is False
    (lock,) = a["lockouts"]
    assert (lock["until"], lock["remaining_seconds"], lock["kind"]) == (None, None, "hard")
    assert rule(a, "auth_loss_guard")["text"] == "canTrade false [LOCKED until canTrade returns]"
    eng.handle(AccountEvent(later(3), 1, "PRAC-1", 50000.0, True))
    assert account(snap(eng, cfg, later(4)))["badge"] == "OK"


def test_symbol_block_is_listed_but_does_not_lock_the_account() -> None:
    cfg = config("  symbol_blocks: {enabled: true, blocked: [MNQ]}\n")
    eng, _ = engine(cfg)
    open_long(eng, T0, 1)
    a = account(snap(eng, cfg, later(1)))
    (lock,) = a["lockouts"]
    assert (lock["scope"], lock["symbol"], lock["remaining_seconds"]) == ("symbol", "MNQ", None)
    assert a["badge"] == "OK"
    assert rule(a, "symbol_blocks")["text"] == "blocked: MNQ [BLOCKED MNQ]"


def test_positions_and_pnl_follow_fills_quotes_and_stops() -> None:
    cfg = config("  daily_realized_loss: {enabled: true, limit: -500}\n"
                 "  daily_realized_profit: {enabled: true, target: 400}\n")
    eng, _ = engine(cfg)
    open_long(eng, T0, 1, size=2, fees=0.74)
    quote(eng, later(0, 30), 20990.0)  # long -> marked at the bid: 40 ticks x 0.50 x 2 = -40
    a = account(snap(eng, cfg, later(0, 35)))
    (pos,) = a["positions"]
    assert pos == {"symbol": "MNQ", "contract_id": pos["contract_id"], "side": "long", "size": 2,
                   "avg_price": 21000.0, "mark": 20990.0, "unrealized": -40.0, "protected": False,
                   "stale": False, "unvalued": False, "unprotected_seconds": 35}
    assert a["pnl"] == {"realized": -0.74, "unrealized": -40.0, "total": -40.74, "fees": 0.74,
                        "basis": "net", "loss_limit": -500.0, "profit_target": 400.0,
                        "utilization": round(40.74 / 500, 4), "profit_utilization": 0.0, "mll": None}
    assert rule(a, "daily_realized_loss")["text"] == "daily P&L -40.74 / -500.00"
    stop_order(eng, later(1), 77, 2, 20950.0)
    pos = account(snap(eng, cfg, later(1, 20)))["positions"][0]
    assert pos["protected"] is True and pos["unprotected_seconds"] is None
    assert pos["stale"] is True  # the last quote is 50 s old (stale_quote_seconds 10)


def test_after_a_cooldown_a_window_over_its_limit_reads_100_percent_not_more() -> None:
    cfg = config(FREQ + MAXC)
    eng, _ = engine(cfg)
    for i in range(3):
        open_long(eng, later(i), i + 1, total=i + 1)
    open_long(eng, later(3), 4, total=4)  # closed by the kill switch, but it counts: 4/3 this hour
    run_until(eng, later(33))
    a = account(snap(eng, cfg, later(33)))
    freq = rule(a, "trade_frequency_limit")
    assert a["lockouts"] == [] and freq["text"].startswith("4/3 trades this hour")
    assert freq["utilization"] == 1.0 and freq["state"] == "warning"
    assert a["badge_reason"].startswith("trade_frequency_limit at 100%")


def test_each_account_shows_its_own_rules() -> None:
    cfg = config(MAXC + DAILY, accounts="[{name: PRAC-1, rules: {max_contracts: {limit: 2}, "
                 "daily_realized_loss: {enabled: false}}}, {name: PRAC-2}]")
    eng, _ = engine(cfg)
    eng.add_account(2, "PRAC-2")
    eng.handle(AccountEvent(T0, 2, "PRAC-2", 50000.0, True))
    accts = {a["name"]: a for a in snap(eng, cfg, T0)["accounts"]}
    assert "/2" in rule(accts["PRAC-1"], "max_contracts")["text"]
    assert "/5" in rule(accts["PRAC-2"], "max_contracts")["text"]
    assert not rule(accts["PRAC-1"], "daily_realized_loss")["enabled"]
    assert rule(accts["PRAC-2"], "daily_realized_loss")["enabled"]
    assert accts["PRAC-1"]["pnl"]["loss_limit"] is None and accts["PRAC-2"]["pnl"]["loss_limit"] == -500
