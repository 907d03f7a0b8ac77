"""The P&L figures the money rules (003, 013, 014-016) judge: the trading day's P&L as of an event, and how
it compares with a configured limit."""

from __future__ import annotations

from risk_manager.domain.events import PositionEvent, QuoteEvent, TradeEvent
from risk_manager.rules.base import EngineEvent, RuleContext

# P&L stays in floats; limits are compared with this margin so a breach exactly at the limit counts. Every
# real figure is a whole number of tenths of a cent (ticks x tick value, half ticks for mid marks, fees and
# limits in cents), so no figure lies within EPS of a limit without being on it, and the float noise of
# sums of up to millions of dollars stays far below EPS. tests/rules/test_money_exact_limits.py checks over
# every catalogue contract, fees, several days and both mark modes that the rules decide as exact decimal
# arithmetic does: an exact hit fires, a limit a cent beyond the figure does not.
EPS = 1e-6  # dollars


def daily_pnl(event: EngineEvent | None, ctx: RuleContext, include_unrealized: bool) -> float:
    """Realized (+ open unrealized) P&L of the trading day, as of this event. Runs on every quote.

    A closing fill's trade event arrives before its position update: the state then holds the fill's
    realized P&L *and* the old position's unrealized on the contracts just closed. Counting both would
    double a loss (a false lockout for the day), so the closed share of that unrealized is left out.
    If the position was already updated (a reconcile feeding positions first), this under-counts until
    the next quote or position event revalues it: late by one event, never a false breach.
    """
    st = ctx.state
    total = st.realized
    if not include_unrealized:
        return total
    for pos in st.positions.values():
        u = pos.unrealized
        if u is not None:
            total += u
    if (type(event) is TradeEvent and event.profit_and_loss is not None and not event.voided
            and ctx.delta.counted):
        pos_ = st.positions.get(event.contract_id)
        if pos_ is not None and pos_.unrealized is not None and (pos_.size > 0) != (event.side.sign > 0):
            after = pos_.size + event.side.sign * event.size
            kept = pos_.unrealized * after / pos_.size if (after > 0) == (pos_.size > 0) and after else 0.0
            total += kept - pos_.unrealized
    return total


class PnlMemo:
    """The daily figure of the event being evaluated, reused by ``utilization`` on the same context.

    The engine asks for utilisation right after ``evaluate`` with the same context; without the event
    the closing-fill correction above would be lost (a false warning), and the quote path pays once.
    """

    __slots__ = ("_ctx", "_include", "_value")

    def __init__(self, include_unrealized: bool) -> None:
        self._include = include_unrealized
        self._ctx: RuleContext | None = None
        self._value = 0.0

    def at_event(self, event: EngineEvent, ctx: RuleContext) -> float:
        self._ctx, self._value = ctx, daily_pnl(event, ctx, self._include)
        return self._value

    def now(self, ctx: RuleContext) -> float:
        if ctx is self._ctx:
            return self._value
        return daily_pnl(None, ctx, self._include)


def quote_without_position(event: EngineEvent, ctx: RuleContext) -> bool:
    """A quote for a contract without a position cannot move any P&L figure of this account."""
    return type(event) is QuoteEvent and event.contract_id not in ctx.state.positions


def daily_pnl_triggers(include_unrealized: bool) -> frozenset[type]:
    base: frozenset[type] = frozenset({TradeEvent, PositionEvent})
    return base | {QuoteEvent} if include_unrealized else base
