"""008 no_stop_loss_grace: a position must get a protective stop within the grace period.

AccountState sets ``PositionState.unprotected_since`` when a position opens (from flat or flipped) or
loses its last protective stop while open, and clears it when a stop is working; so a cancelled stop
restarts the grace. Deadline = unprotected_since + grace; once reached, that position is closed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field

from risk_manager.domain.enums import Side
from risk_manager.domain.events import OrderEvent, PositionEvent
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, TimerEvent, Violation
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig
from risk_manager.schema.values import MAX_SECONDS


class NoStopLossGraceConfig(RuleConfig):
    """008 no_stop_loss_grace: a new position must get a protective order within the grace period."""

    grace_period_seconds: float = Field(default=10.0, gt=0, le=MAX_SECONDS)


class NoStopLossGraceRule(Rule):
    name = "no_stop_loss_grace"
    # Position and order events change unprotected_since; the timer fires at the deadline itself.
    triggers = frozenset({TimerEvent, PositionEvent, OrderEvent})
    locks = False

    def __init__(self, config: NoStopLossGraceConfig) -> None:
        self.config = config
        self._grace = timedelta(seconds=config.grace_period_seconds)

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        now, grace = ctx.now, self._grace
        out: list[Violation] = []
        for cid, pos in ctx.state.positions.items():
            since = pos.unprotected_since
            if since is None or pos.size == 0 or since + grace > now:
                continue
            out.append(Violation(
                self.name,
                f"{pos.root} position ({pos.size:+d}) has had no protective stop for "
                f"{self.config.grace_period_seconds:g}s",
                action="close_position", contract_id=cid,
            ))
        return out

    def next_deadline(self, ctx: RuleContext) -> datetime | None:
        """The earliest grace end still in the future (past ones were acted on when reached)."""
        now, grace = ctx.now, self._grace
        deadlines = [pos.unprotected_since + grace for pos in ctx.state.positions.values()
                     if pos.unprotected_since is not None and pos.size != 0]
        return min((d for d in deadlines if d > now), default=None)


def _text(rule: NoStopLossGraceRule, ctx: RuleContext, tz: ZoneInfo) -> str:
    """The position longest without a stop against the grace period."""
    grace = rule.config.grace_period_seconds
    positions = [p for p in ctx.state.positions.values() if p.size]
    if not positions:
        return f"no position (grace {grace:g}s)"
    bare = [p for p in positions if p.unprotected_since is not None]
    if not bare:
        return "every position has a stop"
    p = min(bare, key=lambda q: q.unprotected_since or ctx.now)
    waited = (ctx.now - (p.unprotected_since or ctx.now)).total_seconds()
    return f"{p.root} without a stop for {max(waited, 0.0):.0f}s / {grace:g}s"


def _selftest(h: SelfTestDriver, cfg: NoStopLossGraceConfig) -> None:
    h.quote("ES", 6000.0)
    h.market("ES", Side.BUY, 1)
    h.advance(float(cfg.grace_period_seconds) + 1.0)


SPEC = RuleSpec(
    key="no_stop_loss_grace",
    id="008",
    config=NoStopLossGraceConfig,
    rule=NoStopLossGraceRule,
    text=_text,
    selftest=_selftest,
)
