"""REST calls POSTed straight through aiohttp: the mutations (close, partial close, cancel, modify) and the
reads (positions, orders, accounts, contracts).

The SDK's httpx path costs ~0.7-0.9 ms from call to request-at-the-gateway on this machine, raw aiohttp
~0.3 ms (reference/latency-floor.md), and a close is the one call where that matters. The session's JWT,
base URL and login are still the SDK's; only the transport of these four endpoints is ours. Each result
keeps the SDK path's meaning: a 401 is decided before the handler runs (safe to retry after re-login);
5xx, 429, 404, an unreadable body, a transport error or a timeout may have reached the broker (uncertain).
Reads go the same way because the SDK's request path sleeps 60 s on a 429 (and 1 s + 2 s on a 5xx) inside
the call: the adapter honours ``Retry-After`` itself, with a short bound (``broker.py``).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import aiohttp

from risk_manager.broker.port import BrokerResult
from risk_manager.broker.projectx import results

UNAUTHORIZED = 401
TOO_MANY_REQUESTS = 429


class Answer(NamedTuple):
    status: int
    text: str
    retry_after: float | None  # seconds, from a Retry-After header given in seconds


class RawPoster:
    def __init__(self, api_url: str) -> None:
        self._base = api_url.rstrip("/")
        self._http: aiohttp.ClientSession | None = None

    async def post(self, endpoint: str, body: dict[str, Any], token: str) -> Answer:
        """The HTTP answer. Raises aiohttp/OS errors on transport failure."""
        http = self._http
        if http is None or http.closed:
            # keep-alive to the gateway: no TCP/TLS handshake on the urgent path; the gateway authenticates
            # by bearer token, so no cookie jar is consulted on every request
            http = self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(keepalive_timeout=60),
                                                      cookie_jar=aiohttp.DummyCookieJar())
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        async with http.post(self._base + endpoint, json=body, headers=headers) as resp:
            return Answer(resp.status, await resp.text(), _seconds(resp.headers.get("Retry-After")))

    async def close(self) -> None:
        http, self._http = self._http, None
        if http is not None and not http.closed:
            await http.close()


def to_result(action: str, status: int, text: str, order_id: int | None) -> BrokerResult:
    """A non-401 answer -> BrokerResult, with the same labels as the SDK path (``results``)."""
    if status == 429 or status >= 500 or status == 404:
        return BrokerResult(ok=False, uncertain=True, error=f"HTTP {status} ({action})")
    if status >= 400:
        return BrokerResult(ok=False, error=f"refused: HTTP {status}: {text[:160]} ({action})")
    try:
        payload = json.loads(text) if text else None
    except ValueError:
        return BrokerResult(ok=False, uncertain=True, error=f"unreadable answer ({action})")
    return results.from_envelope(action, payload, order_id)


def _seconds(value: str | None) -> float | None:
    """A Retry-After in seconds (the HTTP-date form is not used by the gateway: None)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
