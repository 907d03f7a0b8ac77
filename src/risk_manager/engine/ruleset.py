"""The rules of one account, grouped once for the engine: by trigger, deadline rules, release rules.

Each account may have its own rules (SPEC §7b); accounts without their own share the default set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from risk_manager.clock.deadlines import DeadlineQueue
from risk_manager.domain.events import QuoteEvent
from risk_manager.engine.evaluate import Plan, by_trigger
from risk_manager.rules.base import Rule, RuleContext


@dataclass(slots=True)
class RuleSet:
    rules: list[Rule]
    by_trigger: dict[type, Plan] = field(init=False)
    deadline: list[Rule] = field(init=False)
    release: list[Rule] = field(init=False)
    quote: Plan = field(init=False)
    after_reductions: list[Rule] = field(init=False)  # judged again on the sizes left (engine/project)

    def __post_init__(self) -> None:
        self.by_trigger = by_trigger(self.rules)
        self.deadline = [r for r in self.rules if type(r).next_deadline is not Rule.next_deadline]
        self.release = [r for r in self.rules if type(r).releases is not Rule.releases]
        self.quote = self.by_trigger.get(QuoteEvent, [])
        self.after_reductions = [r for r in self.rules if r.after_reductions]

    def named(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)

    def arm_deadlines(self, deadlines: DeadlineQueue[tuple[Any, ...]], ctx: RuleContext,
                      locked: Callable[[str, str], bool]) -> None:
        """Arm (or move, or cancel) the next deadline of each deadline rule for ``ctx``'s account; a rule
        under its own lockout has none (the kill switch rules then)."""
        st = ctx.state
        for rule in self.deadline:
            key = f"rule|{st.account_id}|{rule.name}"
            at = None if locked(st.name, rule.name) else rule.next_deadline(ctx)
            if at is None:
                deadlines.cancel(key)
            else:
                cur = deadlines.get(key)
                if cur is None or cur.at != at:
                    deadlines.set(key, at, ("rule", st.account_id, rule.name))

    def carried(self, ctx: RuleContext) -> Iterator[dict[str, float]]:
        """At the daily reset: the figures each rule carries over to the new day (rule 014's floor)."""
        for rule in self.rules:
            figures = rule.at_reset(ctx)
            if figures:
                yield figures
