"""Rule 013 daily_realized_profit: daily P&L >= target (> 0) flattens and locks the account until reset.

Same include_unrealized semantics as rule 003: the user's "realized + unrealized together".
"""

from __future__ import annotations

from risk_manager.config.rules_limits import DailyRealizedProfitConfig
from risk_manager.rules._common import EPS, PnlMemo, daily_pnl_triggers, fmt_money, quote_without_position
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation

_LOCKOUT = LockoutSpec("hard", "reset")


class DailyRealizedProfit(Rule):
    name = "daily_realized_profit"
    locks = True

    def __init__(self, cfg: DailyRealizedProfitConfig) -> None:
        self.cfg = cfg
        self.triggers = daily_pnl_triggers(cfg.include_unrealized)
        self._pnl = PnlMemo(cfg.include_unrealized)
        self._what = "daily P&L" if cfg.include_unrealized else "daily realized P&L"

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        target = self.cfg.target
        if target is None or quote_without_position(event, ctx):
            return []
        pnl = self._pnl.at_event(event, ctx)
        if pnl < target - EPS:
            return []
        message = f"{self._what} {fmt_money(pnl)} >= target {fmt_money(target)}"
        return [Violation(self.name, message, action="flatten", lockout=_LOCKOUT)]

    def utilization(self, ctx: RuleContext) -> float | None:
        target = self.cfg.target
        if target is None:
            return None
        pnl = self._pnl.now(ctx)
        return pnl / target if pnl > 0 else 0.0
