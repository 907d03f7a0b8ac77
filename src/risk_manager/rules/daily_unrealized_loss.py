"""Rule 004 daily_unrealized_loss: one position's unrealized P&L <= limit (< 0) closes that position."""

from __future__ import annotations

from typing import ClassVar

from risk_manager.rules.pnl_thresholds import PositionPnlThreshold
from risk_manager.rules.selftest_moves import swing
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig
from risk_manager.schema.values import Loss


class DailyUnrealizedLossConfig(RuleConfig):
    """004 daily_unrealized_loss: one position's unrealized <= limit closes that position."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("limit",)

    limit: Loss | None = None


class DailyUnrealizedLoss(PositionPnlThreshold):
    name = "daily_unrealized_loss"

    def __init__(self, cfg: DailyUnrealizedLossConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.limit, -1)


def _selftest(h: SelfTestDriver, cfg: DailyUnrealizedLossConfig) -> None:
    swing(h, cfg.limit or 0.0, up=False, close=False)


SPEC = RuleSpec(
    key="daily_unrealized_loss",
    id="004",
    config=DailyUnrealizedLossConfig,
    rule=DailyUnrealizedLoss,
    text=DailyUnrealizedLoss.value_text,
    selftest=_selftest,
)
