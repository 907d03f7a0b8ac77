"""010 auth_loss_guard: canTrade false flattens and locks on a condition; canTrade true releases it."""

from __future__ import annotations

from time_rules_helpers import account, at, feed, new_state, position, trade

from risk_manager.config import AuthLossGuardConfig
from risk_manager.rules.auth_loss_guard import AuthLossGuardRule
from risk_manager.rules.base import LockoutSpec, TimerEvent
from risk_manager.rules.registry import rule_class


def make() -> AuthLossGuardRule:
    return AuthLossGuardRule(AuthLossGuardConfig(enabled=True))


def test_registry_and_flags() -> None:
    assert rule_class("auth_loss_guard") is AuthLossGuardRule
    assert AuthLossGuardRule.locks is True


def test_can_trade_false_flattens_and_locks_until_the_condition_clears() -> None:
    rule, st = make(), new_state()
    feed(st, position(at(0), 2))
    ev = account(at(1), False)
    [v] = rule.evaluate(ev, feed(st, ev))
    assert v.action == "flatten"
    assert v.lockout == LockoutSpec("hard", "condition")
    assert "broker disabled trading" in v.message and "PRAC-1" in v.message


def test_can_trade_true_is_no_breach() -> None:
    rule, st = make(), new_state()
    ev = account(at(0), True)
    assert rule.evaluate(ev, feed(st, ev)) == []


def test_it_fires_even_when_flat_the_lockout_matters_more_than_the_flatten() -> None:
    rule, st = make(), new_state()
    ev = account(at(0), False)
    [v] = rule.evaluate(ev, feed(st, ev))
    assert v.lockout is not None and v.lockout.until == "condition"


def test_unlocks_when_can_trade_returns() -> None:
    rule, st = make(), new_state()
    off, on = account(at(0), False), account(at(60), True)
    assert not rule.releases(off, feed(st, off))
    assert rule.releases(on, feed(st, on))


def test_other_events_neither_breach_nor_release() -> None:
    rule, st = make(), new_state()
    ev = trade(at(0), 1, 1)
    ctx = feed(st, ev)
    assert rule.evaluate(ev, ctx) == [] and not rule.releases(ev, ctx)
    timer = TimerEvent(at(1), "auth_loss_guard")
    assert not rule.releases(timer, feed(st, timer))
