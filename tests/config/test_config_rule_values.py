"""Bad values in every rule section (SPEC section 7) are reported with line and key path."""

from __future__ import annotations

import pytest
from cfg_helpers import problems, with_rules

# (rules YAML, the one expected problem). The rules section starts at line 4 of the file.
BAD_RULES = [
    ("max_contracts: {enabled: true, limit: 0}", "cfg.yaml:4: rules.max_contracts.limit: must be > 0"),
    ("max_contracts: {limit: 2.5}", "cfg.yaml:4: rules.max_contracts.limit: must be a whole number"),
    ("max_contracts: {limit: 5, count: nett}", "rules.max_contracts.count: must be one of 'net', 'gross'"),
    ("max_contracts: {limit: 5, micro_weight: 0}", "rules.max_contracts.micro_weight: must be > 0"),
    ("max_contracts: {limit: 5, enforcement: flatten}", "rules.max_contracts.enforcement: must be one of"),
    ("max_contracts: {enabled: maybe}", "rules.max_contracts.enabled: must be true or false"),
    (
        "max_contracts_per_instrument: {limits: {MNQ: 0}}",
        "cfg.yaml:4: rules.max_contracts_per_instrument.limits.MNQ: must be > 0",
    ),
    (
        "max_contracts_per_instrument: {limits: {'M-NQ': 2}}",
        "rules.max_contracts_per_instrument.limits.M-NQ: must be a symbol root",
    ),
    (
        "max_contracts_per_instrument: {default_limit: -1}",
        "rules.max_contracts_per_instrument.default_limit: must be > 0",
    ),
    (
        "max_contracts_per_instrument: {limits: {ES: 1}, enforcement: close_all}",
        "max_contracts_per_instrument.enforcement: must be one of 'reduce_to_limit' or 'close_position'",
    ),
    ("daily_realized_loss: {limit: 500}", "cfg.yaml:4: rules.daily_realized_loss.limit: must be < 0"),
    (
        "daily_realized_loss: {limit: -500, include_unrealized: 3}",
        "rules.daily_realized_loss.include_unrealized: must be true or false",
    ),
    ("daily_unrealized_loss: {limit: 0}", "rules.daily_unrealized_loss.limit: must be < 0"),
    ("max_unrealized_profit: {target: -10}", "rules.max_unrealized_profit.target: must be > 0"),
    ("daily_realized_profit: {target: 0}", "rules.daily_realized_profit.target: must be > 0"),
    ("trade_frequency_limit: {per_minute: 0}", "rules.trade_frequency_limit.per_minute: must be > 0"),
    (
        "trade_frequency_limit: {per_hour: 3, cooldown: {per_hour: soon}}",
        "rules.trade_frequency_limit.cooldown.per_hour: must be a duration like",
    ),
    (
        "trade_frequency_limit: {cooldown: {per_day: 1h}}",
        "rules.trade_frequency_limit.cooldown.per_day: unknown key",
    ),
    (
        "cooldown_after_loss:\n  tiers:\n    - {loss: 50, cooldown: 5m}",
        "cfg.yaml:6: rules.cooldown_after_loss.tiers[0].loss: must be < 0",
    ),
    (
        "cooldown_after_loss:\n  tiers:\n    - {loss: -50}",
        "cfg.yaml:6: rules.cooldown_after_loss.tiers[0].cooldown: field required",
    ),
    (
        "cooldown_after_loss:\n  tiers:\n    - {loss: -50, cooldown: 1m}\n    - {loss: -50, cooldown: 2m}",
        "cfg.yaml:5: rules.cooldown_after_loss.tiers: two tiers have the same loss",
    ),
    (
        "no_stop_loss_grace: {grace_period_seconds: 0}",
        "rules.no_stop_loss_grace.grace_period_seconds: must be > 0",
    ),
    (
        "session_block_outside: {flatten_before_end_seconds: -1}",
        "rules.session_block_outside.flatten_before_end_seconds: must be >= 0",
    ),
    ("auth_loss_guard: {enabled: true, when: always}", "rules.auth_loss_guard.when: unknown key"),
    (
        "symbol_blocks: {blocked: ['C L']}",
        "rules.symbol_blocks.blocked[0]: must be a symbol root or wildcard",
    ),
    ("symbol_blocks: {blocked: CL}", "rules.symbol_blocks.blocked: must be a list"),
    (
        "trade_management: {breakeven: {trigger_ticks: 0}}",
        "rules.trade_management.breakeven.trigger_ticks: must be > 0",
    ),
    (
        "trade_management: {breakeven: {trigger_ticks: 4, offset_ticks: 4}}",
        "rules.trade_management.breakeven.offset_ticks: must be < trigger_ticks",
    ),
    (
        "trade_management: {trailing: {activation_ticks: 10}}",
        "rules.trade_management.trailing.distance_ticks: field required",
    ),
]


@pytest.mark.parametrize(("rules", "expected"), BAD_RULES)
def test_bad_rule_values_are_reported(rules: str, expected: str) -> None:
    found = problems(with_rules(rules))
    assert len(found) == 1, found
    assert expected in found[0]


# An enabled rule must say what it limits; a disabled one may leave it out.
