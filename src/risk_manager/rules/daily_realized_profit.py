"""Rule 013 daily_realized_profit: daily P&L >= target (> 0) flattens and locks the account until reset.

Same include_unrealized semantics as rule 003: the user's "realized + unrealized together".
"""

from __future__ import annotations

from risk_manager.config.rules_limits import DailyRealizedProfitConfig
from risk_manager.rules._thresholds import DailyPnlThreshold


class DailyRealizedProfit(DailyPnlThreshold):
    name = "daily_realized_profit"

    def __init__(self, cfg: DailyRealizedProfitConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.target, 1, cfg.include_unrealized)
