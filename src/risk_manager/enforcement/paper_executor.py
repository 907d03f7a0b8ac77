"""Executes plans against the in-process paper broker, at once (replay and unit tests).

Closes fill at the touch at the moment of the decision, like SPEC §13 asks. Whatever the broker refuses
because it is already done (flat, order gone) is a success: the action's goal is met.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import assert_never

from risk_manager.broker.paper import PaperBroker, PaperRejection
from risk_manager.engine.actions import (
    Action,
    CancelEntryOrders,
    CancelOrder,
    ClosePosition,
    Complete,
    Flatten,
    ModifyStop,
    ReducePosition,
)


class PaperExecutor:
    def __init__(self, broker: PaperBroker, complete: Complete) -> None:
        self.broker = broker
        self._complete = complete

    def execute(self, actions: list[Action]) -> None:
        for a in actions:
            before = [p.contract_id for p in self.broker.positions(a.account_id)]
            try:
                self._run(a)
            finally:
                # verify like the live executor: report what the broker now holds for what it touched
                held = {p.contract_id: p.size for p in self.broker.positions(a.account_id)}
                touched = before if isinstance(a, Flatten) else [a.contract_id] if a.contract_id else []
                self._complete(a.account_id, a.key, {cid: held.get(cid, 0) for cid in touched})

    def _try(self, fn: Callable[[], object]) -> None:
        with contextlib.suppress(PaperRejection):  # already flat / already cancelled: goal met
            fn()

    def _run(self, a: Action) -> None:
        b, acct = self.broker, a.account_id
        match a:
            case Flatten():
                for o in b.open_orders(acct):
                    self._try(lambda o=o: b.cancel_order(acct, o.id))  # type: ignore[misc]
                for p in b.positions(acct):
                    self._try(lambda p=p: b.close_position(acct, p.contract_id))  # type: ignore[misc]
            case ClosePosition(contract_id=cid):
                self._try(lambda: b.close_position(acct, cid))
            case ReducePosition(contract_id=cid, to_size=to_size):
                current = next((p.size for p in b.positions(acct) if p.contract_id == cid), 0)
                qty = abs(current) - abs(to_size)
                if qty > 0:
                    self._try(lambda: b.partial_close(acct, cid, qty))
            case CancelOrder(order_id=oid):
                self._try(lambda: b.cancel_order(acct, oid))
            case CancelEntryOrders(order_ids=ids):
                for oid in ids:
                    self._try(lambda oid=oid: b.cancel_order(acct, oid))  # type: ignore[misc]
            case ModifyStop(order_id=oid, stop_price=stop):
                self._try(lambda: b.modify_order(acct, oid, stop_price=stop))
            case _:
                assert_never(a)
