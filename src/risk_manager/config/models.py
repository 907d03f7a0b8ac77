"""The whole `risk_manager.yaml` file as pydantic models (see SPEC section 9)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from risk_manager.config.merge import merge_account_rules
from risk_manager.config.schedule import ScheduleConfig
from risk_manager.rules.registry import RulesConfig
from risk_manager.schema.section import drop_null_sections, field_error
from risk_manager.schema.values import MAX_SECONDS, StrictModel


def _http_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", value):
        raise ValueError("must be an http:// or https:// URL without spaces")
    return value.rstrip("/")


UrlStr = Annotated[str, AfterValidator(_http_url)]


def _int_to_str(value: object) -> object:
    # Telegram chat ids and some account names are numbers; YAML gives an int when unquoted.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _account_name(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only spaces")
    if value != value.strip():
        raise ValueError("must not start or end with spaces (the gateway's names do not)")
    return value


class AccountConfig(StrictModel):
    """One protected account, by its ProjectX account name (resolved to an id at start-up)."""

    name: Annotated[str, BeforeValidator(_int_to_str), AfterValidator(_account_name)] = Field(min_length=1)
    # This account's rules: its `rules:` deep-merged over the top-level ones (SPEC §7b); None = the
    # top-level rules as they are.
    rules: RulesConfig | None = None


class GatewayConfig(StrictModel):
    """ProjectX Gateway endpoints (TopstepX by default)."""

    api_url: UrlStr = "https://api.topstepx.com/api"
    user_hub_url: UrlStr = "https://rtc.topstepx.com/hubs/user"
    market_hub_url: UrlStr = "https://rtc.topstepx.com/hubs/market"


class EnforcementConfig(StrictModel):
    """enforce acts on the broker; dry_run journals decisions without broker calls."""

    mode: Literal["enforce", "dry_run"] = "enforce"
    warn_at: float = Field(default=0.8, gt=0, le=1)  # utilisation that raises a warning


class TelegramConfig(StrictModel):
    """Telegram target; the bot token is read from the environment variable `bot_token_env`."""

    chat_id: Annotated[str, BeforeValidator(_int_to_str)] = Field(min_length=1)
    bot_token_env: str = Field(default="RISK_MANAGER_TELEGRAM_TOKEN", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")


class NotificationsConfig(StrictModel):
    """Where alerts go. No secrets here: the Telegram token comes from the environment."""

    discord_webhook: UrlStr | None = None
    telegram: TelegramConfig | None = None


class DaemonConfig(StrictModel):
    """Where the daemon keeps its state and where its control endpoint (a local socket) lives."""

    data_dir: str | None = None  # None = platform default
    control_socket: str | None = None  # None = $RUNTIME_DIRECTORY/control.sock, else <data_dir>/control.sock
    admin_group: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$")
    log_dir: str | None = None  # None = <data_dir>/logs (decided by the daemon)


class Config(StrictModel):
    """The validated contents of risk_manager.yaml."""

    accounts: list[AccountConfig] = Field(min_length=1)
    gateway: GatewayConfig = Field(default_factory=GatewayConfig)
    pnl_basis: Literal["net", "gross"] = "net"
    unrealized_mark: Literal["liquidation", "last", "mid"] = "liquidation"
    stale_quote_seconds: float = Field(default=10.0, gt=0, le=MAX_SECONDS)
    enforcement: EnforcementConfig = Field(default_factory=EnforcementConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    rules: RulesConfig = Field(default_factory=RulesConfig)
    notifications: NotificationsConfig = Field(default_factory=NotificationsConfig)
    daemon: DaemonConfig = Field(default_factory=DaemonConfig)
    secrets_file: str | None = None  # credentials file (env vars are used when None)

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        return merge_account_rules(drop_null_sections(data, cls.model_fields))

    @model_validator(mode="after")
    def _unique_accounts(self) -> Self:
        names = [account.name for account in self.accounts]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise field_error("accounts", f"account listed twice: {', '.join(duplicates)}")
        return self

    def account(self, name: str) -> AccountConfig:
        """The account entry with this name; KeyError if it is not configured."""
        for account in self.accounts:
            if account.name == name:
                return account
        raise KeyError(name)

    def rules_for(self, name: str) -> RulesConfig:
        """The rules that protect account ``name``: its merged rules, else the top-level ones."""
        key = name.casefold()  # the gateway's spelling may differ in case (accounts resolve casefolded)
        for account in self.accounts:
            if account.name.casefold() == key and account.rules is not None:
                return account.rules
        return self.rules

    def rule_sets(self) -> dict[str, RulesConfig]:
        """Account name -> its rules, for every configured account."""
        return {account.name: self.rules_for(account.name) for account in self.accounts}
