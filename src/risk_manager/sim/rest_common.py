"""Helpers shared by the trading controllers: account checks, time windows, broker-call guards."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from risk_manager.broker.paper import PaperRejection
from risk_manager.domain.events import MalformedEvent, parse_time
from risk_manager.sim.context import SimContext
from risk_manager.sim.http import BadRequest, fail

log = logging.getLogger(__name__)
ACCOUNT_NOT_FOUND = 1


class Refusal(Exception):
    """A business failure to answer as ``success: false`` (HTTP 200)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def response(self, **payload: Any) -> web.Response:
        return fail(self.code, self.message, **payload)


def require_account(ctx: SimContext, account_id: int) -> None:
    if ctx.account(account_id) is None:
        raise Refusal(ACCOUNT_NOT_FOUND, f"Account {account_id} not found.")


def time_field(body: dict[str, Any], key: str, required: bool) -> datetime | None:
    value = body.get(key)
    if value in (None, ""):
        if required:
            raise BadRequest(key, f"The {key} field is required.")
        return None
    try:
        return parse_time(value)
    except MalformedEvent as e:
        raise BadRequest(key, f"The {key} field is not a valid date.") from e


def in_window(stamp: str | None, start: datetime | None, end: datetime | None) -> bool:
    if stamp is None:
        return True
    try:
        at = parse_time(stamp)
    except MalformedEvent:
        return True
    return (start is None or at >= start) and (end is None or at <= end)


def broker_call[R](fn: Callable[[], R], unknown_code: int) -> R:
    """Run a broker mutation; its rejections (and anything unexpected) become Refusals."""
    try:
        return fn()
    except PaperRejection as e:
        raise Refusal(e.code, e.message) from e
    except Exception as e:  # the Gateway answers UnknownError rather than 500 for business failures
        log.exception("paper broker call failed")
        raise Refusal(unknown_code, f"{type(e).__name__}: {e}") from e


RestHandler = Callable[[web.Request], Any]


def refusals(**defaults: Any) -> Callable[[RestHandler], RestHandler]:
    """Turn a handler's Refusal into ``success: false``, the endpoint's payload key set to ``defaults``."""

    def wrap(handler: RestHandler) -> RestHandler:
        async def inner(request: web.Request) -> web.StreamResponse:
            try:
                resp: web.StreamResponse = await handler(request)
            except Refusal as r:
                return r.response(**defaults)
            return resp

        inner.__name__ = getattr(handler, "__name__", "handler")
        return inner

    return wrap
