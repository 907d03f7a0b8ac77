"""Shared shape of the mirrored threshold rules: 003/013 (daily P&L) and 004/005 (one position's P&L).

``sign`` = -1 for a loss limit (breach at value <= threshold), +1 for a profit target (value >= threshold).
Both run on every quote of a held contract, so the direction is bound once at start: ``_breached`` is a
C-level float comparison against the edge (the threshold widened by EPS so an exact hit counts).
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from risk_manager.domain.events import PositionEvent, QuoteEvent
from risk_manager.domain.state import PositionState
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation
from risk_manager.rules.fmt import fmt_money
from risk_manager.rules.pnl import EPS, PnlMemo, daily_pnl_triggers, quote_without_position
from risk_manager.rules.sizing import position_root

_UNTIL_RESET = LockoutSpec("hard", "reset")


def _words(sign: int) -> tuple[str, str]:
    return ("<=", "limit") if sign < 0 else (">=", "target")


def _breach_test(threshold: float | None, sign: int) -> Callable[[float], bool] | None:
    """value -> breached?, or None when the rule has no threshold."""
    if threshold is None:
        return None
    return (threshold + EPS).__ge__ if sign < 0 else (threshold - EPS).__le__


class DailyPnlThreshold(Rule):
    """Daily P&L (optionally with open unrealized) crosses the threshold: flatten, locked until reset."""

    locks = True

    def __init__(self, threshold: float | None, sign: int, include_unrealized: bool) -> None:
        self._threshold, self._sign = threshold, sign
        self._breached = _breach_test(threshold, sign)
        self.triggers = daily_pnl_triggers(include_unrealized)
        self._pnl = PnlMemo(include_unrealized)
        self._what = "daily P&L" if include_unrealized else "daily realized P&L"

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        breached = self._breached
        if breached is None or quote_without_position(event, ctx):
            return []
        pnl = self._pnl.at_event(event, ctx)
        if not breached(pnl):
            return []
        op, word = _words(self._sign)
        message = f"{self._what} {fmt_money(pnl)} {op} {word} {fmt_money(self._threshold or 0.0)}"
        return [Violation(self.name, message, action="flatten", lockout=_UNTIL_RESET)]

    def utilization(self, ctx: RuleContext) -> float | None:
        t = self._threshold
        if t is None:
            return None
        pnl = self._pnl.now(ctx)
        return pnl / t if self._sign * pnl > 0 else 0.0

    def value_text(self, ctx: RuleContext, tz: ZoneInfo) -> str:
        """"daily P&L -120.00 / -500.00": the figure this rule judges against its threshold."""
        return f"{self._what} {fmt_money(self._pnl.now(ctx))} / {fmt_money(self._threshold)}"


class PositionPnlThreshold(Rule):
    """One position's unrealized P&L crosses the threshold: close that position. No lockout.

    Fast path: a quote or position event looks only at its own contract; any other event (a full
    re-evaluation) looks at every position.
    """

    triggers: frozenset[type] = frozenset({QuoteEvent, PositionEvent})

    def __init__(self, threshold: float | None, sign: int) -> None:
        self._threshold, self._sign = threshold, sign
        self._breached = _breach_test(threshold, sign)

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        breached = self._breached
        if breached is None:
            return []
        if type(event) is QuoteEvent or type(event) is PositionEvent:
            pos = ctx.state.positions.get(event.contract_id)
            if pos is None or pos.unrealized is None or not breached(pos.unrealized):
                return []
            return [self._violation(ctx, pos, pos.unrealized)]
        return [self._violation(ctx, p, p.unrealized) for p in ctx.state.positions.values()
                if p.unrealized is not None and breached(p.unrealized)]

    def _violation(self, ctx: RuleContext, pos: PositionState, value: float) -> Violation:
        op, word = _words(self._sign)
        message = (f"{position_root(ctx.state, pos)} unrealized {fmt_money(value)} {op} {word} "
                   f"{fmt_money(self._threshold or 0.0)}")
        return Violation(self.name, message, action="close_position", contract_id=pos.contract_id)

    def utilization(self, ctx: RuleContext) -> float | None:
        t = self._threshold
        if t is None:
            return None
        extreme = 0.0  # the worst loss (limit) or the best profit (target) among open positions
        if self._sign < 0:
            for pos in ctx.state.positions.values():
                u = pos.unrealized
                if u is not None and u < extreme:
                    extreme = u
        else:
            for pos in ctx.state.positions.values():
                u = pos.unrealized
                if u is not None and u > extreme:
                    extreme = u
        return extreme / t if extreme else 0.0  # not -0.0 for a flat account under a loss limit

    def value_text(self, ctx: RuleContext, tz: ZoneInfo) -> str:
        """"worst position -80.00 / -200.00" (a loss limit) or "best position 95.00 / 300.00" (a target)."""
        values = [p.unrealized for p in ctx.state.positions.values() if p.unrealized is not None]
        if self._sign < 0:
            return f"worst position {fmt_money(min(values, default=0.0))} / {fmt_money(self._threshold)}"
        return f"best position {fmt_money(max(values, default=0.0))} / {fmt_money(self._threshold)}"
