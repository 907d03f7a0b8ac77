"""017 consecutive_losses: ``count`` closing orders in a row losing money start a cooldown.

A closing order counts once however many partial fills it has, judged on its gross ``profitAndLoss``
(< 0 loses; >= 0 ends the run); opening half-turns, voided and duplicate trades do not count; the
daemon's own closes count. The run restarts after a breach (the next breach needs ``count`` more losses)
and at the daily reset (the state clears it).
"""

from __future__ import annotations

from risk_manager.config import ConsecutiveLossesConfig, Duration
from risk_manager.domain.events import TradeEvent
from risk_manager.rules._time import cooldown_spec, cooldown_violation, describe
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation


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
