"""016 weekly_profit_target: P&L of the trading week >= target (> 0) flattens and locks until next week."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from risk_manager.rules.selftest_moves import swing
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.rules.weekly_pnl import WeeklyPnlThreshold
from risk_manager.schema.section import RuleConfig


class WeeklyProfitTargetConfig(RuleConfig):
    """016 weekly_profit_target: P&L of the trading week >= target flattens and locks until next week."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("target",)

    target: float | None = Field(default=None, gt=0)
    include_unrealized: bool = True


class WeeklyProfitTarget(WeeklyPnlThreshold):
    name = "weekly_profit_target"

    def __init__(self, cfg: WeeklyProfitTargetConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.target, 1, cfg.include_unrealized)


def _selftest(h: SelfTestDriver, cfg: WeeklyProfitTargetConfig) -> None:
    swing(h, cfg.target or 0.0, up=True, close=True)


SPEC = RuleSpec(
    key="weekly_profit_target",
    id="016",
    config=WeeklyProfitTargetConfig,
    rule=WeeklyProfitTarget,
    text=WeeklyProfitTarget.value_text,
    selftest=_selftest,
)
