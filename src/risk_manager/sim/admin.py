"""Fault injection and inspection under ``/_sim/`` (loopback peers only; see docs/simulator.md)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from risk_manager.broker.paper import PaperRejection
from risk_manager.broker.paper_model import BracketLeg
from risk_manager.domain.enums import OrderType
from risk_manager.sim import admin_orders
from risk_manager.sim.context import SimContext, ctx_of
from risk_manager.sim.hub import Hub
from risk_manager.sim.scenario import parse_side, parse_type
from risk_manager.sim.signalr import invocation
from risk_manager.sim.state import snapshot

Admin = Callable[[SimContext, dict[str, Any]], Awaitable[Any]]


def _hubs(ctx: SimContext, which: str) -> list[Hub]:
    table = {"user": [ctx.user_hub], "market": [ctx.market_hub], "all": [ctx.user_hub, ctx.market_hub]}
    if which not in table:
        raise ValueError("hub must be user, market or all")
    return table[which]


def _account(ctx: SimContext, ref: Any) -> int:
    accounts = ctx.broker.accounts()
    acct = ctx.account_by_ref(ref) if ref is not None else (accounts[0] if accounts else None)
    if acct is None:
        raise ValueError(f"unknown account {ref!r}")
    return acct.id


def _contract(ctx: SimContext, body: dict[str, Any]) -> str:
    ref = str(body.get("contractId") or body.get("symbol") or "")
    cid = ctx.contract_id(ref)
    if cid is None:
        raise ValueError(f"unknown contract {ref!r}")
    return cid


async def drop(ctx: SimContext, b: dict[str, Any]) -> Any:
    n = 0
    for hub in _hubs(ctx, str(b.get("hub", "all"))):
        n += await hub.drop(b.get("mode", "close"), str(b.get("error", "Server error (injected)")))
    return {"dropped": n}


async def silence(ctx: SimContext, b: dict[str, Any]) -> Any:
    ctx.feed.silenced = bool(b.get("on", True))
    return {"silenced": ctx.feed.silenced}


async def revoke(ctx: SimContext, b: dict[str, Any]) -> Any:
    return {"revoked": ctx.tokens.revoke_all()}


async def fail(ctx: SimContext, b: dict[str, Any]) -> Any:
    hang = b.get("hang_seconds")
    f = ctx.faults.add(str(b["endpoint"]), str(b.get("mode", "500")), int(b.get("count", 1)),
                       None if hang is None else float(hang))
    return {"endpoint": f.endpoint, "mode": f.mode, "count": f.remaining, "hang_seconds": f.hang_seconds}


async def fail_clear(ctx: SimContext, b: dict[str, Any]) -> Any:
    ctx.faults.clear()
    return {"faults": []}


async def can_trade(ctx: SimContext, b: dict[str, Any]) -> Any:
    account_id = _account(ctx, b.get("account"))
    ctx.broker.set_can_trade(account_id, bool(b["value"]))
    return {"accountId": account_id, "canTrade": bool(b["value"])}


async def logout(ctx: SimContext, b: dict[str, Any]) -> Any:
    """GatewayLogout ("logged in elsewhere"); the SDK only debug-logs it. The payload shape is unconfirmed."""
    reason = str(b.get("reason", "Logged in from another location."))
    sent = sum(h.send_all(invocation("GatewayLogout", reason)) for h in _hubs(ctx, str(b.get("hub", "user"))))
    revoked = ctx.tokens.revoke_all() if b.get("revoke") else 0
    return {"sent": sent, "revoked": revoked}


async def order(ctx: SimContext, b: dict[str, Any]) -> Any:
    """A manual trade, as if placed in the TopstepX UI: clients learn of it from the user hub only.
    ``trail``: trailing distance; ``stop_loss_ticks``/``take_profit_ticks``: a native bracket."""
    otype = parse_type(b.get("type", "market"))
    size = int(b.get("size", 1))

    def num(key: str) -> float | None:
        return None if b.get(key) is None else float(b[key])

    def leg(key: str, default: str) -> BracketLeg | None:
        ticks = b.get(f"{key}_ticks")
        return None if ticks is None else BracketLeg(int(ticks), parse_type(b.get(f"{key}_type", default)))

    order_id = ctx.broker.place_order(
        _account(ctx, b.get("account")), _contract(ctx, b), otype, parse_side(b.get("side", "buy")), size,
        num("limit"), num("stop"), b.get("customTag"), trail_price=num("trail"),
        stop_loss=leg("stop_loss", "stop"), take_profit=leg("take_profit", "limit"))
    return {"orderId": order_id}


async def position(ctx: SimContext, b: dict[str, Any]) -> Any:
    return await order(ctx, {**b, "type": int(OrderType.MARKET)})


async def price(ctx: SimContext, b: dict[str, Any]) -> Any:
    def f(key: str) -> float | None:
        return None if b.get(key) is None else float(b[key])

    return {"quote": ctx.feed.set_price(_contract(ctx, b), f("bid"), f("ask"), f("last"))}


async def rate_limit(ctx: SimContext, b: dict[str, Any]) -> Any:
    ctx.limiter.configure(None if b.get("limit") is None else int(b["limit"]),
                          None if b.get("window") is None else float(b["window"]),
                          str(b.get("group") or "default"))
    return ctx.limiter.snapshot()


async def add_account(ctx: SimContext, b: dict[str, Any]) -> Any:
    a = ctx.broker.add_account(str(b["name"]), float(b.get("balance", 50_000.0)),
                               bool(b.get("canTrade", True)))
    if b.get("active") is False:
        ctx.inactive_accounts.add(a.id)
    return {"id": a.id, "name": a.name}


async def events(ctx: SimContext, b: dict[str, Any]) -> Any:
    ctx.stream.bare = bool(b.get("bare", False))
    return {"bare": ctx.stream.bare}


async def clear_requests(ctx: SimContext, b: dict[str, Any]) -> Any:
    ctx.log.clear()
    return {"cleared": True}


POSTS: dict[str, Admin] = {
    "drop": drop, "silence": silence, "revoke": revoke, "fail": fail, "fail/clear": fail_clear,
    "can_trade": can_trade, "logout": logout, "order": order, "position": position, "price": price,
    "rate_limit": rate_limit, "account": add_account, "events": events, "requests/clear": clear_requests,
    **admin_orders.POSTS,
}


async def post(request: web.Request) -> web.Response:
    action = POSTS.get(request.match_info["action"])
    if action is None:
        raise web.HTTPNotFound()
    raw = await request.read()
    try:
        body = json.loads(raw) if raw.strip() else {}
        if not isinstance(body, dict):
            raise ValueError("expected a JSON object")
        return web.json_response(await action(ctx_of(request), body))
    except PaperRejection as e:
        return web.json_response({"error": e.message, "code": e.code}, status=409)
    except (KeyError, ValueError, TypeError) as e:
        return web.json_response({"error": f"{type(e).__name__}: {e}"}, status=400)


async def requests(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    since = int(request.query.get("since", "0"))
    recs = ctx.log.records(request.query.get("endpoint"), since)
    return web.json_response({"last_seq": ctx.log.last_seq, "requests": [r.as_dict() for r in recs]})


async def state(request: web.Request) -> web.Response:
    return web.json_response(snapshot(ctx_of(request)))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/_sim/requests", requests)
    app.router.add_get("/_sim/state", state)
    app.router.add_post("/_sim/{action:.+}", post)
