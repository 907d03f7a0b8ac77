"""Rule 013 daily_realized_profit: daily P&L >= target (> 0) flattens and locks the account until reset.

Same include_unrealized semantics as rule 003: the user's "realized + unrealized together".
"""

from __future__ import annotations

from risk_manager.config.rules_limits import DailyRealizedProfitConfig
from risk_manager.rules._common import clean, daily_pnl_triggers, fmt_money, pnl_may_have_changed
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation

_LOCKOUT = LockoutSpec("hard", "reset")


class DailyRealizedProfit(Rule):
    name = "daily_realized_profit"
    locks = True

    def __init__(self, cfg: DailyRealizedProfitConfig) -> None:
        self.cfg = cfg
        self.triggers = daily_pnl_triggers(cfg.include_unrealized)

    def pnl(self, ctx: RuleContext) -> float:
        return clean(ctx.state.daily_pnl(self.cfg.include_unrealized))  # float noise must not hide "at"

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        target = self.cfg.target
        if target is None or not pnl_may_have_changed(event, ctx):
            return []
        pnl = self.pnl(ctx)
        if pnl < target:
            return []
        what = "daily P&L" if self.cfg.include_unrealized else "daily realized P&L"
        message = f"{what} {fmt_money(pnl)} >= target {fmt_money(target)}"
        return [Violation(self.name, message, action="flatten", lockout=_LOCKOUT)]

    def utilization(self, ctx: RuleContext) -> float | None:
        target = self.cfg.target
        if target is None:
            return None
        pnl = self.pnl(ctx)
        return pnl / target if pnl > 0 else 0.0
