"""The random trader's hands (the simulator's REST API, as the TopstepX web UI uses it) and the simulator's
truth (its trades, orders and positions), read over the same API."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from risk_manager.domain.contracts import PRODUCTS, catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.sim import SimControl

TAG = "chaos-trader-"


@dataclass(frozen=True)
class Fill:
    id: int
    at: datetime
    symbol: str
    side: Side
    size: int
    price: float
    pnl: float | None
    fees: float
    by_trader: bool  # False: the daemon's close or partial close


class Gateway:
    def __init__(self, base: str, account: str) -> None:
        self.base, self.account = base, account
        self.http = httpx.AsyncClient(base_url=base, timeout=3.0, trust_env=False)
        self.ctl = SimControl(base)
        self.token = ""
        self.account_id = 0
        self.tags = itertools.count(1)
        self.quotes: list[tuple[datetime, str, float, float]] = []  # (at, symbol, bid, ask) the trader set
        self.order_errors = 0

    async def close(self) -> None:
        await self.http.aclose()
        await self.ctl.aclose()

    async def api(self, endpoint: str, body: dict[str, Any], *, relogin: bool = True) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        r = await self.http.post(f"/api/{endpoint}", json=body, headers=headers)
        if r.status_code == 401 and relogin and endpoint != "Auth/loginKey":  # the matrix revoked all tokens
            await self.login()
            return await self.api(endpoint, body, relogin=False)
        r.raise_for_status()
        data: dict[str, Any] = r.json()
        return data

    async def login(self) -> None:
        self.token = ""
        data = await self.api("Auth/loginKey", {"userName": "chaos-trader",
                                                "apiKey": "chaos-trader-key-0001"})
        self.token = str(data["token"])
        rows = (await self.api("Account/search", {"onlyActiveAccounts": True}))["accounts"]
        self.account_id = next(int(a["id"]) for a in rows if a["name"] == self.account)

    # ---- the trader ---------------------------------------------------------------------------------
    async def order(self, symbol: str, side: Side, size: int, type: OrderType = OrderType.MARKET,
                    limit: float | None = None, stop: float | None = None) -> int | None:
        """Place an order; None when refused, failed or timed out (a hung call may still land later)."""
        body = {"accountId": self.account_id, "contractId": catalogue_contract(symbol).id, "type": int(type),
                "side": int(side), "size": size, "limitPrice": limit, "stopPrice": stop,
                "customTag": f"{TAG}{next(self.tags)}"}
        try:
            data = await self.api("Order/place", body)
        except httpx.HTTPError:
            self.order_errors += 1
            return None
        return int(data["orderId"]) if data.get("success") else None

    async def price(self, symbol: str, bid: float) -> None:
        tick = catalogue_contract(symbol).tick_size
        q = await self.ctl.set_price(symbol, bid=bid, ask=bid + tick)
        self.quotes.append((datetime.fromisoformat(q["timestamp"]), symbol, q["bestBid"], q["bestAsk"]))

    # ---- the truth ----------------------------------------------------------------------------------
    async def positions(self) -> dict[str, int]:
        """Signed size per symbol, from /_sim/state (not an /api call: injected faults cannot hit it)."""
        state = await self.ctl.state()
        acct = next(a for a in state["accounts"] if a["name"] == self.account)
        out: dict[str, int] = {}
        for p in acct["positions"]:
            size = int(p["size"]) * (1 if int(p["type"]) == 1 else -1)
            if size:
                out[_symbol(p["contractId"])] = size
        return out

    async def fills(self, since: datetime) -> list[Fill]:
        """Every trade of the account since ``since``, oldest first, by the trader or by the daemon."""
        window = {"accountId": self.account_id, "startTimestamp": since.isoformat()}
        trades = (await self.api("Trade/search", window))["trades"]
        orders = (await self.api("Order/search", window))["orders"]
        tags = {int(o["id"]): str(o.get("customTag") or "") for o in orders}
        out = [Fill(int(t["id"]), datetime.fromisoformat(t["creationTimestamp"]), _symbol(t["contractId"]),
                    Side(int(t["side"])), int(t["size"]), float(t["price"]),
                    None if t["profitAndLoss"] is None else float(t["profitAndLoss"]), float(t["fees"]),
                    tags.get(int(t["orderId"]), "").startswith(TAG))
               for t in trades if not t.get("voided")]
        return sorted(out, key=lambda f: (f.at, f.id))


_ROOTS = {catalogue_contract(r).id: r for r in PRODUCTS}


def _symbol(contract_id: str) -> str:
    return _ROOTS[contract_id]
