"""``BrokerPort`` over project-x-py: REST through the raw request path (``rawpost``) with the SDK's session.

Reads go through ``reads.py``: raw POSTs too (except ``Trade/search``), bounded retries within a timeout.

Mutations go through ``rawpost`` (aiohttp, with the session's token) rather than
``PositionManager.close_position_direct`` (which sleeps 100 ms and swallows errors into "Operation
failed"). They are never retried here, except once after a 401, which the gateway decides before running
the handler; the executor re-queries before acting again. A mutation waits for the gateway's answer up to
``mutation_timeout`` (30 s): the executor calls it "uncertain" after its own 3 s but keeps the request open,
because only the answer tells whether a late request was applied (``enforcement/inflight.py``).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from risk_manager.broker.port import (
    AccountInfo,
    BrokerError,
    BrokerPort,
    BrokerResult,
    Order,
    Position,
    Trade,
)
from risk_manager.broker.projectx import convert, results
from risk_manager.broker.projectx.rawpost import UNAUTHORIZED, RawPoster, to_result
from risk_manager.broker.projectx.reads import Reads, Sleep, rows, sdk_position
from risk_manager.broker.projectx.session import AuthenticationFailed, ProjectXSession
from risk_manager.clock.clock import Clock, SystemClock
from risk_manager.domain.contracts import Contract, UnknownContractError
from risk_manager.domain.events import MalformedEvent, parse_time

log = logging.getLogger(__name__)
TRADE_SEARCH_LIMIT = 10_000  # the SDK truncates Trade/search to 100 rows by default
END_SLACK = timedelta(minutes=5)  # an open-ended trade search ends a little after our now (clock skew)


class ProjectXBroker:
    def __init__(self, session: ProjectXSession, *, read_timeout: float = 5.0, mutation_timeout: float = 30.0,
                 retry_after_cap: float = 0.5, clock: Clock | None = None,
                 sleep: Sleep = asyncio.sleep) -> None:
        self._session = session
        self._mutation_timeout = mutation_timeout
        self._clock: Clock = clock or SystemClock()
        self._contracts: dict[str, Contract] = {}
        self._raw = RawPoster(session.config.api_url)
        self._reads = Reads(session, self._raw, timeout=read_timeout, retry_after_cap=retry_after_cap,
                            sleep=sleep)

    async def aclose(self) -> None:
        await self._raw.close()

    # ---- reads ---------------------------------------------------------------------------------------------

    async def accounts(self) -> list[AccountInfo]:
        body = await self._reads.post("Account/search", "/Account/search", {"onlyActiveAccounts": True})
        return [a for a in map(convert.account, rows(body, "accounts", "Account/search")) if a is not None]

    async def contract(self, contract_id: str) -> Contract:
        """Contract metadata from ``Contract/searchById`` (cached). Unknown -> ``UnknownContractError``."""
        cached = self._contracts.get(contract_id)
        if cached is not None:
            return cached
        body = await self._reads.post("Contract/searchById", "/Contract/searchById",
                                      {"contractId": contract_id})
        if not isinstance(body, dict) or body.get("success") is not True or not body.get("contract"):
            raise UnknownContractError(contract_id)
        c = convert.contract(contract_id, body["contract"])
        self._contracts[contract_id] = c
        return c

    async def open_positions(self, account_id: int) -> list[Position]:
        body = await self._reads.post("Position/searchOpen", "/Position/searchOpen",
                                      {"accountId": account_id})
        found = rows(body, "positions", "Position/searchOpen")
        return [p for p in map(convert.position, map(sdk_position, found)) if p is not None]

    async def open_orders(self, account_id: int) -> list[Order]:
        body = await self._reads.post("Order/searchOpen", "/Order/searchOpen", {"accountId": account_id})
        return [o for o in map(convert.order, rows(body, "orders", "Order/searchOpen")) if o is not None]

    async def trades(self, account_id: int, start_iso: str, end_iso: str | None = None) -> list[Trade]:
        try:
            start = parse_time(start_iso)
            end = parse_time(end_iso) if end_iso else self._clock.now() + END_SLACK
        except MalformedEvent as e:
            raise BrokerError(f"Trade/search: {e}") from None
        rows = await self._reads.sdk("Trade/search", lambda: self._session.client.search_trades(
            start_date=start, end_date=end, account_id=account_id, limit=TRADE_SEARCH_LIMIT))
        if len(rows) >= TRADE_SEARCH_LIMIT:
            log.warning("Trade/search returned %d rows (the limit); the day may be truncated", len(rows))
        return [t for t in map(convert.trade, rows) if t is not None]

    # ---- mutations -----------------------------------------------------------------------------------------

    async def close_position(self, account_id: int, contract_id: str) -> BrokerResult:
        return await self._mutate(results.CLOSE, "/Position/closeContract",
                                  {"accountId": account_id, "contractId": contract_id})

    async def partial_close(self, account_id: int, contract_id: str, size: int) -> BrokerResult:
        return await self._mutate(results.PARTIAL, "/Position/partialCloseContract",
                                  {"accountId": account_id, "contractId": contract_id, "size": int(size)})

    async def cancel_order(self, account_id: int, order_id: int) -> BrokerResult:
        return await self._mutate(results.CANCEL, "/Order/cancel",
                                  {"accountId": account_id, "orderId": order_id}, order_id)

    async def modify_stop(self, account_id: int, order_id: int, stop_price: float) -> BrokerResult:
        return await self._mutate(results.MODIFY, "/Order/modify",
                                  {"accountId": account_id, "orderId": order_id, "stopPrice": stop_price},
                                  order_id)

    async def _mutate(self, action: str, endpoint: str, body: dict[str, Any],
                      order_id: int | None = None) -> BrokerResult:
        """Never raises (except on cancellation of the caller). ``endpoint`` must match the SDK's
        MUTATING_ENDPOINTS spelling, or the SDK would retry it."""
        for attempt in (1, 2):
            generation = self._session.generation
            try:
                async with asyncio.timeout(self._mutation_timeout):
                    status, text, _ = await self._raw.post(endpoint, body, self._session.token)
            except Exception as e:
                _raise_if_cancelled()
                result = results.from_exception(action, e, self._mutation_timeout)
                log.warning("%s %s -> %s", action, _ids(body), result.error)
                return result
            if status == UNAUTHORIZED and attempt == 1:
                try:
                    await self._session.refresh(if_generation=generation)
                except AuthenticationFailed as auth:
                    return BrokerResult(ok=False, error=f"not authorised: {auth} ({action})")
                continue
            result = to_result(action, status, text, order_id)
            if not result.ok:
                log.warning("%s %s -> %s", action, _ids(body), result.error)
            return result
        return BrokerResult(ok=False, error=f"not authorised after re-login ({action})")


def _raise_if_cancelled() -> None:
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError()


def _ids(body: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in body.items() if k in ("accountId", "contractId", "orderId"))


def _is_port(b: ProjectXBroker) -> BrokerPort:  # static check: mypy verifies the protocol
    return b

