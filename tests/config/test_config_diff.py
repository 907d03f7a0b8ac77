"""diff_configs and needs_restart: what a reload would change, and whether it applies live."""

from __future__ import annotations

import pytest
from cfg_helpers import EXAMPLES, MINIMAL, load

from risk_manager.config import changed_keys, diff_configs, load_config, needs_restart

BASE = (
    MINIMAL
    + """\
rules:
  max_contracts: {enabled: true, limit: 5}
  cooldown_after_loss:
    enabled: true
    tiers: [{loss: -100, cooldown: 5m}]
"""
)


def test_identical_configs_have_no_diff() -> None:
    assert diff_configs(load(BASE), load(BASE)) == []
    assert needs_restart(load(BASE), load(BASE)) is False


def test_rule_change_is_described_and_applies_live() -> None:
    old, new = load(BASE), load(BASE.replace("limit: 5", "limit: 3"))
    assert diff_configs(old, new) == ["rules.max_contracts.limit: 5 -> 3"]
    assert changed_keys(old, new) == {"rules"}
    assert needs_restart(old, new) is False


def test_same_duration_written_differently_is_no_change() -> None:
    assert diff_configs(load(BASE), load(BASE.replace("5m", "300s"))) == []


def test_list_items_and_new_sections() -> None:
    new = load(
        BASE.replace(
            "[{loss: -100, cooldown: 5m}]", "[{loss: -100, cooldown: 10m}, {loss: -200, cooldown: 1h}]"
        )
        + "  symbol_blocks: {enabled: true, blocked: [CL]}\n"
    )
    assert diff_configs(load(BASE), new) == [
        "rules.cooldown_after_loss.tiers: [{loss: -100, cooldown: 5m}] -> "
        "[{loss: -100, cooldown: 10m}, {loss: -200, cooldown: 1h}]",
        "rules.symbol_blocks.enabled: false -> true",
        "rules.symbol_blocks.blocked: [] -> [CL]",
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("enforcement: {mode: dry_run}", "enforcement.mode: enforce -> dry_run"),
        ("schedule: {daily_reset: '16:00'}", "schedule.daily_reset: 17:00 -> 16:00"),
        ("schedule: {holidays: [2026-12-28]}", "schedule.holidays: [] -> [2026-12-28]"),
        (
            "notifications: {telegram: {chat_id: '42'}}",
            "notifications.telegram: null -> {chat_id: 42, bot_token_env: RISK_MANAGER_TELEGRAM_TOKEN}",
        ),
        ("pnl_basis: gross", "pnl_basis: net -> gross"),
    ],
)
def test_live_sections(extra: str, expected: str) -> None:
    old, new = load(BASE), load(BASE + extra + "\n")
    assert diff_configs(old, new) == [expected]
    assert needs_restart(old, new) is False


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "gateway: {api_url: 'http://127.0.0.1:8765/api'}",
            "gateway.api_url: https://api.topstepx.com/api -> http://127.0.0.1:8765/api",
        ),
        ("daemon: {control_socket: /run/rm.sock}", "daemon.control_socket: null -> /run/rm.sock"),
        ("secrets_file: /etc/rm/secrets.env", "secrets_file: null -> /etc/rm/secrets.env"),
    ],
)
def test_restart_sections(extra: str, expected: str) -> None:
    old, new = load(BASE), load(BASE + extra + "\n")
    assert diff_configs(old, new) == [expected]
    assert needs_restart(old, new) is True


def test_account_changes_need_a_restart() -> None:
    old, new = load(BASE), load(BASE.replace("PRAC-1", "PRAC-2"))
    assert diff_configs(old, new) == ["accounts[0].name: PRAC-1 -> PRAC-2"]
    assert needs_restart(old, new) is True
    added = load(BASE.replace("  - name: PRAC-1\n", "  - name: PRAC-1\n  - name: PRAC-2\n"))
    assert diff_configs(old, added) == [
        "accounts: [{name: PRAC-1}] -> [{name: PRAC-1}, {name: PRAC-2}]"
    ]
    assert needs_restart(old, added) is True


def test_webhook_urls_are_never_printed() -> None:
    url = "https://discord.com/api/webhooks/1/SECRET"
    old = load(BASE)
    first = load(BASE + f"notifications: {{discord_webhook: '{url}'}}\n")
    second = load(BASE + f"notifications: {{discord_webhook: '{url}2'}}\n")
    assert diff_configs(old, first) == ["notifications.discord_webhook: null -> (set)"]
    assert diff_configs(first, second) == ["notifications.discord_webhook: changed (hidden)"]
    assert not any("SECRET" in line for line in diff_configs(first, second) + diff_configs(first, old))


def test_examples_diff_is_large_and_needs_restart() -> None:
    real, demo = load_config(EXAMPLES / "risk_manager.yaml"), load_config(EXAMPLES / "demo.yaml")
    changes = diff_configs(real, demo)
    assert "rules.max_contracts.limit: 5 -> 4" in changes
    assert "rules.max_contracts_per_instrument.limits.ES: 1 -> null" in changes
    assert needs_restart(real, demo) is True


TWO = """\
accounts:
  - name: A
    rules:
      max_contracts: {limit: 2}
  - name: B
rules:
  max_contracts: {enabled: true, limit: 5}
"""


def test_per_account_rule_change_is_shown_per_account_and_applies_live() -> None:
    old, new = load(TWO), load(TWO.replace("limit: 2", "limit: 1"))
    assert diff_configs(old, new) == ["accounts[A].rules.max_contracts.limit: 2 -> 1"]
    assert needs_restart(old, new) is False


def test_top_level_change_shows_for_accounts_with_their_own_rules() -> None:
    old, new = load(TWO), load(TWO.replace("enabled: true, limit: 5", "enabled: false, limit: 5"))
    assert diff_configs(old, new) == [
        "rules.max_contracts.enabled: true -> false",
        "accounts[A].rules.max_contracts.enabled: true -> false",
    ]
    assert needs_restart(old, new) is False


def test_adding_an_override_lists_only_what_it_changes() -> None:
    old = load(TWO)
    new = load(TWO.replace("  - name: B\n", "  - name: B\n    rules: {max_contracts: {count: gross}}\n"))
    assert diff_configs(old, new) == ["accounts[B].rules.max_contracts.count: net -> gross"]
