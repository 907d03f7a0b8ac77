"""A hand-written SignalR client (aiohttp) against the hubs: negotiate, 404 rule, handshake, framing, push."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sim_helpers import API_KEY, MNQ

from risk_manager.sim import SimControl, SimOptions, SimServer
from support import wait_until

pytestmark = pytest.mark.e2e
RS = "\x1e"


class RawHub:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.records: list[Any] = []
        self._buf = ""
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                text = msg.data if isinstance(msg.data, str) else msg.data.decode()
                *recs, self._buf = (self._buf + text).split(RS)
                self.records += [json.loads(r) for r in recs if r]

    async def send(self, *records: dict[str, Any], binary: bool = False) -> None:
        text = "".join(json.dumps(r) + RS for r in records)
        await (self.ws.send_bytes(text.encode()) if binary else self.ws.send_str(text))

    def invocations(self, target: str) -> list[list[Any]]:
        return [r["arguments"] for r in self.records if r.get("type") == 1 and r.get("target") == target]

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()


async def _token(http: aiohttp.ClientSession, sim: SimServer) -> str:
    async with http.post(f"{sim.api_url}/Auth/loginKey", json={"userName": "raw", "apiKey": API_KEY}) as r:
        return str((await r.json())["token"])


async def _negotiate(http: aiohttp.ClientSession, url: str, token: str) -> str:
    async with http.post(f"{url}/negotiate?access_token={token}") as r:
        assert r.status == 200
        body = await r.json()
    assert body["negotiateVersion"] == 0 and body["availableTransports"][0]["transport"] == "WebSockets"
    return str(body["connectionId"])


async def _open(http: aiohttp.ClientSession, url: str, token: str, conn_id: str | None = None) -> RawHub:
    query = f"?access_token={token}" + (f"&id={conn_id}" if conn_id else "")
    hub = RawHub(await http.ws_connect(url.replace("http", "ws", 1) + query))
    await hub.send({"protocol": "json", "version": 1})
    await wait_until(lambda: hub.records, 2.0, "handshake")
    assert hub.records.pop(0) == {}  # the handshake answer, "{}\x1e"
    return hub


@pytest.fixture
def sim_options() -> SimOptions:
    return SimOptions(port=0, quote_rate=20.0, ping_interval=0.2)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(trust_env=False) as session:
        yield session


async def test_negotiate_and_the_404_before_upgrade_rule(sim: SimServer, http: aiohttp.ClientSession) -> None:
    url = sim.user_hub_url
    async with http.post(f"{url}/negotiate") as r:
        assert r.status == 401
    async with http.post(f"{url}/negotiate?access_token=garbage") as r:
        assert r.status == 401
    token = await _token(http, sim)
    async with http.post(f"{url}/negotiate?id=stale", headers={"Authorization": f"Bearer {token}"}) as r:
        assert r.status == 200  # Bearer header also works; a stale id on negotiate is ignored
    with pytest.raises(aiohttp.WSServerHandshakeError) as unknown:
        await http.ws_connect(url.replace("http", "ws", 1) + f"?access_token={token}&id=nope")
    assert unknown.value.status == 404
    conn_id = await _negotiate(http, url, token)
    hub = await _open(http, url, token, conn_id)
    await hub.close()
    with pytest.raises(aiohttp.WSServerHandshakeError) as reused:
        await http.ws_connect(url.replace("http", "ws", 1) + f"?access_token={token}&id={conn_id}")
    assert reused.value.status == 404  # a spent id: HTTP 404, never an accepted-then-closed socket
    bare = await _open(http, url, token)  # no id at all (skip-negotiation clients) is accepted
    await bare.close()


async def test_invocations_completions_framing_and_user_push(sim: SimServer,
                                                              http: aiohttp.ClientSession) -> None:
    token = await _token(http, sim)
    hub = await _open(http, sim.user_hub_url, token, await _negotiate(http, sim.user_hub_url, token))
    # Two records in one binary frame; Heartbeat and a duplicate subscribe need no answer.
    await hub.send({"type": 1, "target": "SubscribeAccounts", "arguments": []},
                   {"type": 1, "target": "SubscribeOrders", "arguments": [1], "invocationId": "a"},
                   binary=True)
    await hub.send({"type": 1, "target": "SubscribeOrders", "arguments": [1]},
                   {"type": 1, "target": "Heartbeat", "arguments": [{"timestamp": 1.0}]},
                   {"type": 1, "target": "SubscribePositions", "arguments": [1]},
                   {"type": 1, "target": "SubscribeTrades", "arguments": [1]},
                   {"type": 1, "target": "NoSuchMethod", "arguments": [], "invocationId": "b"},
                   {"type": 6})
    await wait_until(lambda: len([r for r in hub.records if r.get("type") == 3]) == 2, 2.0, "completions")
    done = {r["invocationId"]: r for r in hub.records if r.get("type") == 3}
    assert done["a"] == {"type": 3, "invocationId": "a", "result": None}
    assert "error" in done["b"]
    async with http.post(f"{sim.api_url}/Order/place", headers={"Authorization": f"Bearer {token}"},
                         json={"accountId": 1, "contractId": MNQ, "type": 2, "side": 1, "size": 1}) as r:
        assert (await r.json())["success"]
    await wait_until(lambda: hub.invocations("GatewayUserAccount"), 2.0, "account push")
    targets = [r["target"] for r in hub.records if r.get("type") == 1]
    assert targets == ["GatewayUserOrder", "GatewayUserOrder", "GatewayUserTrade", "GatewayUserPosition",
                       "GatewayUserAccount"]  # gateway order, each once despite the double subscribe
    (pos,) = hub.invocations("GatewayUserPosition")
    assert pos[0]["action"] == 1 and (pos[0]["data"]["type"], pos[0]["data"]["size"]) == (2, 1)
    assert all(set(r) <= {"type", "target", "arguments"} for r in hub.records if r.get("type") == 1)
    await wait_until(lambda: any(r.get("type") == 6 for r in hub.records), 2.0, "server ping")
    await hub.send({"type": 1, "target": "UnsubscribePositions", "arguments": [1]})
    async with SimControl(sim.base_url) as ctl:
        await ctl.bare_events(True)
        await asyncio.sleep(0.05)
        await ctl.open_position("MNQ", "buy", 1)
        await wait_until(lambda: len(hub.invocations("GatewayUserTrade")) == 2, 2.0, "second trade")
        assert "action" not in hub.invocations("GatewayUserTrade")[1][0]  # bare form
        assert len(hub.invocations("GatewayUserPosition")) == 1  # unsubscribed
        await ctl.drop("user", mode="error", error="boom")
    await wait_until(lambda: hub.ws.closed, 2.0, "close")
    assert {"type": 7, "error": "boom"} in hub.records


async def test_market_hub_quotes_snapshot_and_stream(sim: SimServer, http: aiohttp.ClientSession) -> None:
    token = await _token(http, sim)
    hub = await _open(http, sim.market_hub_url, token, await _negotiate(http, sim.market_hub_url, token))
    await hub.send({"type": 1, "target": "SubscribeContractQuotes", "arguments": [MNQ]})
    await wait_until(lambda: len(hub.invocations("GatewayQuote")) >= 5, 2.0, "quotes")
    cid, quote = hub.invocations("GatewayQuote")[0]
    assert cid == MNQ and quote["symbol"] == "F.US.MNQ" and quote["bestAsk"] - quote["bestBid"] == 0.25
    await hub.send({"type": 1, "target": "UnsubscribeContractQuotes", "arguments": [MNQ]})
    await asyncio.sleep(0.1)
    n = len(hub.invocations("GatewayQuote"))
    await asyncio.sleep(0.3)
    assert len(hub.invocations("GatewayQuote")) == n
    await hub.close()


async def test_handshake_with_another_protocol_is_refused(sim: SimServer,
                                                          http: aiohttp.ClientSession) -> None:
    token = await _token(http, sim)
    ws = await http.ws_connect(sim.market_hub_url.replace("http", "ws", 1) + f"?access_token={token}")
    await ws.send_str(json.dumps({"protocol": "messagepack", "version": 1}) + RS)
    msg = await ws.receive(timeout=2.0)
    assert "error" in json.loads(msg.data.rstrip(RS))
    await ws.close()


async def test_abort_drop_cuts_the_socket_without_a_close_frame(sim: SimServer,
                                                                http: aiohttp.ClientSession) -> None:
    token = await _token(http, sim)
    conn_id = await _negotiate(http, sim.market_hub_url, token)
    hub = await _open(http, sim.market_hub_url, token, conn_id)
    async with SimControl(sim.base_url) as ctl:
        assert await ctl.drop("market", mode="abort") == 1
    await wait_until(lambda: hub.ws.closed, 2.0, "socket cut")
    assert hub.ws.close_code != 1000  # no clean close: a network failure, as far as the client can tell
    await wait_until(lambda: not sim.market_hub.conns, 2.0, "server cleanup")
    ws_url = sim.market_hub_url.replace("http", "ws", 1)
    with pytest.raises(aiohttp.WSServerHandshakeError) as reused:
        await http.ws_connect(f"{ws_url}?access_token={token}&id={conn_id}")
    assert reused.value.status == 404
