"""007 cooldown_after_loss: one closing trade losing a tier's amount or more starts that tier's cooldown.

Tiers like ``[{loss: -100, cooldown: 5m}, {loss: -300, cooldown: 30m}]``; the most severe tier crossed
wins (a -350 trade gets 30m, not 5m). A breach exactly at the tier's loss counts. Only a trade counted
now fires: duplicates, voided trades and the reversal of a voided trade never do.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import Field, field_validator

from risk_manager.domain.events import TradeEvent
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation
from risk_manager.rules.cooldowns import cooldown_spec, cooldown_violation, describe
from risk_manager.rules.fmt import fmt_money
from risk_manager.rules.selftest_moves import swing
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig, field_error
from risk_manager.schema.values import Duration, Loss, StrictModel


class LossTier(StrictModel):
    """One cooldown_after_loss tier: a closing trade losing `loss` or more starts `cooldown`."""

    loss: Loss
    cooldown: Duration


class CooldownAfterLossConfig(RuleConfig):
    """007 cooldown_after_loss: a closing trade with profitAndLoss <= a tier's loss cools down."""

    tiers: list[LossTier] = Field(default_factory=list)
    flatten_on_breach: bool = True

    @field_validator("tiers")
    @classmethod
    def _distinct_losses(cls, tiers: list[LossTier]) -> list[LossTier]:
        losses = [tier.loss for tier in tiers]
        if len(set(losses)) != len(losses):
            raise ValueError("two tiers have the same loss")
        return tiers

    def check_enabled(self) -> None:
        if not self.tiers:
            raise field_error("tiers", "must not be empty (the rule is enabled)")

    def tier_for(self, pnl: float) -> LossTier | None:
        """The most severe tier crossed by a closing trade's P&L (breach at the exact loss counts)."""
        crossed = [tier for tier in self.tiers if pnl <= tier.loss]
        return min(crossed, key=lambda tier: tier.loss, default=None)


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


def _text(rule: CooldownAfterLossRule, ctx: RuleContext, tz: ZoneInfo) -> str:
    """"a loss of -100.00 -> 5m, -300.00 -> 30m": the tiers, mildest first."""
    tiers = sorted(rule.config.tiers, key=lambda t: -t.loss)
    return "a loss of " + ", ".join(
        f"{fmt_money(t.loss)} -> {'until reset' if t.cooldown.until_reset else t.cooldown}" for t in tiers)


def _selftest(h: SelfTestDriver, cfg: CooldownAfterLossConfig) -> None:
    swing(h, max(t.loss for t in cfg.tiers), up=False, close=True)


SPEC = RuleSpec(
    key="cooldown_after_loss",
    id="007",
    config=CooldownAfterLossConfig,
    rule=CooldownAfterLossRule,
    text=_text,
    selftest=_selftest,
)
