"""REST: the Position controller (searchOpen, closeContract, partialCloseContract) and Trade/search."""

from __future__ import annotations

from aiohttp import web

from risk_manager.sim.context import ctx_of
from risk_manager.sim.http import ok, read_body, req_int, req_str
from risk_manager.sim.rest_common import (
    Refusal,
    broker_call,
    in_window,
    refusals,
    require_account,
    time_field,
)

CLOSE_POSITION_NOT_FOUND, CLOSE_CONTRACT_NOT_FOUND, CLOSE_UNKNOWN = 2, 3, 7
PARTIAL_INVALID_SIZE, PARTIAL_UNKNOWN = 5, 8


@refusals(positions=[])
async def position_search_open(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    account_id = req_int(body, "accountId")
    require_account(ctx, account_id)
    return ok(positions=ctx.stream.position_rows(account_id))


def _open_size(request: web.Request, account_id: int, contract_id: str) -> int:
    ctx = ctx_of(request)
    require_account(ctx, account_id)
    if contract_id not in ctx.book:
        raise Refusal(CLOSE_CONTRACT_NOT_FOUND, f"Contract {contract_id} not found.")
    for p in ctx.broker.positions(account_id):
        if p.contract_id == contract_id and p.size:
            return abs(p.size)
    raise Refusal(CLOSE_POSITION_NOT_FOUND, f"No open position in {contract_id}.")


@refusals()
async def position_close(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    account_id, contract_id = req_int(body, "accountId"), req_str(body, "contractId")
    _open_size(request, account_id, contract_id)
    broker_call(lambda: ctx.broker.close_position(account_id, contract_id), CLOSE_UNKNOWN)
    return ok()  # the Gateway answers with the envelope only


@refusals()
async def position_partial_close(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    account_id, contract_id = req_int(body, "accountId"), req_str(body, "contractId")
    size = req_int(body, "size")
    held = _open_size(request, account_id, contract_id)
    if size <= 0 or size > held:
        raise Refusal(PARTIAL_INVALID_SIZE, f"Invalid close size {size} (position is {held}).")
    broker_call(lambda: ctx.broker.partial_close(account_id, contract_id, size), PARTIAL_UNKNOWN)
    return ok()  # live returns no orderId here: clients attribute the fill by the next GatewayUserTrade


@refusals(trades=[])
async def trade_search(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    account_id = req_int(body, "accountId")
    start = time_field(body, "startTimestamp", required=True)
    end = time_field(body, "endTimestamp", required=False)
    contract_id = body.get("contractId")
    require_account(ctx, account_id)
    rows = [r for r in ctx.stream.trade_rows(account_id) if contract_id in (None, "", r["contractId"])]
    return ok(trades=[r for r in rows if in_window(r["creationTimestamp"], start, end)])


POST_ROUTES = {
    "position/searchopen": position_search_open,
    "position/closecontract": position_close,
    "position/partialclosecontract": position_partial_close,
    "trade/search": trade_search,
}
