"""The adapter's reads (positions, orders, accounts, contracts, trades), each within ``read_timeout``.

Reads never go through the SDK's request path, which sleeps 60 s inside the call on a 429 and 1 s + 2 s on
a 5xx: they are raw POSTs (``rawpost``) with the session's token; a 429 is retried after its
``Retry-After`` bounded by ``retry_after_cap`` (0.5 s), a 401 logs in again once. Only ``Trade/search``
(reconcile, not urgent) still uses the SDK, for its row models and paging.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from project_x_py.exceptions import ProjectXAuthenticationError
from project_x_py.models import Position as SdkPosition

from risk_manager.broker.port import BrokerError
from risk_manager.broker.projectx.rawpost import TOO_MANY_REQUESTS, UNAUTHORIZED, RawPoster
from risk_manager.broker.projectx.session import AuthenticationFailed, ProjectXSession
from risk_manager.domain.contracts import UnknownContractError

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


class Reads:
    def __init__(self, session: ProjectXSession, raw: RawPoster, *, timeout: float, retry_after_cap: float,
                 sleep: Sleep) -> None:
        self._session, self._raw = session, raw
        self._timeout, self._retry_after_cap, self._sleep = timeout, retry_after_cap, sleep

    async def post(self, what: str, endpoint: str, body: dict[str, Any]) -> Any:
        """One read, raw, within ``read_timeout``: a 401 logs in again once; a 429 waits its Retry-After
        (at most ``retry_after_cap``) and tries again. Raises BrokerError."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        relogged = False
        while True:
            generation = self._session.generation
            try:
                async with asyncio.timeout(deadline - loop.time()):
                    answer = await self._raw.post(endpoint, body, self._session.token)
            except TimeoutError:
                raise BrokerError(f"{what}: timed out after {self._timeout:g}s") from None
            except Exception as e:  # transport
                raise BrokerError(f"{what}: {type(e).__name__}: {str(e)[:200]}") from None
            if answer.status == UNAUTHORIZED and not relogged:
                relogged = True
                await self.relogin(what, generation)
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

    async def sdk[T](self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """One read with a timeout; after an auth error log in again and retry once. Raises BrokerError."""
        for attempt in (1, 2):
            generation = self._session.generation
            try:
                async with asyncio.timeout(self._timeout):
                    return await call()
            except ProjectXAuthenticationError as e:
                if attempt == 2:
                    raise BrokerError(f"{what}: not authorised after re-login ({e})") from None
            except TimeoutError:
                raise BrokerError(f"{what}: timed out after {self._timeout:g}s") from None
            except (UnknownContractError, BrokerError):
                raise
            except Exception as e:  # ProjectXError, transport, malformed rows ...
                raise BrokerError(f"{what}: {type(e).__name__}: {str(e)[:200]}") from None
            await self.relogin(what, generation)
        raise BrokerError(f"{what}: unreachable")  # pragma: no cover

    async def relogin(self, what: str, generation: int) -> None:
        try:
            await self._session.refresh(if_generation=generation)
        except AuthenticationFailed as e:
            raise BrokerError(f"{what}: re-login failed: {e}") from None


def rows(body: Any, key: str, what: str) -> list[Any]:
    if isinstance(body, list):
        return body
    if not isinstance(body, dict) or body.get("success") is not True:
        message = body.get("errorMessage") if isinstance(body, dict) else None
        raise BrokerError(f"{what}: failed ({message or 'no success envelope'})")
    rows = body.get(key) or []
    if not isinstance(rows, list):
        raise BrokerError(f"{what}: {key!r} is not a list")
    return rows


def sdk_position(row: Any) -> Any:
    """A raw ``Position/searchOpen`` row as the SDK's model (what ``convert.position`` reads)."""
    if not isinstance(row, dict):
        raise BrokerError(f"Position/searchOpen: a row is not an object ({type(row).__name__})")
    try:
        return SdkPosition.from_api(row)
    except Exception as e:  # missing or mistyped fields
        raise BrokerError(f"Position/searchOpen: unreadable row: {type(e).__name__}: {e}"[:200]) from None
