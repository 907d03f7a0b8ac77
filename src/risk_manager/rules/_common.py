"""Helpers shared by the limit rules (001-005, 011, 013): roots, weights, position picking, formatting."""

from __future__ import annotations

from collections.abc import Iterable
from math import ceil

from risk_manager.domain.contracts import MICRO_ROOTS, root_from_contract_id
from risk_manager.domain.events import PositionEvent, QuoteEvent, TradeEvent
from risk_manager.domain.state import AccountState, PositionState
from risk_manager.rules.base import EngineEvent, RuleContext

# Float sums (weighted sizes 0.1 x 10, CL prices / 0.01 ticks) must compare exactly against limits:
# "at the limit" must not be missed (P&L) nor invented (counts) by a 1e-12 rounding error.
_EPS_DIGITS = 9
EPS = 1e-6  # dollars; far below a cent, far above float noise on any account-sized figure


def clean(value: float) -> float:
    """Round away float noise so 10 x 0.1 == 1.0 and a count exactly at the limit is not a breach."""
    return round(value, _EPS_DIGITS)


def root_of(state: AccountState, contract_id: str) -> str:
    """CME root of a contract: catalogue/Contract API first, then the id's symbol segment, else the id."""
    contract = state.book.find(contract_id)
    if contract is not None:
        return contract.root
    try:
        return root_from_contract_id(contract_id)
    except ValueError:
        return contract_id.upper()


def position_root(state: AccountState, pos: PositionState) -> str:
    return pos.contract.root if pos.contract is not None else root_of(state, pos.contract_id)


def is_micro(root: str, ctx: RuleContext) -> bool:
    return root in MICRO_ROOTS or root in ctx.micro_weight_roots


def weight_of(pos: PositionState, ctx: RuleContext, micro_weight: float) -> float:
    return micro_weight if is_micro(position_root(ctx.state, pos), ctx) else 1.0


def fmt_count(value: float) -> str:
    """5 -> "5", 2.3 -> "2.3" (weighted micro counts)."""
    return f"{clean(value):g}"


def fmt_money(value: float) -> str:
    return f"{value:,.2f}"


def grew(ctx: RuleContext) -> str | None:
    """The contract whose position this event opened, increased or flipped; None otherwise."""
    d = ctx.delta
    if d.contract_id is None or d.after == 0:
        return None
    flipped = d.before != 0 and (d.before > 0) != (d.after > 0)
    if flipped or abs(d.after) > abs(d.before):
        return d.contract_id
    return None


def largest(positions: Iterable[PositionState]) -> PositionState | None:
    """The biggest position by absolute size; ties go to the lowest contract id (deterministic)."""
    best: PositionState | None = None
    for pos in positions:
        if best is None or (abs(pos.size), best.contract_id) > (abs(best.size), pos.contract_id):
            best = pos
    return best


def pick_target(ctx: RuleContext, candidates: list[PositionState]) -> PositionState | None:
    """The position that just grew if it is a candidate, else the largest candidate."""
    cid = grew(ctx)
    if cid is not None:
        for pos in candidates:
            if pos.contract_id == cid:
                return pos
    return largest(candidates)


def reduced_size(size: int, excess: float, weight: float) -> int:
    """Signed size after removing just enough contracts (each worth ``weight``) to cover ``excess``.

    Never crosses zero: at most the whole position is removed.
    """
    remove = min(abs(size), ceil(clean(excess / weight)))
    return size - remove if size > 0 else size + remove


def daily_pnl(event: EngineEvent | None, ctx: RuleContext, include_unrealized: bool) -> float:
    """Realized (+ open unrealized) P&L of the trading day, as of this event. Runs on every quote.

    A closing fill's trade event arrives before its position update: the state then holds the fill's
    realized P&L *and* the old position's unrealized on the contracts just closed. Counting both would
    double a loss (a false lockout for the day), so the closed share of that unrealized is left out.
    If the position was already updated (a reconcile feeding positions first), this under-counts until
    the next quote or position event revalues it: late by one event, never a false breach.
    """
    st = ctx.state
    total = st.realized
    if not include_unrealized:
        return total
    for pos in st.positions.values():
        u = pos.unrealized
        if u is not None:
            total += u
    if (type(event) is TradeEvent and event.profit_and_loss is not None and not event.voided
            and ctx.delta.counted):
        pos_ = st.positions.get(event.contract_id)
        if pos_ is not None and pos_.unrealized is not None and (pos_.size > 0) != (event.side.sign > 0):
            after = pos_.size + event.side.sign * event.size
            kept = pos_.unrealized * after / pos_.size if (after > 0) == (pos_.size > 0) and after else 0.0
            total += kept - pos_.unrealized
    return total


class PnlMemo:
    """The daily figure of the event being evaluated, reused by ``utilization`` on the same context.

    The engine asks for utilisation right after ``evaluate`` with the same context; without the event
    the closing-fill correction above would be lost (a false warning), and the quote path pays once.
    """

    __slots__ = ("_ctx", "_include", "_value")

    def __init__(self, include_unrealized: bool) -> None:
        self._include = include_unrealized
        self._ctx: RuleContext | None = None
        self._value = 0.0

    def at_event(self, event: EngineEvent, ctx: RuleContext) -> float:
        self._ctx, self._value = ctx, daily_pnl(event, ctx, self._include)
        return self._value

    def now(self, ctx: RuleContext) -> float:
        if ctx is self._ctx:
            return self._value
        return daily_pnl(None, ctx, self._include)


def quote_without_position(event: EngineEvent, ctx: RuleContext) -> bool:
    """A quote for a contract without a position cannot move any P&L figure of this account."""
    return type(event) is QuoteEvent and event.contract_id not in ctx.state.positions


def daily_pnl_triggers(include_unrealized: bool) -> frozenset[type]:
    base: frozenset[type] = frozenset({TradeEvent, PositionEvent})
    return base | {QuoteEvent} if include_unrealized else base
