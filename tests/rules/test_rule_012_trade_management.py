"""012 trade_management: breakeven and trailing, long and short, rounding, only tightening."""

from __future__ import annotations

from typing import Any

import pytest
from time_rules_helpers import ES, M2K, MNQ, at, feed, new_state, position, quote, stop_order

from risk_manager.config import TradeManagementConfig
from risk_manager.domain.enums import OrderType, Side
from risk_manager.domain.events import Event
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import Violation
from risk_manager.rules.registry import rule_class
from risk_manager.rules.trade_management import TradeManagementRule

BE = {"breakeven": {"trigger_ticks": 8, "offset_ticks": 2}}
TRAIL = {"trailing": {"activation_ticks": 10, "distance_ticks": 4}}


def make(**kw: Any) -> TradeManagementRule:
    return TradeManagementRule(TradeManagementConfig.model_validate({"enabled": True, **kw}))


def step(rule: TradeManagementRule, st: AccountState, ev: Event) -> list[Violation]:
    return rule.evaluate(ev, feed(st, ev))


def stops(out: list[Violation]) -> list[tuple[int | None, float | None]]:
    assert all(v.action == "modify_stop" and v.lockout is None for v in out)
    return [(v.order_id, v.stop_price) for v in out]


def long_mnq(rule: TradeManagementRule, stop: float | None = 20990.0, avg: float = 21000.0) -> AccountState:
    st = new_state()
    step(rule, st, position(at(0), 2, avg))
    if stop is not None:
        step(rule, st, stop_order(at(1), 10, Side.SELL, stop, size=2))
    return st


def short_mnq(rule: TradeManagementRule, stop: float | None = 21010.0, avg: float = 21000.0) -> AccountState:
    st = new_state()
    step(rule, st, position(at(0), -2, avg))
    if stop is not None:
        step(rule, st, stop_order(at(1), 20, Side.BUY, stop, size=2))
    return st


def test_registry_and_flags() -> None:
    assert rule_class("trade_management") is TradeManagementRule
    assert TradeManagementRule.locks is False


def test_breakeven_long_at_exactly_the_trigger() -> None:
    rule = make(**BE)
    st = long_mnq(rule)
    assert step(rule, st, quote(at(2), 21001.75, 21002.0)) == []  # 7 ticks on the bid
    out = step(rule, st, quote(at(3), 21002.0, 21002.25))  # 8 ticks
    assert stops(out) == [(10, 21000.5)]  # entry + 2 ticks
    assert out[0].contract_id == MNQ and "breakeven" in out[0].message


def test_breakeven_short() -> None:
    rule = make(**BE)
    st = short_mnq(rule)
    assert step(rule, st, quote(at(2), 20997.75, 20998.25)) == []  # 7 ticks on the ask
    assert stops(step(rule, st, quote(at(3), 20997.75, 20998.0))) == [(20, 20999.5)]  # entry - 2 ticks


def test_only_ever_tightens() -> None:
    rule = make(**BE)
    st = long_mnq(rule, stop=21001.0)  # already tighter than breakeven
    assert step(rule, st, quote(at(2), 21005.0, 21005.25)) == []
    st = short_mnq(rule, stop=20999.0)
    assert step(rule, st, quote(at(2), 20994.75, 20995.0)) == []
    st = long_mnq(rule, stop=21000.5)  # equal: nothing to do
    assert step(rule, st, quote(at(2), 21005.0, 21005.25)) == []


def test_trailing_long_follows_the_best_price_and_never_loosens() -> None:
    rule = make(**TRAIL)
    st = long_mnq(rule)
    assert step(rule, st, quote(at(2), 21002.25, 21002.5)) == []  # 9 ticks: not active
    assert stops(step(rule, st, quote(at(3), 21002.5, 21002.75))) == [(10, 21001.5)]  # 10 ticks - 4
    step(rule, st, stop_order(at(4), 10, Side.SELL, 21001.5, size=2))  # the modify went through
    assert stops(step(rule, st, quote(at(5), 21005.0, 21005.25))) == [(10, 21004.0)]
    step(rule, st, stop_order(at(6), 10, Side.SELL, 21004.0, size=2))
    assert step(rule, st, quote(at(7), 21004.5, 21004.75)) == []  # pulled back: the best price stays


def test_trailing_short() -> None:
    rule = make(**TRAIL)
    st = short_mnq(rule)
    assert stops(step(rule, st, quote(at(2), 20997.25, 20997.5))) == [(20, 20998.5)]


def test_never_at_or_through_the_market() -> None:
    rule = make(**TRAIL)
    st = long_mnq(rule)
    step(rule, st, quote(at(2), 21005.0, 21005.25))  # best 21005 -> wants 21004 (modify not confirmed)
    # the market fell through the trail level before the stop moved: a stop there would fill at once
    assert step(rule, st, quote(at(3), 21003.75, 21004.0)) == []
    assert step(rule, st, quote(at(4), 21004.0, 21004.25)) == []  # at the mark is as bad


def test_the_tightest_of_breakeven_and_trailing_wins() -> None:
    rule = make(**BE, **TRAIL)
    st = long_mnq(rule)
    assert stops(step(rule, st, quote(at(2), 21002.0, 21002.25))) == [(10, 21000.5)]  # breakeven only
    out = step(rule, st, quote(at(3), 21006.0, 21006.25))  # 24 ticks: trailing 21005.0 > breakeven
    assert stops(out) == [(10, 21005.0)] and "trailing" in out[0].message
    st = short_mnq(rule)
    assert stops(step(rule, st, quote(at(2), 20993.75, 20994.0))) == [(20, 20995.0)]


@pytest.mark.parametrize(("long", "expected"), [(True, 21000.0), (False, 21000.25)])
def test_rounds_to_the_tick_away_from_the_market(long: bool, expected: float) -> None:
    # an average of 21000.125 (two fills a tick apart): breakeven with no offset is off the grid
    rule = make(breakeven={"trigger_ticks": 4, "offset_ticks": 0})
    if long:
        st = long_mnq(rule, avg=21000.125)
        out = step(rule, st, quote(at(2), 21001.25, 21001.5))
    else:
        st = short_mnq(rule, avg=21000.125)
        out = step(rule, st, quote(at(2), 20998.75, 20999.0))
    assert stops(out) == [(10 if long else 20, expected)]


def test_rounding_is_clean_for_decimal_ticks() -> None:
    rule = make(trailing={"activation_ticks": 5, "distance_ticks": 3})
    st = new_state()
    step(rule, st, position(at(0), 1, 2400.0, cid=M2K))
    step(rule, st, stop_order(at(1), 30, Side.SELL, 2399.0, cid=M2K))
    out = step(rule, st, quote(at(2), 2401.3, 2401.4, cid=M2K))
    assert stops(out) == [(30, 2401.0)]  # 2401.3 - 0.3 in floats is 2400.9999...; not 2400.9


def test_no_stop_no_mark_or_unknown_contract_means_nothing() -> None:
    rule = make(**BE)
    assert step(rule, long_mnq(rule, stop=None), quote(at(2), 21010.0, 21010.25)) == []
    st = long_mnq(rule)
    assert step(rule, st, position(at(2), 3)) == []  # no quote yet: no mark
    st = new_state()
    step(rule, st, position(at(0), 1, 100.0, cid="CON.F.US.XYZ.Z26"))
    step(rule, st, stop_order(at(1), 40, Side.SELL, 90.0, cid="CON.F.US.XYZ.Z26"))
    assert step(rule, st, quote(at(2), 200.0, 200.1, cid="CON.F.US.XYZ.Z26")) == []


def test_only_the_quoted_contract_and_its_own_stops() -> None:
    rule = make(**BE)
    st = long_mnq(rule)
    step(rule, st, position(at(0), 1, 6000.0, cid=ES))
    step(rule, st, stop_order(at(1), 50, Side.SELL, 5990.0, cid=ES))
    step(rule, st, stop_order(at(1), 11, Side.BUY, 20980.0))  # a buy stop is not a long's protection
    step(rule, st, stop_order(at(1), 12, Side.SELL, 20985.0, kind=OrderType.TRAILING_STOP))
    out = step(rule, st, quote(at(2), 21002.0, 21002.25))
    assert stops(out) == [(10, 21000.5)]  # not ES's stop, not the buy stop, not the broker trailing stop
    assert step(rule, st, quote(at(3), 6010.0, 6010.25, cid=ES)) != []


def test_every_protective_stop_of_the_position_is_tightened() -> None:
    rule = make(**BE)
    st = long_mnq(rule)
    step(rule, st, stop_order(at(1), 11, Side.SELL, 20995.0, kind=OrderType.STOP_LIMIT))
    out = step(rule, st, quote(at(2), 21002.0, 21002.25))
    assert sorted(stops(out)) == [(10, 21000.5), (11, 21000.5)]


def test_a_new_stop_placed_in_profit_is_moved_on_its_own_order_event() -> None:
    rule = make(**BE)
    st = long_mnq(rule, stop=None)
    step(rule, st, quote(at(2), 21003.0, 21003.25))
    out = step(rule, st, stop_order(at(3), 10, Side.SELL, 20990.0, size=2))
    assert stops(out) == [(10, 21000.5)]


def test_profit_is_measured_on_the_configured_mark() -> None:
    rule = make(**BE)
    st = new_state(mark_mode="last")
    step(rule, st, position(at(0), 1))
    step(rule, st, stop_order(at(1), 10, Side.SELL, 20990.0))
    # the bid is only 4 ticks up, the last trade 8: "last" marks count the last price
    assert stops(step(rule, st, quote(at(2), 21001.0, 21001.25, last=21002.0))) == [(10, 21000.5)]
    st = long_mnq(rule)  # liquidation mark (bid): the same quote is not enough
    assert step(rule, st, quote(at(2), 21001.0, 21001.25, last=21002.0)) == []


def test_a_flip_starts_the_best_price_afresh() -> None:
    rule = make(**TRAIL)
    st = long_mnq(rule)
    step(rule, st, quote(at(2), 21010.0, 21010.25))
    step(rule, st, position(at(3), -1, 21010.0))  # flipped short at 21010
    step(rule, st, stop_order(at(4), 20, Side.BUY, 21020.0))
    assert step(rule, st, quote(at(5), 21008.0, 21008.25)) == []  # 7 ticks: trailing not yet active
