"""The SDK's realtime client, instrumented for supervision.

4.4.1 has no disconnect callback and no way to learn that pysignalr gave up (10 retries per client
lifetime, never reset) or died of an expired token. We observe its hub-close hooks, ``GatewayLogout`` and
the private hub tasks (``AsyncHubConnection._run_task``), and always rebuild a *new* client on recovery so
the retry budget and the hub-ready events start fresh.

This is the one module that uses SDK (and pysignalr) internals; the SDK is pinned exactly in pyproject.toml
and ``tests/live/test_sdk_shape.py`` fails loudly when any of them changes shape: the hub-close hooks
``_on_user_hub_close`` / ``_on_market_hub_close`` / ``_on_gateway_logout`` (overridden), the
``_health_monitoring_enabled`` switch, the user-event forwarders ``_forward_account_update`` /
``_forward_position_update`` / ``_forward_order_update`` / ``_forward_trade_execution`` and
``_forward_quote_update`` (overridden to do nothing), ``AsyncHubConnection._run_task`` and pysignalr's
``AuthorizationError`` (matched by class name). ``hub_feeds.py`` talks to the hub connection objects the
client exposes (``user_connection`` / ``market_connection``: ``on`` and ``send``) to take events straight
from pysignalr and to trim subscriptions the SDK cannot skip. Everywhere else the adapter uses the SDK's
public API only.

It also decides how the SDK is imported (:func:`import_sdk_lean`, before any other SDK import: the package
``__init__`` imports hubs first).
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import sys
import threading
from collections.abc import Awaitable
from typing import Any


def import_sdk_lean() -> None:
    """Register the SDK's top-level package without running its ``__init__`` (a no-op once imported).

    project-x-py's ``__init__`` imports all of the SDK -- indicators, order book, TradingSuite, and
    ``project_x_py.data``, which loads numpy -- ~0.35 s of CPU at every daemon start for nothing the
    adapter uses: it imports only submodules (client, realtime, models, exceptions), which do not need the
    package's own code. The first name asked of the package itself (``from project_x_py import
    TradingSuite`` anywhere, e.g. in a test) runs the real ``__init__`` then, so other code sees no change.
    """
    if "project_x_py" in sys.modules:
        return
    spec = importlib.util.find_spec("project_x_py")
    if spec is None or spec.loader is None:
        return
    loader, package, lock = spec.loader, importlib.util.module_from_spec(spec), threading.Lock()

    def complete(name: str) -> Any:
        with lock:
            if package.__dict__.pop("__getattr__", None) is not None:
                loader.exec_module(package)
        return getattr(package, name)  # AttributeError as usual for a name the SDK does not have

    setattr(package, "__getattr__", complete)  # noqa: B010  (PEP 562: looked up in the module's dict)
    sys.modules["project_x_py"] = package


import_sdk_lean()

from project_x_py.models import ProjectXConfig  # noqa: E402  (after import_sdk_lean)
from project_x_py.realtime import ProjectXRealtimeClient  # noqa: E402

log = logging.getLogger(__name__)
SDK_VERSION = "4.4.1"  # the version these internals were checked against (pyproject pins it exactly)
POLL = 0.05  # connect progress poll; bounded by the caller's timeout


class SupervisedRealtime(ProjectXRealtimeClient):
    """ProjectXRealtimeClient that counts hub drops and remembers a GatewayLogout."""

    def __init__(self, jwt_token: str, account_id: str, config: ProjectXConfig) -> None:
        super().__init__(jwt_token=jwt_token, account_id=account_id, config=config)
        self.drops: dict[str, int] = {"user": 0, "market": 0}
        self.logout_seen = False
        self.stale_feed_seconds = float("inf")  # its watchdog reconnect-loops every 5 s on a quiet market
        self._health_monitoring_enabled = False  # its heartbeat reconnects would race our supervisor

    # The SDK registers these as ``lambda: self._on_user_hub_close()``, so overriding them works.
    def _on_user_hub_close(self) -> None:
        super()._on_user_hub_close()  # type: ignore[misc]  # SDK mixin self-type
        self.drops["user"] += 1

    def _on_market_hub_close(self) -> None:
        super()._on_market_hub_close()  # type: ignore[misc]
        self.drops["market"] += 1

    def _on_gateway_logout(self, *args: Any) -> None:  # the SDK only debug-logs it
        self.logout_seen = True
        log.warning("GatewayLogout received (session ended by the gateway)")

    # Events reach us through hub_feeds (bound on the hub connections); the SDK's own forwarders would
    # still make a task per event (run_coroutine_threadsafe) for callbacks nobody registered.
    def _forward_account_update(self, *args: Any) -> None:
        pass

    def _forward_position_update(self, *args: Any) -> None:
        pass

    def _forward_order_update(self, *args: Any) -> None:
        pass

    def _forward_trade_execution(self, *args: Any) -> None:
        pass

    def _forward_quote_update(self, *args: Any) -> None:  # it cost a self-pipe write per quote
        pass


def hub_tasks(rt: ProjectXRealtimeClient) -> dict[str, asyncio.Task[None] | None]:
    """The pysignalr run task of each hub (None before start / after stop)."""
    out: dict[str, asyncio.Task[None] | None] = {}
    for hub, conn in (("user", rt.user_connection), ("market", rt.market_connection)):
        task = getattr(conn, "_run_task", None) if conn is not None else None
        out[hub] = task if isinstance(task, asyncio.Task) else None
    return out


def ended_hub(rt: ProjectXRealtimeClient) -> tuple[str, BaseException | None] | None:
    """(hub, exception) for the first hub whose task has ended, else None."""
    for hub, task in hub_tasks(rt).items():
        if task is not None and task.done():
            exc = None if task.cancelled() else task.exception()
            return hub, exc
    return None


def describe_end(hub: str, exc: BaseException | None) -> str:
    what = "stopped" if exc is None else f"{type(exc).__name__} {str(exc)[:80]}".strip()
    return f"{hub} hub task ended ({what})"


def is_auth_failure(exc: BaseException | None) -> bool:
    """pysignalr raises AuthorizationError when negotiate answers 401 (expired or revoked token)."""
    return exc is not None and type(exc).__name__ == "AuthorizationError"


async def connect_fast(rt: ProjectXRealtimeClient, limit: float) -> str | None:
    """``rt.connect()`` that fails as soon as a hub task dies (the SDK itself waits its full 10 s).
    Returns None when both hubs are up, else a reason."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    task = asyncio.create_task(rt.connect(), name="projectx-connect")
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=POLL)
            if task.done():
                break
            ended = ended_hub(rt)
            if ended is not None or loop.time() >= deadline:
                await _cancel(task)
                return describe_end(*ended) if ended else f"connect timed out after {limit:g}s"
    except asyncio.CancelledError:
        await _cancel(task)
        raise
    ok = False if task.cancelled() or task.exception() is not None else bool(task.result())
    if ok and rt.user_connected and rt.market_connected:
        return None
    ended = ended_hub(rt)
    return describe_end(*ended) if ended else "connect failed (hubs not ready)"


async def bounded(call: Awaitable[bool], limit: float) -> bool:
    """An SDK call that returns a success flag, with a timeout; any error is False."""
    try:
        async with asyncio.timeout(limit):
            return bool(await call)
    except Exception as e:
        log.warning("realtime call failed: %s", type(e).__name__)
        return False


async def _cancel(task: asyncio.Task[Any]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
