"""016 weekly_profit_target: P&L of the trading week >= target (> 0) flattens and locks until next week."""

from __future__ import annotations

from risk_manager.config import WeeklyProfitTargetConfig
from risk_manager.rules._weekly import WeeklyPnlThreshold


class WeeklyProfitTarget(WeeklyPnlThreshold):
    name = "weekly_profit_target"

    def __init__(self, cfg: WeeklyProfitTargetConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.target, 1, cfg.include_unrealized)
