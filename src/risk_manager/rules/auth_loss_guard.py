"""010 auth_loss_guard: the broker disabled trading (canTrade false) -> flatten, lock until it returns.

The flatten is best effort (the broker may refuse it while trading is disabled); the lockout is a hard,
condition-based one that ``releases`` ends on the first account event with canTrade true.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from risk_manager.domain.events import AccountEvent
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig


class AuthLossGuardConfig(RuleConfig):
    """010 auth_loss_guard: `canTrade: false` flattens and locks until `canTrade: true` is seen."""

_LOCKOUT = LockoutSpec("hard", "condition")


class AuthLossGuardRule(Rule):
    name = "auth_loss_guard"
    triggers = frozenset({AccountEvent})
    locks = True

    def __init__(self, config: AuthLossGuardConfig) -> None:
        self.config = config

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        if not isinstance(event, AccountEvent) or event.can_trade:
            return []
        message = (f"broker disabled trading on {event.name or ctx.state.name} (canTrade false): "
                   "locked until trading is enabled again")
        return [Violation(self.name, message, action="flatten", lockout=_LOCKOUT)]

    def releases(self, event: EngineEvent, ctx: RuleContext) -> bool:
        return isinstance(event, AccountEvent) and event.can_trade


def _text(rule: AuthLossGuardRule, ctx: RuleContext, tz: ZoneInfo) -> str:
    return f"canTrade {'true' if ctx.state.can_trade else 'false'}"


def _selftest(h: SelfTestDriver, cfg: AuthLossGuardConfig) -> None:
    h.can_trade(False)


SPEC = RuleSpec(
    key="auth_loss_guard",
    id="010",
    config=AuthLossGuardConfig,
    rule=AuthLossGuardRule,
    text=_text,
    selftest=_selftest,
)
