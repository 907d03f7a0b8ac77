"""The rule registry: every rule module's ``SPEC``, one line each, in SPEC order (001..017).

This list is the only place a rule is named. From it come the `rules:` section of the config file
(``RulesConfig``, one field per rule), ``RULE_IDS``, the rules the engine runs (``build_rules``), the
start-up self-test and the dashboard's value lines. Adding a rule: docs/adding-a-rule.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, create_model

from risk_manager.rules import (
    auth_loss_guard,
    consecutive_losses,
    cooldown_after_loss,
    daily_realized_loss,
    daily_realized_profit,
    daily_unrealized_loss,
    max_contracts,
    max_contracts_per_instrument,
    max_loss_limit,
    max_unrealized_profit,
    no_stop_loss_grace,
    session_block_outside,
    symbol_blocks,
    trade_frequency_limit,
    trade_management,
    weekly_loss_limit,
    weekly_profit_target,
)
from risk_manager.rules.base import Rule
from risk_manager.rules.spec import RuleSpec
from risk_manager.schema.section import RuleSections

type AnySpec = RuleSpec[Any, Any]

RULES: tuple[AnySpec, ...] = (
    max_contracts.SPEC,
    max_contracts_per_instrument.SPEC,
    daily_realized_loss.SPEC,
    daily_unrealized_loss.SPEC,
    max_unrealized_profit.SPEC,
    trade_frequency_limit.SPEC,
    cooldown_after_loss.SPEC,
    no_stop_loss_grace.SPEC,
    session_block_outside.SPEC,
    auth_loss_guard.SPEC,
    symbol_blocks.SPEC,
    trade_management.SPEC,
    daily_realized_profit.SPEC,
    max_loss_limit.SPEC,
    weekly_loss_limit.SPEC,
    weekly_profit_target.SPEC,
    consecutive_losses.SPEC,
)


def rules_model(specs: tuple[AnySpec, ...], name: str = "RulesConfig") -> type[RuleSections]:
    """The `rules:` model for these specs: one section per rule, in their order, each defaulting to the
    rule's defaults (disabled). Raises ValueError on a key or ID used twice."""
    keys, ids = [s.key for s in specs], [s.id for s in specs]
    if len(set(keys)) != len(keys) or len(set(ids)) != len(ids):
        raise ValueError(f"rule keys and IDs must be unique: {keys} / {ids}")
    fields: dict[str, Any] = {s.key: (s.config, Field(default_factory=s.config)) for s in specs}
    return create_model(name, __base__=RuleSections, __module__=__name__,
                        __doc__=RuleSections.__doc__, **fields)


SPECS: dict[str, AnySpec] = {s.key: s for s in RULES}
# Rule key -> SPEC rule ID, in SPEC order (also the field order of RulesConfig).
RULE_IDS: dict[str, str] = {s.key: s.id for s in RULES}
RULE_KEYS: tuple[str, ...] = tuple(RULE_IDS)
if TYPE_CHECKING:  # a static name for the model made at import: `rules.<key>` reads as a section (Any)
    RulesConfig = RuleSections
else:
    RulesConfig = rules_model(RULES)


def rule_class(key: str) -> Any:
    """The Rule class registered under ``key`` (KeyError for an unknown key)."""
    return SPECS[key].rule


def build_rules(cfg: RuleSections, specs: tuple[AnySpec, ...] = RULES) -> list[Rule]:
    """Enabled rules in SPEC order (001..017): the order violations are journaled in."""
    rules: list[Rule] = []
    for spec in specs:
        section = cfg.rule(spec.key)
        if section.enabled:
            rules.append(spec.rule(section))
    return rules
