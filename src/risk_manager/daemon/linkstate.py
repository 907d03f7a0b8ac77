"""Connection health as the trader and the journal see it: NOT MONITORED is said loudly, and quote
subscriptions follow the contracts with open positions (SPEC §4)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Protocol

from risk_manager.broker.stream import BrokerStream, LinkState
from risk_manager.clock.clock import Clock
from risk_manager.daemon.journal import DaemonJournal
from risk_manager.engine.engine import Engine
from risk_manager.engine.record_types import ConnectionLostRecord, ConnectionRestoredRecord

log = logging.getLogger("risk_manager.daemon")


class LinkWatch:
    def __init__(self, engine: Engine, journal: DaemonJournal, clock: Clock) -> None:
        self.engine, self.journal, self.clock = engine, journal, clock
        self.state = LinkState.CONNECTING
        self.reason = ""
        self._lost_at: float | None = None
        self.losses = 0

    @property
    def monitored(self) -> bool:
        return self.state is LinkState.CONNECTED

    def on_state(self, state: LinkState, reason: str) -> None:
        prev, self.state, self.reason = self.state, state, reason
        at = self.engine.make.local(self.clock.now())
        if state in (LinkState.DEGRADED, LinkState.DOWN):
            log.error("NOT MONITORED (%s): %s", state, reason)
            if self._lost_at is None:
                self._lost_at = time.monotonic()
                self.losses += 1
                self.journal.write(ConnectionLostRecord(at=at, state=str(state), reason=reason))
            elif state is LinkState.DOWN and prev is not LinkState.DOWN:
                self.journal.write(ConnectionLostRecord(at=at, state=str(state), reason=reason))
        elif state is LinkState.CONNECTED and self._lost_at is not None:
            down = round(time.monotonic() - self._lost_at, 3)
            self._lost_at = None
            log.warning("monitored again after %.1f s without the hubs (%s); reconciling", down, reason)
            self.journal.write(ConnectionRestoredRecord(at=at, down_seconds=down, reason=reason))
        self.journal.dispatch()


class QuoteGate(Protocol):
    def quotes_off(self, contract_id: str) -> None: ...
    def quotes_on(self, contract_id: str) -> None: ...


class QuoteWatch:
    """Keeps the stream's quote subscriptions equal to the contracts with an open position. The gate (the
    pipeline) is told before each change, so a dropped contract's quotes stop counting at once, whenever the
    hub really stops sending them, and count again only from its next subscription on."""

    def __init__(self, engine: Engine, stream: Callable[[], BrokerStream | None],
                 gate: Callable[[], QuoteGate | None] = lambda: None) -> None:
        self.engine = engine
        self._stream = stream
        self._gate = gate
        self._current: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._dirty = False

    def wanted(self) -> set[str]:
        return {cid for st in self.engine.states.values() for cid, p in st.positions.items() if p.size}

    def changed(self) -> None:
        if self.wanted() == self._current:
            return
        if self._task is not None and not self._task.done():
            self._dirty = True
            return
        self._task = asyncio.create_task(self._sync(), name="quote-subscriptions")

    async def _sync(self) -> None:
        while True:
            self._dirty = False
            wanted = self.wanted()
            stream = self._stream()
            if stream is None:
                return
            gate = self._gate()
            for cid in self._current - wanted:
                # no more quotes will come: a later position must not be valued at this frozen price
                if gate is not None:
                    gate.quotes_off(cid)
                for st in self.engine.states.values():
                    if cid not in st.positions:
                        st.quotes.pop(cid, None)
            if gate is not None:
                for cid in wanted - self._current:
                    gate.quotes_on(cid)
            try:
                await stream.watch_contracts(wanted)
                self._current = wanted
            except Exception:
                log.exception("updating quote subscriptions failed")
            if not self._dirty:
                return
