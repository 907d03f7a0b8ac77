"""REST: the Order controller (search, searchOpen, searchById, place, cancel, modify)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from risk_manager.broker.paper_model import BracketLeg
from risk_manager.domain.enums import OrderType, Side
from risk_manager.sim.context import ctx_of
from risk_manager.sim.http import BadRequest, ok, opt_float, opt_int, read_body, req_int, req_str
from risk_manager.sim.rest_common import (
    Refusal,
    broker_call,
    in_window,
    refusals,
    require_account,
    time_field,
)

PLACE_ORDER_REJECTED, PLACE_UNKNOWN, PLACE_CONTRACT_NOT_FOUND = 2, 7, 8
CANCEL_ORDER_NOT_FOUND, CANCEL_UNKNOWN = 2, 5
SEARCH_ORDER_NOT_FOUND = 2


@refusals(orders=[])
async def order_search(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    account_id = req_int(body, "accountId")
    start = time_field(body, "startTimestamp", required=True)
    end = time_field(body, "endTimestamp", required=False)
    require_account(ctx, account_id)
    rows = ctx.stream.order_rows(account_id)
    return ok(orders=[r for r in rows if in_window(r["creationTimestamp"], start, end)])


@refusals(orders=[])
async def order_search_open(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    account_id = req_int(body, "accountId")
    require_account(ctx, account_id)
    return ok(orders=ctx.stream.open_order_rows(account_id))


@refusals(orders=[])
async def order_query(request: web.Request) -> web.Response:
    """``Order/v2/query {filter: {accountId, statuses?, contractId?}, pageSize, pageOffset,
    includeTotalCount}``: every order of the account (any status), newest first, one page."""
    ctx = ctx_of(request)
    body = await read_body(request)
    filt = body.get("filter")
    if not isinstance(filt, dict):
        raise BadRequest("filter", "The filter field is required.")
    account_id = req_int(filt, "accountId")
    require_account(ctx, account_id)
    statuses, contract_id = filt.get("statuses"), filt.get("contractId")
    rows = [r for r in reversed(ctx.stream.order_rows(account_id))
            if (not statuses or r["status"] in statuses) and contract_id in (None, "", r["contractId"])]
    size, offset = opt_int(body, "pageSize") or 100, opt_int(body, "pageOffset") or 0
    page = rows[offset * size:(offset + 1) * size]
    extra = {"totalCount": len(rows)} if body.get("includeTotalCount") else {}
    return ok(orders=page, **extra)


@refusals(order=None)
async def order_search_by_id(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    account_id, order_id = req_int(body, "accountId"), req_int(body, "orderId")
    require_account(ctx, account_id)
    for row in ctx.stream.order_rows(account_id):
        if row["id"] == order_id:
            return ok(order=row)
    raise Refusal(SEARCH_ORDER_NOT_FOUND, f"Order {order_id} not found.")


@refusals(orderId=None)
async def order_place(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    account_id, contract_id = req_int(body, "accountId"), req_str(body, "contractId")
    otype, side, size = req_int(body, "type"), req_int(body, "side"), req_int(body, "size")
    limit, stop = opt_float(body, "limitPrice"), opt_float(body, "stopPrice")
    trail = opt_float(body, "trailPrice")
    tag = body.get("customTag")
    require_account(ctx, account_id)
    if contract_id not in ctx.book:
        raise Refusal(PLACE_CONTRACT_NOT_FOUND, f"Contract {contract_id} not found.")
    if body.get("linkedOrderId"):
        raise Refusal(PLACE_ORDER_REJECTED, "linkedOrderId is not supported by the simulator.")
    stop_loss, take_profit = bracket(body, "stopLossBracket"), bracket(body, "takeProfitBracket")
    if otype not in OrderType.__members__.values() or otype == OrderType.UNKNOWN:
        raise Refusal(PLACE_ORDER_REJECTED, f"Invalid order type {otype}.")
    if side not in (0, 1):
        raise Refusal(PLACE_ORDER_REJECTED, f"Invalid side {side}.")
    if size <= 0:
        raise Refusal(PLACE_ORDER_REJECTED, "Size must be positive.")
    tag = None if tag is None else str(tag)  # uniqueness per account is the broker's check (live quirk)
    order_id = broker_call(lambda: ctx.broker.place_order(
        account_id, contract_id, OrderType(otype), Side(side), size, limit, stop, tag, trail_price=trail,
        stop_loss=stop_loss, take_profit=take_profit), PLACE_UNKNOWN)
    return ok(orderId=order_id)


def bracket(body: dict[str, Any], key: str) -> BracketLeg | None:
    """``{"ticks": n, "type": t}`` -> BracketLeg (type defaults: stop for the loss, limit for the profit)."""
    value = body.get(key)
    if value in (None, {}):
        return None
    if not isinstance(value, dict):
        raise BadRequest(key, f"The {key} field must be an object.")
    ticks = req_int(value, "ticks")
    default = OrderType.STOP if key == "stopLossBracket" else OrderType.LIMIT
    kind = value.get("type")
    try:
        leg_type = default if kind is None else OrderType(int(kind))
    except (TypeError, ValueError) as e:
        raise Refusal(PLACE_ORDER_REJECTED, f"Invalid {key} type {kind!r}.") from e
    return BracketLeg(ticks, leg_type)


@refusals()
async def order_cancel(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    account_id, order_id = req_int(body, "accountId"), req_int(body, "orderId")
    require_account(ctx, account_id)
    broker_call(lambda: ctx.broker.cancel_order(account_id, order_id), CANCEL_UNKNOWN)
    return ok()


@refusals()
async def order_modify(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await read_body(request)
    account_id, order_id = req_int(body, "accountId"), req_int(body, "orderId")
    size = opt_int(body, "size")
    limit, stop = opt_float(body, "limitPrice"), opt_float(body, "stopPrice")
    trail = opt_float(body, "trailPrice")
    require_account(ctx, account_id)
    broker_call(lambda: ctx.broker.modify_order(account_id, order_id, size, limit, stop, trail),
                CANCEL_UNKNOWN)
    return ok()


POST_ROUTES = {
    "order/search": order_search,
    "order/searchopen": order_search_open,
    "order/searchbyid": order_search_by_id,
    "order/v2/query": order_query,
    "order/place": order_place,
    "order/cancel": order_cancel,
    "order/modify": order_modify,
}
