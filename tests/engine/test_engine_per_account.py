"""Per-account rules (SPEC §7b): each account is judged by its own merged rules; a breach on one account
never touches another. Real engine + paper broker through the replay runner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from replay_helpers import Rec, at, of_type, replay

from risk_manager.config import load_config_text
from risk_manager.engine.factory import build_engine
from risk_manager.engine.reconfigure import reconfigure
from risk_manager.rules.max_contracts import MaxContracts

CONFIG = """\
accounts:
  - name: PRAC-1
    rules:
      max_contracts: {limit: 2}
      daily_realized_loss: {enabled: false}
  - name: PRAC-2
schedule: {timezone: America/Chicago, daily_reset: '17:00', session: {start: '08:30', end: '15:00'}}
rules:
  max_contracts: {enabled: true, limit: 5}
  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: false}
"""


def order(t: str, account: str, oid: str, side: str, size: int) -> Rec:
    return at(t, "order", account=account, id=oid, symbol="MNQ", side=side, type="market", size=size)


def day(*lines: Rec) -> list[Rec]:
    return [at("08:30:00", "account", name="PRAC-1", balance=50000, canTrade=True),
            at("08:30:00", "account", name="PRAC-2", balance=50000, canTrade=True),
            at("08:30:00", "quote", symbol="MNQ", bid=21000.0, ask=21000.25), *lines,
            at("09:00:00", "end")]


def test_same_size_breaches_only_the_account_with_the_lower_limit() -> None:
    recs = replay(CONFIG, day(order("08:31:00", "PRAC-1", "a", "buy", 4),
                              order("08:31:00", "PRAC-2", "b", "buy", 4)))
    acts = of_type(recs, "action")
    assert [(r["account"], r["rule"], r["action"], r["from"], r["to"]) for r in acts] == [
        ("PRAC-1", "max_contracts", "reduce_position", 4, 2)]
    summary = {r["account"]: r["positions"] for r in of_type(recs, "summary")}
    assert list(summary["PRAC-2"].values()) == [4]


def test_a_rule_disabled_for_one_account_still_guards_the_other() -> None:
    loss = [order("08:31:00", n, n + "o", "buy", 1) for n in ("PRAC-1", "PRAC-2")]
    loss.append(at("08:32:00", "quote", symbol="MNQ", bid=20800.0, ask=20800.25))  # -$400 a contract
    loss += [order("08:33:00", n, n + "c", "sell", 1) for n in ("PRAC-1", "PRAC-2")]
    recs = replay(CONFIG, day(*loss))
    locked = [(r["account"], r["rule"]) for r in of_type(recs, "lockout")]
    assert locked == [("PRAC-2", "daily_realized_loss")]
    assert all(r["account"] == "PRAC-2" for r in of_type(recs, "violation"))


class Journal:
    def __init__(self) -> None:
        self.records: list[Any] = []

    def write(self, record: Any) -> None:
        self.records.append(record)


def test_reload_changes_one_accounts_rules_only() -> None:
    config = load_config_text(CONFIG, "c.yaml")
    engine = build_engine(config, Journal())
    assert engine.rules_of("PRAC-1").named("daily_realized_loss") is None
    assert engine.rules_of("PRAC-2").named("daily_realized_loss") is not None
    new = load_config_text(CONFIG.replace("limit: 2}", "limit: 1}"), "c.yaml")
    reconfigure(engine, new, datetime.fromisoformat("2026-11-20T09:00:00-06:00"))
    mc1 = engine.rules_of("PRAC-1").named("max_contracts")
    mc2 = engine.rules_of("PRAC-2").named("max_contracts")
    assert isinstance(mc1, MaxContracts) and isinstance(mc2, MaxContracts)
    assert (mc1.cfg.limit, mc2.cfg.limit) == (1, 5)


def test_account_rules_follow_the_gateways_spelling_of_the_name() -> None:
    # accounts resolve case-insensitively at start-up: the engine knows the gateway's spelling
    config = load_config_text(CONFIG, "c.yaml")
    engine = build_engine(config, Journal())
    assert engine.rules_of("prac-1").named("daily_realized_loss") is None
    assert config.rules_for("prac-1").max_contracts.limit == 2
    lines = [at("08:30:00", "account", name="prac-1", balance=50000, canTrade=True),
             at("08:30:00", "quote", symbol="MNQ", bid=21000.0, ask=21000.25),
             order("08:31:00", "prac-1", "a", "buy", 4), at("09:00:00", "end")]
    acts = of_type(replay(CONFIG, lines), "action")
    assert [(r["account"], r["to"]) for r in acts] == [("prac-1", 2)]
