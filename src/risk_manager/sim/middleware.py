"""Request pipeline: request log -> injected faults -> Bearer auth -> rate limit -> handler.

``/_sim/*`` (fault injection) is served to loopback peers only and is not logged, so the request log shows
exactly what clients did.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from ipaddress import ip_address
from typing import Any

from aiohttp import web

from risk_manager.sim.auth import bearer
from risk_manager.sim.context import SimContext, ctx_of
from risk_manager.sim.faults import apply, normalise_endpoint
from risk_manager.sim.http import BadRequest
from risk_manager.sim.keys import BODY, RECORD, SESSION
from risk_manager.sim.reqlog import RequestRecord

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PUBLIC_ENDPOINTS = frozenset({"auth/loginkey", "auth/loginapp", "status/ping"})
MAX_LOGGED_BODY = 4096


def is_loopback(remote: str | None) -> bool:
    if not remote:
        return False
    try:
        return ip_address(remote.split("%")[0]).is_loopback
    except ValueError:
        return False


async def _logged_body(request: web.Request) -> Any:
    if not request.body_exists:
        return None
    raw = await request.read()
    try:
        body = json.loads(raw)
    except ValueError:
        return raw[:MAX_LOGGED_BODY].decode("utf-8", "replace")
    if isinstance(body, dict):
        request[BODY] = body
    return body


@web.middleware
async def sim_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    perf_ns = time.perf_counter_ns()
    path = request.path
    if path.startswith("/_sim/") or path == "/_sim":
        if not is_loopback(request.remote):
            return web.Response(status=403, text="fault injection is loopback-only")
        return await handler(request)
    ctx = ctx_of(request)
    is_api = path.startswith("/api/")
    endpoint = path[len("/api/"):] if is_api else path.lstrip("/")
    body = await _logged_body(request) if is_api else dict(request.query) or None
    if isinstance(body, dict) and "access_token" in body:
        body = {**body, "access_token": "<redacted>"}
    rec = ctx.log.add(ctx.clock().isoformat(), perf_ns, request.method, endpoint, body)
    request[RECORD] = rec
    try:
        resp = await (_api(ctx, request, handler, rec) if is_api else handler(request))
    except web.HTTPException as e:
        rec.status = e.status
        raise
    except BadRequest as e:
        resp = e.response()
    if rec.status == 0:
        rec.status = resp.status
    return resp


async def _api(ctx: SimContext, request: web.Request, handler: Handler,
               rec: RequestRecord) -> web.StreamResponse:
    endpoint = normalise_endpoint(rec.endpoint)
    fault = ctx.faults.take(endpoint)
    if fault is not None:
        rec.fault = fault.mode
        injected = await apply(fault)
        if injected is not None:
            return injected
    token = bearer(request.headers.get("Authorization"))
    if endpoint not in PUBLIC_ENDPOINTS:
        session = ctx.tokens.verify(token)
        if session is None:
            return web.Response(status=401, text="Unauthorized")
        request[SESSION] = session
    allowed, retry_after = ctx.limiter.allow(token or f"peer:{request.remote}", endpoint)
    if not allowed:
        return web.Response(status=429, text="Too Many Requests",
                            headers={"Retry-After": str(max(1, round(retry_after)))})
    return await handler(request)
