"""Routes ``/api/{Controller}/{action}`` to the handlers. ASP.NET routing is case-insensitive; so is this."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from risk_manager.sim import rest_account, rest_history, rest_orders, rest_positions

Handler = Callable[[web.Request], Awaitable[Any]]
POST: dict[str, Handler] = {**rest_account.POST_ROUTES, **rest_orders.POST_ROUTES,
                            **rest_positions.POST_ROUTES, **rest_history.POST_ROUTES}
GET: dict[str, Handler] = dict(rest_account.GET_ROUTES)


async def dispatch(request: web.Request) -> web.StreamResponse:
    endpoint = request.match_info["endpoint"].strip("/").lower()
    table = GET if request.method == "GET" else POST
    handler = table.get(endpoint)
    if handler is None:
        other = POST if table is GET else GET
        if endpoint in other:
            raise web.HTTPMethodNotAllowed(request.method, ["POST" if other is POST else "GET"])
        raise web.HTTPNotFound()
    resp: web.StreamResponse = await handler(request)
    return resp


def add_routes(app: web.Application) -> None:
    app.router.add_route("POST", "/api/{endpoint:.+}", dispatch)
    app.router.add_route("GET", "/api/{endpoint:.+}", dispatch)
