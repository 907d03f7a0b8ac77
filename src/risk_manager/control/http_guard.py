"""Request guards of the control API: loopback peers and Host names only, JSON bodies, JSON errors."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class NotLoopback(ValueError):
    """The control API may only listen on (and answer) loopback addresses."""


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


def _host_name(request: web.Request) -> str:
    host = request.host  # "127.0.0.1:8787", "[::1]:8787", "localhost"
    return host.rsplit("]", 1)[0] + "]" if host.startswith("[") else host.split(":")[0]


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    # The listener is loopback-only; these checks also stop a browser page from talking to it through a
    # DNS-rebound name (Host) or a form post (no JSON content type without a CORS preflight).
    if not is_loopback(request.remote):
        return error(403, "loopback clients only")
    if not is_loopback(_host_name(request)):
        return error(403, "Host must be a loopback address")
    if request.method == "POST" and request.content_type != "application/json":
        return error(415, "send application/json")
    try:
        return await handler(request)
    except web.HTTPException as e:  # 404 / 405 as JSON, like everything else
        if e.status >= 400:
            return error(e.status, e.reason)
        raise
