"""Helpers for the simulator tests: waiting, event collection, and a session of the REAL project-x-py SDK
(REST client + realtime client) connected to the simulator over real sockets."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from risk_manager.sim import SimServer

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

MNQ = "CON.F.US.MNQ.Z26"
API_KEY = "sim-api-key-0123456789"
SDK_EVENTS = ("account_update", "order_update", "position_update", "trade_execution", "quote_update")


async def wait_until(pred: Callable[[], Any], within: float = 5.0, what: str = "condition") -> Any:
    """Poll ``pred`` until truthy (returns its value) or fail after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while True:
        value = pred()
        if value:
            return value
        if loop.time() >= end:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.01)


def unwrap(payload: Any) -> Any:
    wrapped = isinstance(payload, dict) and "action" in payload and "data" in payload
    return payload["data"] if wrapped else payload


class Collected:
    """Everything the SDK's callbacks received, in arrival order."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Any]] = []

    def handler(self, name: str) -> Callable[[Any], Any]:
        async def cb(data: Any) -> None:
            self.items.append((name, data))

        return cb

    def of(self, name: str) -> list[Any]:
        return [d for n, d in self.items if n == name]

    def clear(self) -> None:
        self.items.clear()

    async def wait_for(self, name: str, pred: Callable[[Any], bool] = lambda _: True,
                       within: float = 5.0) -> Any:
        def find() -> Any:
            return next((d for d in self.of(name) if pred(d)), None)

        return await wait_until(find, within, f"{name} event")


@dataclass
class SdkSession:
    px: Any  # project_x_py.ProjectX
    rt: Any  # project_x_py.ProjectXRealtimeClient
    account: Any  # project_x_py.models.Account
    events: Collected


def sdk_config(sim: SimServer, **overrides: Any) -> Any:
    from project_x_py import ProjectXConfig

    fields: dict[str, Any] = {"api_url": sim.api_url, "user_hub_url": sim.user_hub_url,
                              "market_hub_url": sim.market_hub_url, "requests_per_minute": 10_000}
    return ProjectXConfig(**{**fields, **overrides})


@asynccontextmanager
async def open_sdk(sim: SimServer, account_name: str = "PRAC-1", contracts: tuple[str, ...] = (MNQ,),
                   **config: Any) -> AsyncIterator[SdkSession]:
    """Log in with the real SDK, connect both hubs and subscribe, exactly as the daemon does."""
    from project_x_py import ProjectX, ProjectXRealtimeClient

    async with ProjectX("trader", API_KEY, config=sdk_config(sim, **config), account_name=account_name) as px:
        await px.authenticate()
        account = px.get_account_info()
        rt = ProjectXRealtimeClient(jwt_token=px.session_token, account_id=str(account.id), config=px.config)
        rt.stale_feed_seconds = float("inf")  # 4.4.1's stale-feed watchdog loops; the daemon supervises
        events = Collected()
        for name in SDK_EVENTS:
            await rt.add_callback(name, events.handler(name))
        try:
            assert await rt.connect(), "both hubs must come up"
            assert await rt.subscribe_user_updates()
            if contracts:
                assert await rt.subscribe_market_data(list(contracts))
            await wait_until(lambda: all(_subscribed(sim, account.id, c) for c in contracts) and any(
                c.subs.get("positions") for c in sim.user_hub.conns), 5.0, "server-side subscriptions")
            yield SdkSession(px, rt, account, events)
        finally:
            await rt.disconnect()


def _subscribed(sim: SimServer, account_id: int, contract_id: str) -> bool:
    return any(c.subscribed("quotes", contract_id) for c in sim.market_hub.conns)
