"""014 max_loss_limit: the trailing MLL floor mirror (unit + property) and its config checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from time_rules_helpers import MNQ, at, feed, new_state, position, quote
from time_rules_helpers import account as account_event

from risk_manager.config import MaxLossLimitConfig, load_config_text
from risk_manager.config.errors import ConfigError
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import RuleContext
from risk_manager.rules.max_loss_limit import FLOOR, MaxLossLimit


def make(**kw: object) -> MaxLossLimit:
    base = {"enabled": True, "starting_balance": 50_000, "drawdown": 2_000}
    return MaxLossLimit(MaxLossLimitConfig.model_validate({**base, **kw}))


def with_balance(balance: float) -> AccountState:
    state = new_state()
    state.apply(account_event(at(0), True))
    state.balance = balance
    return state


def test_breach_at_floor_plus_buffer_counts_unrealized() -> None:
    rule, state = make(buffer=250), with_balance(48_500.0)
    feed(state, position(at(1), 2, 21000.0))
    ctx = feed(state, quote(at(2), 20937.5, 20937.75, cid=MNQ))  # 2 x -250 ticks x $0.50 = -250
    assert state.unrealized_total() == pytest.approx(-250.0)
    out = rule.evaluate(quote(at(2), 20937.5, 20937.75), ctx)  # 48,250 exactly at the line
    assert [v.action for v in out] == ["flatten"] and out[0].lockout is not None
    assert out[0].lockout.until == "reset" and "floor 48,000.00 + buffer 250.00" in out[0].message
    state.balance = 48_500.25
    assert rule.evaluate(quote(at(3), 20937.5, 20937.75), RuleContext(at(3), state)) == []


def test_no_balance_yet_is_not_judged() -> None:
    assert make().evaluate(quote(at(0), 1.0, 1.25), RuleContext(at(0), new_state())) == []


def test_floor_trails_at_reset_only_up_and_never_above_start() -> None:
    rule, state = make(), with_balance(51_000.0)
    assert rule.floor(state) == 48_000.0
    state.figures.update(rule.at_reset(RuleContext(at(0), state)))
    assert state.figures[FLOOR] == 49_000.0
    state.balance = 49_500.0  # a losing day: the floor stays
    state.figures.update(rule.at_reset(RuleContext(at(0), state)))
    assert state.figures[FLOOR] == 49_000.0
    state.balance = 55_000.0  # capped at the starting balance
    state.figures.update(rule.at_reset(RuleContext(at(0), state)))
    assert state.figures[FLOOR] == 50_000.0


def test_configured_floor_and_stored_floor_the_higher_wins() -> None:
    rule, state = make(floor=48_700), with_balance(50_000.0)
    assert rule.floor(state) == 48_700.0
    state.figures[FLOOR] = 49_100.0
    assert rule.floor(state) == 49_100.0
    state.figures[FLOOR] = 48_100.0  # an older stored floor below the configured one
    assert rule.floor(state) == 48_700.0


@given(st.lists(st.floats(30_000, 70_000, allow_nan=False), max_size=30),
       st.floats(500, 5_000), st.one_of(st.none(), st.floats(40_000, 50_000)))
def test_floor_never_falls_and_never_passes_the_starting_balance(
        eods: list[float], drawdown: float, floor: float | None) -> None:
    rule, state = make(drawdown=drawdown, floor=floor), with_balance(50_000.0)
    last = rule.floor(state)
    for eod in eods:
        state.balance = eod
        state.figures.update(rule.at_reset(RuleContext(at(0), state)))
        now = rule.floor(state)
        assert last <= now <= 50_000.0
        last = now


@pytest.mark.parametrize(("values", "problem"), [
    ("floor: 50001", "cfg.yaml:3: rules.max_loss_limit.floor: must be <= starting_balance (50000)"),
    ("buffer: 2000", "cfg.yaml:3: rules.max_loss_limit.buffer: must be < drawdown (2000)"),
])
def test_config_rejects_inconsistent_values_with_file_and_line(values: str, problem: str) -> None:
    text = ("accounts: [{name: A}]\nrules:\n  max_loss_limit: {enabled: true, starting_balance: 50000, "
            f"drawdown: 2000, {values}}}\n")
    with pytest.raises(ConfigError) as e:
        load_config_text(text, "cfg.yaml")
    assert str(e.value.problems[0]).startswith(problem)
