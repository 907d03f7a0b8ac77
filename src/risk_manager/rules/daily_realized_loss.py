"""Rule 003 daily_realized_loss: daily P&L <= limit (< 0) flattens and locks the account until reset.

With include_unrealized (default) the figure is realized + every open position's unrealized P&L, so
quotes can trigger it; without, only trades and position changes can.
"""

from __future__ import annotations

from typing import ClassVar

from risk_manager.rules.pnl_thresholds import DailyPnlThreshold
from risk_manager.rules.selftest_moves import swing
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig
from risk_manager.schema.values import Loss


class DailyRealizedLossConfig(RuleConfig):
    """003 daily_realized_loss: daily P&L <= limit (negative dollars) flattens and locks until reset."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("limit",)

    limit: Loss | None = None
    include_unrealized: bool = True


class DailyRealizedLoss(DailyPnlThreshold):
    name = "daily_realized_loss"

    def __init__(self, cfg: DailyRealizedLossConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.limit, -1, cfg.include_unrealized)


def _selftest(h: SelfTestDriver, cfg: DailyRealizedLossConfig) -> None:
    swing(h, cfg.limit or 0.0, up=False, close=True)


SPEC = RuleSpec(
    key="daily_realized_loss",
    id="003",
    config=DailyRealizedLossConfig,
    rule=DailyRealizedLoss,
    text=DailyRealizedLoss.value_text,
    selftest=_selftest,
)
