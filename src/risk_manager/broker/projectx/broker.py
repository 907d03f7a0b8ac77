"""``BrokerPort`` over project-x-py: REST through the raw request path (``rawpost``) with the SDK's session.

Reads (positions, orders, accounts, contracts) never go through the SDK's request path, which sleeps 60 s
inside the call on a 429 and 1 s + 2 s on a 5xx: a 429 is retried after its ``Retry-After`` bounded by
``retry_after_cap`` (0.5 s), everything within ``read_timeout``. Only ``Trade/search`` (reconcile, not
urgent) still uses the SDK, for its row models and paging.

Mutations go through ``rawpost`` (aiohttp, with the session's token) rather than
``PositionManager.close_position_direct`` (which sleeps 100 ms and swallows errors into "Operation
failed"). They are never retried here, except once after a 401, which the gateway decides before running
the handler; the executor re-queries before acting again. A mutation waits for the gateway's answer up to
``mutation_timeout`` (30 s): the executor calls it "uncertain" after its own 3 s but keeps the request open,
because only the answer tells whether a late request was applied (``enforcement/inflight.py``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from project_x_py.exceptions import ProjectXAuthenticationError
from project_x_py.models import Position as SdkPosition

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
from risk_manager.broker.projectx.rawpost import TOO_MANY_REQUESTS, UNAUTHORIZED, RawPoster, to_result
from risk_manager.broker.projectx.session import AuthenticationFailed, ProjectXSession
from risk_manager.clock.clock import Clock, SystemClock
from risk_manager.domain.contracts import Contract, UnknownContractError
from risk_manager.domain.events import MalformedEvent, parse_time

log = logging.getLogger(__name__)
TRADE_SEARCH_LIMIT = 10_000  # the SDK truncates Trade/search to 100 rows by default
END_SLACK = timedelta(minutes=5)  # an open-ended trade search ends a little after our now (clock skew)
Sleep = Callable[[float], Awaitable[None]]


class ProjectXBroker:
    def __init__(self, session: ProjectXSession, *, read_timeout: float = 5.0, mutation_timeout: float = 30.0,
                 retry_after_cap: float = 0.5, clock: Clock | None = None,
                 sleep: Sleep = asyncio.sleep) -> None:
        self._session = session
        self._read_timeout = read_timeout
        self._retry_after_cap = retry_after_cap
        self._sleep = sleep
        self._mutation_timeout = mutation_timeout
        self._clock: Clock = clock or SystemClock()
        self._contracts: dict[str, Contract] = {}
        self._raw = RawPoster(session.config.api_url)

    async def aclose(self) -> None:
        await self._raw.close()

    # ---- reads ---------------------------------------------------------------------------------------------

    async def accounts(self) -> list[AccountInfo]:
        body = await self._post("Account/search", "/Account/search", {"onlyActiveAccounts": True})
        return [a for a in map(convert.account, _rows(body, "accounts", "Account/search")) if a is not None]

    async def contract(self, contract_id: str) -> Contract:
        """Contract metadata from ``Contract/searchById`` (cached). Unknown -> ``UnknownContractError``."""
        cached = self._contracts.get(contract_id)
        if cached is not None:
            return cached
        body = await self._post("Contract/searchById", "/Contract/searchById", {"contractId": contract_id})
        if not isinstance(body, dict) or body.get("success") is not True or not body.get("contract"):
            raise UnknownContractError(contract_id)
        c = convert.contract(contract_id, body["contract"])
        self._contracts[contract_id] = c
        return c

    async def open_positions(self, account_id: int) -> list[Position]:
        body = await self._post("Position/searchOpen", "/Position/searchOpen", {"accountId": account_id})
        rows = _rows(body, "positions", "Position/searchOpen")
        return [p for p in map(convert.position, map(_sdk_position, rows)) if p is not None]

    async def open_orders(self, account_id: int) -> list[Order]:
        body = await self._post("Order/searchOpen", "/Order/searchOpen", {"accountId": account_id})
        return [o for o in map(convert.order, _rows(body, "orders", "Order/searchOpen")) if o is not None]

    async def trades(self, account_id: int, start_iso: str, end_iso: str | None = None) -> list[Trade]:
        try:
            start = parse_time(start_iso)
            end = parse_time(end_iso) if end_iso else self._clock.now() + END_SLACK
        except MalformedEvent as e:
            raise BrokerError(f"Trade/search: {e}") from None
        rows = await self._read("Trade/search", lambda: self._session.client.search_trades(
            start_date=start, end_date=end, account_id=account_id, limit=TRADE_SEARCH_LIMIT))
        if len(rows) >= TRADE_SEARCH_LIMIT:
            log.warning("Trade/search returned %d rows (the limit); the day may be truncated", len(rows))
        return [t for t in map(convert.trade, rows) if t is not None]

    async def _post(self, what: str, endpoint: str, body: dict[str, Any]) -> Any:
        """One read, raw, within ``read_timeout``: a 401 logs in again once; a 429 waits its Retry-After
        (at most ``retry_after_cap``) and tries again. Raises BrokerError."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._read_timeout
        relogged = False
        while True:
            generation = self._session.generation
            try:
                async with asyncio.timeout(deadline - loop.time()):
                    answer = await self._raw.post(endpoint, body, self._session.token)
            except TimeoutError:
                raise BrokerError(f"{what}: timed out after {self._read_timeout:g}s") from None
            except Exception as e:  # transport
                raise BrokerError(f"{what}: {type(e).__name__}: {str(e)[:200]}") from None
            if answer.status == UNAUTHORIZED and not relogged:
                relogged = True
                await self._relogin(what, generation)
                continue
            if answer.status == TOO_MANY_REQUESTS:
                wait = min(self._retry_after_cap, answer.retry_after if answer.retry_after is not None
                           else self._retry_after_cap)
                if loop.time() + wait >= deadline:
                    raise BrokerError(f"{what}: rate limited (HTTP 429)")
                log.warning("%s: rate limited (HTTP 429); trying again in %.2f s", what, wait)
                await self._sleep(wait)
                continue
            if answer.status >= 400:
                raise BrokerError(f"{what}: HTTP {answer.status}: {answer.text[:120]}")
            try:
                return json.loads(answer.text) if answer.text else None
            except ValueError:
                raise BrokerError(f"{what}: unreadable answer") from None

    async def _read[T](self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """One read with a timeout; after an auth error log in again and retry once. Raises BrokerError."""
        for attempt in (1, 2):
            generation = self._session.generation
            try:
                async with asyncio.timeout(self._read_timeout):
                    return await call()
            except ProjectXAuthenticationError as e:
                if attempt == 2:
                    raise BrokerError(f"{what}: not authorised after re-login ({e})") from None
            except TimeoutError:
                raise BrokerError(f"{what}: timed out after {self._read_timeout:g}s") from None
            except (UnknownContractError, BrokerError):
                raise
            except Exception as e:  # ProjectXError, transport, malformed rows ...
                raise BrokerError(f"{what}: {type(e).__name__}: {str(e)[:200]}") from None
            await self._relogin(what, generation)
        raise BrokerError(f"{what}: unreachable")  # pragma: no cover

    async def _relogin(self, what: str, generation: int) -> None:
        try:
            await self._session.refresh(if_generation=generation)
        except AuthenticationFailed as e:
            raise BrokerError(f"{what}: re-login failed: {e}") from None

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


def _rows(body: Any, key: str, what: str) -> list[Any]:
    if isinstance(body, list):
        return body
    if not isinstance(body, dict) or body.get("success") is not True:
        message = body.get("errorMessage") if isinstance(body, dict) else None
        raise BrokerError(f"{what}: failed ({message or 'no success envelope'})")
    rows = body.get(key) or []
    if not isinstance(rows, list):
        raise BrokerError(f"{what}: {key!r} is not a list")
    return rows


def _sdk_position(row: Any) -> Any:
    """A raw ``Position/searchOpen`` row as the SDK's model (what ``convert.position`` reads)."""
    if not isinstance(row, dict):
        raise BrokerError(f"Position/searchOpen: a row is not an object ({type(row).__name__})")
    try:
        return SdkPosition.from_api(row)
    except Exception as e:  # missing or mistyped fields
        raise BrokerError(f"Position/searchOpen: unreadable row: {type(e).__name__}: {e}"[:200]) from None


def _raise_if_cancelled() -> None:
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError()


def _ids(body: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in body.items() if k in ("accountId", "contractId", "orderId"))


def _is_port(b: ProjectXBroker) -> BrokerPort:  # static check: mypy verifies the protocol
    return b

