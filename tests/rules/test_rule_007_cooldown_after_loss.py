"""007 cooldown_after_loss: tiers, the most severe tier crossed, exact limits, voided and duplicate trades."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from time_rules_helpers import at, feed, new_state, trade

from risk_manager.config import CooldownAfterLossConfig
from risk_manager.domain.events import TradeEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import LockoutSpec, Violation
from risk_manager.rules.cooldown_after_loss import CooldownAfterLossRule
from risk_manager.rules.registry import rule_class

TIERS = [{"loss": -100, "cooldown": "5m"}, {"loss": -300, "cooldown": "30m"}]


def make(tiers: list[dict[str, Any]] = TIERS, **kw: Any) -> CooldownAfterLossRule:
    cfg = CooldownAfterLossConfig.model_validate({"enabled": True, "tiers": tiers, **kw})
    return CooldownAfterLossRule(cfg)


def close(rule: CooldownAfterLossRule, st: AccountState, ev: TradeEvent,
          count: bool = True) -> list[Violation]:
    return rule.evaluate(ev, feed(st, ev, count=count))


def minutes(n: float) -> LockoutSpec:
    return LockoutSpec("cooldown", "duration", duration=timedelta(minutes=n))


def test_registry_and_flags() -> None:
    assert rule_class("cooldown_after_loss") is CooldownAfterLossRule
    assert CooldownAfterLossRule.locks is True


@pytest.mark.parametrize(("pnl", "lockout"), [
    (-50.0, None),
    (-99.99, None),
    (-100.0, minutes(5)),  # exactly at the tier counts
    (-250.0, minutes(5)),
    (-300.0, minutes(30)),
    (-1000.0, minutes(30)),  # the most severe tier crossed wins, not the first listed
])
def test_tiers(pnl: float, lockout: LockoutSpec | None) -> None:
    out = close(make(), new_state(), trade(at(0), 1, 1, pnl=pnl))
    assert [v.lockout for v in out] == ([] if lockout is None else [lockout])


def test_tier_order_in_the_file_does_not_matter() -> None:
    [v] = close(make(list(reversed(TIERS))), new_state(), trade(at(0), 1, 1, pnl=-350.0))
    assert v.lockout == minutes(30)
    assert "$350.00" in v.message and "$300.00" in v.message and "30m" in v.message


def test_default_flattens_and_the_option_only_cancels_entries() -> None:
    [v] = close(make(), new_state(), trade(at(0), 1, 1, pnl=-150.0))
    assert v.action == "flatten" and not v.also_cancel_entries
    [v] = close(make(flatten_on_breach=False), new_state(), trade(at(0), 1, 1, pnl=-150.0))
    assert v.action is None and v.also_cancel_entries


def test_until_reset_tier() -> None:
    rule = make([{"loss": -500, "cooldown": "until_reset"}])
    [v] = close(rule, new_state(), trade(at(0), 1, 1, pnl=-600.0))
    assert v.lockout == LockoutSpec("cooldown", "reset")


def test_opening_and_winning_trades_do_not_fire() -> None:
    rule, st = make(), new_state()
    assert close(rule, st, trade(at(0), 1, 1, pnl=None)) == []
    assert close(rule, st, trade(at(1), 2, 2, pnl=400.0)) == []
    assert close(rule, st, trade(at(2), 3, 3, pnl=0.0)) == []


def test_a_duplicate_trade_fires_once() -> None:
    rule, st = make(), new_state()
    ev = trade(at(0), 7, 1, pnl=-200.0)
    assert len(close(rule, st, ev)) == 1
    assert close(rule, st, ev) == []  # the same trade id again (reconnect, REST reconcile)


def test_voided_trades_never_fire() -> None:
    rule, st = make(), new_state()
    assert close(rule, st, trade(at(0), 7, 1, pnl=-200.0, voided=True)) == []
    # a trade counted first and voided later is a reversal, not a new loss
    rule, st = make(), new_state()
    close(rule, st, trade(at(0), 8, 1, pnl=-200.0))
    assert close(rule, st, trade(at(5), 8, 1, pnl=-200.0, voided=True)) == []


def test_a_trade_of_another_trading_day_is_not_counted_and_does_not_fire() -> None:
    assert close(make(), new_state(), trade(at(0), 1, 1, pnl=-500.0), count=False) == []
