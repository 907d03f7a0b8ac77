"""Contract tests with a second client written straight against the REST API (httpx), not the SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sim_helpers import API_KEY, MNQ

from risk_manager.sim import SimServer

pytestmark = pytest.mark.e2e
ENVELOPE = {"success", "errorCode", "errorMessage"}


class Gateway:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.token: str | None = None

    async def call(self, endpoint: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        r = await self.http.post(f"/api/{endpoint}", json=body or {}, headers=headers)
        assert r.status_code == status, (endpoint, r.status_code, r.text)
        return r.json() if status == 200 else r

    async def login(self, key: str = API_KEY) -> str:
        data = await self.call("Auth/loginKey", {"userName": "raw", "apiKey": key})
        assert data["success"] is True and data["errorCode"] == 0 and data["errorMessage"] is None
        self.token = data["token"]
        return str(data["token"])


@pytest.fixture
async def gw(sim: SimServer) -> AsyncIterator[Gateway]:
    async with httpx.AsyncClient(base_url=sim.base_url, trust_env=False, timeout=10) as http:
        g = Gateway(http)
        await g.login()
        yield g


async def test_login_validate_logout_and_401(sim: SimServer, gw: Gateway) -> None:
    bad = await gw.call("Auth/loginKey", {"userName": "raw", "apiKey": "short"})
    assert (bad["success"], bad["errorCode"], bad["token"]) == (False, 3, None)
    assert len(gw.token.split(".")) == 3  # type: ignore[union-attr]
    new = (await gw.call("Auth/validate"))["newToken"]
    assert new and new != gw.token
    assert (await gw.call("Auth/logout"))["success"] is True
    await gw.call("Account/search", {"onlyActiveAccounts": True}, status=401)  # logged-out token
    gw.token = new
    assert (await gw.call("Account/search", {"onlyActiveAccounts": True}))["success"]
    gw.token = new[:-4] + ("AAAA" if not new.endswith("AAAA") else "BBBB")  # forged signature
    await gw.call("Account/search", {}, status=401)
    gw.token = None
    await gw.call("Account/search", {}, status=401)
    r = await gw.http.get("/api/Status/ping")
    assert (r.status_code, r.json()) == (200, "pong")


async def test_accounts_and_contracts(gw: Gateway) -> None:
    data = await gw.call("Account/search", {"onlyActiveAccounts": True})
    assert set(data) == ENVELOPE | {"accounts"}
    assert data["accounts"] == [{"id": 1, "name": "PRAC-1", "balance": 50000.0, "canTrade": True,
                                 "isVisible": True, "simulated": True}]
    names = {t: [c["name"] for c in (await gw.call("Contract/search", {"searchText": t, "live": False}))
                 ["contracts"]] for t in ("MNQ", "NQ", "ES", "MNQZ6", "")}
    assert names["MNQ"] == ["MNQZ6", "MNQH7", "MNQM7"] and names["NQ"] == ["ENQZ6", "ENQH7", "ENQM7"]
    assert names["ES"] == ["EPZ6", "EPH7", "EPM7"]
    assert names["MNQZ6"] == ["MNQZ6"] and len(names[""]) == 36
    c = (await gw.call("Contract/searchById", {"contractId": MNQ}))["contract"]
    assert {"id": c["id"], "tickSize": c["tickSize"], "tickValue": c["tickValue"],
            "activeContract": c["activeContract"]} == {"id": MNQ, "tickSize": 0.25, "tickValue": 0.5,
                                                       "activeContract": True}
    missing = await gw.call("Contract/searchById", {"contractId": "CON.F.US.XX.Z26"})
    assert (missing["success"], missing["errorCode"]) == (False, 1)
    assert len((await gw.call("Contract/available", {"live": False}))["contracts"]) == 36
    assert len((await gw.call("Contract/available", {"live": True}))["contracts"]) == 12


async def test_place_fill_positions_trades_partial_close_and_close(gw: Gateway) -> None:
    market_buy = {"accountId": 1, "contractId": MNQ, "type": 2, "side": 0, "size": 3}
    placed = await gw.call("Order/place", market_buy)
    assert placed["success"] is True and isinstance(placed["orderId"], int)
    order = (await gw.call("Order/searchById", {"accountId": 1, "orderId": placed["orderId"]}))["order"]
    assert (order["status"], order["fillVolume"], order["type"], order["side"]) == (2, 3, 2, 0)
    assert "updateTimestamp" in order and order["filledPrice"] is not None
    pos = (await gw.call("Position/searchOpen", {"accountId": 1}))["positions"]
    assert [(p["contractId"], p["type"], p["size"]) for p in pos] == [(MNQ, 1, 3)]
    assert pos[0]["averagePrice"] == order["filledPrice"] and pos[0]["contractDisplayName"] == "MNQZ6"

    bad = await gw.call("Position/partialCloseContract", {"accountId": 1, "contractId": MNQ, "size": 5})
    assert (bad["success"], bad["errorCode"]) == (False, 5)
    part = await gw.call("Position/partialCloseContract", {"accountId": 1, "contractId": MNQ, "size": 1})
    assert part["success"] is True and "orderId" not in part  # live quirk: no orderId here
    assert [p["size"] for p in (await gw.call("Position/searchOpen", {"accountId": 1}))["positions"]] == [2]
    assert (await gw.call("Position/closeContract", {"accountId": 1, "contractId": MNQ}))["success"]
    assert (await gw.call("Position/searchOpen", {"accountId": 1}))["positions"] == []
    again = await gw.call("Position/closeContract", {"accountId": 1, "contractId": MNQ})
    assert (again["success"], again["errorCode"]) == (False, 2)

    trades = (await gw.call("Trade/search", {"accountId": 1, "startTimestamp": "2000-01-01T00:00:00Z"}))[
        "trades"]
    assert [t["size"] for t in trades] == [3, 1, 2]
    assert trades[0]["profitAndLoss"] is None
    assert all(isinstance(t["profitAndLoss"], float) for t in trades[1:])
    assert {"id", "accountId", "contractId", "creationTimestamp", "price", "fees", "side", "voided",
            "orderId"} <= trades[0].keys()
    future = await gw.call("Trade/search", {"accountId": 1, "startTimestamp": "2100-01-01T00:00:00Z"})
    assert future["trades"] == []


async def test_resting_order_modify_and_cancel(sim: SimServer, gw: Gateway) -> None:
    bid, _, _ = sim.broker.touch(MNQ)
    assert bid is not None
    placed = await gw.call("Order/place", {"accountId": 1, "contractId": MNQ, "type": 1, "side": 0, "size": 1,
                                           "limitPrice": bid - 25.0, "customTag": "t-1"})
    oid = placed["orderId"]
    open_orders = (await gw.call("Order/searchOpen", {"accountId": 1}))["orders"]
    assert [(o["id"], o["status"], o["limitPrice"], o["customTag"]) for o in open_orders] == [
        (oid, 1, bid - 25.0, "t-1")]
    dup = await gw.call("Order/place", {"accountId": 1, "contractId": MNQ, "type": 1, "side": 0, "size": 1,
                                        "limitPrice": bid - 25.0, "customTag": "t-1"})
    assert (dup["success"], dup["errorCode"]) == (False, 2)  # customTag is unique per account
    mod = await gw.call("Order/modify", {"accountId": 1, "orderId": oid, "limitPrice": bid - 30.0, "size": 2})
    assert mod["success"] is True
    order = (await gw.call("Order/searchById", {"accountId": 1, "orderId": oid}))["order"]
    assert (order["limitPrice"], order["size"]) == (bid - 30.0, 2)
    assert (await gw.call("Order/cancel", {"accountId": 1, "orderId": oid}))["success"] is True
    gone = await gw.call("Order/cancel", {"accountId": 1, "orderId": oid})
    assert (gone["success"], gone["errorCode"]) == (False, 2)
    assert (await gw.call("Order/searchOpen", {"accountId": 1}))["orders"] == []
    window = {"accountId": 1, "startTimestamp": "2000-01-01T00:00:00Z"}
    hist = (await gw.call("Order/search", window))["orders"]
    assert [(o["id"], o["status"]) for o in hist] == [(oid, 3)]


async def test_place_rejections_and_validation(gw: Gateway) -> None:
    base = {"accountId": 1, "contractId": MNQ, "type": 2, "side": 0, "size": 1}
    cases: list[tuple[dict[str, Any], int]] = [
        ({"accountId": 99}, 1), ({"contractId": "CON.F.US.XX.Z26"}, 8), ({"type": 1}, 2),
        ({"stopLossBracket": {"ticks": 0, "type": 4}}, 2), ({"linkedOrderId": 5}, 2), ({"size": 0}, 2),
        ({"type": 1, "limitPrice": 20000.1}, 2)]
    for change, code in cases:
        r = await gw.call("Order/place", {**base, **change})
        assert (r["success"], r["errorCode"], r["orderId"]) == (False, code, None), change
    r = await gw.call("Order/place", {"accountId": 1, "contractId": MNQ}, status=400)  # model binding
    assert r.json()["status"] == 400
    assert (await gw.call("Position/searchOpen", {"accountId": 42}))["errorCode"] == 1


async def test_rate_limit_is_200_per_minute_per_token(sim: SimServer, gw: Gateway) -> None:
    for _ in range(199):  # the login was call #1 of this peer, not of this token
        await gw.call("Position/searchOpen", {"accountId": 1})
    await gw.call("Position/searchOpen", {"accountId": 1})
    r = await gw.call("Position/searchOpen", {"accountId": 1}, status=429)
    assert r.headers.get("Retry-After")
    other = Gateway(gw.http)
    await other.login()  # a new token has its own window
    assert (await other.call("Position/searchOpen", {"accountId": 1}))["success"]
