"""015 weekly_loss_limit: P&L of the trading week <= limit (< 0) flattens and locks until next week."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from risk_manager.rules.selftest_moves import swing
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.rules.weekly_pnl import WeeklyPnlThreshold
from risk_manager.schema.section import RuleConfig


class WeeklyLossLimitConfig(RuleConfig):
    """015 weekly_loss_limit: P&L of the trading week <= limit flattens and locks until next week."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("limit",)

    limit: float | None = Field(default=None, lt=0)
    include_unrealized: bool = True


class WeeklyLossLimit(WeeklyPnlThreshold):
    name = "weekly_loss_limit"

    def __init__(self, cfg: WeeklyLossLimitConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.limit, -1, cfg.include_unrealized)


def _selftest(h: SelfTestDriver, cfg: WeeklyLossLimitConfig) -> None:
    swing(h, cfg.limit or 0.0, up=False, close=True)


SPEC = RuleSpec(
    key="weekly_loss_limit",
    id="015",
    config=WeeklyLossLimitConfig,
    rule=WeeklyLossLimit,
    text=WeeklyLossLimit.value_text,
    selftest=_selftest,
)
