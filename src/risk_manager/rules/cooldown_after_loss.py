"""007 cooldown_after_loss: one closing trade losing a tier's amount or more starts that tier's cooldown.

Tiers like ``[{loss: -100, cooldown: 5m}, {loss: -300, cooldown: 30m}]``; the most severe tier crossed
wins (a -350 trade gets 30m, not 5m). A breach exactly at the tier's loss counts. Only a trade counted
now fires: duplicates, voided trades and the reversal of a voided trade never do.
"""

from __future__ import annotations

from risk_manager.config import CooldownAfterLossConfig
from risk_manager.domain.events import TradeEvent
from risk_manager.rules._time import cooldown_spec, cooldown_violation, describe
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation


class CooldownAfterLossRule(Rule):
    name = "cooldown_after_loss"
    triggers = frozenset({TradeEvent})
    locks = True

    def __init__(self, config: CooldownAfterLossConfig) -> None:
        self.config = config
        # Most severe first, so the first tier crossed is the one that wins.
        self._tiers = [(t.loss, cooldown_spec(t.cooldown), describe(t.cooldown))
                       for t in sorted(config.tiers, key=lambda t: t.loss)]

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        if not isinstance(event, TradeEvent):
            return []
        pnl = event.profit_and_loss
        if pnl is None or event.voided or not ctx.delta.counted or ctx.delta.duplicate:
            return []
        for loss, spec, text in self._tiers:
            if pnl <= loss:
                message = f"trade lost ${-pnl:,.2f} (tier ${-loss:,.2f}): cooldown {text}"
                return [cooldown_violation(self.name, message, spec, self.config.flatten_on_breach)]
        return []
