"""Executes plans against the in-process paper broker, at once (replay and unit tests).

Closes fill at the touch at the moment of the decision, like SPEC §13 asks. Whatever the broker refuses
because it is already done (flat, order gone) is a success: the action's goal is met.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from risk_manager.broker.paper import PaperBroker, PaperRejection
from risk_manager.engine.actions import Action

Complete = Callable[[int, str, dict[str, int] | None], None]


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
                touched = before if a.kind == "flatten" else [a.contract_id] if a.contract_id else []
                self._complete(a.account_id, a.key, {cid: held.get(cid, 0) for cid in touched})

    def _try(self, fn: Callable[[], object]) -> None:
        with contextlib.suppress(PaperRejection):  # already flat / already cancelled: goal met
            fn()

    def _run(self, a: Action) -> None:
        b, acct = self.broker, a.account_id
        if a.kind == "flatten":
            for o in b.open_orders(acct):
                self._try(lambda o=o: b.cancel_order(acct, o.id))  # type: ignore[misc]
            for p in b.positions(acct):
                self._try(lambda p=p: b.close_position(acct, p.contract_id))  # type: ignore[misc]
        elif a.kind == "close_position" and a.contract_id:
            cid = a.contract_id
            self._try(lambda: b.close_position(acct, cid))
        elif a.kind == "reduce_position" and a.contract_id:
            cid = a.contract_id
            current = next((p.size for p in b.positions(acct) if p.contract_id == cid), 0)
            qty = abs(current) - abs(a.to_size or 0)
            if qty > 0:
                self._try(lambda: b.partial_close(acct, cid, qty))
        elif a.kind in ("cancel_order", "cancel_entry_orders"):
            for oid in a.order_ids:
                self._try(lambda oid=oid: b.cancel_order(acct, oid))  # type: ignore[misc]
        elif a.kind == "modify_stop" and a.order_ids and a.stop_price is not None:
            oid, stop = a.order_ids[0], a.stop_price
            self._try(lambda: b.modify_order(acct, oid, stop_price=stop))
