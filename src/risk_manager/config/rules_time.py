"""Rule sections about trading pace and time (rules 006-009)."""

from __future__ import annotations

from pydantic import Field, field_validator

from risk_manager.config.rules_base import RuleConfig, field_error
from risk_manager.config.values import MAX_SECONDS, Count, Duration, Loss, StrictModel


class FrequencyCooldownConfig(StrictModel):
    """How long each trade_frequency_limit window locks the account once it is reached."""

    per_minute: Duration = Duration("60s")
    per_hour: Duration = Duration("30m")
    per_session: Duration = Duration("until_reset")


class TradeFrequencyLimitConfig(RuleConfig):
    """006 trade_frequency_limit: trades in the last 60 s / 3600 s / trading day reaching a limit."""

    per_minute: Count | None = None
    per_hour: Count | None = None
    per_session: Count | None = None
    cooldown: FrequencyCooldownConfig = Field(default_factory=FrequencyCooldownConfig)
    flatten_on_breach: bool = False

    def check_enabled(self) -> None:
        if self.per_minute is None and self.per_hour is None and self.per_session is None:
            raise field_error("per_minute", "set per_minute, per_hour or per_session (the rule is enabled)")


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


class NoStopLossGraceConfig(RuleConfig):
    """008 no_stop_loss_grace: a new position must get a protective order within the grace period."""

    grace_period_seconds: float = Field(default=10.0, gt=0, le=MAX_SECONDS)


class SessionBlockOutsideConfig(RuleConfig):
    """009 session_block_outside: no fills outside the schedule's session; optionally flat at its end."""

    close_at_session_end: bool = True
    flatten_before_end_seconds: int = Field(default=0, ge=0, le=int(MAX_SECONDS))
