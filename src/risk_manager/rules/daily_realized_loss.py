"""Rule 003 daily_realized_loss: daily P&L <= limit (< 0) flattens and locks the account until reset.

With include_unrealized (default) the figure is realized + every open position's unrealized P&L, so
quotes can trigger it; without, only trades and position changes can.
"""

from __future__ import annotations

from risk_manager.config.rules_limits import DailyRealizedLossConfig
from risk_manager.rules._common import EPS, PnlMemo, daily_pnl_triggers, fmt_money, quote_without_position
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation

_LOCKOUT = LockoutSpec("hard", "reset")


class DailyRealizedLoss(Rule):
    name = "daily_realized_loss"
    locks = True

    def __init__(self, cfg: DailyRealizedLossConfig) -> None:
        self.cfg = cfg
        self.triggers = daily_pnl_triggers(cfg.include_unrealized)
        self._pnl = PnlMemo(cfg.include_unrealized)
        self._what = "daily P&L" if cfg.include_unrealized else "daily realized P&L"

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        limit = self.cfg.limit
        if limit is None or quote_without_position(event, ctx):
            return []
        pnl = self._pnl.at_event(event, ctx)
        if pnl > limit + EPS:
            return []
        message = f"{self._what} {fmt_money(pnl)} <= limit {fmt_money(limit)}"
        return [Violation(self.name, message, action="flatten", lockout=_LOCKOUT)]

    def utilization(self, ctx: RuleContext) -> float | None:
        limit = self.cfg.limit
        if limit is None:
            return None
        pnl = self._pnl.now(ctx)
        return pnl / limit if pnl < 0 else 0.0
