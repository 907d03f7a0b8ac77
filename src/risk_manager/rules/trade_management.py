"""012 trade_management: move an existing protective stop to breakeven and/or trail it. No lockout.

Profit in ticks and the best price are measured on the position's mark (``PositionState.mark`` and
``best_mark``, the most favourable mark since the position opened). The tightest wanted stop is rounded
to the tick size away from the market (long: down, short: up); a stop is only ever tightened, never
moved to or through the current mark, and a position without a stop is left alone (rule 008's job).
Broker-side trailing stops trail on their own and are not touched.
"""

from __future__ import annotations

import math
from typing import Self
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from risk_manager.domain.contracts import Contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.domain.events import OrderEvent, PositionEvent, QuoteEvent
from risk_manager.domain.state import PositionState
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig, field_error
from risk_manager.schema.values import MAX_TICKS, StrictModel, Ticks


class BreakevenConfig(StrictModel):
    """Move the stop to entry +/- offset once profit reaches trigger_ticks."""

    trigger_ticks: Ticks
    offset_ticks: int = Field(default=0, ge=0, le=MAX_TICKS)

    @model_validator(mode="after")
    def _offset_below_trigger(self) -> Self:
        # An offset at or beyond the trigger would put the stop at or through the market.
        if self.offset_ticks >= self.trigger_ticks:
            raise field_error("offset_ticks", "must be < trigger_ticks")
        return self


class TrailingConfig(StrictModel):
    """Keep the stop distance_ticks behind the best price once profit reaches activation_ticks."""

    activation_ticks: Ticks
    distance_ticks: Ticks


class TradeManagementConfig(RuleConfig):
    """012 trade_management: tighten an existing stop (breakeven and/or trailing)."""

    breakeven: BreakevenConfig | None = None
    trailing: TrailingConfig | None = None

    def check_enabled(self) -> None:
        if self.breakeven is None and self.trailing is None:
            raise field_error("breakeven", "set breakeven or trailing (the rule is enabled)")

_EPS = 1e-6  # in ticks: float noise in price / tick_size must not flip a comparison or a rounding
_EVENTS = (QuoteEvent, PositionEvent, OrderEvent)


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
        if not isinstance(event, _EVENTS):
            return []
        cid = event.contract_id
        pos = ctx.state.positions.get(cid)
        if pos is None or pos.contract is None or pos.mark is None or pos.size == 0:
            return []
        wanted = self._wanted_stop(pos, pos.contract, pos.mark)
        if wanted is None:
            return []
        stop, why = wanted
        long = pos.size > 0
        tolerance = pos.contract.tick_size * _EPS
        out: list[Violation] = []
        for order in ctx.state.stop_orders(cid):
            current = order.stop_price
            if current is None or order.type is OrderType.TRAILING_STOP:
                continue
            if (stop > current + tolerance) if long else (stop < current - tolerance):
                out.append(Violation(
                    self.name, f"{pos.root} {why}: stop {current} -> {stop}", action="modify_stop",
                    contract_id=cid, order_id=order.id, stop_price=stop,
                ))
        return out

    def _wanted_stop(self, pos: PositionState, contract: Contract, mark: float) -> tuple[float, str] | None:
        """The tightest stop breakeven/trailing ask for, on the tick grid, or None."""
        tick, avg, sign = contract.tick_size, pos.avg_price, (1 if pos.size > 0 else -1)
        best = mark if pos.best_mark is None else pos.best_mark
        best_ticks = (best - avg) * sign / tick + _EPS
        if best_ticks < self._min_ticks:
            return None  # the quote path: most quotes leave here
        wanted, why = -math.inf, ""  # in "tightness" units: price * sign, so larger is always tighter
        if self._breakeven is not None:
            trigger, offset = self._breakeven
            if (mark - avg) * sign / tick + _EPS >= trigger:
                wanted, why = avg * sign + offset * tick, "breakeven"
        if self._trailing is not None:
            activation, distance = self._trailing
            trail = best * sign - distance * tick
            if best_ticks >= activation and trail > wanted:
                wanted, why = trail, "trailing"
        if not why:
            return None
        # Round away from the market (long: down, short: up): never tighter than asked for.
        ticks = math.floor(wanted / tick + _EPS) * sign
        stop = round(ticks * tick, _decimals(tick))
        if (stop - mark) * sign > -tick * _EPS:
            return None  # at or through the market: it would fill at once (or be rejected)
        return stop, why


_DECIMALS: dict[float, int] = {}


def _decimals(tick: float) -> int:
    """Decimal places of a tick size (0.25 -> 2), so 0.1-tick prices come out clean, not 2400.9000000001."""
    d = _DECIMALS.get(tick)
    if d is None:
        d = _DECIMALS[tick] = len(f"{tick:.10f}".rstrip("0").split(".")[1])
    return d


def _text(rule: TradeManagementRule, ctx: RuleContext, tz: ZoneInfo) -> str:
    parts = []
    if (b := rule.config.breakeven) is not None:
        parts.append(f"breakeven at +{b.trigger_ticks} ticks (offset {b.offset_ticks})")
    if (t := rule.config.trailing) is not None:
        parts.append(f"trailing {t.distance_ticks} ticks after +{t.activation_ticks}")
    return ", ".join(parts)


def _selftest(h: SelfTestDriver, cfg: TradeManagementConfig) -> None:
    c = h.contract("ES")
    h.quote("ES", 6000.0)
    h.market("ES", Side.BUY, 1)
    h.stop("ES", Side.SELL, 1, 5990.0)
    # Past every trigger and past the trail's distance, so the trail lands above the 40-tick-away stop.
    ticks = max(t for t in ((cfg.breakeven and cfg.breakeven.trigger_ticks),
                            (cfg.trailing and cfg.trailing.activation_ticks),
                            (cfg.trailing and cfg.trailing.distance_ticks)) if t)
    h.advance(1)
    h.quote("ES", 6000.0 + (ticks + 2) * c.tick_size)


SPEC = RuleSpec(
    key="trade_management",
    id="012",
    config=TradeManagementConfig,
    rule=TradeManagementRule,
    text=_text,
    selftest=_selftest,
)
