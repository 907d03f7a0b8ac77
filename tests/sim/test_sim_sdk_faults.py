"""Injected faults, seen through the unmodified SDK: each behaves as docs/simulator.md documents."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from project_x_py.exceptions import (
    OrderSubmissionUncertainError,
    ProjectXAuthenticationError,
    ProjectXRateLimitError,
)
from sim_helpers import MNQ, SdkSession, open_sdk, unwrap

from risk_manager.sim import SimControl, SimServer

pytestmark = pytest.mark.e2e


def _order(session: SdkSession, size: int = 1) -> dict[str, object]:
    return {"accountId": session.account.id, "contractId": MNQ, "type": 2, "side": 0, "size": size}


async def test_500_on_a_mutating_call_is_uncertain_and_not_applied(
        sim: SimServer, ctl: SimControl, sdk: SdkSession) -> None:
    await ctl.fail("Order/place", "500")
    with pytest.raises(OrderSubmissionUncertainError):
        await sdk.px._make_request("POST", "/Order/place", data=_order(sdk))
    assert sim.broker.orders(sdk.account.id) == []  # a 500 short-circuits: nothing happened
    rec = (await ctl.requests("Order/place"))[-1]  # the request log, over /_sim/requests
    assert (rec["status"], rec["fault"], rec["body"]["size"]) == (500, "500", 1)
    assert isinstance(rec["perf_ns"], int) and rec["at"]


async def test_500_on_a_read_is_retried_by_the_sdk(sim: SimServer, ctl: SimControl, sdk: SdkSession) -> None:
    await ctl.fail("Position/searchOpen", "500", count=1)
    assert await sdk.px.search_open_positions() == []
    statuses = [r.status for r in sim.log.records("Position/searchOpen")]
    assert statuses[-2:] == [500, 200]


async def test_429_fault_and_real_rate_limit(sim: SimServer, ctl: SimControl, sdk: SdkSession) -> None:
    # Reads go through the SDK's single-shot request path: _make_request would sleep 60 s and retry.
    read = sdk.px._execute_http_request
    body = {"accountId": sdk.account.id}
    await ctl.fail("Position/searchOpen", "429")
    with pytest.raises(ProjectXRateLimitError):
        await read("POST", "/Position/searchOpen", data=body)
    await ctl.fail("Order/place", "429")
    with pytest.raises(OrderSubmissionUncertainError):
        await sdk.px._make_request("POST", "/Order/place", data=_order(sdk))
    # The real sliding window: 3 per minute here, so the 4th call in a row is refused.
    await ctl.rate_limit(limit=3, window=60)
    for _ in range(3):
        await read("POST", "/Position/searchOpen", data=body)
    with pytest.raises(ProjectXRateLimitError):
        await read("POST", "/Position/searchOpen", data=body)
    assert sim.limiter.rejected == 1


async def test_hang_times_out_and_the_order_lands_afterwards(sim: SimServer, ctl: SimControl) -> None:
    async with open_sdk(sim, timeout_seconds=1) as sdk:
        await ctl.fail("Order/place", "hang", hang_seconds=2.0)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        with pytest.raises(OrderSubmissionUncertainError):
            await sdk.px._make_request("POST", "/Order/place", data=_order(sdk))
        assert loop.time() - t0 < 1.9  # the client gave up before the server answered
        # The uncertain case: the server handles the call after the hang; only the stream tells.
        pos = await sdk.events.wait_for("position_update", within=5.0)
        assert unwrap(pos)["size"] == 1


async def test_revoke_gives_401_and_reauthentication_recovers(
        sim: SimServer, ctl: SimControl, sdk: SdkSession) -> None:
    old = sdk.px.session_token
    assert await ctl.revoke() >= 1
    with pytest.raises(ProjectXAuthenticationError):
        await sdk.px.search_open_positions()
    async with (aiohttp.ClientSession() as http,
                http.post(f"{sim.user_hub_url}/negotiate?access_token={old}") as r):
        assert r.status == 401  # a hub reconnect with the old token would die here
    await sdk.px.authenticate()
    assert sdk.px.session_token != old
    assert await sdk.px.search_open_positions() == []


async def test_can_trade_toggle_emits_account_event_and_blocks_entries(
        sim: SimServer, ctl: SimControl, sdk: SdkSession) -> None:
    from project_x_py import EventBus, OrderManager
    from project_x_py.exceptions import ProjectXOrderError

    await ctl.can_trade(False, account="PRAC-1")
    acct = await sdk.events.wait_for("account_update", lambda d: unwrap(d)["canTrade"] is False)
    assert unwrap(acct)["id"] == sdk.account.id
    om = OrderManager(sdk.px, event_bus=EventBus())
    with pytest.raises(ProjectXOrderError):
        await om.place_market_order(MNQ, 0, 1)
    assert [a.canTrade for a in await sdk.px.list_accounts()] == [False]
    await ctl.can_trade(True)
    await sdk.events.wait_for("account_update", lambda d: unwrap(d)["canTrade"] is True)


async def test_silence_stops_quotes_until_lifted(sim: SimServer, ctl: SimControl, sdk: SdkSession) -> None:
    await sdk.events.wait_for("quote_update")
    await ctl.silence(True)
    await asyncio.sleep(0.15)  # let anything already queued drain
    sdk.events.clear()
    await asyncio.sleep(0.6)  # 6 ticks at 10 Hz
    assert sdk.events.of("quote_update") == []
    assert sdk.rt.market_connected  # the socket stays up: only the data stops
    await ctl.silence(False)
    await sdk.events.wait_for("quote_update", within=2.0)


async def test_gateway_logout_is_delivered_and_harmless(ctl: SimControl, sdk: SdkSession) -> None:
    assert await ctl.logout("Logged in elsewhere") == 1  # the SDK only debug-logs GatewayLogout
    await asyncio.sleep(0.1)
    assert sdk.rt.user_connected
