"""Rule 002 max_contracts_per_instrument: |size| per symbol root <= limits[root] (or default_limit).

Positions in several contracts (months) of one root add up by absolute size. No lockout.
"""

from __future__ import annotations

from risk_manager.config.rules_limits import MaxContractsPerInstrumentConfig
from risk_manager.domain.events import PositionEvent
from risk_manager.domain.state import PositionState
from risk_manager.rules._common import pick_target, position_root, reduced_size
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation


class MaxContractsPerInstrument(Rule):
    name = "max_contracts_per_instrument"
    triggers: frozenset[type] = frozenset({PositionEvent})

    def __init__(self, cfg: MaxContractsPerInstrumentConfig) -> None:
        self.cfg = cfg

    def by_root(self, ctx: RuleContext) -> dict[str, list[PositionState]]:
        roots: dict[str, list[PositionState]] = {}
        for pos in ctx.state.positions.values():
            roots.setdefault(position_root(ctx.state, pos), []).append(pos)
        return roots

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        out: list[Violation] = []
        for root, positions in sorted(self.by_root(ctx).items()):
            limit = self.cfg.limit_for(root)
            if limit is None:
                continue
            total = sum(abs(p.size) for p in positions)
            if total <= limit:
                continue
            target = pick_target(ctx, positions)
            assert target is not None  # total > limit > 0 means there is a position
            message = f"{root}: {total} contracts > limit {limit}"
            to_size = reduced_size(target.size, total - limit, 1.0)
            if self.cfg.enforcement == "reduce_to_limit" and to_size != 0:
                out.append(Violation(self.name, message, action="reduce_position",
                                     contract_id=target.contract_id, to_size=to_size))
            else:
                out.append(Violation(self.name, message, action="close_position",
                                     contract_id=target.contract_id))
        return out

    def utilization(self, ctx: RuleContext) -> float | None:
        worst = 0.0
        for root, positions in self.by_root(ctx).items():
            limit = self.cfg.limit_for(root)
            if limit is not None:
                worst = max(worst, sum(abs(p.size) for p in positions) / limit)
        return worst
