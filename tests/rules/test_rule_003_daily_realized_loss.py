"""Rule 003 daily_realized_loss: realized (+ unrealized) daily P&L <= limit flattens and locks until reset."""

from __future__ import annotations

import pytest
from limits_helpers import ctx, new_state, position, quote, trade

from risk_manager.config import DailyRealizedLossConfig
from risk_manager.domain.enums import Side
from risk_manager.domain.events import PositionEvent, QuoteEvent, TradeEvent
from risk_manager.domain.state import AccountState, Delta
from risk_manager.rules.base import LockoutSpec
from risk_manager.rules.daily_realized_loss import DailyRealizedLoss


def rule(limit: float = -500, include_unrealized: bool = True) -> DailyRealizedLoss:
    return DailyRealizedLoss(DailyRealizedLossConfig(enabled=True, limit=limit,
                                                     include_unrealized=include_unrealized))


def test_identity_and_triggers() -> None:
    with_unrealized, realized_only = rule(), rule(include_unrealized=False)
    assert with_unrealized.name == "daily_realized_loss"
    assert with_unrealized.locks is True
    assert with_unrealized.triggers == frozenset({TradeEvent, PositionEvent, QuoteEvent})
    assert realized_only.triggers == frozenset({TradeEvent, PositionEvent})


@pytest.mark.parametrize("include", [True, False])
def test_realized_loss_at_the_limit_flattens_and_locks_until_reset(include: bool) -> None:
    state = new_state()
    trade(state, "ES", -400)
    ev, delta = trade(state, "ES", -100)
    [v] = rule(include_unrealized=include).evaluate(ev, ctx(state, delta))
    assert v.rule == "daily_realized_loss"
    assert (v.action, v.contract_id) == ("flatten", None)
    assert v.lockout == LockoutSpec("hard", "reset")
    assert v.message.endswith("-500.00 <= limit -500.00")


def test_beyond_the_limit_breaches_and_above_does_not() -> None:
    state = new_state()
    ev, delta = trade(state, "ES", -499.99)
    assert rule().evaluate(ev, ctx(state, delta)) == []
    ev, delta = trade(state, "ES", -50)
    [v] = rule().evaluate(ev, ctx(state, delta))
    assert "-549.99" in v.message


def test_fees_count_on_net_basis_only() -> None:
    net, gross = new_state("net"), new_state("gross")
    for state in (net, gross):
        trade(state, "ES", -480, fees=20)
    assert rule().evaluate(trade(net, "ES", None)[0], ctx(net)) != []
    assert rule().evaluate(trade(gross, "ES", None)[0], ctx(gross)) == []


def _open_loser(short: bool = False) -> tuple[AccountState, tuple[QuoteEvent, Delta]]:
    state = new_state()
    trade(state, "ES", -300)
    position(state, "ES", -1 if short else 1, avg=5000.0)
    # -4 points on one ES = -16 ticks x 12.50 = -200 (long marked at the bid, short at the ask)
    bid, ask = (4995.75, 5004.0) if short else (4996.0, 4996.25)
    return state, quote(state, "ES", bid, ask)


@pytest.mark.parametrize("short", [False, True])
def test_unrealized_counts_when_included_long_and_short(short: bool) -> None:
    state, (ev, delta) = _open_loser(short)
    assert state.daily_pnl(True) == -500.0
    [v] = rule().evaluate(ev, ctx(state, delta))
    assert v.message == "daily P&L -500.00 <= limit -500.00"


def test_unrealized_ignored_when_not_included() -> None:
    state, (ev, delta) = _open_loser()
    assert rule(include_unrealized=False).evaluate(ev, ctx(state, delta)) == []


def test_a_quote_for_a_contract_without_a_position_is_skipped() -> None:
    state = new_state()
    ev, delta = trade(state, "ES", -600)
    assert rule().evaluate(ev, ctx(state, delta)) != []  # caught on the trade itself
    qev, qdelta = quote(state, "NQ", 20000.0, 20000.25)
    assert rule().evaluate(qev, ctx(state, qdelta)) == []


def test_a_position_event_can_breach() -> None:
    state = new_state()
    trade(state, "ES", -300)
    quote(state, "ES", 4996.0, 4996.25)
    ev, delta = position(state, "ES", 1, avg=5000.0)  # revalued at once from the last quote
    [v] = rule().evaluate(ev, ctx(state, delta))
    assert v.action == "flatten"


def test_profit_does_not_breach() -> None:
    state = new_state()
    ev, delta = trade(state, "ES", 1000)
    assert rule().evaluate(ev, ctx(state, delta)) == []


@pytest.mark.parametrize(("pnl", "expected"), [(0.0, 0.0), (250.0, 0.0), (-400.0, 0.8), (-500.0, 1.0),
                                                (-750.0, 1.5)])
def test_utilisation(pnl: float, expected: float) -> None:
    state = new_state()
    trade(state, "ES", pnl)
    assert rule().utilization(ctx(state)) == pytest.approx(expected)


def test_utilisation_includes_unrealized_only_when_configured() -> None:
    state, _ = _open_loser()
    assert rule().utilization(ctx(state)) == pytest.approx(1.0)
    assert rule(include_unrealized=False).utilization(ctx(state)) == pytest.approx(0.6)


# A closing fill's trade event comes before its position update: the state then holds the fill's realized
# P&L and the old position's unrealized for the same contracts. The rule must not count the loss twice.
@pytest.mark.parametrize(("size", "bid", "ask", "side"), [(1, 4994.0, 4994.25, Side.SELL),
                                                         (-1, 4993.75, 5006.0, Side.BUY)])
def test_a_closing_fill_is_not_counted_twice(size: int, bid: float, ask: float, side: Side) -> None:
    state = new_state()
    position(state, "ES", size, avg=5000.0)
    quote(state, "ES", bid, ask)  # -6 points = -300 open
    ev, delta = trade(state, "ES", -300, side=side)  # the close; the position update is still to come
    assert state.daily_pnl(True) == -600.0  # what the raw state shows in between
    c = ctx(state, delta)
    assert rule().evaluate(ev, c) == []
    assert rule().utilization(ctx(state)) == pytest.approx(1.2)  # without the event: raw state
    r = rule()
    r.evaluate(ev, c)
    assert r.utilization(c) == pytest.approx(0.6)  # same context as evaluate: the corrected figure
    ev2, delta2 = position(state, "ES", 0)
    assert r.evaluate(ev2, ctx(state, delta2)) == [] and state.daily_pnl(True) == -300.0


def test_a_partial_close_keeps_the_rest_of_the_open_loss() -> None:
    state = new_state()
    position(state, "ES", 3, avg=5000.0)
    quote(state, "ES", 4994.0, 4994.25)  # -300 per contract, -900 open
    ev, delta = trade(state, "ES", -300, size=1)  # 1 of 3 closed: -300 realized + -600 still open
    [v] = rule(-900).evaluate(ev, ctx(state, delta))
    assert v.message == "daily P&L -900.00 <= limit -900.00"
    assert rule(-901).evaluate(ev, ctx(state, delta)) == []


def test_a_duplicate_or_reversing_fill_is_not_projected() -> None:
    state = new_state()
    position(state, "ES", 1, avg=5000.0)
    quote(state, "ES", 4994.0, 4994.25)
    ev, _ = trade(state, "ES", -300)
    dup = state.apply(ev)  # seen before: already counted, nothing to correct
    assert dup.duplicate
    # a duplicate normally arrives long after its position update: the state is taken as it is
    assert rule().evaluate(ev, ctx(state, dup)) != []
