"""Build the enabled rules from config: one module per rule, named after its config key."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from risk_manager.config import RULE_KEYS, RulesConfig
from risk_manager.rules.base import Rule


def rule_class(key: str) -> Callable[[Any], Rule]:
    """The Rule subclass in ``risk_manager.rules.<key>`` whose ``name`` is ``key``."""
    module = importlib.import_module(f"risk_manager.rules.{key}")
    for _, obj in inspect.getmembers(module, inspect.isclass):
        if issubclass(obj, Rule) and obj is not Rule and obj.name == key:
            return obj  # each rule class takes its config section as its only argument
    raise LookupError(f"risk_manager.rules.{key} defines no Rule named {key!r}")


def build_rules(cfg: RulesConfig) -> list[Rule]:
    """Enabled rules in SPEC order (001..013): the order violations are journaled in."""
    rules: list[Rule] = []
    for key in RULE_KEYS:
        section: Any = cfg.rule(key)
        if section.enabled:
            rules.append(rule_class(key)(section))
    return rules
