"""The rest of the Gateway surface, straight over REST (httpx) and a raw market-hub socket: contract months
and ``live``, ``onlyActiveAccounts``, ``Auth/loginApp``, ``History/retrieveBars``, per-group rate limits,
``GatewayDepth``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import httpx
import pytest
from sim_helpers import MNQ
from test_contract_httpx import Gateway

from risk_manager.sim import SimControl, SimServer

pytestmark = pytest.mark.e2e
MNQ_H7 = "CON.F.US.MNQ.H27"


@pytest.fixture
async def gw(sim: SimServer) -> AsyncIterator[Gateway]:
    async with httpx.AsyncClient(base_url=sim.base_url, trust_env=False, timeout=10) as http:
        g = Gateway(http)
        await g.login()
        yield g


async def test_contract_months_and_live(gw: Gateway) -> None:
    rows = (await gw.call("Contract/search", {"searchText": "MNQ", "live": False}))["contracts"]
    assert [(r["id"], r["activeContract"]) for r in rows] == [
        (MNQ, True), (MNQ_H7, False), ("CON.F.US.MNQ.M27", False)]
    assert {(r["tickSize"], r["tickValue"]) for r in rows} == {(0.25, 0.5)}
    cl = (await gw.call("Contract/search", {"searchText": "CL", "live": False}))["contracts"]
    assert [r["name"] for r in cl] == ["CLEF7", "CLEG7", "CLEH7"]  # crude lists every month
    live = (await gw.call("Contract/search", {"searchText": "MNQ", "live": True}))["contracts"]
    assert [r["id"] for r in live] == [MNQ]  # live: listed/active contracts only
    by_id = (await gw.call("Contract/searchById", {"contractId": MNQ_H7}))["contract"]
    assert (by_id["name"], by_id["activeContract"]) == ("MNQH7", False)


async def test_only_active_accounts_and_login_app(gw: Gateway, ctl: SimControl) -> None:
    await ctl.add_account("OLD-1", active=False)

    async def names(only_active: bool) -> list[str]:
        rows = (await gw.call("Account/search", {"onlyActiveAccounts": only_active}))["accounts"]
        return [a["name"] for a in rows]

    assert (await names(False), await names(True)) == (["PRAC-1", "OLD-1"], ["PRAC-1"])
    body = {"userName": "app", "password": "sim-password-123", "deviceId": "d", "appId": "a",
            "verifyKey": "v"}
    token = (await gw.call("Auth/loginApp", body))["token"]
    assert token and len(token.split(".")) == 3
    assert (await gw.call("Auth/loginApp", {**body, "appId": ""}))["errorCode"] == 4
    assert (await gw.call("Auth/loginApp", {**body, "password": "x"}))["errorCode"] == 3


async def test_retrieve_bars(sim: SimServer, gw: Gateway) -> None:
    now = datetime.now(UTC)
    body = {"contractId": MNQ, "live": False, "startTime": (now - timedelta(days=5)).isoformat(),
            "endTime": now.isoformat(), "unit": 2, "unitNumber": 5, "limit": 100, "includePartialBar": False}
    bars = (await gw.call("History/retrieveBars", body))["bars"]
    assert len(bars) == 100
    times = [datetime.fromisoformat(b["t"]) for b in bars]
    assert times == sorted(times, reverse=True) and all(t.minute % 5 == 0 and t.second == 0 for t in times)
    assert all(b["l"] <= min(b["o"], b["c"]) <= max(b["o"], b["c"]) <= b["h"] for b in bars)
    assert all((b["c"] * 4) == int(b["c"] * 4) for b in bars)  # on the tick grid
    daily = (await gw.call("History/retrieveBars", {**body, "unit": 4, "unitNumber": 1}))["bars"]
    assert 4 <= len(daily) <= 5
    again = (await gw.call("History/retrieveBars", body))["bars"]
    assert again == bars  # the past is fixed, not re-rolled per call
    sim.feed.set_price(MNQ, bid=21_100.0)
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    live = (await gw.call("History/retrieveBars", {**body, "unit": 1, "unitNumber": 1, "endTime": later,
                                                   "includePartialBar": True}))["bars"]
    assert live[0]["c"] == 21_100.0  # the feed's own prices are the newest bars
    for change, code in (({"contractId": "CON.F.US.XX.Z26"}, 1), ({"unit": 9}, 2), ({"unitNumber": 0}, 3),
                         ({"limit": 20_001}, 4)):
        r = await gw.call("History/retrieveBars", {**body, **change})
        assert (r["success"], r["errorCode"]) == (False, code)


async def test_bars_have_their_own_lower_rate_limit(sim: SimServer, gw: Gateway) -> None:
    now = datetime.now(UTC)
    body = {"contractId": MNQ, "live": False, "startTime": (now - timedelta(hours=1)).isoformat(),
            "endTime": now.isoformat(), "unit": 2, "unitNumber": 1, "limit": 10, "includePartialBar": False}
    for _ in range(50):
        await gw.call("History/retrieveBars", body)
    r = await gw.call("History/retrieveBars", body, status=429)
    assert r.headers.get("Retry-After")
    assert (await gw.call("Position/searchOpen", {"accountId": 1}))["success"]  # other group unaffected
    assert sim.limiter.bars.rejected == 1 and sim.limiter.default.rejected == 0


async def test_market_depth_is_sent_to_depth_subscribers(sim: SimServer, gw: Gateway) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sim.base_url}/hubs/market/negotiate?access_token={gw.token}") as r:
            conn_id = (await r.json())["connectionId"]
        url = f"{sim.base_url.replace('http', 'ws', 1)}/hubs/market?access_token={gw.token}&id={conn_id}"
        async with http.ws_connect(url) as ws:
            sub = {"type": 1, "target": "SubscribeContractMarketDepth", "arguments": [MNQ]}
            hello = json.dumps({"protocol": "json", "version": 1})
            await ws.send_str(hello + "\x1e" + json.dumps(sub) + "\x1e")
            depth: list[list[dict[str, object]]] = []
            for _ in range(20):
                msg = await ws.receive(timeout=5)
                for rec in str(msg.data).split("\x1e"):
                    if rec and json.loads(rec).get("target") == "GatewayDepth":
                        cid, rows = json.loads(rec)["arguments"]
                        assert cid == MNQ
                        depth.append(rows)
                if len(depth) >= 2:
                    break
    assert depth[0][0]["type"] == 6  # a snapshot starts with Reset
    rows = depth[1]
    assert {"timestamp", "type", "price", "volume", "currentVolume"} <= rows[0].keys()
    bids = sorted((r["price"] for r in rows if r["type"] in (2, 4)), reverse=True)  # type: ignore[type-var]
    asks = sorted(r["price"] for r in rows if r["type"] in (1, 3))  # type: ignore[type-var]
    assert len(bids) == len(asks) == 5 and bids[0] < asks[0]  # type: ignore[operator]
