"""017 consecutive_losses: ``count`` closing orders in a row losing money start a cooldown.

A closing order counts once however many partial fills it has, judged on its gross ``profitAndLoss``
(< 0 loses; >= 0 ends the run); opening half-turns, voided and duplicate trades do not count; the
daemon's own closes count. The run restarts after a breach (the next breach needs ``count`` more losses)
and at the daily reset (the state clears it).
"""

from __future__ import annotations

from typing import ClassVar
from zoneinfo import ZoneInfo

from pydantic import Field

from risk_manager.domain.enums import Side
from risk_manager.domain.events import TradeEvent
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation
from risk_manager.rules.cooldowns import cooldown_spec, cooldown_violation, describe
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig
from risk_manager.schema.values import Duration


class ConsecutiveLossesConfig(RuleConfig):
    """017 consecutive_losses: ``count`` losing closing trades in a row start a cooldown."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("count", "cooldown")

    count: int | None = Field(default=None, gt=0)
    cooldown: Duration | None = None
    flatten_on_breach: bool = True


class ConsecutiveLosses(Rule):
    name = "consecutive_losses"
    triggers = frozenset({TradeEvent})
    locks = True

    def __init__(self, cfg: ConsecutiveLossesConfig) -> None:
        self.cfg = cfg
        cooldown = cfg.cooldown or Duration("until_reset")
        spec = cooldown_spec(cooldown)
        # `until_reset` is a hard lockout (SPEC §7b)
        self._spec = LockoutSpec("hard", "reset") if spec.until == "reset" else spec
        self._text = describe(cooldown)
        self._count = cfg.count or 0

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        if not isinstance(event, TradeEvent) or self._count <= 0:
            return []
        if event.profit_and_loss is None or event.voided or not ctx.delta.counted or ctx.delta.duplicate:
            return []
        losses = ctx.state.losses
        run = losses.run()
        if not losses.grew or run % self._count:
            return []
        message = f"{self._count} losing trades in a row: cooldown {self._text}"
        return [cooldown_violation(self.name, message, self._spec, self.cfg.flatten_on_breach)]

    def utilization(self, ctx: RuleContext) -> float | None:
        if self._count <= 0:
            return None
        return (ctx.state.losses.run() % self._count) / self._count


def _text(rule: ConsecutiveLosses, ctx: RuleContext, tz: ZoneInfo) -> str:
    count = rule.cfg.count
    return f"{ctx.state.losses.run() % (count or 1)}/{count} losing trades in a row"


def _selftest(h: SelfTestDriver, cfg: ConsecutiveLossesConfig) -> None:
    h.quote("ES", 6000.0)
    for _i in range(int(cfg.count or 0)):  # in at the ask, out at the bid: each round trip loses the spread
        h.market("ES", Side.BUY, 1)
        h.market("ES", Side.SELL, 1)


SPEC = RuleSpec(
    key="consecutive_losses",
    id="017",
    config=ConsecutiveLossesConfig,
    rule=ConsecutiveLosses,
    text=_text,
    selftest=_selftest,
)
