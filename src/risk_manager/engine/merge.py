"""The merge of many violations into one plan of actions (SPEC §6): flatten > close > reduce."""

from __future__ import annotations

from risk_manager.domain.state import AccountState
from risk_manager.engine.actions import (
    Action,
    CancelEntryOrders,
    CancelOrder,
    ClosePosition,
    Flatten,
    ModifyStop,
    ReducePosition,
)
from risk_manager.rules.base import Violation


def entry_order_ids(state: AccountState) -> tuple[int, ...]:
    """Working orders that would open or increase a position. Exits and protective stops stay."""
    ids = []
    for o in state.orders.values():
        pos = state.positions.get(o.contract_id)
        if pos is None or (pos.size > 0) == (o.side.sign > 0):
            ids.append(o.id)
    return tuple(sorted(ids))


def _symbol(state: AccountState, contract_id: str) -> str:
    pos = state.positions.get(contract_id)
    if pos is not None:
        return pos.root
    c = state.book.find(contract_id)
    return c.root if c else contract_id


def merge(account_id: int, state: AccountState, violations: list[Violation],
          projected: dict[str, int] | None = None, unsure: bool = False) -> list[Action]:
    """flatten > close position > reduce position; redundant actions dropped; nothing-to-do dropped.

    ``projected`` overrides position sizes the state does not show yet: a fill's trade event arrives
    before its position update, so a closing fill must not make a flat account look open. ``unsure``: the
    state may not show the positions yet (a reconcile judges the gap's trades before its positions): a
    flatten is kept on a flat view (the executor flattens what the broker holds).
    """
    sizes = {cid: p.size for cid, p in state.positions.items()}
    if projected:
        sizes.update(projected)
    sizes = {cid: n for cid, n in sizes.items() if n}
    flatten = next((v for v in violations if v.action == "flatten"), None)
    if flatten is not None:
        if sizes or state.orders or unsure:
            return [Flatten(flatten.rule, account_id)]
        return []
    closes: dict[str, ClosePosition] = {}
    reduces: dict[str, ReducePosition] = {}
    cancels: dict[int, CancelOrder] = {}
    modifies: list[ModifyStop] = []
    entries_rule: str | None = None
    for v in violations:
        if v.also_cancel_entries and entries_rule is None:
            entries_rule = v.rule
        cid = v.contract_id
        if v.action == "close_position" and cid is not None:
            size = sizes.get(cid)
            if size and cid not in closes:
                closes[cid] = ClosePosition(v.rule, account_id, cid, _symbol(state, cid), size)
        elif v.action == "reduce_position" and cid is not None and v.to_size is not None:
            size = sizes.get(cid)
            if not size or abs(v.to_size) >= abs(size):
                continue
            prev = reduces.get(cid)
            if prev is None or abs(v.to_size) < abs(prev.to_size):
                reduces[cid] = ReducePosition(v.rule, account_id, cid, _symbol(state, cid), size, v.to_size)
        elif v.action == "cancel_order" and v.order_id is not None:
            if v.order_id in state.orders and v.order_id not in cancels:
                o = state.orders[v.order_id]
                cancels[v.order_id] = CancelOrder(v.rule, account_id, o.contract_id,
                                                  _symbol(state, o.contract_id), v.order_id)
        elif v.action == "modify_stop" and v.order_id is not None and cid is not None:
            if v.stop_price is None:  # a rule's bug: say so, never send (or "complete") a move to nowhere
                raise ValueError(f"{v.rule}: modify_stop of order {v.order_id} without a stop price")
            symbol = _symbol(state, cid)
            modifies.append(ModifyStop(v.rule, account_id, cid, symbol, v.order_id, v.stop_price))
        elif v.action == "cancel_entry_orders" and entries_rule is None:
            entries_rule = v.rule
    plan: list[Action] = []
    if entries_rule is not None:
        ids = tuple(i for i in entry_order_ids(state) if i not in cancels)
        if ids:
            plan.append(CancelEntryOrders(entries_rule, account_id, ids))
    plan.extend(cancels.values())
    plan.extend(closes.values())
    plan.extend(a for cid, a in reduces.items() if cid not in closes)
    plan.extend(a for a in modifies if a.contract_id not in closes and a.contract_id not in reduces)
    return plan
