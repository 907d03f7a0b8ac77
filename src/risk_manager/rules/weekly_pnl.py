"""Shared shape of 015 weekly_loss_limit and 016 weekly_profit_target: the trading week's P&L (its finished
days + today, ``include_unrealized`` as rule 003) crossing the threshold flattens and locks the account until
the reset that starts the next week's Monday trading day."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation
from risk_manager.rules.fmt import fmt_money
from risk_manager.rules.pnl import EPS, PnlMemo, daily_pnl_triggers, quote_without_position

_UNTIL_NEXT_WEEK = LockoutSpec("hard", "week")


class WeeklyPnlThreshold(Rule):
    locks = True

    def __init__(self, threshold: float | None, sign: int, include_unrealized: bool) -> None:
        self._threshold, self._sign, self._include = threshold, sign, include_unrealized
        self.triggers = daily_pnl_triggers(include_unrealized)
        # today's figure of the event being judged, reused by utilization (the closing-fill correction)
        self._today = PnlMemo(include_unrealized)

    def week_pnl(self, event: EngineEvent | None, ctx: RuleContext) -> float:
        """The week's P&L as of ``event`` (None: as of the state now)."""
        st = ctx.state
        before = 0.0
        if ctx.trading_day is not None:
            before = st.past_days.week_of(ctx.trading_day.label(ctx.now), st.pnl_basis == "net")
        return before + (self._today.now(ctx) if event is None else self._today.at_event(event, ctx))

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        t = self._threshold
        if t is None or quote_without_position(event, ctx):
            return []
        pnl = self.week_pnl(event, ctx)
        if not (pnl <= t + EPS if self._sign < 0 else pnl >= t - EPS):
            return []
        op, word = ("<=", "limit") if self._sign < 0 else (">=", "target")
        message = f"weekly P&L {fmt_money(pnl)} {op} {word} {fmt_money(t)}"
        return [Violation(self.name, message, action="flatten", lockout=_UNTIL_NEXT_WEEK)]

    def utilization(self, ctx: RuleContext) -> float | None:
        t = self._threshold
        if t is None:
            return None
        pnl = self.week_pnl(None, ctx)
        return pnl / t if self._sign * pnl > 0 else 0.0

    def value_text(self, ctx: RuleContext, tz: ZoneInfo) -> str:
        return f"weekly P&L {fmt_money(self.week_pnl(None, ctx))} / {fmt_money(self._threshold)}"
