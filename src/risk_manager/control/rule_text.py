"""One line per rule for the dashboard: its current value against its limit ("3/3 trades this hour").

Read-only and display-only. Each rule module declares its own line (``SPEC.text``), read through the rule
object built from the account's section, so the line shows what the rule itself computes. Disabled rules
say "off".
"""

from __future__ import annotations

from risk_manager.config import Config
from risk_manager.rules.base import RuleContext
from risk_manager.rules.registry import SPECS


def value_text(config: Config, rule: str, ctx: RuleContext) -> str:
    """The rule's current value against its setting; "off" when disabled, never raises."""
    section = config.rules_for(ctx.state.name).rule(rule)
    if not section.enabled:
        return "off"
    try:
        spec = SPECS[rule]
        return spec.text(spec.rule(section), ctx, config.schedule.tz)
    except Exception as e:  # a display line must never break the status endpoint
        return f"(no value: {type(e).__name__})"
