"""Rule 013 daily_realized_profit: daily P&L >= target flattens and locks until reset (003 mirrored)."""

from __future__ import annotations

import pytest
from limits_helpers import ctx, new_state, position, quote, trade

from risk_manager.config import DailyRealizedProfitConfig
from risk_manager.domain.events import PositionEvent, QuoteEvent, TradeEvent
from risk_manager.domain.state import AccountState, Delta
from risk_manager.rules.base import LockoutSpec
from risk_manager.rules.daily_realized_profit import DailyRealizedProfit


def rule(target: float = 1000, include_unrealized: bool = True) -> DailyRealizedProfit:
    return DailyRealizedProfit(DailyRealizedProfitConfig(enabled=True, target=target,
                                                         include_unrealized=include_unrealized))


def test_identity_and_triggers() -> None:
    assert rule().name == "daily_realized_profit"
    assert rule().locks is True
    assert rule().triggers == frozenset({TradeEvent, PositionEvent, QuoteEvent})
    assert rule(include_unrealized=False).triggers == frozenset({TradeEvent, PositionEvent})


@pytest.mark.parametrize("include", [True, False])
def test_target_reached_exactly_flattens_and_locks_until_reset(include: bool) -> None:
    state = new_state()
    trade(state, "NQ", 600)
    ev, delta = trade(state, "NQ", 400)
    [v] = rule(include_unrealized=include).evaluate(ev, ctx(state, delta))
    assert (v.rule, v.action, v.contract_id) == ("daily_realized_profit", "flatten", None)
    assert v.lockout == LockoutSpec("hard", "reset")
    assert v.message.endswith("1,000.00 >= target 1,000.00")


def test_below_target_does_not_breach_and_above_does() -> None:
    state = new_state()
    ev, delta = trade(state, "NQ", 999.99)
    assert rule().evaluate(ev, ctx(state, delta)) == []
    ev, delta = trade(state, "NQ", 0.02)
    assert rule().evaluate(ev, ctx(state, delta)) != []


def test_fees_reduce_the_net_figure() -> None:
    state = new_state("net")
    ev, delta = trade(state, "NQ", 1010, fees=20)
    assert rule().evaluate(ev, ctx(state, delta)) == []
    gross = new_state("gross")
    ev, delta = trade(gross, "NQ", 1010, fees=20)
    assert rule().evaluate(ev, ctx(gross, delta)) != []


def _open_winner(short: bool) -> tuple[AccountState, tuple[QuoteEvent, Delta]]:
    state = new_state()
    trade(state, "NQ", 800)
    position(state, "NQ", -2 if short else 2, avg=20000.0)
    bid, ask = (19989.75, 19990.0) if short else (20010.0, 20010.25)
    return state, quote(state, "NQ", bid, ask)


@pytest.mark.parametrize("short", [False, True])
def test_unrealized_counts_when_included_long_and_short(short: bool) -> None:
    state, (ev, delta) = _open_winner(short)
    assert state.unrealized_total() == 400.0  # 10 points = 40 ticks x $5 x 2 contracts
    [v] = rule().evaluate(ev, ctx(state, delta))
    assert v.message == "daily P&L 1,200.00 >= target 1,000.00"
    assert rule(include_unrealized=False).evaluate(ev, ctx(state, delta)) == []


def test_quote_for_another_contract_is_skipped() -> None:
    state, _ = _open_winner(False)
    ev, delta = quote(state, "ES", 5000.0, 5000.25)
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_loss_does_not_breach() -> None:
    state = new_state()
    ev, delta = trade(state, "NQ", -5000)
    assert rule().evaluate(ev, ctx(state, delta)) == []


@pytest.mark.parametrize(("pnl", "expected"), [(0.0, 0.0), (-300.0, 0.0), (800.0, 0.8), (1000.0, 1.0)])
def test_utilisation(pnl: float, expected: float) -> None:
    state = new_state()
    trade(state, "NQ", pnl)
    assert rule().utilization(ctx(state)) == pytest.approx(expected)


def test_utilisation_includes_unrealized_only_when_configured() -> None:
    state, _ = _open_winner(False)
    assert rule().utilization(ctx(state)) == pytest.approx(1.2)
    assert rule(include_unrealized=False).utilization(ctx(state)) == pytest.approx(0.8)


def test_a_closing_fill_is_not_counted_twice() -> None:
    state = new_state()
    position(state, "NQ", 1, avg=20000.0)
    quote(state, "NQ", 20150.0, 20150.25)  # +150 points = 600 ticks x $5 = +3000 open
    ev, delta = trade(state, "NQ", 600.0)  # closes at a worse price than the mark: +600 realized
    assert state.daily_pnl(True) == 3600.0
    r = rule(1000)
    c = ctx(state, delta)
    assert r.evaluate(ev, c) == []  # +600: the open +3000 is gone with the fill
    assert r.utilization(c) == pytest.approx(0.6)
