"""REST: ``History/retrieveBars`` from the price feed's history (see ``history.py``)."""

from __future__ import annotations

from aiohttp import web

from risk_manager.sim.context import ctx_of
from risk_manager.sim.history import aggregate, iso
from risk_manager.sim.http import fail, ok, read_body, req_int, req_str
from risk_manager.sim.rest_common import time_field

CONTRACT_NOT_FOUND, UNIT_INVALID, UNIT_NUMBER_INVALID, LIMIT_INVALID = 1, 2, 3, 4
MAX_BARS = 20_000
UNITS = {1, 2, 3, 4, 5, 6}  # Second, Minute, Hour, Day, Week, Month


async def retrieve_bars(request: web.Request) -> web.Response:
    """The latest ``limit`` bars whose start lies in [startTime, endTime), newest first."""
    ctx = ctx_of(request)
    body = await read_body(request)
    contract_id = req_str(body, "contractId")
    unit, number, limit = req_int(body, "unit"), req_int(body, "unitNumber"), req_int(body, "limit")
    start = time_field(body, "startTime", required=True)
    end = time_field(body, "endTime", required=True)
    assert start is not None and end is not None
    book = ctx.feed.books.get(contract_id)
    if book is None:
        return fail(CONTRACT_NOT_FOUND, f"Contract {contract_id} not found.", bars=None)
    if unit not in UNITS:
        return fail(UNIT_INVALID, f"Unit {unit} is not supported.", bars=None)
    if number <= 0:
        return fail(UNIT_NUMBER_INVALID, "unitNumber must be positive.", bars=None)
    if limit <= 0 or limit > MAX_BARS:
        return fail(LIMIT_INVALID, f"limit must be 1..{MAX_BARS}.", bars=None)
    seconds = {1: 1, 2: 60}.get(unit, 3600)
    base = book.history.base(seconds * number if unit <= 2 else 3600)
    bars = aggregate(base, unit, number, int(start.timestamp()), int(end.timestamp()),
                     int(ctx.clock().timestamp()), bool(body.get("includePartialBar", False)))
    px = book.px
    rows = [{"t": iso(b.t), "o": px(b.o), "h": px(b.h), "l": px(b.l), "c": px(b.c), "v": b.v}
            for b in reversed(bars[-limit:])]
    return ok(bars=rows)


POST_ROUTES = {"history/retrievebars": retrieve_bars}
