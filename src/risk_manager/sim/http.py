"""The Gateway's response envelope and request-body helpers shared by the REST handlers."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from risk_manager.sim.keys import BODY

_DUMPS = json.JSONEncoder(separators=(",", ":")).encode


def dumps(obj: Any) -> str:
    return _DUMPS(obj)


def ok(**payload: Any) -> web.Response:
    """``{"success": true, "errorCode": 0, "errorMessage": null, **payload}``."""
    body = {"success": True, "errorCode": 0, "errorMessage": None, **payload}
    return web.Response(text=dumps(body), content_type="application/json")


def fail(code: int, message: str, **payload: Any) -> web.Response:
    """A business failure: HTTP 200 with ``success: false`` (that is what the Gateway does)."""
    body = {"success": False, "errorCode": code, "errorMessage": message, **payload}
    return web.Response(text=dumps(body), content_type="application/json")


class BadRequest(Exception):
    """Model-binding failure: ASP.NET answers 400 with a problem-details body."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def response(self) -> web.Response:
        body = {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                "title": "One or more validation errors occurred.", "status": 400,
                "errors": {self.field: [self.message]}}
        return web.Response(status=400, text=dumps(body), content_type="application/problem+json")


async def read_body(request: web.Request) -> dict[str, Any]:
    """The JSON object body; an empty body is ``{}`` (Auth/validate and logout send none)."""
    cached = request.get(BODY)
    if isinstance(cached, dict):
        return cached
    raw = await request.read()
    if not raw.strip():
        body: Any = {}
    else:
        try:
            body = json.loads(raw)
        except ValueError as e:
            raise BadRequest("$", f"invalid JSON: {e}") from e
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise BadRequest("$", "expected a JSON object")
    request[BODY] = body
    return body


def req_int(body: dict[str, Any], key: str) -> int:
    value = body.get(key)
    if isinstance(value, bool) or value is None:
        raise BadRequest(key, f"The {key} field is required.")
    try:
        return int(value)
    except (TypeError, ValueError) as e:
        raise BadRequest(key, f"The {key} field must be an integer.") from e


def opt_int(body: dict[str, Any], key: str) -> int | None:
    return None if body.get(key) is None else req_int(body, key)


def opt_float(body: dict[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadRequest(key, f"The {key} field must be a number.")
    try:
        return float(value)
    except (TypeError, ValueError) as e:
        raise BadRequest(key, f"The {key} field must be a number.") from e


def req_str(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise BadRequest(key, f"The {key} field is required.")
    return value
