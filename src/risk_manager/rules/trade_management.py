"""012 trade_management: move an existing protective stop to breakeven and/or trail it. No lockout.

Profit in ticks and the best price are measured on the position's mark (``PositionState.mark`` and
``best_mark``, the most favourable mark since the position opened). The tightest wanted stop is rounded
to the tick size away from the market (long: down, short: up); a stop is only ever tightened, never
moved to or through the current mark, and a position without a stop is left alone (rule 008's job).
Broker-side trailing stops trail on their own and are not touched.
"""

from __future__ import annotations

import math

from risk_manager.config import TradeManagementConfig
from risk_manager.domain.enums import OrderType
from risk_manager.domain.events import OrderEvent, PositionEvent, QuoteEvent
from risk_manager.domain.marks import round_to_tick
from risk_manager.domain.state import PositionState
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation

_EPS = 1e-6  # in ticks: float noise in price / tick_size must not flip a comparison or a rounding


class TradeManagementRule(Rule):
    name = "trade_management"
    triggers = frozenset({QuoteEvent, PositionEvent, OrderEvent})
    locks = False

    def __init__(self, config: TradeManagementConfig) -> None:
        self.config = config
        be, tr = config.breakeven, config.trailing
        self._breakeven = (be.trigger_ticks, be.offset_ticks) if be is not None else None
        self._trailing = (tr.activation_ticks, tr.distance_ticks) if tr is not None else None
        # Below this profit (on the best mark) nothing can apply: the quote path leaves at once.
        self._min_ticks = min([t for t in (be and be.trigger_ticks, tr and tr.activation_ticks) if t],
                              default=math.inf)

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        if not isinstance(event, QuoteEvent | PositionEvent | OrderEvent):
            return []
        pos = ctx.state.positions.get(event.contract_id)
        if pos is None or pos.contract is None or pos.mark is None or pos.size == 0:
            return []
        wanted = self._wanted_stop(pos)
        if wanted is None:
            return []
        stop, why = wanted
        long = pos.size > 0
        tolerance = pos.contract.tick_size * _EPS
        out: list[Violation] = []
        for order in ctx.state.stop_orders(event.contract_id):
            current = order.stop_price
            if current is None or order.type is OrderType.TRAILING_STOP:
                continue
            if (stop > current + tolerance) if long else (stop < current - tolerance):
                out.append(Violation(
                    self.name, f"{pos.root} {why}: stop {current} -> {stop}", action="modify_stop",
                    contract_id=event.contract_id, order_id=order.id, stop_price=stop,
                ))
        return out

    def _wanted_stop(self, pos: PositionState) -> tuple[float, str] | None:
        """The tightest stop breakeven/trailing ask for, on the tick grid, or None."""
        contract, mark = pos.contract, pos.mark
        assert contract is not None and mark is not None
        tick, avg, sign = contract.tick_size, pos.avg_price, (1 if pos.size > 0 else -1)
        best = mark if pos.best_mark is None else pos.best_mark
        if (best - avg) * sign / tick + _EPS < self._min_ticks:
            return None
        candidates: list[tuple[float, str]] = []
        if self._breakeven is not None:
            trigger, offset = self._breakeven
            if (mark - avg) * sign / tick + _EPS >= trigger:
                candidates.append((avg + sign * offset * tick, "breakeven"))
        if self._trailing is not None:
            activation, distance = self._trailing
            if (best - avg) * sign / tick + _EPS >= activation:
                candidates.append((best - sign * distance * tick, "trailing"))
        if not candidates:
            return None
        raw, why = max(candidates) if sign > 0 else min(candidates)
        # Round away from the market: never tighter than asked for.
        ticks = math.floor(raw / tick + _EPS) if sign > 0 else math.ceil(raw / tick - _EPS)
        stop = round_to_tick(contract, ticks * tick)
        if (stop - mark) * sign > -tick * _EPS:
            return None  # at or through the market: it would fill at once (or be rejected)
        return stop, why
