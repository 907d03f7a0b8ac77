"""Rule 005 max_unrealized_profit: one position's unrealized P&L >= target (> 0) closes it (take profit)."""

from __future__ import annotations

from risk_manager.config.rules_limits import MaxUnrealizedProfitConfig
from risk_manager.rules._thresholds import PositionPnlThreshold


class MaxUnrealizedProfit(PositionPnlThreshold):
    name = "max_unrealized_profit"

    def __init__(self, cfg: MaxUnrealizedProfitConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.target, 1)
