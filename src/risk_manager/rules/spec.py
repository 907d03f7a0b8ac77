"""What a rule module declares about itself (``SPEC``): its config key and SPEC ID, the model of its
config section, its Rule class, how its current value reads on the dashboard and its start-up self-test.

The registry (``rules/registry.py``) lists every module's ``SPEC`` once, in SPEC order; the config file's
`rules:` model, ``RULE_IDS``, the self-test and the dashboard text are all derived from that list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from risk_manager.domain.contracts import Contract
from risk_manager.domain.enums import Side
from risk_manager.rules.base import Rule, RuleContext
from risk_manager.schema.section import RuleConfig


class SelfTestDriver(Protocol):
    """What a self-test case may do: trade on a paper account (engine + paper broker, virtual clock) that
    runs with the daemon's own settings, this rule alone enabled. The daemon's harness implements it."""

    balance: float  # the paper account's starting balance

    def contract(self, root: str) -> Contract: ...
    def quote(self, root: str, bid: float) -> None: ...
    def market(self, root: str, side: Side, size: int) -> int: ...
    def stop(self, root: str, side: Side, size: int, price: float) -> int: ...
    def advance(self, seconds: float) -> None: ...
    def can_trade(self, value: bool) -> None: ...
    def leave_session(self) -> None:
        """Move the clock to the first instant the configured trading session is closed."""


@dataclass(frozen=True, slots=True)
class RuleSpec[C: RuleConfig, R: Rule]:
    key: str  # the config key and the Rule's ``name``, e.g. "max_contracts"
    id: str  # the SPEC rule ID, e.g. "001"
    config: type[C]  # the model of its `rules.<key>:` section
    rule: Callable[[C], R]  # builds the rule from its section (the Rule class itself)
    # Its current value against its setting, for the dashboard ("3/5 contracts (net)"); reads the value
    # through the rule object, so the line shows what the rule itself computes.
    text: Callable[[R, RuleContext, ZoneInfo], str]
    # Drives a synthetic breach of the rule's own configured limits; the self-test checks it fired.
    selftest: Callable[[SelfTestDriver, C], None]
