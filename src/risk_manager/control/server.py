"""The control API (SPEC §11): JSON over HTTP on loopback only, served from the daemon's event loop.

Read endpoints serve the trader without a password. Mutating endpoints (reload, stop) carry the admin
password in the JSON body; THIS server checks it against the argon2id hash file, limits failures per
client and audits every attempt. There is deliberately no unlock endpoint: lockouts end on their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from risk_manager.control.admin_gate import AdminGate
from risk_manager.control.backend import ControlBackend
from risk_manager.control.http_guard import NotLoopback, error, guard, is_loopback
from risk_manager.control.ratelimit import FailureLimiter

log = logging.getLogger("risk_manager.control")
Json = dict[str, Any]
MAX_BODY = 16 * 1024
MAX_JOURNAL = 1000


class ControlServer:
    """``ControlServer(backend, host, port, admin_hash_path)``; ``await start()``, ``.url``, ``await stop()``.

    ``port=0`` picks a free port (tests). ``now`` stamps audit entries (defaults to the UTC wall clock).
    """

    def __init__(self, backend: ControlBackend, host: str, port: int, admin_hash_path: str | Path, *,
                 limiter: FailureLimiter | None = None,
                 clock_limiter: FailureLimiter | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.backend, self.host, self.port = backend, host, port
        self.hash_path = Path(admin_hash_path)
        self.limiter = limiter or FailureLimiter(5, 300.0)
        self.clock_limiter = clock_limiter or FailureLimiter(30, 60.0)  # clock events: 30 / min / client
        self._now = now
        self.gate = AdminGate(self.hash_path, self.limiter, self._audit)
        self._runner: web.AppRunner | None = None
        self.app = web.Application(middlewares=[guard], client_max_size=MAX_BODY)
        self.app.router.add_get("/v1/health", self._health)
        self.app.router.add_get("/v1/status", self._status)
        self.app.router.add_get("/v1/journal", self._journal)
        self.app.router.add_post("/v1/admin/reload", self._reload)
        self.app.router.add_post("/v1/admin/stop", self._stop)
        self.app.router.add_post("/v1/trader/clock", self._clock)
        self.app.router.add_post("/v1/trader/lock", self._self_lock)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Listen; NotLoopback for any other host, OSError if the port is taken."""
        if not is_loopback(self.host):
            raise NotLoopback(f"refusing to serve the control API on {self.host!r}: loopback only")
        # shutdown_timeout: in-flight requests get 2 s at stop; the daemon's own stop must not wait longer
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("control API listening on %s", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # ---- read endpoints (the trader's) ------------------------------------------------------------
    async def _status(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(self.backend.snapshot())
        except Exception:
            log.exception("building the status snapshot failed")
            return error(500, "the daemon could not build its status")

    async def _health(self, request: web.Request) -> web.Response:
        try:
            state = self.backend.snapshot()["daemon"]["state"]
        except Exception:
            log.exception("health check failed")
            return web.json_response({"ok": False, "state": None}, status=503)
        return web.json_response({"ok": True, "state": state})

    async def _journal(self, request: web.Request) -> web.Response:
        try:
            n = int(request.query.get("n", "50"))
        except ValueError:
            return error(400, "n must be an integer")
        account = request.query.get("account") or None
        records = self.backend.journal(max(1, min(n, MAX_JOURNAL)), account)
        return web.json_response({"records": records})

    async def _clock(self, request: web.Request) -> web.Response:
        client = request.remote or "?"
        if self.clock_limiter.retry_after(client) is not None:
            return error(429, "too many clock events")
        self.clock_limiter.failure(client)  # counts every call, not only failures
        body = await _body(request)
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

    async def _self_lock(self, request: web.Request) -> web.Response:
        """The trader's own lockout: the one write the trader has, and it only strengthens protection
        (nothing can shorten or lift a lockout), so it needs no password."""
        client = request.remote or "?"
        if self.clock_limiter.retry_after(client) is not None:
            return error(429, "too many requests")
        self.clock_limiter.failure(client)  # counts every call, not only failures
        body = await _body(request)
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
        self._audit(f"trader@{client}", "self_lock", True,
                    f"{duration}{' + flatten' if flatten else ''}: " + ", ".join(
                        f"{x['account']} until {x['until']}" for x in locks))
        return web.json_response({"locks": locks})

    # ---- admin endpoints -------------------------------------------------------------------------
    async def _reload(self, request: web.Request) -> web.Response:
        return await self._admin(request, "reload")

    async def _stop(self, request: web.Request) -> web.Response:
        return await self._admin(request, "stop")

    async def _admin(self, request: web.Request, action: str) -> web.Response:
        client = request.remote or "?"
        body = await _body(request)
        user = "".join(c for c in str(body.get("user") or "unknown") if c.isprintable())[:64]
        actor = f"{user}@{client}"  # the user name is the CLI's claim; the peer address is ours
        refused = await self.gate.check(client, actor, action, body.get("password"))
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


async def _body(request: web.Request) -> Json:
    try:
        data = await request.json()
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _reload_detail(result: Json) -> str:
    if "error" in result:
        return str(result["error"])[:500]
    changes = result.get("changes") or []
    head = "applied live" if result.get("applied") else "needs a restart" if result.get("restart_needed") \
        else "no changes"
    return (f"{head}: " + "; ".join(str(c) for c in changes))[:500] if changes else head
