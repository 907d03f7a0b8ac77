"""``SimControl``: a small async client for the simulator's ``/_sim/`` fault-injection surface.

    async with SimControl(sim.base_url) as ctl:
        await ctl.fail("Order/place", "500")
        await ctl.drop("user")
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import httpx


class SimControlError(RuntimeError):
    pass


class SimControl:
    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        # trust_env=False: never route loopback control calls through an environment proxy.
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout, trust_env=False)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, action: str, **body: Any) -> Any:
        r = await self._http.post(f"/_sim/{action}", json={k: v for k, v in body.items() if v is not None})
        if r.status_code != 200:
            raise SimControlError(f"/_sim/{action}: HTTP {r.status_code}: {r.text}")
        return r.json()

    # ---- faults ------------------------------------------------------------------------------------------
    async def drop(self, hub: str = "all", mode: str = "close", error: str | None = None) -> int:
        """Close hub sockets (mode close | abort | error). Their connection ids are spent (404 on reuse)."""
        return int((await self._post("drop", hub=hub, mode=mode, error=error))["dropped"])

    async def silence(self, on: bool = True) -> None:
        await self._post("silence", on=on)

    async def revoke(self) -> int:
        """Revoke every token: REST answers 401, hub negotiate answers 401."""
        return int((await self._post("revoke"))["revoked"])

    async def fail(self, endpoint: str, mode: str = "500", count: int = 1,
                   hang_seconds: float | None = None) -> dict[str, Any]:
        """Fail the next ``count`` calls of ``endpoint`` ("Order/place", or "*") with 500 | 429 | hang."""
        result: dict[str, Any] = await self._post("fail", endpoint=endpoint, mode=mode, count=count,
                                                  hang_seconds=hang_seconds)
        return result

    async def clear_faults(self) -> None:
        await self._post("fail/clear")

    async def can_trade(self, value: bool, account: str | int | None = None) -> None:
        await self._post("can_trade", value=value, account=account)

    async def logout(self, reason: str | None = None, hub: str = "user", revoke: bool = False) -> int:
        return int((await self._post("logout", reason=reason, hub=hub, revoke=revoke))["sent"])

    async def rate_limit(self, limit: int | None = None, window: float | None = None,
                         group: str = "default") -> dict[str, Any]:
        """Reconfigure (and reset) one group's per-token window (``default`` or ``bars``); ``limit=0``
        disables it."""
        result: dict[str, Any] = await self._post("rate_limit", limit=limit, window=window, group=group)
        return result

    async def bare_events(self, bare: bool) -> None:
        await self._post("events", bare=bare)

    # ---- market and manual trading ------------------------------------------------------------------------
    async def order(self, symbol: str, side: str, size: int = 1, type: str = "market",
                    limit: float | None = None, stop: float | None = None,
                    account: str | int | None = None, *, trail: float | None = None,
                    stop_loss_ticks: int | None = None, take_profit_ticks: int | None = None) -> int:
        """Place an order as if from the TopstepX UI (clients see it only on the user hub); ``trail`` for a
        trailing stop, ``*_ticks`` for a native bracket."""
        r = await self._post("order", symbol=symbol, side=side, size=size, type=type, limit=limit, stop=stop,
                             account=account, trail=trail, stop_loss_ticks=stop_loss_ticks,
                             take_profit_ticks=take_profit_ticks)
        return int(r["orderId"])

    # ---- order-model faults (docs/simulator.md) ----------------------------------------------------------
    async def liquidity(self, per_touch: int | None) -> None:
        """Contracts one order can fill per touch (None: unlimited): larger orders fill over several."""
        await self._post("liquidity", per_touch=per_touch)

    async def order_fault(self, kind: str, parts: list[int] | None = None, scope: str = "any",
                          account: str | int | None = None, count: int = 1) -> None:
        """The next ``count`` orders (``scope`` any/entry/close) are rejected, or fill in ``parts``."""
        await self._post("order_fault", kind=kind, parts=parts or [], scope=scope, account=account,
                         count=count)

    async def expire(self, account: str | int | None = None) -> int:
        return int((await self._post("expire", account=account))["expired"])

    async def fill(self, order_id: int, size: int, account: str | int | None = None) -> None:
        await self._post("fill", orderId=order_id, size=size, account=account)

    async def void(self, order_id: int, account: str | int | None = None) -> int:
        return int((await self._post("void", orderId=order_id, account=account))["voided"])

    async def duplicate(self, order_id: int, account: str | int | None = None) -> int:
        return int((await self._post("duplicate", orderId=order_id, account=account))["duplicated"])

    async def open_position(self, symbol: str, side: str, size: int = 1,
                            account: str | int | None = None) -> int:
        return int((await self._post("position", symbol=symbol, side=side, size=size,
                                     account=account))["orderId"])

    async def set_price(self, symbol: str, bid: float | None = None, ask: float | None = None,
                        last: float | None = None) -> dict[str, Any]:
        r = await self._post("price", symbol=symbol, bid=bid, ask=ask, last=last)
        quote: dict[str, Any] = r["quote"]
        return quote

    async def add_account(self, name: str, balance: float = 50_000.0, can_trade: bool = True,
                          active: bool = True) -> int:
        """``active=False``: listed by ``Account/search`` only without ``onlyActiveAccounts``."""
        body = await self._post("account", name=name, balance=balance, canTrade=can_trade, active=active)
        return int(body["id"])

    # ---- inspection ------------------------------------------------------------------------------------
    async def requests(self, endpoint: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"since": since}
        if endpoint:
            params["endpoint"] = endpoint
        r = await self._http.get("/_sim/requests", params=params)
        r.raise_for_status()
        records: list[dict[str, Any]] = r.json()["requests"]
        return records

    async def clear_requests(self) -> None:
        await self._post("requests/clear")

    async def state(self) -> dict[str, Any]:
        r = await self._http.get("/_sim/state")
        r.raise_for_status()
        state: dict[str, Any] = r.json()
        return state
