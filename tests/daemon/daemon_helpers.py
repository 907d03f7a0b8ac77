"""Paper plumbing for daemon tests: a paper broker behind the BrokerPort + a stream that delivers its events
asynchronously (like hubs), with drop/restore; configs; a fast executor policy."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from risk_manager.broker.paper import PaperBroker
from risk_manager.broker.paper_port import PaperBrokerPort
from risk_manager.broker.port import AccountInfo, BrokerResult
from risk_manager.broker.stream import EventSink, LinkState, Reconnected, StateSink
from risk_manager.clock.clock import SystemClock
from risk_manager.config import Config, load_config_text
from risk_manager.daemon.connect import Connection
from risk_manager.domain.contracts import ContractBook, catalogue_contract
from risk_manager.domain.events import Event
from risk_manager.enforcement.calls import ExecutorPolicy

MNQ = catalogue_contract("MNQ").id
ES = catalogue_contract("ES").id
FAST = ExecutorPolicy(mutation_timeout=0.5, read_timeout=0.5, backoff=(0.01, 0.02, 0.05),
                      verify_delays=(0.0, 0.01), slow_interval=0.1, modify_attempts=2)

BASE_YAML = """
accounts: [{name: PRAC-1}]
schedule:
  session: {start: "00:01", end: "23:59", days: [mon, tue, wed, thu, fri, sat, sun]}
  calendar: none
rules:
"""


def config(rules: str) -> Config:
    return load_config_text(BASE_YAML + rules)


class PaperStream:
    """BrokerStream over a paper broker. ``drop()`` loses events until ``restore()`` (then reconnected)."""

    def __init__(self, paper: PaperBroker) -> None:
        self.paper = paper
        self.on_event: EventSink | None = None
        self.on_state: StateSink | None = None
        self.reconnected: Reconnected | None = None
        self.watched: set[str] = set()
        self.down = False
        self.lost: list[Event] = []
        paper.subscribe(self._sink)

    async def start(self, accounts: list[AccountInfo], on_event: EventSink, on_state: StateSink,
                    on_reconnected: Reconnected) -> None:
        self.on_event, self.on_state, self.reconnected = on_event, on_state, on_reconnected
        on_state(LinkState.CONNECTED, "paper")

    def _sink(self, event: Event) -> None:
        if self.down:
            self.lost.append(event)
        elif self.on_event is not None:
            asyncio.get_running_loop().call_soon(self.on_event, event)

    async def watch_contracts(self, contract_ids: set[str]) -> None:
        self.watched = set(contract_ids)

    async def stop(self) -> None:
        self.on_event = None

    def drop(self) -> None:
        self.down = True
        assert self.on_state is not None
        self.on_state(LinkState.DEGRADED, "paper hub dropped")

    async def restore(self) -> None:
        self.down = False
        assert self.on_state is not None and self.reconnected is not None
        self.on_state(LinkState.CONNECTED, "paper hub back")
        await self.reconnected()


class FaultyPort(PaperBrokerPort):
    """The paper port with scripted outcomes for the next mutating calls: "500" (uncertain, not executed),
    "hang" (the request reaches the broker only after ``hang`` seconds, whatever the caller does meanwhile;
    the caller gets "uncertain"), "late" (the gateway answers, and applies the request, only after ``hang``
    seconds: the real answer then), "refuse" (definite error, not executed)."""

    def __init__(self, paper: PaperBroker, faults: list[str] | None = None, hang: float = 0.3) -> None:
        super().__init__(paper)
        self.faults, self.hang = list(faults or []), hang
        self.calls: list[str] = []

    async def _maybe(self, name: str, do: Callable[[], BrokerResult]) -> BrokerResult:
        self.calls.append(name)
        fault = self.faults.pop(0) if self.faults else None
        if fault == "500":
            return BrokerResult(ok=False, uncertain=True, error="HTTP 500")
        if fault == "refuse":
            return BrokerResult(ok=False, error="order rejected")
        if fault == "hang":
            asyncio.get_running_loop().call_later(self.hang, do)  # like a shielded in-flight request
            await asyncio.sleep(self.hang + 0.01)
            return BrokerResult(ok=False, uncertain=True, error="timed out")
        if fault == "late":  # applied and answered after ``hang``, whatever the caller does meanwhile
            loop = asyncio.get_running_loop()
            answer: asyncio.Future[BrokerResult] = loop.create_future()
            loop.call_later(self.hang, lambda: answer.set_result(do()))
            return await asyncio.shield(answer)
        return do()

    async def close_position(self, account_id: int, contract_id: str) -> BrokerResult:
        parent = super().close_position
        return await self._maybe("close", lambda: _run(parent(account_id, contract_id)))

    async def partial_close(self, account_id: int, contract_id: str, size: int) -> BrokerResult:
        parent = super().partial_close
        return await self._maybe("partial", lambda: _run(parent(account_id, contract_id, size)))

    async def cancel_order(self, account_id: int, order_id: int) -> BrokerResult:
        parent = super().cancel_order
        return await self._maybe("cancel", lambda: _run(parent(account_id, order_id)))


def _run(coro: object) -> BrokerResult:
    """Drive a paper-port coroutine that never awaits anything to completion, synchronously."""
    try:
        coro.send(None)  # type: ignore[attr-defined]
    except StopIteration as stop:
        result: BrokerResult = stop.value
        return result
    raise RuntimeError("paper port coroutine suspended")


def paper_setup(faults: list[str] | None = None, hang: float = 0.3,
                account: str = "PRAC-1") -> tuple[PaperBroker, FaultyPort, PaperStream]:
    paper = PaperBroker(ContractBook.builtin(), SystemClock().now)
    paper.add_account(account)
    paper.on_quote(MNQ, 21000.0, 21000.25, 21000.0)
    paper.on_quote(ES, 6000.0, 6000.25, 6000.0)
    return paper, FaultyPort(paper, faults, hang), PaperStream(paper)


def connector(port: FaultyPort, stream: PaperStream) -> Callable[[], asyncio.Future[Connection]]:
    async def connect() -> Connection:
        return Connection(port, stream)

    return connect  # type: ignore[return-value]


