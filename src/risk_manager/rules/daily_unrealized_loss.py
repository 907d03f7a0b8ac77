"""Rule 004 daily_unrealized_loss: one position's unrealized P&L <= limit (< 0) closes that position.

Fast path: a quote or position event looks only at its own contract; any other event (a full
re-evaluation) looks at every position. No lockout.
"""

from __future__ import annotations

from risk_manager.config.rules_limits import DailyUnrealizedLossConfig
from risk_manager.domain.events import PositionEvent, QuoteEvent
from risk_manager.domain.state import PositionState
from risk_manager.rules._common import EPS, fmt_money, position_root
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation


class DailyUnrealizedLoss(Rule):
    name = "daily_unrealized_loss"
    triggers: frozenset[type] = frozenset({QuoteEvent, PositionEvent})

    def __init__(self, cfg: DailyUnrealizedLossConfig) -> None:
        self.cfg = cfg
        self._edge = (cfg.limit + EPS) if cfg.limit is not None else None

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        edge = self._edge
        if edge is None:
            return []
        if type(event) is QuoteEvent or type(event) is PositionEvent:
            pos = ctx.state.positions.get(event.contract_id)
            if pos is None or pos.unrealized is None or pos.unrealized > edge:
                return []
            return [self._violation(ctx, pos, pos.unrealized)]
        return [self._violation(ctx, p, p.unrealized) for p in ctx.state.positions.values()
                if p.unrealized is not None and p.unrealized <= edge]

    def _violation(self, ctx: RuleContext, pos: PositionState, value: float) -> Violation:
        message = (f"{position_root(ctx.state, pos)} unrealized {fmt_money(value)} <= limit "
                   f"{fmt_money(self.cfg.limit or 0.0)}")
        return Violation(self.name, message, action="close_position", contract_id=pos.contract_id)

    def utilization(self, ctx: RuleContext) -> float | None:
        limit = self.cfg.limit
        if limit is None:
            return None
        worst = 0.0
        for pos in ctx.state.positions.values():
            u = pos.unrealized
            if u is not None and u < worst:
                worst = u
        return worst / limit
