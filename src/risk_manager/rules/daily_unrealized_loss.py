"""Rule 004 daily_unrealized_loss: one position's unrealized P&L <= limit (< 0) closes that position."""

from __future__ import annotations

from risk_manager.config.rules_limits import DailyUnrealizedLossConfig
from risk_manager.rules._thresholds import PositionPnlThreshold


class DailyUnrealizedLoss(PositionPnlThreshold):
    name = "daily_unrealized_loss"

    def __init__(self, cfg: DailyUnrealizedLossConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.limit, -1)
