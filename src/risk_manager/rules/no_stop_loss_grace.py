"""008 no_stop_loss_grace: a position must get a protective stop within the grace period.

AccountState sets ``PositionState.unprotected_since`` when a position opens (from flat or flipped) or
loses its last protective stop while open, and clears it when a stop is working; so a cancelled stop
restarts the grace. Deadline = unprotected_since + grace; once reached, that position is closed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from risk_manager.config import NoStopLossGraceConfig
from risk_manager.domain.events import OrderEvent, PositionEvent
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, TimerEvent, Violation


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
