"""The rules of one account, grouped once for the engine: by trigger, deadline rules, release rules.

Each account may have its own rules (SPEC §7b); accounts without their own share the default set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from risk_manager.domain.events import QuoteEvent
from risk_manager.engine.evaluate import Plan, by_trigger
from risk_manager.rules.base import Rule


@dataclass(slots=True)
class RuleSet:
    rules: list[Rule]
    by_trigger: dict[type, Plan] = field(init=False)
    deadline: list[Rule] = field(init=False)
    release: list[Rule] = field(init=False)
    quote: Plan = field(init=False)

    def __post_init__(self) -> None:
        self.by_trigger = by_trigger(self.rules)
        self.deadline = [r for r in self.rules if type(r).next_deadline is not Rule.next_deadline]
        self.release = [r for r in self.rules if type(r).releases is not Rule.releases]
        self.quote = self.by_trigger.get(QuoteEvent, [])

    def named(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)
