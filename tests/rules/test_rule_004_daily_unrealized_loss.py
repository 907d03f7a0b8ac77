"""Rule 004 daily_unrealized_loss: one position's unrealized <= limit closes it; quote fast path."""

from __future__ import annotations

import pytest
from limits_helpers import cid, ctx, new_state, position, quote, trade

from risk_manager.config import DailyUnrealizedLossConfig
from risk_manager.domain.events import PositionEvent, QuoteEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules.daily_unrealized_loss import DailyUnrealizedLoss


def rule(limit: float = -500) -> DailyUnrealizedLoss:
    return DailyUnrealizedLoss(DailyUnrealizedLossConfig(enabled=True, limit=limit))


def mnq(size: int) -> AccountState:
    state = new_state()
    position(state, "MNQ", size, avg=21000.0)
    return state


def test_identity() -> None:
    r = rule()
    assert r.name == "daily_unrealized_loss"
    assert r.triggers == frozenset({QuoteEvent, PositionEvent})
    assert r.locks is False


# MNQ: 125 points = 500 ticks x $0.50 = $250 per contract; 2 contracts = $500.
@pytest.mark.parametrize(("size", "bid", "ask"), [(2, 20875.0, 20875.25), (-2, 21124.75, 21125.0)])
def test_loss_exactly_at_the_limit_closes_the_position(size: int, bid: float, ask: float) -> None:
    state = mnq(size)
    ev, delta = quote(state, "MNQ", bid, ask)
    [v] = rule().evaluate(ev, ctx(state, delta))
    assert (v.rule, v.action, v.contract_id, v.lockout) == ("daily_unrealized_loss", "close_position",
                                                           cid("MNQ"), None)
    assert v.message == "MNQ unrealized -500.00 <= limit -500.00"


@pytest.mark.parametrize(("size", "bid", "ask"), [(2, 20875.25, 20875.5), (-2, 21124.5, 21124.75)])
def test_loss_just_inside_the_limit_is_allowed(size: int, bid: float, ask: float) -> None:
    state = mnq(size)
    ev, delta = quote(state, "MNQ", bid, ask)
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_profit_never_breaches() -> None:
    state = mnq(2)
    ev, delta = quote(state, "MNQ", 22000.0, 22000.25)
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_a_quote_for_another_contract_does_not_fire() -> None:
    state = mnq(2)
    quote(state, "MNQ", 20000.0, 20000.25)  # deep loss on MNQ
    ev, delta = quote(state, "ES", 5000.0, 5000.25)
    assert rule().evaluate(ev, ctx(state, delta)) == []
    ev, delta = quote(state, "MNQ", 20000.0, 20000.25)
    assert len(rule().evaluate(ev, ctx(state, delta))) == 1


def test_only_the_event_contract_is_checked_on_a_position_event() -> None:
    state = mnq(2)
    quote(state, "MNQ", 20000.0, 20000.25)
    ev, delta = position(state, "ES", 1, avg=5000.0)
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_a_position_event_revalued_from_the_last_quote_fires() -> None:
    state = new_state()
    quote(state, "MNQ", 20875.0, 20875.25)
    ev, delta = position(state, "MNQ", 2, avg=21000.0)
    [v] = rule().evaluate(ev, ctx(state, delta))
    assert v.contract_id == cid("MNQ")


def test_a_closed_position_does_not_fire() -> None:
    state = mnq(2)
    quote(state, "MNQ", 20000.0, 20000.25)
    ev, delta = position(state, "MNQ", 0)
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_a_position_without_a_quote_has_no_value_yet() -> None:
    state = new_state()
    ev, delta = position(state, "MNQ", 2, avg=21000.0)
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_other_events_check_every_position() -> None:
    state = mnq(2)
    position(state, "ES", -1, avg=5000.0)
    quote(state, "MNQ", 20000.0, 20000.25)
    quote(state, "ES", 5049.75, 5050.0)  # -50 points = -200 ticks x 12.50 = -2500
    ev, delta = trade(state, "ES", None)
    out = rule().evaluate(ev, ctx(state, delta))
    assert sorted(v.contract_id or "" for v in out) == sorted([cid("MNQ"), cid("ES")])


def test_last_price_fallback_when_the_book_side_is_missing() -> None:
    state = mnq(2)
    ev, delta = quote(state, "MNQ", None, None, last=20875.0)
    assert len(rule().evaluate(ev, ctx(state, delta))) == 1


def test_float_noise_does_not_hide_a_loss_at_the_limit() -> None:
    state = new_state()
    position(state, "CL", 1, avg=70.07)
    ev, delta = quote(state, "CL", 69.77, 69.78)  # -30 ticks x $10 = -299.99999999999716 in floats
    assert len(rule(-300).evaluate(ev, ctx(state, delta))) == 1


@pytest.mark.parametrize(("bid", "expected"), [(21000.0, 0.0), (22000.0, 0.0), (20937.5, 0.5),
                                                (20875.0, 1.0)])
def test_utilisation_is_the_worst_position(bid: float, expected: float) -> None:
    state = mnq(2)
    position(state, "ES", 1, avg=5000.0)
    quote(state, "ES", 4999.0, 4999.25)  # -50: smaller loss than MNQ's when MNQ is losing
    quote(state, "MNQ", bid, bid + 0.25)
    assert rule().utilization(ctx(state)) == pytest.approx(max(expected, 0.1))


def test_utilisation_is_zero_when_flat() -> None:
    assert rule().utilization(ctx(new_state())) == 0.0
