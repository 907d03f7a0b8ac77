"""The start-up self-test: every enabled rule must fire on a synthetic breach of its own limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from daemon_helpers import config

from risk_manager.config import load_config
from risk_manager.daemon.selftest import check_rule, run_self_test
from risk_manager.rules.max_contracts import MaxContracts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", ["demo.yaml", "risk_manager.yaml"])
def test_every_enabled_rule_of_the_examples_fires(name: str) -> None:
    cfg = load_config(EXAMPLES / name)
    checks = run_self_test(cfg)
    assert [c.rule for c in checks] == cfg.rules.enabled_names()
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]


def test_all_thirteen_rules_with_unusual_settings_fire() -> None:
    cfg = config("""
  max_contracts: {enabled: true, limit: 2, count: short}
  max_contracts_per_instrument: {enabled: true, limits: {ZB: 1}, default_limit: 3}
  daily_realized_loss: {enabled: true, limit: -1234.5, include_unrealized: false}
  daily_unrealized_loss: {enabled: true, limit: -80}
  max_unrealized_profit: {enabled: true, target: 999}
  trade_frequency_limit: {enabled: true, per_session: 40}
  cooldown_after_loss: {enabled: true, tiers: [{loss: -500, cooldown: 1h}, {loss: -20, cooldown: 5m}]}
  no_stop_loss_grace: {enabled: true, grace_period_seconds: 45}
  session_block_outside: {enabled: true}
  auth_loss_guard: {enabled: true}
  symbol_blocks: {enabled: true, blocked: ["Z?"]}
  trade_management: {enabled: true, trailing: {activation_ticks: 12, distance_ticks: 4}}
  daily_realized_profit: {enabled: true, target: 250, include_unrealized: false}
""")
    checks = run_self_test(cfg)
    assert len(checks) == 13
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]


def test_a_silent_rule_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MaxContracts, "evaluate", lambda self, event, ctx: [])
    cfg = config("  max_contracts: {enabled: true, limit: 3}\n  auth_loss_guard: {enabled: true}\n")
    checks = {c.rule: c for c in run_self_test(cfg)}
    assert not checks["max_contracts"].ok and "silent" in checks["max_contracts"].detail
    assert checks["auth_loss_guard"].ok


def test_a_rule_that_crashes_fails_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: object, event: object, ctx: object) -> list[object]:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(MaxContracts, "evaluate", boom)
    check = check_rule(config("  max_contracts: {enabled: true, limit: 3}\n"), "max_contracts")
    assert not check.ok and "ZeroDivisionError" in check.detail


def test_each_account_with_its_own_rules_is_checked_on_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from risk_manager.config import load_config_text

    text = ("accounts:\n  - name: A\n"
            "    rules: {max_contracts: {limit: 1}, auth_loss_guard: {enabled: true}}\n"
            "  - name: B\n  - name: C\n    rules: {max_contracts: {limit: 5}}\n"
            "rules:\n  max_contracts: {enabled: true, limit: 5}\n")
    cfg = load_config_text(text, "c.yaml")
    checks = run_self_test(cfg)
    # C's merged rules equal the top-level ones: checked once
    assert [c.rule for c in checks] == ["max_contracts", "max_contracts (account A)",
                                        "auth_loss_guard (account A)"]
    assert all(c.ok for c in checks)
    seen: list[int] = []
    real = MaxContracts.evaluate

    def spy(self: MaxContracts, event: object, ctx: object) -> object:
        seen.append(self.cfg.limit)
        return real(self, event, ctx)  # type: ignore[arg-type]

    monkeypatch.setattr(MaxContracts, "evaluate", spy)
    run_self_test(cfg)
    assert {1, 5} <= set(seen)  # each account's own limit was exercised
