"""The trader's side of the control API: the reads (health, status, journal) and the two writes any local
uid may make because they only strengthen protection (clock events, a self-lock). The admin side and the
server itself are in server.py; who asks is the kernel's word (``request[PEER]``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web

from risk_manager.control.backend import ControlBackend
from risk_manager.control.http_guard import PEER, error, json_body
from risk_manager.control.peer import Peer
from risk_manager.control.ratelimit import FailureLimiter

log = logging.getLogger("risk_manager.control")
MAX_JOURNAL = 1000
Audit = Callable[[str, str, bool, str], None]  # (actor, action, ok, detail)


class TraderEndpoints:
    def __init__(self, backend: ControlBackend, limiter: FailureLimiter, body_within: float,
                 audit: Audit) -> None:
        self.backend, self.body_within, self._audit = backend, body_within, audit
        self.limiter = limiter  # clock events and self-locks per uid: every call counts, not only failures

    async def status(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(self.backend.snapshot())
        except Exception:
            log.exception("building the status snapshot failed")
            return error(500, "the daemon could not build its status")

    async def health(self, request: web.Request) -> web.Response:
        try:
            state = self.backend.snapshot()["daemon"]["state"]
        except Exception:
            log.exception("health check failed")
            return web.json_response({"ok": False, "state": None}, status=503)
        return web.json_response({"ok": True, "state": state})

    async def journal(self, request: web.Request) -> web.Response:
        try:
            n = int(request.query.get("n", "50"))
        except ValueError:
            return error(400, "n must be an integer")
        account = request.query.get("account") or None
        records = self.backend.journal(max(1, min(n, MAX_JOURNAL)), account)
        return web.json_response({"records": records})

    async def clock(self, request: web.Request) -> web.Response:
        client = request[PEER].key
        if self.limiter.retry_after(client) is not None:
            return error(429, "too many clock events")
        self.limiter.failure(client)  # counts every call, not only failures
        body = await json_body(request, self.body_within)
        account, kind = body.get("account"), body.get("kind")
        if not isinstance(account, str) or kind not in ("in", "out"):
            return error(400, 'send {"account": NAME, "kind": "in" | "out"}')
        try:
            self.backend.clock(account, kind)
        except KeyError:
            return error(404, f"unknown account {account!r}")
        except ValueError as e:
            return error(400, str(e))
        return web.json_response({"ok": True, "account": account, "kind": kind})

    async def self_lock(self, request: web.Request) -> web.Response:
        """The trader's own lockout: the one write the trader has, and it only strengthens protection
        (nothing can shorten or lift a lockout), so it needs no password."""
        peer: Peer = request[PEER]  # the kernel's word: any local uid may lock (itself) out
        client = peer.key
        if self.limiter.retry_after(client) is not None:
            return error(429, "too many requests")
        self.limiter.failure(client)  # counts every call, not only failures
        body = await json_body(request, self.body_within)
        account, duration, flatten = body.get("account"), body.get("duration"), body.get("flatten", False)
        if (account is not None and not isinstance(account, str)) or not isinstance(duration, str) \
                or not isinstance(flatten, bool):
            return error(400, 'send {"duration": "30m" | "until_reset", "flatten": bool, "account": NAME?}')
        try:
            locks = self.backend.self_lock(account, duration, flatten)
        except KeyError as e:
            return error(404, f"unknown or not yet monitored account {e.args[0]!r}")
        except ValueError as e:
            return error(400, f"duration: {e}")
        self._audit(peer.describe(), "self_lock", True,
                    f"{duration}{' + flatten' if flatten else ''}: " + ", ".join(
                        f"{x['account']} until {x['until']}" for x in locks))
        return web.json_response({"locks": locks})
