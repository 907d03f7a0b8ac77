"""Rule 001 max_contracts: the account's contract count must stay <= limit.

Counts (weight = micro_weight for micro roots, else 1): net = |sum of signed sizes|, gross = sum of |sizes|,
long = sum of long sizes, short = sum of |short sizes|. No lockout.
"""

from __future__ import annotations

from risk_manager.config.rules_limits import MaxContractsConfig
from risk_manager.domain.events import PositionEvent
from risk_manager.domain.state import PositionState
from risk_manager.rules._common import clean, fmt_count, pick_target, reduced_size, weight_of
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation


class MaxContracts(Rule):
    name = "max_contracts"
    triggers: frozenset[type] = frozenset({PositionEvent})

    def __init__(self, cfg: MaxContractsConfig) -> None:
        self.cfg = cfg

    def count(self, ctx: RuleContext) -> float:
        """The account's weighted contract count in the configured mode."""
        mode, w = self.cfg.count, self.cfg.micro_weight
        total = 0.0
        for pos in ctx.state.positions.values():
            size = pos.size * weight_of(pos, ctx, w)
            if mode == "net":
                total += size
            elif mode == "gross":
                total += abs(size)
            elif mode == "long":
                total += max(size, 0.0)
            else:
                total += max(-size, 0.0)
        return clean(abs(total))

    def _contributors(self, ctx: RuleContext) -> list[PositionState]:
        """Positions whose reduction lowers the count (for net: those on the side of the net sum)."""
        positions = list(ctx.state.positions.values())
        mode = self.cfg.count
        if mode == "gross":
            return positions
        if mode == "long":
            return [p for p in positions if p.size > 0]
        if mode == "short":
            return [p for p in positions if p.size < 0]
        w = self.cfg.micro_weight
        net = sum(p.size * weight_of(p, ctx, w) for p in positions)
        return [p for p in positions if (p.size > 0) == (net > 0)]

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        limit = self.cfg.limit
        if limit is None:
            return []
        count = self.count(ctx)
        if count <= limit:
            return []
        message = f"{fmt_count(count)} contracts ({self.cfg.count}) > limit {limit}"
        enforcement = self.cfg.enforcement
        target = pick_target(ctx, self._contributors(ctx))
        if enforcement == "close_all" or target is None:
            return [Violation(self.name, message, action="flatten")]
        if enforcement == "reduce_to_limit":
            weight = weight_of(target, ctx, self.cfg.micro_weight)
            to_size = reduced_size(target.size, count - limit, weight)
            if to_size != 0:
                return [Violation(self.name, message, action="reduce_position",
                                  contract_id=target.contract_id, to_size=to_size)]
        # close_position, or a reduction that would remove the whole position anyway
        return [Violation(self.name, message, action="close_position", contract_id=target.contract_id)]

    def utilization(self, ctx: RuleContext) -> float | None:
        limit = self.cfg.limit
        return None if limit is None else self.count(ctx) / limit
