"""Money: the float P&L path decides every limit exactly as exact decimal arithmetic would.

P&L is kept in floats and compared against limits with EPS = 1e-6 dollars (rules/pnl.py). The claim: for
every catalogue contract, any fee per contract in cents, many trades over several days, an open position
built from several fills (a non-tick average price) and either mark mode (``mid`` gives half ticks, e.g.
MES 0.625 dollars), the rules fire at a limit exactly equal to the exact P&L (a breach exactly at the
limit counts), fire when the limit is a cent inside, and stay silent when the limit is a cent beyond it
(never a cent early). The figures go through the real bookkeeping (AccountState fed with trade, position,
quote and account events, daily resets for the week) and the real rules; only the expected answer is
computed exactly with Fractions from the decimal tick sizes, tick values, prices and fees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risk_manager.config import (
    DailyRealizedLossConfig,
    DailyRealizedProfitConfig,
    DailyUnrealizedLossConfig,
    MaxLossLimitConfig,
    MaxUnrealizedProfitConfig,
    WeeklyLossLimitConfig,
    WeeklyProfitTargetConfig,
)
from risk_manager.domain.contracts import PRODUCTS, ContractBook, catalogue_contract
from risk_manager.domain.enums import PositionType, Side
from risk_manager.domain.events import AccountEvent, PositionEvent, QuoteEvent, TradeEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import EngineEvent, Rule, RuleContext
from risk_manager.rules.daily_realized_loss import DailyRealizedLoss
from risk_manager.rules.daily_realized_profit import DailyRealizedProfit
from risk_manager.rules.daily_unrealized_loss import DailyUnrealizedLoss
from risk_manager.rules.max_loss_limit import MaxLossLimit
from risk_manager.rules.max_unrealized_profit import MaxUnrealizedProfit
from risk_manager.rules.weekly_loss_limit import WeeklyLossLimit
from risk_manager.rules.weekly_profit_target import WeeklyProfitTarget

FRIDAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 15, tzinfo=UTC)
CENT = Fraction(1, 100)
START_BALANCE = Fraction(10_000_000)  # far above any day's loss here: the floor stays > 0


def dec(x: float) -> Fraction:
    """The decimal a figure is written as (catalogue, JSON payload, YAML) as an exact fraction."""
    return Fraction(repr(x))


@dataclass
class Day:
    state: AccountState
    event: EngineEvent
    today: Fraction  # exact daily P&L (net, with open unrealized)
    week: Fraction  # exact week P&L
    unrealized: Fraction | None  # exact unrealized of the open position
    balance: Fraction  # exact broker balance


class _Week:
    def label(self, at: datetime) -> date:
        return FRIDAY

    def next_reset(self, at: datetime) -> datetime:
        return at + timedelta(days=1)

    def start(self, at: datetime) -> datetime:
        return at


trade = st.tuples(st.integers(-400, 400), st.integers(1, 10))  # (ticks won or lost, contracts)


@st.composite
def days(draw: Any) -> Day:
    root = draw(st.sampled_from(sorted(PRODUCTS)))
    c = catalogue_contract(root)
    ts, tv = dec(c.tick_size), dec(c.tick_value)
    fee = Fraction(draw(st.integers(0, 500)), 100)  # per contract per fill
    mode = draw(st.sampled_from(["liquidation", "mid"]))
    state = AccountState(1, "A", ContractBook.builtin(), mark_mode=mode)
    ids = iter(range(1, 10_000))
    week = Fraction(0)

    def play(trades: list[tuple[int, int]]) -> Fraction:
        total = Fraction(0)
        for ticks, size in trades:
            pnl, fees = ticks * tv * size, fee * size
            for p in (None, pnl):  # the opening half-turn, then the closing one
                state.apply(TradeEvent(NOW, 1, next(ids), c.id, 0.0, None if p is None else float(p),
                                       float(fees), Side.BUY, size, next(ids)))
                total += (p or 0) - fees
        return total

    for back in range(draw(st.integers(0, 4)), 0, -1):  # finished days earlier in the week
        week += play(draw(st.lists(trade, max_size=40)))
        state.reset_day(FRIDAY - timedelta(days=back))
    today = play(draw(st.lists(trade, max_size=120)))
    balance = START_BALANCE + today
    fills = draw(st.lists(st.integers(-200, 200), max_size=6))
    unrealized = None
    event: EngineEvent = AccountEvent(NOW, 1, "A", float(balance), True)
    if fills:
        sign = draw(st.sampled_from([1, -1]))
        base = 4000 if ts >= 1 else 20_000
        prices = [(base + t) * ts for t in fills]
        for _ in fills:
            state.apply(TradeEvent(NOW, 1, next(ids), c.id, 0.0, None, float(fee), Side.BUY, 1, next(ids)))
        today -= fee * len(fills)
        balance -= fee * len(fills)
        avg = sum(prices, Fraction(0)) / len(prices)
        state.apply(PositionEvent(NOW, 1, c.id, PositionType.LONG if sign > 0 else PositionType.SHORT,
                                  len(fills), float(avg)))
        bid = (base + draw(st.integers(-400, 400))) * ts
        ask = bid + ts * draw(st.integers(1, 3))
        mark = (bid + ask) / 2 if mode == "mid" else (bid if sign > 0 else ask)
        unrealized = (mark - avg) / ts * tv * sign * len(fills)
        today += unrealized
        event = QuoteEvent(NOW, c.id, float(bid), float(ask), float(bid))
        state.apply(event)
    state.apply(AccountEvent(NOW, 1, "A", float(balance), True))
    return Day(state, event, today, week + today, unrealized, balance)


def fires(rule: Rule, day: Day) -> bool:
    ctx = RuleContext(now=NOW, state=day.state, trading_day=_Week())
    return bool(rule.evaluate(day.event, ctx))


def check(day: Day, rule: Any, section: Any, figure: Fraction) -> None:
    """The rule set a cent inside, exactly at and a cent beyond ``figure`` decides exactly.

    A negative figure is judged by the loss rule (``limit``), a positive one by the profit rule (``target``).
    """
    loss = figure < 0
    for delta in (-CENT, Fraction(0), CENT):
        limit = figure + delta
        if (limit >= 0) if loss else (limit <= 0):
            continue  # not a valid setting (losses < 0, targets > 0)
        expected = figure <= limit if loss else figure >= limit
        made = rule(section(enabled=True, **{"limit" if loss else "target": float(limit)}))
        assert fires(made, day) is expected, (float(figure), float(limit))


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(days())
def test_daily_pnl_limits_decide_exactly(day: Day) -> None:
    if day.today < 0:
        check(day, DailyRealizedLoss, DailyRealizedLossConfig, day.today)
    elif day.today > 0:
        check(day, DailyRealizedProfit, DailyRealizedProfitConfig, day.today)


@SETTINGS
@given(days())
def test_position_pnl_limits_decide_exactly(day: Day) -> None:
    u = day.unrealized
    if u is not None and u < 0:
        check(day, DailyUnrealizedLoss, DailyUnrealizedLossConfig, u)
    elif u is not None and u > 0:
        check(day, MaxUnrealizedProfit, MaxUnrealizedProfitConfig, u)


@SETTINGS
@given(days())
def test_weekly_pnl_limits_decide_exactly(day: Day) -> None:
    if day.week < 0:
        check(day, WeeklyLossLimit, WeeklyLossLimitConfig, day.week)
    elif day.week > 0:
        check(day, WeeklyProfitTarget, WeeklyProfitTargetConfig, day.week)


@SETTINGS
@given(days(), st.integers(0, 100_000))
def test_max_loss_limit_decides_exactly(day: Day, buffer_cents: int) -> None:
    """Equity (broker balance + open unrealized) at, a cent above and a cent below floor + buffer."""
    buffer = Fraction(buffer_cents, 100)
    equity = day.balance + (day.unrealized or 0)
    for delta in (-CENT, Fraction(0), CENT):
        floor = equity - buffer + delta  # breach iff equity <= floor + buffer, i.e. delta >= 0
        cfg = MaxLossLimitConfig(enabled=True, starting_balance=100_000_000.0, buffer=float(buffer),
                                 drawdown=float(buffer) + 5000.0, floor=float(floor))
        assert fires(MaxLossLimit(cfg), day) is (delta >= 0), (float(equity), float(floor), float(buffer))
