"""Rule 005 max_unrealized_profit: one position's unrealized P&L >= target (> 0) closes it (take profit)."""

from __future__ import annotations

from typing import ClassVar

from risk_manager.rules.pnl_thresholds import PositionPnlThreshold
from risk_manager.rules.selftest_moves import swing
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig
from risk_manager.schema.values import Profit


class MaxUnrealizedProfitConfig(RuleConfig):
    """005 max_unrealized_profit: one position's unrealized >= target closes that position."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("target",)

    target: Profit | None = None


class MaxUnrealizedProfit(PositionPnlThreshold):
    name = "max_unrealized_profit"

    def __init__(self, cfg: MaxUnrealizedProfitConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.target, 1)


def _selftest(h: SelfTestDriver, cfg: MaxUnrealizedProfitConfig) -> None:
    swing(h, cfg.target or 0.0, up=True, close=False)


SPEC = RuleSpec(
    key="max_unrealized_profit",
    id="005",
    config=MaxUnrealizedProfitConfig,
    rule=MaxUnrealizedProfit,
    text=MaxUnrealizedProfit.value_text,
    selftest=_selftest,
)
