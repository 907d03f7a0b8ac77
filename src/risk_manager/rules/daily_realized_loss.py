"""Rule 003 daily_realized_loss: daily P&L <= limit (< 0) flattens and locks the account until reset.

With include_unrealized (default) the figure is realized + every open position's unrealized P&L, so
quotes can trigger it; without, only trades and position changes can.
"""

from __future__ import annotations

from risk_manager.config.rules_limits import DailyRealizedLossConfig
from risk_manager.rules._thresholds import DailyPnlThreshold


class DailyRealizedLoss(DailyPnlThreshold):
    name = "daily_realized_loss"

    def __init__(self, cfg: DailyRealizedLossConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.limit, -1, cfg.include_unrealized)
