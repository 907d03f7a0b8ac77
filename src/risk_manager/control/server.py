"""The control API (SPEC §11): JSON over HTTP on a local socket owned by the service (Windows: a named
pipe with an ACL, served through control/pipe_transport.py by the same app, routes and checks), served from
the daemon's event loop. Nothing listens on TCP.

Who asks is the kernel's word (the peer's uid/gid/pid, control/peer.py), never the client's. Read
endpoints serve anyone who can connect (the trader), and so do the trader's two writes (clock events, and
a self-lock, which only strengthens protection). Mutating endpoints (reload, stop) require an admin
identity (root, or the configured admin group) AND the admin password in the JSON body, checked here
against the argon2id hash file; failures are limited per uid and every attempt is audited with the peer's
identity. There is deliberately no unlock endpoint: lockouts end on their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from risk_manager.control.admin_gate import AdminGate, Refusal
from risk_manager.control.backend import ControlBackend
from risk_manager.control.conn_guard import ConnectionGuard, Limits
from risk_manager.control.endpoint import BoundSocket, bind_socket
from risk_manager.control.http_guard import PEER, error, json_body, make_guard
from risk_manager.control.loop_errors import QuietAcceptErrors
from risk_manager.control.peer import AdminPolicy, Peer
from risk_manager.control.pipe_serving import PipeServing
from risk_manager.control.pipe_transport import PipeEndpoint
from risk_manager.control.ratelimit import FailureLimiter
from risk_manager.control.trader_api import TraderEndpoints

log = logging.getLogger("risk_manager.control")
Json = dict[str, Any]
MAX_BODY = 16 * 1024


class ControlServer:
    """``ControlServer(backend, socket_path, admin_hash_path)``; ``await start()``, ``await stop()``.

    ``bound``: a socket the daemon already bound (it claims its endpoint before anything else at start-up),
    or on Windows the named pipe it claimed (then ``socket_path`` is the pipe's name).
    ``now`` stamps audit entries (defaults to the UTC wall clock).
    """

    def __init__(self, backend: ControlBackend, socket_path: str | Path, admin_hash_path: str | Path, *,
                 policy: AdminPolicy | None = None, limits: Limits | None = None,
                 bound: BoundSocket | PipeEndpoint | None = None,
                 limiter: FailureLimiter | None = None,
                 clock_limiter: FailureLimiter | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.backend, self.path = backend, Path(socket_path)
        self.hash_path = Path(admin_hash_path)
        self.policy, self.limits = policy or AdminPolicy(), limits or Limits()
        self.limiter = limiter or FailureLimiter(5, 300.0)  # per uid
        self.clock_limiter = clock_limiter or FailureLimiter(30, 60.0)  # clock events: 30 / min / uid
        self._now = now
        self._bound = bound
        self.gate = AdminGate(self.hash_path, self.limiter, self._audit)
        self.trader = TraderEndpoints(backend, self.clock_limiter, self.limits.body, self._audit)
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | PipeServing | None = None
        self.conns: ConnectionGuard | None = None
        self._quiet: QuietAcceptErrors | None = None
        self.app = web.Application(middlewares=[make_guard(self)], client_max_size=MAX_BODY)
        for method, route, handler in self.routes():
            self.app.router.add_route(method, route, handler)

    def routes(self) -> list[tuple[str, str, Callable[[web.Request], Any]]]:
        """Every route: (method, path, handler). Mutating ones go through ``self._admin``, except the trader's
        own two under /v1/trader/ (clock events, and a self-lock that only strengthens protection)."""
        t = self.trader
        return [("GET", "/v1/health", t.health), ("GET", "/v1/status", t.status),
                ("GET", "/v1/journal", t.journal), ("POST", "/v1/admin/reload", self._reload),
                ("POST", "/v1/admin/stop", self._stop), ("POST", "/v1/trader/clock", t.clock),
                ("POST", "/v1/trader/lock", t.self_lock)]

    @property
    def endpoint(self) -> str:
        return self._bound.name if isinstance(self._bound, PipeEndpoint) else str(self.path)

    # ---- the connection guard's view, for the request middleware --------------------------------
    def peer(self, transport: object) -> Peer | None:
        return self.conns.peer(transport) if self.conns is not None else None

    def begin(self, transport: object) -> None:
        if self.conns is not None:
            self.conns.begin(transport)

    def end(self, transport: object) -> None:
        if self.conns is not None:
            self.conns.end(transport)

    async def start(self) -> None:
        """Serve on the socket (bound here unless given): UnsafeEndpoint / OSError if it cannot be owned."""
        bound = self._bound = self._bound or bind_socket(self.path)
        # shutdown_timeout: in-flight requests get 2 s at stop; the daemon's own stop must not wait longer
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=2.0,
                               keepalive_timeout=self.limits.idle)
        await runner.setup()
        assert runner.server is not None
        conns = self.conns = ConnectionGuard(runner.server, self.policy, self.limits)
        loop = asyncio.get_running_loop()
        if isinstance(bound, PipeEndpoint):
            serving = PipeServing(loop, bound.acceptor, conns,
                                  lambda key, message: conns.rate_log.warn(key, "%s", message))
            serving.start()
            self._server = serving
        else:
            try:
                self._server = await loop.create_unix_server(conns, sock=bound.sock)
            except BaseException:
                await runner.cleanup()
                raise
        self._runner = runner
        self._quiet = QuietAcceptErrors(conns.rate_log)
        self._quiet.install(loop)
        log.info("control API on %s", self.endpoint)

    async def stop(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            if isinstance(server, PipeServing):
                await asyncio.to_thread(server.close)  # joins the accept thread (bounded)
            else:
                server.close()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        if self._bound is not None:
            self._bound.remove()
        if self._quiet is not None:
            self._quiet.remove()

    # ---- admin endpoints -------------------------------------------------------------------------
    async def _reload(self, request: web.Request) -> web.Response:
        return await self._admin(request, "reload")

    async def _stop(self, request: web.Request) -> web.Response:
        return await self._admin(request, "stop")

    async def _admin(self, request: web.Request, action: str) -> web.Response:
        peer: Peer = request[PEER]
        actor = peer.describe()  # the kernel's word; nothing the client says goes into the audit
        refused: Refusal | None
        if self.conns is None or not self.conns.is_admin(request.transport):
            why = f"admin commands need {self.policy.describe()}"
            refused = self.gate.forbidden(peer.key, actor, action, why)
        else:
            body = await json_body(request, self.limits.body)
            refused = await self.gate.check(peer.key, actor, action, body.get("password"))
        if refused is not None:
            status, why, headers = refused
            return error(status, why, **headers)
        if action == "stop":
            self._audit(actor, action, True, "stop requested")  # before the store goes away with the daemon
            await self.backend.stop()
            return web.json_response({"stopping": True})
        try:
            result = await self.backend.reload()
        except Exception as e:
            log.exception("reload failed")
            self._audit(actor, action, False, f"reload failed: {type(e).__name__}: {e}"[:500])
            return error(500, f"reload failed: {type(e).__name__}")
        self._audit(actor, action, "error" not in result, _reload_detail(result))
        return web.json_response(result)

    def _audit(self, actor: str, action: str, ok: bool, detail: str) -> None:
        try:
            self.backend.audit(actor, action, ok, detail, self._now())
        except Exception:  # the answer still goes out; the log says the trail has a hole
            log.exception("writing the admin audit trail failed (%s %s ok=%s)", actor, action, ok)


def _reload_detail(result: Json) -> str:
    if "error" in result:
        return str(result["error"])[:500]
    changes = result.get("changes") or []
    head = "applied live" if result.get("applied") else "needs a restart" if result.get("restart_needed") \
        else "no changes"
    return (f"{head}: " + "; ".join(str(c) for c in changes))[:500] if changes else head
