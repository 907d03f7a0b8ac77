"""Request guards of the control endpoint: a kernel-identified local peer, no browser, JSON bodies, JSON
errors. The connection guard (conn_guard.py) has already admitted the connection and knows its peer."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web
from aiohttp.typedefs import Middleware

from risk_manager.control.peer import Peer

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PEER = web.RequestKey("peer", Peer)  # request[PEER]: the kernel's word on who sent this request


class Peers(Protocol):
    def peer(self, transport: object) -> Peer | None: ...
    def begin(self, transport: object) -> None: ...
    def end(self, transport: object) -> None: ...


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    h = host.strip().strip("[]").lower()
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h.split("%")[0]).is_loopback
    except ValueError:
        return False


def error(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers or None)


async def json_body(request: web.Request, within: float) -> dict[str, Any]:
    """The JSON object sent (empty when none, malformed, or not all there within ``within`` seconds)."""
    try:
        async with asyncio.timeout(within):
            data = await request.json()
    except (ValueError, UnicodeDecodeError, TimeoutError):
        return {}
    return data if isinstance(data, dict) else {}


def host_name(header: str) -> str:
    """"localhost:8787" -> "localhost"; "[::1]:1" -> "[::1]"."""
    return header.rsplit("]", 1)[0] + "]" if header.startswith("[") else header.split(":")[0]


def refusal(request: web.Request) -> web.Response | None:
    """Why a request is refused before any handler runs (None when it may go on)."""
    host = request.headers.get("Host")  # absent is fine: only browsers need it, and they cannot get here
    if host is not None and not is_loopback(host_name(host)):
        return error(403, "Host must be localhost")
    if "Origin" in request.headers:  # a browser page: never, whatever it claims to be
        return error(403, "browser requests are refused")
    if request.method == "POST" and request.content_type != "application/json":
        return error(415, "send application/json")
    return None


def make_guard(peers: Peers) -> Middleware:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        transport = request.transport
        peer = peers.peer(transport)
        if peer is None:
            return error(403, "local socket clients only")
        refused = refusal(request)
        if refused is not None:
            return refused
        request[PEER] = peer
        peers.begin(transport)
        try:
            return await handler(request)
        except web.HTTPException as e:  # 404 / 405 as JSON, like everything else
            if e.status >= 400:
                return error(e.status, e.reason)
            raise
        finally:
            peers.end(transport)

    return guard
