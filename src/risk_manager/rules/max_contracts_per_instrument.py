"""Rule 002 max_contracts_per_instrument: |size| per symbol root <= limits[root] (or default_limit).

Positions in several contracts (months) of one root add up by absolute size. No lockout.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field

from risk_manager.domain.enums import Side
from risk_manager.domain.events import PositionEvent
from risk_manager.domain.state import PositionState
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation
from risk_manager.rules.sizing import pick_target, position_root, reduced_size
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig, field_error
from risk_manager.schema.values import Count, SymbolRoot

SizeEnforcement = Literal["reduce_to_limit", "close_position"]


class MaxContractsPerInstrumentConfig(RuleConfig):
    """002 max_contracts_per_instrument: abs(size) per symbol root <= limits[root] or default_limit."""

    limits: dict[SymbolRoot, Count] = Field(default_factory=dict)
    default_limit: Count | None = None  # None = roots not listed are unlimited
    enforcement: SizeEnforcement = "reduce_to_limit"

    def check_enabled(self) -> None:
        if not self.limits and self.default_limit is None:
            raise field_error("limits", "set limits or default_limit (the rule is enabled)")

    def limit_for(self, root: str) -> int | None:
        """The limit that applies to a symbol root; None = no limit."""
        return self.limits.get(root.upper(), self.default_limit)


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


def _text(rule: MaxContractsPerInstrument, ctx: RuleContext, tz: ZoneInfo) -> str:
    limit_for = rule.cfg.limit_for
    parts = [f"{root} {sum(abs(p.size) for p in positions)}/{limit_for(root)}"
             for root, positions in sorted(rule.by_root(ctx).items()) if limit_for(root) is not None]
    return ", ".join(parts) if parts else "no limited position"


def _selftest(h: SelfTestDriver, cfg: MaxContractsPerInstrumentConfig) -> None:
    root = next(iter(cfg.limits), "ES") if cfg.limits else "ES"
    limit = cfg.limit_for(root)
    h.quote(root, h.contract(root).tick_size * 4000)
    h.market(root, Side.BUY, int(limit or 0) + 1)


SPEC = RuleSpec(
    key="max_contracts_per_instrument",
    id="002",
    config=MaxContractsPerInstrumentConfig,
    rule=MaxContractsPerInstrument,
    text=_text,
    selftest=_selftest,
)
