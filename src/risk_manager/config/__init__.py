"""Configuration: the pydantic models of risk_manager.yaml, loading with line numbers, reload diffs.

Each rule's section model lives in its rule module (``risk_manager.rules.<key>``) and the `rules:` model
is built by the rule registry; they are re-exported here so callers have one place to import config from.
"""

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
from risk_manager.config.schedule import ScheduleConfig, SessionConfig
from risk_manager.rules.auth_loss_guard import AuthLossGuardConfig
from risk_manager.rules.consecutive_losses import ConsecutiveLossesConfig
from risk_manager.rules.cooldown_after_loss import CooldownAfterLossConfig, LossTier
from risk_manager.rules.daily_realized_loss import DailyRealizedLossConfig
from risk_manager.rules.daily_realized_profit import DailyRealizedProfitConfig
from risk_manager.rules.daily_unrealized_loss import DailyUnrealizedLossConfig
from risk_manager.rules.max_contracts import MaxContractsConfig
from risk_manager.rules.max_contracts_per_instrument import MaxContractsPerInstrumentConfig
from risk_manager.rules.max_loss_limit import MaxLossLimitConfig
from risk_manager.rules.max_unrealized_profit import MaxUnrealizedProfitConfig
from risk_manager.rules.no_stop_loss_grace import NoStopLossGraceConfig
from risk_manager.rules.registry import RULE_IDS, RULE_KEYS, RulesConfig
from risk_manager.rules.session_block_outside import SessionBlockOutsideConfig
from risk_manager.rules.symbol_blocks import SymbolBlocksConfig
from risk_manager.rules.trade_frequency_limit import FrequencyCooldownConfig, TradeFrequencyLimitConfig
from risk_manager.rules.trade_management import BreakevenConfig, TradeManagementConfig, TrailingConfig
from risk_manager.rules.weekly_loss_limit import WeeklyLossLimitConfig
from risk_manager.rules.weekly_profit_target import WeeklyProfitTargetConfig
from risk_manager.schema.section import RuleConfig
from risk_manager.schema.values import WEEKDAY_NAMES, Duration, format_hhmm, parse_hhmm

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
