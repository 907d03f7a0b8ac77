"""The `rules:` section: one sub-section per rule of SPEC sections 7 and 7b, keyed by the rule name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import Field, model_validator

from risk_manager.config.rules_base import RuleConfig
from risk_manager.config.rules_guard import (
    ConsecutiveLossesConfig,
    MaxLossLimitConfig,
    WeeklyLossLimitConfig,
    WeeklyProfitTargetConfig,
)
from risk_manager.config.rules_limits import (
    DailyRealizedLossConfig,
    DailyRealizedProfitConfig,
    DailyUnrealizedLossConfig,
    MaxContractsConfig,
    MaxContractsPerInstrumentConfig,
    MaxUnrealizedProfitConfig,
)
from risk_manager.config.rules_misc import AuthLossGuardConfig, SymbolBlocksConfig, TradeManagementConfig
from risk_manager.config.rules_time import (
    CooldownAfterLossConfig,
    NoStopLossGraceConfig,
    SessionBlockOutsideConfig,
    TradeFrequencyLimitConfig,
)
from risk_manager.config.values import StrictModel

# Rule key -> SPEC rule ID, in SPEC order (also the field order of RulesConfig).
RULE_IDS: dict[str, str] = {
    "max_contracts": "001",
    "max_contracts_per_instrument": "002",
    "daily_realized_loss": "003",
    "daily_unrealized_loss": "004",
    "max_unrealized_profit": "005",
    "trade_frequency_limit": "006",
    "cooldown_after_loss": "007",
    "no_stop_loss_grace": "008",
    "session_block_outside": "009",
    "auth_loss_guard": "010",
    "symbol_blocks": "011",
    "trade_management": "012",
    "daily_realized_profit": "013",
    "max_loss_limit": "014",
    "weekly_loss_limit": "015",
    "weekly_profit_target": "016",
    "consecutive_losses": "017",
}
RULE_KEYS: tuple[str, ...] = tuple(RULE_IDS)


def drop_null_sections(data: Any, known: Iterable[str]) -> Any:
    """`section:` with nothing under it (YAML null) means "all defaults", not an error.

    Unknown keys are kept so that a misspelt empty section is still reported.
    """
    if isinstance(data, dict):
        names = set(known)
        return {key: value for key, value in data.items() if value is not None or key not in names}
    return data


class RulesConfig(StrictModel):
    """Every rule's settings; a section left out of the file is the rule's defaults (disabled)."""

    max_contracts: MaxContractsConfig = Field(default_factory=MaxContractsConfig)
    max_contracts_per_instrument: MaxContractsPerInstrumentConfig = Field(
        default_factory=MaxContractsPerInstrumentConfig
    )
    daily_realized_loss: DailyRealizedLossConfig = Field(default_factory=DailyRealizedLossConfig)
    daily_unrealized_loss: DailyUnrealizedLossConfig = Field(default_factory=DailyUnrealizedLossConfig)
    max_unrealized_profit: MaxUnrealizedProfitConfig = Field(default_factory=MaxUnrealizedProfitConfig)
    trade_frequency_limit: TradeFrequencyLimitConfig = Field(default_factory=TradeFrequencyLimitConfig)
    cooldown_after_loss: CooldownAfterLossConfig = Field(default_factory=CooldownAfterLossConfig)
    no_stop_loss_grace: NoStopLossGraceConfig = Field(default_factory=NoStopLossGraceConfig)
    session_block_outside: SessionBlockOutsideConfig = Field(default_factory=SessionBlockOutsideConfig)
    auth_loss_guard: AuthLossGuardConfig = Field(default_factory=AuthLossGuardConfig)
    symbol_blocks: SymbolBlocksConfig = Field(default_factory=SymbolBlocksConfig)
    trade_management: TradeManagementConfig = Field(default_factory=TradeManagementConfig)
    daily_realized_profit: DailyRealizedProfitConfig = Field(default_factory=DailyRealizedProfitConfig)
    max_loss_limit: MaxLossLimitConfig = Field(default_factory=MaxLossLimitConfig)
    weekly_loss_limit: WeeklyLossLimitConfig = Field(default_factory=WeeklyLossLimitConfig)
    weekly_profit_target: WeeklyProfitTargetConfig = Field(default_factory=WeeklyProfitTargetConfig)
    consecutive_losses: ConsecutiveLossesConfig = Field(default_factory=ConsecutiveLossesConfig)

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        return drop_null_sections(data, cls.model_fields)

    def rule(self, name: str) -> RuleConfig:
        """The settings of one rule by key; KeyError for an unknown key."""
        if name not in RULE_IDS:
            raise KeyError(name)
        value: RuleConfig = getattr(self, name)
        return value

    def items(self) -> list[tuple[str, RuleConfig]]:
        """(key, settings) for every rule, in SPEC order."""
        return [(name, self.rule(name)) for name in RULE_KEYS]

    def enabled_names(self) -> list[str]:
        """Keys of the enabled rules, in SPEC order."""
        return [name for name, rule in self.items() if rule.enabled]
