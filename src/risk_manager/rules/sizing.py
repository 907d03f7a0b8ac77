"""Contract counting for the size rules (001, 002, 011): roots, micro weights, which position to reduce."""

from __future__ import annotations

from collections.abc import Iterable
from math import ceil

from risk_manager.domain.contracts import MICRO_ROOTS, root_from_contract_id
from risk_manager.domain.state import AccountState, PositionState
from risk_manager.rules.base import RuleContext

# Float sums (weighted sizes 0.1 x 10) must compare exactly against limits: a count exactly at the limit
# must not become a breach by a 1e-12 rounding error.
_EPS_DIGITS = 9


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
