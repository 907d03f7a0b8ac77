"""Rule sections of the account guardrails (SPEC §7b): 014 max_loss_limit, 015/016 weekly P&L, 017 streak."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import Field, model_validator

from risk_manager.config.rules_base import RuleConfig, field_error
from risk_manager.config.values import Duration


class MaxLossLimitConfig(RuleConfig):
    """014 max_loss_limit: balance + open unrealized <= floor + buffer flattens and locks until reset.

    The floor mirrors the firm's trailing Maximum Loss Limit: starting_balance - drawdown at first (or
    ``floor`` for an account that already trades), raised at each daily reset to the end-of-day balance -
    drawdown, never above starting_balance and never lowered.
    """

    required_when_enabled: ClassVar[tuple[str, ...]] = ("starting_balance", "drawdown")

    starting_balance: float | None = Field(default=None, gt=0)
    drawdown: float | None = Field(default=None, gt=0)
    buffer: float = Field(default=0.0, ge=0)  # the trader's margin above the floor
    floor: float | None = Field(default=None, gt=0)  # today's floor of an account that already trades

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        # checked whenever the values are there, enabled or not: a wrong pair is wrong either way
        if self.drawdown is not None and self.buffer >= self.drawdown:
            raise field_error("buffer", f"must be < drawdown ({self.drawdown:g}): the buffer sits above the "
                                        "floor, inside the drawdown")
        start = self.starting_balance
        if self.floor is not None and start is not None and self.floor > start:
            raise field_error("floor", f"must be <= starting_balance ({start:g}): the floor never trails "
                                       "above the starting balance")
        return self

    def first_floor(self) -> float:
        """The floor before any stored one: ``floor`` if given, else starting_balance - drawdown."""
        if self.floor is not None:
            return self.floor
        return (self.starting_balance or 0.0) - (self.drawdown or 0.0)


class WeeklyLossLimitConfig(RuleConfig):
    """015 weekly_loss_limit: P&L of the trading week <= limit flattens and locks until next week."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("limit",)

    limit: float | None = Field(default=None, lt=0)
    include_unrealized: bool = True


class WeeklyProfitTargetConfig(RuleConfig):
    """016 weekly_profit_target: P&L of the trading week >= target flattens and locks until next week."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("target",)

    target: float | None = Field(default=None, gt=0)
    include_unrealized: bool = True


class ConsecutiveLossesConfig(RuleConfig):
    """017 consecutive_losses: ``count`` losing closing trades in a row start a cooldown."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("count", "cooldown")

    count: int | None = Field(default=None, gt=0)
    cooldown: Duration | None = None
    flatten_on_breach: bool = True
