"""Rule sections for account state, blocked symbols and stop management (rules 010-012)."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Self

from pydantic import Field, field_validator, model_validator

from risk_manager.config.rules_base import RuleConfig, field_error
from risk_manager.config.values import MAX_TICKS, RootPattern, StrictModel, Ticks


class AuthLossGuardConfig(RuleConfig):
    """010 auth_loss_guard: `canTrade: false` flattens and locks until `canTrade: true` is seen."""


class SymbolBlocksConfig(RuleConfig):
    """011 symbol_blocks: positions and orders in a blocked root (wildcards like M*) are closed."""

    blocked: list[RootPattern] = Field(default_factory=list)

    @field_validator("blocked")
    @classmethod
    def _dedupe(cls, blocked: list[str]) -> list[str]:
        return list(dict.fromkeys(blocked))

    def check_enabled(self) -> None:
        if not self.blocked:
            raise field_error("blocked", "must not be empty (the rule is enabled)")

    def is_blocked(self, root: str) -> bool:
        """True when a symbol root matches any blocked pattern (case-insensitive)."""
        root = root.upper()
        return any(fnmatchcase(root, pattern) for pattern in self.blocked)


class BreakevenConfig(StrictModel):
    """Move the stop to entry +/- offset once profit reaches trigger_ticks."""

    trigger_ticks: Ticks
    offset_ticks: int = Field(default=0, ge=0, le=MAX_TICKS)

    @model_validator(mode="after")
    def _offset_below_trigger(self) -> Self:
        # An offset at or beyond the trigger would put the stop at or through the market.
        if self.offset_ticks >= self.trigger_ticks:
            raise field_error("offset_ticks", "must be < trigger_ticks")
        return self


class TrailingConfig(StrictModel):
    """Keep the stop distance_ticks behind the best price once profit reaches activation_ticks."""

    activation_ticks: Ticks
    distance_ticks: Ticks


class TradeManagementConfig(RuleConfig):
    """012 trade_management: tighten an existing stop (breakeven and/or trailing)."""

    breakeven: BreakevenConfig | None = None
    trailing: TrailingConfig | None = None

    def check_enabled(self) -> None:
        if self.breakeven is None and self.trailing is None:
            raise field_error("breakeven", "set breakeven or trailing (the rule is enabled)")
