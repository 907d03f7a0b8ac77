"""Requests whose fate is still unknown, tracked until the gateway answers (SPEC §14, exactly once).

A mutation that gets no answer within the executor's timeout is reported "uncertain", but it is not
abandoned: the call keeps running (the live adapter waits for the gateway's late answer up to its own bound,
``ProjectXBroker(answer_timeout=...)``) and stays here until it is answered. The gateway may apply such a
request late, so nothing is sized as if it did not exist:

- a partial close is never sent while an earlier close or partial close of the same contract is
  unanswered: the executor waits for that answer, reads the position again, and sends only what is still in
  excess -- a late partial close can never add to a re-sent one (no over-reduction);
- a full close is re-sent at once only while the account is locked (two closes cannot close more than the
  whole position), and the daemon holds that lockout open until every close sent for the account has been
  answered, so a late close cannot meet a position opened after its lockout ended; without a lockout the
  executor waits for the answer before closing again.

A request still unanswered at the adapter's bound has an unknown fate for good: it is journaled, the daemon
is DEGRADED (critical alert) until a REST reconcile has read the positions again, and acts on what it
finds (``BrokerCalls.on_unknown``; README, "Limits").
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from risk_manager.broker.port import BrokerResult


@dataclass(frozen=True, slots=True)
class Unanswered:
    account_id: int
    contract_id: str | None  # None: an order request (cancel, modify)
    size: int | None  # partial close quantity; None for a full close (or an order request)
    task: asyncio.Task[BrokerResult]


class InFlight:
    def __init__(self) -> None:
        self._items: list[Unanswered] = []

    def track(self, item: Unanswered) -> None:
        self._items.append(item)
        item.task.add_done_callback(lambda _t: self._drop(item))

    def _drop(self, item: Unanswered) -> None:
        if item in self._items:
            self._items.remove(item)

    def unanswered(self, account_id: int, contract_id: str | None = None) -> list[Unanswered]:
        """Unanswered requests of an account (of one contract, if given; order requests excluded then)."""
        return [i for i in self._items if i.account_id == account_id and not i.task.done()
                and (contract_id is None or i.contract_id == contract_id)]

    def closing(self, account_id: int) -> bool:
        """True while a close or partial close sent for this account is unanswered (the lockout hold)."""
        return any(i.contract_id is not None for i in self.unanswered(account_id))

    def __len__(self) -> int:
        return sum(1 for i in self._items if not i.task.done())

    async def settle(self, account_id: int, contract_id: str, within: float) -> bool:
        """Wait until every request for this contract is answered; True if they were within ``within``."""
        tasks = {i.task for i in self.unanswered(account_id, contract_id)}
        if not tasks:
            return True
        _, pending = await asyncio.wait(tasks, timeout=within)
        return not pending

    def cancel_all(self) -> None:
        for i in self._items:
            i.task.cancel()
        self._items.clear()
