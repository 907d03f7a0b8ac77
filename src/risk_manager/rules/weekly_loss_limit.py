"""015 weekly_loss_limit: P&L of the trading week <= limit (< 0) flattens and locks until next week."""

from __future__ import annotations

from risk_manager.config import WeeklyLossLimitConfig
from risk_manager.rules._weekly import WeeklyPnlThreshold


class WeeklyLossLimit(WeeklyPnlThreshold):
    name = "weekly_loss_limit"

    def __init__(self, cfg: WeeklyLossLimitConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.limit, -1, cfg.include_unrealized)
