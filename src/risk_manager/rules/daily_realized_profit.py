"""Rule 013 daily_realized_profit: daily P&L >= target (> 0) flattens and locks the account until reset.

Same include_unrealized semantics as rule 003: the user's "realized + unrealized together".
"""

from __future__ import annotations

from typing import ClassVar

from risk_manager.rules.pnl_thresholds import DailyPnlThreshold
from risk_manager.rules.selftest_moves import swing
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig
from risk_manager.schema.values import Profit


class DailyRealizedProfitConfig(RuleConfig):
    """013 daily_realized_profit: daily P&L >= target flattens and locks until reset."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("target",)

    target: Profit | None = None
    include_unrealized: bool = True


class DailyRealizedProfit(DailyPnlThreshold):
    name = "daily_realized_profit"

    def __init__(self, cfg: DailyRealizedProfitConfig) -> None:
        self.cfg = cfg
        super().__init__(cfg.target, 1, cfg.include_unrealized)


def _selftest(h: SelfTestDriver, cfg: DailyRealizedProfitConfig) -> None:
    swing(h, cfg.target or 0.0, up=True, close=True)


SPEC = RuleSpec(
    key="daily_realized_profit",
    id="013",
    config=DailyRealizedProfitConfig,
    rule=DailyRealizedProfit,
    text=DailyRealizedProfit.value_text,
    selftest=_selftest,
)
