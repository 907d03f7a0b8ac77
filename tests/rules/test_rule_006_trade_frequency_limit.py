"""006 trade_frequency_limit: windows, the trade that reaches the limit, partial fills, cooldown choice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from time_rules_helpers import FakeTradingDay, at, feed, new_state, trade

from risk_manager.config import TradeFrequencyLimitConfig
from risk_manager.domain.events import QuoteEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import LockoutSpec, RuleContext, Violation
from risk_manager.rules.registry import rule_class
from risk_manager.rules.trade_frequency_limit import TradeFrequencyLimitRule


def make(**kw: Any) -> TradeFrequencyLimitRule:
    return TradeFrequencyLimitRule(TradeFrequencyLimitConfig.model_validate({"enabled": True, **kw}))


def enter(rule: TradeFrequencyLimitRule, st: AccountState, seconds: float, order_id: int,
          **kw: Any) -> list[Violation]:
    """One new entry order filled at T0 + seconds (trade id = order id)."""
    ctx = feed(st, trade(at(seconds), order_id, order_id), **kw)
    return rule.evaluate(trade(at(seconds), order_id, order_id), ctx)


def test_registry_finds_the_rule_under_its_config_key() -> None:
    assert rule_class("trade_frequency_limit") is TradeFrequencyLimitRule
    assert TradeFrequencyLimitRule.locks is True


def test_the_trade_that_reaches_the_limit_starts_the_cooldown() -> None:
    rule, st = make(per_minute=3), new_state()
    assert enter(rule, st, 0, 1) == []
    assert enter(rule, st, 10, 2) == []
    [v] = enter(rule, st, 20, 3)  # limit 3 -> the 3rd trade
    assert v.rule == "trade_frequency_limit"
    assert v.message.startswith("3/3 trades this minute")
    assert v.lockout == LockoutSpec("cooldown", "duration", duration=timedelta(seconds=60))
    assert v.action is None and v.also_cancel_entries  # cancel entry orders, keep the stops


def test_partial_fills_of_one_order_count_once() -> None:
    rule, st = make(per_minute=2), new_state()
    assert enter(rule, st, 0, 1) == []
    for tid in (11, 12, 13):  # three more fills of order 1
        ctx = feed(st, trade(at(1), tid, 1))
        assert not ctx.delta.new_entry
        assert rule.evaluate(trade(at(1), tid, 1), ctx) == []
    assert st.entries_today == 1
    assert len(enter(rule, st, 2, 2)) == 1  # the 2nd order reaches 2


def test_closing_trades_are_not_trades() -> None:
    rule, st = make(per_minute=1), new_state()
    ev = trade(at(0), 1, 1, pnl=25.0)
    assert rule.evaluate(ev, feed(st, ev)) == []
    assert st.entries_today == 0


def test_trades_older_than_the_window_drop_out() -> None:
    rule, st = make(per_minute=3), new_state()
    enter(rule, st, 0, 1)
    enter(rule, st, 30, 2)
    assert enter(rule, st, 60, 3) == []  # the trade at exactly 60 s ago is no longer "in the last 60 s"
    assert len(enter(rule, st, 61, 4)) == 1  # 30 s, 60 s, 61 s


def test_per_hour_window_and_its_cooldown() -> None:
    rule, st = make(per_hour=3), new_state()
    enter(rule, st, 0, 1)
    enter(rule, st, 1200, 2)
    [v] = enter(rule, st, 3599, 3)
    assert v.message.startswith("3/3 trades this hour")
    assert v.lockout == LockoutSpec("cooldown", "duration", duration=timedelta(minutes=30))
    assert enter(make(per_hour=3), new_state(), 0, 1) == []


def test_per_session_counts_the_whole_trading_day_until_reset() -> None:
    rule, st = make(per_session=3), new_state()
    enter(rule, st, 0, 1)
    enter(rule, st, 4 * 3600, 2)
    [v] = enter(rule, st, 8 * 3600, 3)
    assert v.message.startswith("3/3 trades this trading day")
    assert v.lockout == LockoutSpec("cooldown", "reset")


def test_configured_cooldown_lengths_are_used() -> None:
    rule, st = make(per_minute=1, cooldown={"per_minute": "5m"}), new_state()
    [v] = enter(rule, st, 0, 1)
    assert v.lockout == LockoutSpec("cooldown", "duration", duration=timedelta(minutes=5))
    rule, st = make(per_minute=1, cooldown={"per_minute": "until_reset"}), new_state()
    [v] = enter(rule, st, 0, 1)
    assert v.lockout == LockoutSpec("cooldown", "reset")


def test_flatten_on_breach() -> None:
    rule, st = make(per_minute=1, flatten_on_breach=True), new_state()
    [v] = enter(rule, st, 0, 1)
    assert v.action == "flatten" and not v.also_cancel_entries


def test_several_windows_at_once_give_one_violation_with_the_lockout_ending_last() -> None:
    rule, st = make(per_minute=2, per_hour=2), new_state()
    enter(rule, st, 0, 1)
    [v] = enter(rule, st, 5, 2)
    assert "2/2 trades this minute" in v.message and "2/2 trades this hour" in v.message
    assert v.lockout == LockoutSpec("cooldown", "duration", duration=timedelta(minutes=30))
    # until the reset is the longest when the reset is further away than 30 minutes ...
    rule, st = make(per_minute=2, per_hour=2, per_session=2), new_state()
    far = FakeTradingDay(at(8 * 3600))
    enter(rule, st, 0, 1, trading_day=far)
    [v] = enter(rule, st, 5, 2, trading_day=far)
    assert v.lockout == LockoutSpec("cooldown", "reset")
    # ... but a 30-minute cooldown outlasts a reset due in 10 minutes (durations survive the reset)
    rule, st = make(per_minute=2, per_hour=2, per_session=2), new_state()
    near = FakeTradingDay(at(600))
    enter(rule, st, 0, 1, trading_day=near)
    [v] = enter(rule, st, 5, 2, trading_day=near)
    assert v.lockout == LockoutSpec("cooldown", "duration", duration=timedelta(minutes=30))


def test_a_late_trade_is_judged_at_its_own_time() -> None:
    rule, st = make(per_minute=3), new_state()
    enter(rule, st, 100, 1)
    enter(rule, st, 101, 2)
    # a trade from a reconcile gap, 90 s earlier than the two above: 1 trade in its own minute
    assert enter(rule, st, 10, 3) == []
    assert len(enter(rule, st, 102, 4)) == 1  # 100, 101, 102 (10 s is outside the minute)


def test_other_events_are_ignored() -> None:
    rule, st = make(per_minute=1), new_state()
    q = QuoteEvent(at(0), "x", 1.0, 1.0, None)
    assert rule.evaluate(q, RuleContext(at(0), st)) == []


@pytest.mark.parametrize(("entries", "expected"), [(0, 0.0), (1, 0.5), (2, 1.0)])
def test_utilization_is_the_fullest_window(entries: int, expected: float) -> None:
    rule, st = make(per_minute=2, per_hour=10), new_state()
    for i in range(entries):
        enter(rule, st, i, i + 1)
    assert rule.utilization(RuleContext(at(5), st)) == pytest.approx(expected)
    # a minute later only the hour still counts them
    assert rule.utilization(RuleContext(at(120), st)) == pytest.approx(entries / 10)
