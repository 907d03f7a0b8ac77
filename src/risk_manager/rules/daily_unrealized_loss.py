"""Rule 004 daily_unrealized_loss: one position's unrealized P&L <= limit (< 0) closes that position.

Fast path: a quote or position event looks only at its own contract. No lockout.
"""

from __future__ import annotations

from risk_manager.config.rules_limits import DailyUnrealizedLossConfig
from risk_manager.domain.events import PositionEvent, QuoteEvent
from risk_manager.rules._common import clean, fmt_money, position_root, positions_to_check
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation


class DailyUnrealizedLoss(Rule):
    name = "daily_unrealized_loss"
    triggers: frozenset[type] = frozenset({QuoteEvent, PositionEvent})

    def __init__(self, cfg: DailyUnrealizedLossConfig) -> None:
        self.cfg = cfg

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        limit = self.cfg.limit
        if limit is None:
            return []
        out: list[Violation] = []
        for pos in positions_to_check(event, ctx):
            if pos.unrealized is None or clean(pos.unrealized) > limit:
                continue
            root = position_root(ctx.state, pos)
            message = f"{root} unrealized {fmt_money(pos.unrealized)} <= limit {fmt_money(limit)}"
            out.append(Violation(self.name, message, action="close_position", contract_id=pos.contract_id))
        return out

    def utilization(self, ctx: RuleContext) -> float | None:
        limit = self.cfg.limit
        if limit is None:
            return None
        worst = min((p.unrealized for p in ctx.state.positions.values() if p.unrealized is not None),
                    default=0.0)
        return worst / limit if worst < 0 else 0.0
