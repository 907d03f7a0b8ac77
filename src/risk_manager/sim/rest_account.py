"""REST: Auth, Status, Account and Contract controllers."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from risk_manager.domain.contracts import Contract, projectx_symbol
from risk_manager.sim import payloads as P
from risk_manager.sim.auth import bearer
from risk_manager.sim.catalogue import is_front
from risk_manager.sim.context import SimContext, ctx_of, session_of
from risk_manager.sim.http import dumps, fail, ok, read_body, req_str

LOGIN_INVALID_CREDENTIALS = 3
LOGIN_APP_NOT_FOUND = 4
VALIDATE_INVALID_SESSION = 1
LOGOUT_INVALID_SESSION = 1
CONTRACT_NOT_FOUND = 1


async def login_key(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    user, key = body.get("userName"), body.get("apiKey")
    if not ctx.tokens.check_credentials(user, key):
        return fail(LOGIN_INVALID_CREDENTIALS, "Invalid credentials.", token=None)
    return ok(token=ctx.tokens.issue(str(user)))


async def login_app(request: web.Request) -> web.Response:
    """``{userName, password, deviceId, appId, verifyKey}``: the password is checked like an API key (against
    ``--api-key`` when set); ``appId`` and ``verifyKey`` must be present (the simulator knows no apps)."""
    ctx = ctx_of(request)
    body = await read_body(request)
    user, password = body.get("userName"), body.get("password")
    if not body.get("appId") or not body.get("verifyKey"):
        return fail(LOGIN_APP_NOT_FOUND, "Application not found.", token=None)
    if not ctx.tokens.check_credentials(user, password):
        return fail(LOGIN_INVALID_CREDENTIALS, "Invalid credentials.", token=None)
    return ok(token=ctx.tokens.issue(str(user)))


async def validate(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    return ok(newToken=ctx.tokens.issue(session_of(request).username))


async def logout(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    token = bearer(request.headers.get("Authorization"))
    if token is None or not ctx.tokens.revoke(token):
        return fail(LOGOUT_INVALID_SESSION, "Invalid session.")
    return ok()


async def ping(request: web.Request) -> web.Response:
    return web.Response(text=dumps("pong"), content_type="application/json")


async def account_search(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    only_active = bool(body.get("onlyActiveAccounts", False))
    return ok(accounts=[P.account(a) for a in ctx.broker.accounts()
                        if not (only_active and a.id in ctx.inactive_accounts)])


def listed(ctx: SimContext, body: dict[str, Any]) -> list[Contract]:
    """``live: true`` lists the live feed's listed/active contracts only (each product's front month, the way
    the SDK reads it: "Practice/sim contracts are excluded from live=True"); ``live: false`` (what the SDK
    sends) lists every month."""
    contracts = ctx.book.all()
    return [c for c in contracts if is_front(c)] if body.get("live") is True else contracts


def contract_matches(c: Contract, text: str) -> bool:
    """Gateway-like fuzzy match: root (CME or ProjectX), name or id, name prefix, description words."""
    t = text.strip().upper()
    if not t:
        return True
    px = projectx_symbol(c.root)
    if t in (c.root, px, c.name.upper(), c.id.upper(), f"F.US.{px}") or c.name.upper().startswith(t):
        return True
    return len(t) >= 4 and t in c.description.upper()


async def contract_search(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    text = body.get("searchText")
    text = text if isinstance(text, str) else ""
    return ok(contracts=[P.contract(c) for c in listed(ctx, body) if contract_matches(c, text)])


async def contract_by_id(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    c = ctx.book.find(req_str(body, "contractId"))
    if c is None:
        return fail(CONTRACT_NOT_FOUND, "Contract not found.", contract=None)
    return ok(contract=P.contract(c))


async def contract_available(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    return ok(contracts=[P.contract(c) for c in listed(ctx, await read_body(request))])


POST_ROUTES = {
    "auth/loginkey": login_key,
    "auth/loginapp": login_app,
    "auth/validate": validate,
    "auth/logout": logout,
    "account/search": account_search,
    "contract/search": contract_search,
    "contract/searchbyid": contract_by_id,
    "contract/available": contract_available,
}
GET_ROUTES = {"status/ping": ping}
