"""Whole-file models: defaults, schedule, daemon, notifications, examples, round trips."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from cfg_helpers import MINIMAL, load, problems
from pydantic import ValidationError

from risk_manager.config import Config, DaemonConfig, SessionConfig


def test_minimal_config_gets_the_spec_defaults() -> None:
    config = load(MINIMAL)
    assert [account.name for account in config.accounts] == ["PRAC-1"]
    assert config.accounts[0].rules is None
    assert config.gateway.api_url == "https://api.topstepx.com/api"
    assert config.gateway.user_hub_url == "https://rtc.topstepx.com/hubs/user"
    assert config.gateway.market_hub_url == "https://rtc.topstepx.com/hubs/market"
    assert (config.pnl_basis, config.unrealized_mark, config.stale_quote_seconds) == (
        "net",
        "liquidation",
        10,
    )
    assert (config.enforcement.mode, config.enforcement.warn_at) == ("enforce", 0.8)
    schedule = config.schedule
    assert schedule.tz == ZoneInfo("America/Chicago")
    assert schedule.daily_reset == time(17, 0)
    assert (schedule.session.start, schedule.session.end) == (time(8, 30), time(15, 0))
    assert schedule.session.weekdays == frozenset({0, 1, 2, 3, 4})
    assert schedule.calendar == "cme_equity"
    assert (schedule.holidays, schedule.early_closes) == ([], {})
    assert config.notifications.discord_webhook is None and config.notifications.telegram is None
    assert (config.daemon.control_socket, config.daemon.admin_group) == (None, None)
    assert config.daemon.data_dir is None and config.secrets_file is None


def test_models_are_immutable() -> None:
    config = load(MINIMAL)
    with pytest.raises(ValidationError):
        config.pnl_basis = "gross"


def test_schedule_parsed_values() -> None:
    config = load(
        MINIMAL
        + """\
schedule:
  timezone: Europe/Berlin
  daily_reset: "23:00"
  session: {start: "22:00", end: "21:00", days: [Sun, mon, tue]}
  calendar: none
  holidays: [2026-12-28]
  early_closes: {2026-12-24: "12:15", "2026-12-31": "12:00"}
"""
    )
    schedule = config.schedule
    assert schedule.tz.key == "Europe/Berlin"
    assert schedule.session.overnight is True
    assert schedule.session.weekdays == frozenset({6, 0, 1})
    assert schedule.session.days == ["sun", "mon", "tue"]
    assert schedule.holidays == [date(2026, 12, 28)]
    assert schedule.early_closes == {date(2026, 12, 24): time(12, 15), date(2026, 12, 31): time(12, 0)}
    dumped = config.model_dump(mode="json")["schedule"]
    assert dumped["early_closes"] == {"2026-12-24": "12:15", "2026-12-31": "12:00"}
    assert dumped["session"] == {"start": "22:00", "end": "21:00", "days": ["sun", "mon", "tue"]}
    assert Config.model_validate(config.model_dump(mode="json")) == config


def test_day_session_is_not_overnight() -> None:
    assert SessionConfig().overnight is False


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("timezone: Mars/Olympus", "cfg.yaml:4: schedule.timezone: unknown IANA time zone 'Mars/Olympus'"),
        ("timezone: ''", "schedule.timezone: unknown IANA time zone"),
        ("daily_reset: '25:00'", 'cfg.yaml:4: schedule.daily_reset: must be a time "HH:MM"'),
        (
            "session: {start: '09:00', end: '09:00'}",
            "cfg.yaml:4: schedule.session.end: must differ from start",
        ),
        ("session: {days: []}", "schedule.session.days: must not be empty"),
        ("session: {days: [mon, mon]}", "schedule.session.days: a day is listed twice"),
        ("session: {days: [monday]}", "schedule.session.days[0]: must be one of 'mon'"),
        ("calendar: nyse", "schedule.calendar: must be one of 'cme_equity' or 'none'"),
        ("holidays: [2026-02-30]", "schedule.holidays[0]: must be a date (YYYY-MM-DD)"),
        (
            "early_closes: {2026-12-24: '12:61'}",
            "cfg.yaml:4: schedule.early_closes.2026-12-24: must be a time",
        ),
        ("early_closes: {'christmas': '12:00'}", "schedule.early_closes.christmas: must be a date"),
    ],
)
def test_bad_schedules(schedule: str, expected: str) -> None:
    found = problems(MINIMAL + "schedule:\n  " + schedule + "\n")
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize("key", ["control_host: 127.0.0.1", "control_port: 8787"])
def test_there_is_no_tcp_control_port_to_configure(key: str) -> None:
    found = problems(MINIMAL + f"daemon:\n  {key}\n")
    assert len(found) == 1 and f"daemon.{key.split(':')[0]}" in found[0], found


def test_admin_group_is_a_group_name() -> None:
    assert DaemonConfig(admin_group="riskadmins").admin_group == "riskadmins"
    found = problems(MINIMAL + "daemon:\n  admin_group: 'wheel; rm -rf /'\n")
    assert len(found) == 1 and "daemon.admin_group" in found[0], found


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            "gateway: {api_url: 'api.topstepx.com'}",
            "cfg.yaml:3: gateway.api_url: must be an http:// or https://",
        ),
        ("notifications: {discord_webhook: 'discord'}", "notifications.discord_webhook: must be an http://"),
        ("notifications: {telegram: {bot_token_env: X}}", "notifications.telegram.chat_id: field required"),
        (
            "notifications: {telegram: {chat_id: '1', bot_token: abc}}",
            "notifications.telegram.bot_token: unknown key",
        ),
        (
            "notifications: {telegram: {chat_id: '1', bot_token_env: 'A B'}}",
            "telegram.bot_token_env: must match",
        ),
        (
            "unrealized_mark: bid",
            "cfg.yaml:3: unrealized_mark: must be one of 'liquidation', 'last' or 'mid'",
        ),
        (
            "enforcement: {mode: off}",
            "enforcement.mode: must be one of 'enforce' or 'dry_run' (got False); quote the word",
        ),
        ("enforcement: {warn_at: 0}", "enforcement.warn_at: must be > 0"),
    ],
)
def test_bad_sections(section: str, expected: str) -> None:
    found = problems(MINIMAL + section + "\n")
    assert len(found) == 1 and expected in found[0], found


def test_notifications_and_per_account_rules() -> None:
    config = load(
        """\
accounts:
  - name: A
    rules:
      max_contracts: {enabled: true, limit: 2}
notifications:
  discord_webhook: https://discord.com/api/webhooks/1/x/
  telegram: {chat_id: -100123}
"""
    )
    assert config.accounts[0].rules is not None
    assert config.accounts[0].rules.enabled_names() == ["max_contracts"]
    assert config.account("A").name == "A"
    telegram = config.notifications.telegram
    assert telegram is not None
    assert (telegram.chat_id, telegram.bot_token_env) == ("-100123", "RISK_MANAGER_TELEGRAM_TOKEN")
    assert config.notifications.discord_webhook == "https://discord.com/api/webhooks/1/x"


def test_per_account_rules_are_validated() -> None:
    found = problems("accounts:\n  - name: A\n    rules:\n      max_contracts: {limit: -1}\n")
    assert found == ["cfg.yaml:4: accounts[0].rules.max_contracts.limit: must be > 0"]


def test_numeric_account_name_is_read_as_text() -> None:
    assert load("accounts:\n  - name: 12345\n").accounts[0].name == "12345"


MERGED = """\
accounts:
  - name: A
    rules:
      max_contracts: {limit: 2}
      symbol_blocks: {blocked: [CL]}
      cooldown_after_loss:
        tiers: [{loss: -50, cooldown: 1m}]
  - name: B
rules:
  max_contracts: {enabled: true, limit: 5, count: gross}
  symbol_blocks: {enabled: true, blocked: [GC, 'M*']}
  cooldown_after_loss:
    enabled: true
    tiers: [{loss: -100, cooldown: 5m}, {loss: -300, cooldown: 30m}]
"""


def test_account_rules_deep_merge_and_replace_lists() -> None:
    config = load(MERGED)
    a, b = config.rules_for("A"), config.rules_for("B")
    assert (a.max_contracts.limit, a.max_contracts.count, a.max_contracts.enabled) == (2, "gross", True)
    assert a.symbol_blocks.blocked == ["CL"]  # replaced, not merged
    assert [t.loss for t in a.cooldown_after_loss.tiers] == [-50]
    assert b == config.rules and b.max_contracts.limit == 5
    assert set(config.rule_sets()) == {"A", "B"}


def test_account_rules_are_validated_merged() -> None:
    # enabled at the top, the limit missing only in the account's merged rules: reported at the account
    text = "accounts:\n  - name: A\n    rules:\n      daily_realized_loss: {limit: 10}\n" \
           "rules:\n  daily_realized_loss: {enabled: true, limit: -100}\n"
    assert problems(text) == ["cfg.yaml:4: accounts[0].rules.daily_realized_loss.limit: must be < 0"]


def test_top_level_problem_is_reported_once() -> None:
    text = "accounts:\n  - name: A\n    rules: {max_contracts: {count: gross}}\n" \
           "rules:\n  max_contracts: {enabled: true, limit: -1}\n"
    assert problems(text) == ["cfg.yaml:5: rules.max_contracts.limit: must be > 0"]
