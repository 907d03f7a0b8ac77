"""Helpers for the simulator tests: waiting, event collection, and a session of the REAL project-x-py SDK
(REST client + realtime client) connected to the simulator over real sockets."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from risk_manager.sim import SimServer
from support import Recorder, wait_until

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

MNQ = "CON.F.US.MNQ.Z26"
API_KEY = "sim-api-key-0123456789"
SDK_EVENTS = ("account_update", "order_update", "position_update", "trade_execution", "quote_update")


def unwrap(payload: Any) -> Any:
    wrapped = isinstance(payload, dict) and "action" in payload and "data" in payload
    return payload["data"] if wrapped else payload


@dataclass
class SdkSession:
    px: Any  # project_x_py.ProjectX
    rt: Any  # project_x_py.ProjectXRealtimeClient
    account: Any  # project_x_py.models.Account
    events: Recorder


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
        events = Recorder()
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
