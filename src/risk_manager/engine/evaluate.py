"""Running the rules for one event (SPEC §6): a rule under its own lockout sits out (the kill switch rules
then; for an event delivered late, a lockout that was running at the event's own time counts), the others
are evaluated, and their utilisation is journaled as a warning once per upward crossing.

Hot: quotes run this for every account holding the quoted contract (bench/engine_throughput.py). Rules are
grouped by trigger once, their methods bound once, and crossed() is skipped when it could only say no.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from risk_manager.engine.ports import Judging
from risk_manager.rules.base import Rule, RuleContext, Violation

# One entry per rule: (name, has a lockout of its own, evaluate, utilization or None if it reports none)
Plan = list[tuple[str, bool, Any, Any]]


def plan(rules: Iterable[Rule]) -> Plan:
    base = Rule.utilization
    return [(r.name, r.locks, r.evaluate, None if type(r).utilization is base else r.utilization)
            for r in rules]


def by_trigger(rules: list[Rule]) -> dict[type, Plan]:
    """The rules each event type can make fire, in rule order (the order violations are journaled in)."""
    return {t: plan(r for r in rules if t in r.triggers) for t in {t for r in rules for t in r.triggers}}


def run_rules(e: Judging, rules: Plan, event: Any, ctx: RuleContext) -> list[Violation]:
    st, warnings, has_rule, held_at = ctx.state, e.warnings, e.locks.has_rule, e.locks.held_at
    warn_at, above = warnings.warn_at, warnings.above.get(st.account_id)
    out: list[Violation] = []
    for name, locks, evaluate, utilization in rules:
        if locks and (has_rule(st.name, name) or held_at(st.name, name, ctx.now)):
            continue  # its own lockout is active (or was, at a late event's own time): the kill switch rules
        out += evaluate(event, ctx)
        util = None if utilization is None else utilization(ctx)
        # below warn_at and not above it before, crossed() would change nothing and say no: skip it
        if (util is not None and (util >= warn_at or (above and name in above))
                and warnings.crossed(st.account_id, name, util)):
            e.journal.write(e.make.warning(ctx.now, st.name, name, util))
    return out
