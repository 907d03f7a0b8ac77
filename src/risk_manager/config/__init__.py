"""Configuration: the pydantic models of risk_manager.yaml, loading with line numbers, reload diffs."""

from risk_manager.config.diff import RESTART_KEYS, changed_keys, diff_configs, format_value, needs_restart
from risk_manager.config.errors import ConfigError, ConfigProblem
from risk_manager.config.loader import load_config, load_config_text
from risk_manager.config.models import (
    AccountConfig,
    Config,
    DaemonConfig,
    EnforcementConfig,
    GatewayConfig,
    NotificationsConfig,
    TelegramConfig,
)
from risk_manager.config.rules import RULE_IDS, RULE_KEYS, RulesConfig
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
from risk_manager.config.rules_misc import (
    AuthLossGuardConfig,
    BreakevenConfig,
    SymbolBlocksConfig,
    TradeManagementConfig,
    TrailingConfig,
)
from risk_manager.config.rules_time import (
    CooldownAfterLossConfig,
    FrequencyCooldownConfig,
    LossTier,
    NoStopLossGraceConfig,
    SessionBlockOutsideConfig,
    TradeFrequencyLimitConfig,
)
from risk_manager.config.schedule import ScheduleConfig, SessionConfig
from risk_manager.config.values import WEEKDAY_NAMES, Duration, format_hhmm, parse_hhmm

__all__ = [
    "RESTART_KEYS",
    "RULE_IDS",
    "RULE_KEYS",
    "WEEKDAY_NAMES",
    "AccountConfig",
    "AuthLossGuardConfig",
    "BreakevenConfig",
    "Config",
    "ConfigError",
    "ConfigProblem",
    "ConsecutiveLossesConfig",
    "CooldownAfterLossConfig",
    "DaemonConfig",
    "DailyRealizedLossConfig",
    "DailyRealizedProfitConfig",
    "DailyUnrealizedLossConfig",
    "Duration",
    "EnforcementConfig",
    "FrequencyCooldownConfig",
    "GatewayConfig",
    "LossTier",
    "MaxContractsConfig",
    "MaxContractsPerInstrumentConfig",
    "MaxLossLimitConfig",
    "MaxUnrealizedProfitConfig",
    "NoStopLossGraceConfig",
    "NotificationsConfig",
    "RuleConfig",
    "RulesConfig",
    "ScheduleConfig",
    "SessionBlockOutsideConfig",
    "SessionConfig",
    "SymbolBlocksConfig",
    "TelegramConfig",
    "TradeFrequencyLimitConfig",
    "TradeManagementConfig",
    "TrailingConfig",
    "WeeklyLossLimitConfig",
    "WeeklyProfitTargetConfig",
    "changed_keys",
    "diff_configs",
    "format_hhmm",
    "format_value",
    "load_config",
    "load_config_text",
    "needs_restart",
    "parse_hhmm",
]
