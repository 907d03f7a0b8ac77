"""``BrokerStream`` over project-x-py's hubs: one realtime client per account plus our supervisor.

One client per account is the simple, restorable path: ``subscribe_user_updates`` covers the client's own
account, and the SDK re-sends exactly that after a pysignalr-internal reconnect. Quotes and every
account's balance events ride on the first account's client only (the market hub and ``SubscribeAccounts``
are account-independent).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from risk_manager.broker.port import AccountInfo
from risk_manager.broker.projectx.dispatch import Dispatch
from risk_manager.broker.projectx.link import HubLink
from risk_manager.broker.projectx.session import ProjectXSession
from risk_manager.broker.projectx.supervisor import Supervisor
from risk_manager.broker.stream import BrokerStream, EventSink, LinkState, Reconnected, StateSink
from risk_manager.clock.clock import Clock, SystemClock

log = logging.getLogger(__name__)


class ProjectXStream:
    def __init__(self, session: ProjectXSession, *, clock: Clock | None = None,
                 monotonic: Callable[[], float] = time.monotonic, check_interval: float = 1.0,
                 down_after: float = 5.0, stale_after: float = 30.0, connect_timeout: float = 12.0,
                 op_timeout: float = 5.0, backoff_cap: float = 10.0, reconcile_timeout: float = 60.0) -> None:
        self._session = session
        self._clock: Clock = clock or SystemClock()
        self._monotonic = monotonic
        self._interval = check_interval
        self._down_after, self._stale_after, self._backoff_cap = down_after, stale_after, backoff_cap
        self._connect_timeout, self._op_timeout = connect_timeout, op_timeout
        self._reconcile_timeout = reconcile_timeout
        self._wanted: set[str] = set()
        self.links: list[HubLink] = []
        self.dispatch: Dispatch | None = None
        self.supervisor: Supervisor | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def state(self) -> LinkState:
        return self.supervisor.state if self.supervisor is not None else LinkState.DOWN

    async def start(self, accounts: list[AccountInfo], on_event: EventSink, on_state: StateSink,
                    on_reconnected: Reconnected) -> None:
        """Connect a client per account and start supervising. Does not raise when the first connect fails:
        the state goes DOWN and the supervisor keeps trying; ``on_reconnected`` runs once it succeeds.
        (A first connect that succeeds right away is not followed by ``on_reconnected``: the daemon's own
        start-up reconcile covers it.)"""
        if self._task is not None:
            raise RuntimeError("stream already started")
        if not accounts:
            raise ValueError("no accounts to stream")
        if not self._session.is_open:
            await self._session.open()
        self.dispatch = Dispatch(on_event, self._clock, self._monotonic)
        everyone = frozenset(a.id for a in accounts)
        self.links = [HubLink(a.id, self._session.config, self.dispatch, quotes=i == 0,
                              balances=everyone if i == 0 else frozenset(),
                              connect_timeout=self._connect_timeout, op_timeout=self._op_timeout)
                      for i, a in enumerate(accounts)]
        self.supervisor = Supervisor(self._session, self.links, self.dispatch, lambda: self._wanted, on_state,
                                     on_reconnected, monotonic=self._monotonic, down_after=self._down_after,
                                     stale_after=self._stale_after, backoff_cap=self._backoff_cap,
                                     reconcile_timeout=self._reconcile_timeout)
        await self.supervisor.connect_initial()
        self._task = asyncio.create_task(self.supervisor.run(self._interval), name="projectx-supervisor")

    async def watch_contracts(self, contract_ids: set[str]) -> None:
        """Quotes for exactly these contracts. Applied now when the quote link is idle, else by the
        supervisor within one check interval; kept across reconnects."""
        self._wanted = set(contract_ids)
        for link in self.links:
            if link.carries_quotes:
                try:
                    await link.sync_quotes(self._wanted)
                except Exception:
                    log.exception("updating quote subscriptions failed")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.supervisor is not None:
            self.supervisor.cancel_timers()
        for link in self.links:
            await link.close()


def _is_stream(s: ProjectXStream) -> BrokerStream:  # static check: mypy verifies the protocol
    return s
