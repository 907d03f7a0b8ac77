"""Rule 005 max_unrealized_profit: one position's unrealized P&L >= target (> 0) closes it (take profit).

Fast path: a quote or position event looks only at its own contract. No lockout.
"""

from __future__ import annotations

from risk_manager.config.rules_limits import MaxUnrealizedProfitConfig
from risk_manager.domain.events import PositionEvent, QuoteEvent
from risk_manager.rules._common import clean, fmt_money, position_root, positions_to_check
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation


class MaxUnrealizedProfit(Rule):
    name = "max_unrealized_profit"
    triggers: frozenset[type] = frozenset({QuoteEvent, PositionEvent})

    def __init__(self, cfg: MaxUnrealizedProfitConfig) -> None:
        self.cfg = cfg

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        target = self.cfg.target
        if target is None:
            return []
        out: list[Violation] = []
        for pos in positions_to_check(event, ctx):
            if pos.unrealized is None or clean(pos.unrealized) < target:
                continue
            root = position_root(ctx.state, pos)
            message = f"{root} unrealized {fmt_money(pos.unrealized)} >= target {fmt_money(target)}"
            out.append(Violation(self.name, message, action="close_position", contract_id=pos.contract_id))
        return out

    def utilization(self, ctx: RuleContext) -> float | None:
        target = self.cfg.target
        if target is None:
            return None
        best = max((p.unrealized for p in ctx.state.positions.values() if p.unrealized is not None),
                   default=0.0)
        return best / target if best > 0 else 0.0
