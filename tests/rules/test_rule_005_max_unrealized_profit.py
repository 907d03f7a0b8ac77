"""Rule 005 max_unrealized_profit: one position's unrealized >= target closes it; quote fast path."""

from __future__ import annotations

import pytest
from limits_helpers import cid, ctx, new_state, position, quote, trade

from risk_manager.config import MaxUnrealizedProfitConfig
from risk_manager.domain.events import PositionEvent, QuoteEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules.max_unrealized_profit import MaxUnrealizedProfit


def rule(target: float = 500) -> MaxUnrealizedProfit:
    return MaxUnrealizedProfit(MaxUnrealizedProfitConfig(enabled=True, target=target))


def mnq(size: int) -> AccountState:
    state = new_state()
    position(state, "MNQ", size, avg=21000.0)
    return state


def test_identity() -> None:
    r = rule()
    assert r.name == "max_unrealized_profit"
    assert r.triggers == frozenset({QuoteEvent, PositionEvent})
    assert r.locks is False


# MNQ: 125 points = 500 ticks x $0.50 = $250 per contract; 2 contracts = $500.
@pytest.mark.parametrize(("size", "bid", "ask"), [(2, 21125.0, 21125.25), (-2, 20874.75, 20875.0)])
def test_profit_exactly_at_the_target_closes_the_position(size: int, bid: float, ask: float) -> None:
    state = mnq(size)
    ev, delta = quote(state, "MNQ", bid, ask)
    [v] = rule().evaluate(ev, ctx(state, delta))
    assert (v.rule, v.action, v.contract_id, v.lockout) == ("max_unrealized_profit", "close_position",
                                                           cid("MNQ"), None)
    assert v.message == "MNQ unrealized 500.00 >= target 500.00"


@pytest.mark.parametrize(("size", "bid", "ask"), [(2, 21124.75, 21125.0), (-2, 20875.0, 20875.25)])
def test_profit_just_below_the_target_is_allowed(size: int, bid: float, ask: float) -> None:
    state = mnq(size)
    ev, delta = quote(state, "MNQ", bid, ask)
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_liquidation_mark_uses_the_side_a_close_would_get() -> None:
    state = mnq(2)
    ev, delta = quote(state, "MNQ", 21124.75, 21200.0)  # the ask is far up, but a long sells at the bid
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_loss_never_breaches() -> None:
    state = mnq(2)
    ev, delta = quote(state, "MNQ", 20000.0, 20000.25)
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_a_quote_for_another_contract_does_not_fire() -> None:
    state = mnq(2)
    quote(state, "MNQ", 22000.0, 22000.25)  # far beyond the target
    ev, delta = quote(state, "NQ", 22000.0, 22000.25)
    assert rule().evaluate(ev, ctx(state, delta)) == []
    ev, delta = quote(state, "MNQ", 22000.0, 22000.25)
    assert len(rule().evaluate(ev, ctx(state, delta))) == 1


def test_a_position_event_fires_for_its_own_contract_only() -> None:
    state = mnq(2)
    quote(state, "MNQ", 22000.0, 22000.25)
    ev, delta = position(state, "ES", 1, avg=5000.0)
    assert rule().evaluate(ev, ctx(state, delta)) == []
    ev, delta = position(state, "MNQ", 3, avg=21000.0)
    [v] = rule().evaluate(ev, ctx(state, delta))
    assert v.contract_id == cid("MNQ")


def test_other_events_check_every_position() -> None:
    state = mnq(-2)
    position(state, "ES", 1, avg=5000.0)
    quote(state, "MNQ", 20000.0, 20000.25)
    quote(state, "ES", 5100.0, 5100.25)
    ev, delta = trade(state, "ES", None)
    out = rule().evaluate(ev, ctx(state, delta))
    assert sorted(v.contract_id or "" for v in out) == sorted([cid("MNQ"), cid("ES")])


def test_float_noise_does_not_hide_a_profit_at_the_target() -> None:
    state = new_state()
    position(state, "CL", 1, avg=70.07)
    ev, delta = quote(state, "CL", 70.37, 70.38)
    assert len(rule(300).evaluate(ev, ctx(state, delta))) == 1


@pytest.mark.parametrize(("bid", "expected"), [(21000.0, 0.1), (20000.0, 0.1), (21062.5, 0.5),
                                                (21125.0, 1.0), (21250.0, 2.0)])
def test_utilisation_is_the_best_position(bid: float, expected: float) -> None:
    state = mnq(2)
    position(state, "ES", 1, avg=5000.0)
    quote(state, "ES", 5001.0, 5001.25)  # +50 = 0.1 of the target
    quote(state, "MNQ", bid, bid + 0.25)
    assert rule().utilization(ctx(state)) == pytest.approx(expected)


def test_utilisation_is_zero_when_flat_or_losing() -> None:
    assert rule().utilization(ctx(new_state())) == 0.0
    state = mnq(2)
    quote(state, "MNQ", 20000.0, 20000.25)
    assert rule().utilization(ctx(state)) == 0.0
