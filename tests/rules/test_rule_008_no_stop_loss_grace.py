"""008 no_stop_loss_grace: grace from open, exact deadline, bracket stops, cancelled stop restarts grace."""

from __future__ import annotations

from typing import Any

from time_rules_helpers import ES, MNQ, at, feed, new_state, position, stop_order

from risk_manager.config import NoStopLossGraceConfig
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import Event
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import RuleContext, TimerEvent, Violation
from risk_manager.rules.no_stop_loss_grace import NoStopLossGraceRule
from risk_manager.rules.registry import rule_class

NAME = "no_stop_loss_grace"


def make(**kw: Any) -> NoStopLossGraceRule:
    return NoStopLossGraceRule(NoStopLossGraceConfig.model_validate({"enabled": True, **kw}))


def tick(rule: NoStopLossGraceRule, st: AccountState, seconds: float) -> list[Violation]:
    ev = TimerEvent(at(seconds), NAME)
    return rule.evaluate(ev, feed(st, ev))


def step(rule: NoStopLossGraceRule, st: AccountState, ev: Event) -> tuple[list[Violation], RuleContext]:
    ctx = feed(st, ev)
    return rule.evaluate(ev, ctx), ctx


def test_registry_and_flags() -> None:
    assert rule_class(NAME) is NoStopLossGraceRule
    assert NoStopLossGraceRule.locks is False
    assert TimerEvent in NoStopLossGraceRule.triggers


def test_a_position_without_stop_is_closed_exactly_at_the_grace_end() -> None:
    rule, st = make(), new_state()  # default grace 10 s
    out, ctx = step(rule, st, position(at(0), 2))
    assert out == []
    assert rule.next_deadline(ctx) == at(10)
    assert tick(rule, st, 9.999) == []
    [v] = tick(rule, st, 10)
    assert (v.action, v.contract_id, v.lockout) == ("close_position", MNQ, None)
    assert "MNQ" in v.message and "10s" in v.message


def test_grace_period_option() -> None:
    rule, st = make(grace_period_seconds=3), new_state()
    _, ctx = step(rule, st, position(at(0), -1))
    assert rule.next_deadline(ctx) == at(3)
    assert len(tick(rule, st, 3)) == 1


def test_a_stop_within_the_grace_protects_and_clears_the_deadline() -> None:
    rule, st = make(), new_state()
    step(rule, st, position(at(0), 2))
    out, ctx = step(rule, st, stop_order(at(4), 10, Side.SELL, 20990.0, size=2))
    assert out == [] and rule.next_deadline(ctx) is None
    assert tick(rule, st, 10) == []


def test_a_bracket_stop_placed_before_the_fill_counts() -> None:
    rule, st = make(), new_state()
    step(rule, st, stop_order(at(0), 10, Side.SELL, 20990.0))
    out, ctx = step(rule, st, position(at(1), 1))
    assert out == [] and rule.next_deadline(ctx) is None


def test_a_stop_on_the_wrong_side_or_a_limit_does_not_protect() -> None:
    rule, st = make(), new_state()
    step(rule, st, position(at(0), 1))
    step(rule, st, stop_order(at(1), 10, Side.BUY, 21010.0))  # a buy stop adds to a long
    step(rule, st, stop_order(at(2), 11, Side.SELL, 21010.0, kind=OrderType.LIMIT))  # a take-profit
    assert len(tick(rule, st, 10)) == 1


def test_a_cancelled_stop_restarts_the_grace() -> None:
    rule, st = make(), new_state()
    step(rule, st, position(at(0), 1))
    step(rule, st, stop_order(at(2), 10, Side.SELL, 20990.0))
    out, ctx = step(rule, st, stop_order(at(30), 10, Side.SELL, 20990.0, status=OrderStatus.CANCELLED))
    assert out == []
    assert rule.next_deadline(ctx) == at(40)  # 10 s from the cancel, not from the open
    assert tick(rule, st, 39) == []
    assert len(tick(rule, st, 40)) == 1


def test_a_filled_stop_closes_the_position_and_nothing_is_left_to_do() -> None:
    rule, st = make(), new_state()
    step(rule, st, position(at(0), 1))
    step(rule, st, stop_order(at(1), 10, Side.SELL, 20990.0))
    step(rule, st, stop_order(at(5), 10, Side.SELL, 20990.0, status=OrderStatus.FILLED))
    out, ctx = step(rule, st, position(at(5), 0))
    assert out == [] and rule.next_deadline(ctx) is None and tick(rule, st, 20) == []


def test_a_flip_restarts_the_grace() -> None:
    rule, st = make(), new_state()
    step(rule, st, position(at(0), 1))
    _, ctx = step(rule, st, position(at(8), -1))  # flipped: a new position
    assert rule.next_deadline(ctx) == at(18)
    assert tick(rule, st, 10) == []


def test_several_positions_earliest_deadline_and_only_expired_ones_close() -> None:
    rule, st = make(), new_state()
    step(rule, st, position(at(0), 1, cid=MNQ))
    _, ctx = step(rule, st, position(at(6), 1, 6000.0, cid=ES))
    assert rule.next_deadline(ctx) == at(10)
    out = tick(rule, st, 12)
    assert [v.contract_id for v in out] == [MNQ]
    assert rule.next_deadline(RuleContext(at(12), st)) == at(16)  # past deadlines are not re-armed
    assert {v.contract_id for v in tick(rule, st, 16)} == {MNQ, ES}


def test_position_and_order_events_also_find_an_expired_grace() -> None:
    rule, st = make(), new_state()
    step(rule, st, position(at(0), 1))
    out, _ = step(rule, st, stop_order(at(11), 10, Side.SELL, 20990.0, cid=ES))  # another contract's stop
    assert [v.contract_id for v in out] == [MNQ]
    out, _ = step(rule, st, position(at(12), 2))  # added to the unprotected position
    assert [v.contract_id for v in out] == [MNQ]
