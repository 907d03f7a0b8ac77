"""The tilted trader's hands: the simulator's REST API, as the TopstepX web UI would use it, plus the
simulator's price hook to move the (scripted, otherwise still) market."""

from __future__ import annotations

from typing import Any

import aiohttp

from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import OrderType, Side


class TraderClient:
    def __init__(self, base_url: str, session: aiohttp.ClientSession, account: str = "PRAC-1") -> None:
        self.base = base_url.rstrip("/")
        self.http = session
        self.account_name = account
        self.token = ""
        self.account_id = 0
        self.prices: dict[str, float] = {}

    async def _api(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.http.post(f"{self.base}/api/{endpoint}", json=body, headers=headers) as r:
            r.raise_for_status()
            data: dict[str, Any] = await r.json()
        return data

    async def login(self) -> None:
        self.token = str((await self._api("Auth/loginKey", {"userName": "tilted-trader",
                                                             "apiKey": "demo-only-not-a-secret"}))["token"])
        accounts = (await self._api("Account/search", {"onlyActiveAccounts": True}))["accounts"]
        self.account_id = next(int(a["id"]) for a in accounts if a["name"] == self.account_name)

    async def price(self, root: str, bid: float) -> None:
        """Move the market: the simulator publishes the quote and fills whatever it triggers."""
        tick = catalogue_contract(root).tick_size
        self.prices[root] = bid
        async with self.http.post(f"{self.base}/_sim/price", json={"symbol": root, "bid": bid,
                                                                   "ask": bid + tick}) as r:
            r.raise_for_status()

    async def order(self, root: str, side: Side, size: int, type: OrderType = OrderType.MARKET,
                    stop: float | None = None) -> int | None:
        body = {"accountId": self.account_id, "contractId": catalogue_contract(root).id, "type": int(type),
                "side": int(side), "size": size, "limitPrice": None, "stopPrice": stop, "trailPrice": None}
        data = await self._api("Order/place", body)
        return int(data["orderId"]) if data.get("success") else None

    async def buy(self, root: str, size: int) -> int | None:
        return await self.order(root, Side.BUY, size)

    async def sell(self, root: str, size: int) -> int | None:
        return await self.order(root, Side.SELL, size)

    async def cancel(self, order_id: int) -> None:
        await self._api("Order/cancel", {"accountId": self.account_id, "orderId": order_id})

    async def position(self, root: str) -> int:
        rows = (await self._api("Position/searchOpen", {"accountId": self.account_id}))["positions"]
        cid = catalogue_contract(root).id
        row = next((p for p in rows if p["contractId"] == cid), None)
        if row is None:
            return 0
        return int(row["size"]) * (1 if int(row["type"]) == 1 else -1)
