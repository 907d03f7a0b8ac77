"""Rule sections: required-when-enabled values, defaults and the helpers other code uses."""

from __future__ import annotations

import pytest
from cfg_helpers import load, problems, with_rules

from risk_manager.config import RULE_KEYS, Duration, RulesConfig

REQUIRED_WHEN_ENABLED = [
    ("max_contracts", "limit", "field required (the rule is enabled)"),
    ("daily_realized_loss", "limit", "field required (the rule is enabled)"),
    ("daily_unrealized_loss", "limit", "field required (the rule is enabled)"),
    ("max_unrealized_profit", "target", "field required (the rule is enabled)"),
    ("daily_realized_profit", "target", "field required (the rule is enabled)"),
    ("max_contracts_per_instrument", "limits", "set limits or default_limit (the rule is enabled)"),
    ("trade_frequency_limit", "per_minute", "set per_minute, per_hour or per_session (the rule is enabled)"),
    ("cooldown_after_loss", "tiers", "must not be empty (the rule is enabled)"),
    ("symbol_blocks", "blocked", "must not be empty (the rule is enabled)"),
    ("trade_management", "breakeven", "set breakeven or trailing (the rule is enabled)"),
]


@pytest.mark.parametrize(("rule", "field", "reason"), REQUIRED_WHEN_ENABLED)
def test_enabled_rule_requires_its_values(rule: str, field: str, reason: str) -> None:
    text = with_rules(f"{rule}:\n  enabled: true\n")
    # Nothing under the rule names the missing field: the problem points at the rule's own line.
    assert problems(text) == [f"cfg.yaml:4: rules.{rule}.{field}: {reason}"]
    disabled = load(with_rules(f"{rule}:\n  enabled: false\n"))
    assert not disabled.rules.rule(rule).enabled


def test_missing_rule_sections_default_to_disabled() -> None:
    rules = load(with_rules("{}")).rules
    assert rules.enabled_names() == []
    assert [name for name, _ in rules.items()] == list(RULE_KEYS)
    assert len(RULE_KEYS) == 17


def test_empty_rule_section_means_defaults_but_a_misspelt_one_is_unknown() -> None:
    assert load(with_rules("auth_loss_guard:\n")).rules.auth_loss_guard.enabled is False
    assert problems(with_rules("auth_los_guard:\n")) == ["cfg.yaml:4: rules.auth_los_guard: unknown key"]


def test_rule_defaults_match_the_spec() -> None:
    rules = RulesConfig()
    assert rules.max_contracts.count == "net"
    assert rules.max_contracts.micro_weight == 1.0
    assert rules.max_contracts.enforcement == "reduce_to_limit"
    assert rules.max_contracts_per_instrument.enforcement == "reduce_to_limit"
    assert rules.daily_realized_loss.include_unrealized is True
    assert rules.daily_realized_profit.include_unrealized is True
    cooldown = rules.trade_frequency_limit.cooldown
    assert (cooldown.per_minute.seconds, cooldown.per_hour.seconds) == (60, 1800)
    assert cooldown.per_session.until_reset
    assert rules.trade_frequency_limit.flatten_on_breach is False
    assert rules.cooldown_after_loss.flatten_on_breach is True
    assert rules.no_stop_loss_grace.grace_period_seconds == 10
    assert rules.session_block_outside.close_at_session_end is True
    assert rules.session_block_outside.flatten_before_end_seconds == 0


def test_enabled_names_in_spec_order() -> None:
    rules = load(
        with_rules(
            """\
            symbol_blocks: {enabled: true, blocked: [cl, "m*"]}
            max_contracts: {enabled: true, limit: 5}
            auth_loss_guard: {enabled: true}
            """
        )
    ).rules
    assert rules.enabled_names() == ["max_contracts", "auth_loss_guard", "symbol_blocks"]
    assert rules.symbol_blocks.blocked == ["CL", "M*"]  # roots are upper-cased


def test_symbol_block_wildcards() -> None:
    blocks = load(with_rules("symbol_blocks: {enabled: true, blocked: [CL, 'M*']}")).rules.symbol_blocks
    assert blocks.is_blocked("CL") and blocks.is_blocked("mnq") and blocks.is_blocked("MES")
    assert not blocks.is_blocked("ES")
    assert not blocks.is_blocked("CLX")  # a plain root matches only itself


def test_per_instrument_limit_lookup() -> None:
    rule = load(
        with_rules("max_contracts_per_instrument: {enabled: true, limits: {mnq: 3}, default_limit: 1}")
    ).rules.max_contracts_per_instrument
    assert rule.limits == {"MNQ": 3}
    assert rule.limit_for("MNQ") == 3 and rule.limit_for("mnq") == 3
    assert rule.limit_for("ES") == 1


def test_loss_tiers_pick_the_most_severe_tier_crossed() -> None:
    rule = load(
        with_rules(
            """\
            cooldown_after_loss:
              enabled: true
              tiers:
                - {loss: -100, cooldown: 3m}
                - {loss: -50, cooldown: 1m}
                - {loss: -500, cooldown: until_reset}
            """
        )
    ).rules.cooldown_after_loss
    assert rule.tier_for(-49.99) is None
    tier = rule.tier_for(-50)  # exactly at the loss counts
    assert tier is not None and tier.cooldown == Duration("60s")
    tier = rule.tier_for(-250)
    assert tier is not None and tier.cooldown.seconds == 180
    tier = rule.tier_for(-900)
    assert tier is not None and tier.cooldown.until_reset
