"""Account-wide count rules judged after the reductions (SPEC §6): one excess is never cured twice.

Rule 001 (max_contracts) counts the whole account; rule 002 (per instrument) reduces one root. When both
breach, or 001 breaches while a reduction is still in flight, judging 001 on the sizes *before* those
reductions reduces (or closes) a second position for an excess the first reduction already removes: at a
restart, MES 6 (limit 3) is being reduced to 3 when NQ 1 arrives; "7 contracts > 6" closed NQ too, and
the account ended at 3 with the limit at 6.

A rule flagged ``after_reductions`` is therefore evaluated again, on a copy of the state whose sizes are
what will be left: the broker's verified sizes not yet seen as position updates, the targets of the
reductions and closes in flight (the kill switch's too), and those this event's kill switch and other
rules ask for. Only ever smaller: a projection never grows a position. Its violations replace the ones it
gave on the raw state in the list the plan is merged from; the journal still records the breach as seen
(when nothing is left to do, an action-only violation is not news, as ever).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping

from risk_manager.domain.state import AccountState
from risk_manager.engine.actions import Action, ClosePosition, Flatten, ReducePosition
from risk_manager.rules.base import EngineEvent, Rule, RuleContext, Violation

POSITION_ACTIONS = frozenset({"flatten", "close_position", "reduce_position"})


def _lower(sizes: dict[str, int], cid: str, to: int) -> None:
    """``cid`` will be at ``to`` (same side, smaller) or flat; a target that would grow it changes nothing."""
    cur = sizes.get(cid, 0)
    if cur and (to == 0 or ((to > 0) == (cur > 0) and abs(to) < abs(cur))):
        sizes[cid] = to


def projected_sizes(st: AccountState, expected: Mapping[str, int] | None, in_flight: Iterable[Action],
                    others: Iterable[Violation]) -> dict[str, int]:
    """Signed sizes per contract once what is verified, in flight and asked for now has been done."""
    sizes = {cid: p.size for cid, p in st.positions.items()}
    for cid, n in (expected or {}).items():
        if cid in sizes:
            _lower(sizes, cid, n)
    for a in in_flight:
        match a:
            case ReducePosition(contract_id=cid, to_size=to):
                _lower(sizes, cid, to)
            case ClosePosition(contract_id=cid):
                _lower(sizes, cid, 0)
            case Flatten():
                sizes = dict.fromkeys(sizes, 0)
            case _:
                pass  # order actions change no size
    for v in others:
        if v.action == "flatten":
            sizes = dict.fromkeys(sizes, 0)
        elif v.action == "close_position" and v.contract_id is not None:
            _lower(sizes, v.contract_id, 0)
        elif v.action == "reduce_position" and v.contract_id is not None and v.to_size is not None:
            _lower(sizes, v.contract_id, v.to_size)
    return sizes


def with_sizes(st: AccountState, sizes: Mapping[str, int]) -> AccountState:
    """A shallow copy of ``st`` whose positions have ``sizes`` (flat ones gone); ``st`` is not touched."""
    view = copy.copy(st)
    view.positions = {cid: dataclasses.replace(p, size=sizes[cid])
                      for cid, p in st.positions.items() if sizes.get(cid, p.size)}
    return view


def rejudge(rules: list[Rule], event: EngineEvent, ctx: RuleContext, violations: list[Violation],
            kills: list[Violation], expected: Mapping[str, int] | None,
            in_flight: Iterable[Action]) -> list[Violation]:
    """``violations`` with those of the ``after_reductions`` rules judged again on the projected sizes
    (``kills``: the kill switch's closes and reductions of this event count as asked for)."""
    again = {r.name: r for r in rules if r.after_reductions}
    if not any(v.rule in again and v.action in POSITION_ACTIONS for v in violations):
        return violations
    st = ctx.state
    sizes = projected_sizes(st, expected, in_flight, kills + [v for v in violations if v.rule not in again])
    if all(sizes[cid] == p.size for cid, p in st.positions.items()):
        return violations
    view = RuleContext(ctx.now, with_sizes(st, sizes), ctx.delta, ctx.session, ctx.trading_day,
                       ctx.micro_weight_roots)
    out: list[Violation] = []
    done: set[str] = set()
    for v in violations:
        rule = again.get(v.rule)
        if rule is None:
            out.append(v)
        elif v.rule not in done:
            done.add(v.rule)
            out += rule.evaluate(event, view)
    return out
