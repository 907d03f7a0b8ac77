"""Rule 001 max_contracts: the account's contract count must stay <= limit.

Counts (weight = micro_weight for micro roots, else 1): net = |sum of signed sizes|, gross = sum of |sizes|,
long = sum of long sizes, short = sum of |short sizes|. No lockout.

With ``count_working_orders`` (SPEC §7b) the count also includes working entry orders: a new one that
would take it past the limit if filled is cancelled (the newest first) before it fills; working orders
never cause a position to be reduced (the position-only count decides that).
"""

from __future__ import annotations

from typing import ClassVar, Literal
from zoneinfo import ZoneInfo

from pydantic import Field

from risk_manager.domain.enums import OrderStatus, Side
from risk_manager.domain.events import OrderEvent, PositionEvent
from risk_manager.domain.state import PositionState
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation
from risk_manager.rules.sizing import clean, fmt_count, pick_target, reduced_size, weight_of
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.rules.working_orders import entry_orders, projected_count
from risk_manager.schema.section import RuleConfig
from risk_manager.schema.values import Count

ContractCount = Literal["net", "gross", "long", "short"]


class MaxContractsConfig(RuleConfig):
    """001 max_contracts: the account's contract count must stay <= limit."""

    required_when_enabled: ClassVar[tuple[str, ...]] = ("limit",)

    limit: Count | None = None
    count: ContractCount = "net"
    # 0.1 counts micros as a tenth of a contract, as TopstepX does.
    micro_weight: float = Field(default=1.0, gt=0, le=1)
    enforcement: Literal["reduce_to_limit", "close_position", "close_all"] = "reduce_to_limit"
    # SPEC §7b: also count working entry orders (those that would grow a position if filled), per side;
    # a new one that would take the count past the limit is cancelled before it fills.
    count_working_orders: bool = False


class MaxContracts(Rule):
    name = "max_contracts"
    triggers: frozenset[type] = frozenset({PositionEvent})
    after_reductions = True  # a per-instrument reduction (or one in flight) may already cure the excess

    def __init__(self, cfg: MaxContractsConfig) -> None:
        self.cfg = cfg
        if cfg.count_working_orders:
            self.triggers = frozenset({PositionEvent, OrderEvent})

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
        if isinstance(event, OrderEvent) and event.status is OrderStatus.PENDING:
            return []  # judged when it is working (Open follows at once): one cancel, not two
        count = self.count(ctx)
        if count <= limit:
            return self._working(ctx, limit) if self.cfg.count_working_orders else []
        if isinstance(event, OrderEvent):
            return []  # only a position change reduces a position
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

    def _working(self, ctx: RuleContext, limit: int) -> list[Violation]:
        """Cancel the newest entry order while the count with working orders is past the limit."""
        projected = projected_count(ctx, self.cfg.count, self.cfg.micro_weight)
        entries = entry_orders(ctx.state)
        if projected <= limit or not entries:
            return []
        newest = entries[-1]
        message = (f"{fmt_count(projected)} contracts ({self.cfg.count}) with working orders > limit "
                   f"{limit}: order {newest.id} cancelled before it fills")
        return [Violation(self.name, message, action="cancel_order", contract_id=newest.contract_id,
                          order_id=newest.id)]

    def utilization(self, ctx: RuleContext) -> float | None:
        limit = self.cfg.limit  # of the positions: an order passing through would warn twice per fill
        return None if limit is None else self.count(ctx) / limit


def _text(rule: MaxContracts, ctx: RuleContext, tz: ZoneInfo) -> str:
    return f"{fmt_count(rule.count(ctx))}/{rule.cfg.limit} contracts ({rule.cfg.count})"


def _selftest(h: SelfTestDriver, cfg: MaxContractsConfig) -> None:
    h.quote("ES", 6000.0)
    h.market("ES", Side.SELL if cfg.count == "short" else Side.BUY, int(cfg.limit or 0) + 1)


SPEC = RuleSpec(
    key="max_contracts",
    id="001",
    config=MaxContractsConfig,
    rule=MaxContracts,
    text=_text,
    selftest=_selftest,
)
