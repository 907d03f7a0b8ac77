"""The streaming half of the broker port: live events in, connection health out.

The live implementation (broker/projectx) wraps project-x-py's hubs plus our connection supervisor;
a paper implementation forwards the paper broker's events. Callbacks only enqueue: the daemon processes
each account's events in order on one worker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from risk_manager.broker.port import AccountInfo
from risk_manager.domain.events import Event


class LinkState(StrEnum):
    CONNECTING = "CONNECTING"
    CONNECTED = "CONNECTED"  # hubs up, events flowing: protected
    DEGRADED = "DEGRADED"  # reconnecting; REST may still work
    DOWN = "DOWN"  # NOT MONITORED


@dataclass(frozen=True, slots=True)
class RejectedPayload:
    """A payload the adapter refused to parse (SPEC §14): never valued. The daemon journals it as a
    ``bad_event``, alerts, and reconciles the account over REST so its state stays true."""

    at: datetime  # receive time
    kind: str  # the stream's name for it, e.g. "position_update"
    account_id: int | None  # the account whose stream carried it; None for market data
    reason: str
    raw: str  # the payload as text, secrets masked, truncated


EventSink = Callable[[Event | RejectedPayload], None]
StateSink = Callable[[LinkState, str], None]  # (state, human reason)
Reconnected = Callable[[], Awaitable[None]]  # the daemon reconciles over REST and re-evaluates


class BrokerStream(Protocol):
    async def start(self, accounts: list[AccountInfo], on_event: EventSink, on_state: StateSink,
                    on_reconnected: Reconnected) -> None:
        """Connect both hubs, subscribe the accounts, and keep them alive until stop()."""

    async def watch_contracts(self, contract_ids: set[str]) -> None:
        """Quotes wanted for exactly these contracts (every contract with an open position)."""

    async def stop(self) -> None: ...
