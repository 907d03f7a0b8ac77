"""Contract metadata for contracts the built-in book does not know (e.g. next quarter's month), looked up
over the Contract API before their first event is judged -- and retried with backoff when that fails.

Until a lookup succeeds the contract's positions are UNVALUED (no tick value: never valued with another
contract's), which the status shows; the failure is journaled as a critical alert (and so notified), the
success as a warning that ends it. On success the book learns the contract, positions already held in it
get their metadata, and ``revalue`` re-runs the latest quote so the loss rules see them at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from risk_manager.clock.clock import Clock
from risk_manager.daemon.journal import DaemonJournal, alert_record
from risk_manager.domain.contracts import Contract
from risk_manager.engine.engine import Engine

log = logging.getLogger(__name__)
RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # then every 60 s until it succeeds
Sleep = Callable[[float], Awaitable[None]]


class ContractLookups:
    def __init__(self, engine: Engine, journal: DaemonJournal, clock: Clock,
                 lookup: Callable[[str], Awaitable[Contract]], revalue: Callable[[str], None],
                 sleep: Sleep = asyncio.sleep) -> None:
        self.engine, self.journal, self.clock = engine, journal, clock
        self._lookup, self._revalue, self._sleep = lookup, revalue, sleep
        self.retrying: dict[str, asyncio.Task[None]] = {}  # contract id -> its retry loop

    def needed(self, contract_id: str) -> bool:
        return contract_id not in self.engine.book and contract_id not in self.retrying

    async def resolve(self, contract_id: str) -> None:
        """Look the contract up now; on failure alert and keep retrying in the background."""
        try:
            self._learn(await self._lookup(contract_id))
        except Exception as e:
            reason = f"{type(e).__name__}: {e}"[:200]
            self._alert("critical", f"contract {contract_id}: metadata lookup failed ({reason}); its "
                                    "positions are UNVALUED (no loss rule sees them) until a retry succeeds")
            self.retrying[contract_id] = asyncio.create_task(self._retry(contract_id),
                                                             name=f"lookup-{contract_id}")

    async def _retry(self, contract_id: str) -> None:
        attempt = 0
        while True:
            await self._sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
            attempt += 1
            try:
                contract = await self._lookup(contract_id)
            except Exception as e:
                log.warning("contract %s: lookup attempt %d failed: %s", contract_id, attempt + 1,
                            f"{type(e).__name__}: {e}"[:200])
                continue
            self.retrying.pop(contract_id, None)
            self._learn(contract)
            self._alert("warning", f"contract {contract_id}: metadata found after {attempt + 1} attempts; "
                                   "its positions are valued again")
            self._revalue(contract_id)
            return

    def _learn(self, contract: Contract) -> None:
        self.engine.book.add(contract)
        for st in self.engine.states.values():
            pos = st.positions.get(contract.id)
            if pos is not None and pos.contract is None:
                pos.contract = contract

    def _alert(self, level: str, message: str) -> None:
        (log.error if level == "critical" else log.warning)("%s", message)
        self.journal.write(alert_record(self.engine.make, self.clock.now(), level, message))
        self.journal.dispatch()

    async def stop(self) -> None:
        tasks = list(self.retrying.values())
        self.retrying.clear()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
