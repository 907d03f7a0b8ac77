"""The SDK internals the adapter relies on (all in broker/projectx/hubs.py) still have the shape it expects.
A failure here means project-x-py (or pysignalr) changed: re-check hubs.py before moving the pin."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pysignalr.exceptions
from project_x_py import ProjectXConfig, ProjectXRealtimeClient
from project_x_py.models import Position as SdkPosition
from project_x_py.realtime import async_hub, connection_management, health_monitoring

from risk_manager.broker.projectx import hub_feeds, hubs

ROOT = Path(__file__).resolve().parents[2]


def test_the_sdk_is_pinned_exactly_to_the_version_the_internals_were_checked_against() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pin = next(d for d in deps if d.startswith("project-x-py"))
    assert pin == f"project-x-py=={hubs.SDK_VERSION}", f"pin it exactly: {pin!r}"
    assert version("project-x-py") == hubs.SDK_VERSION


def test_the_hub_close_and_logout_hooks_are_still_looked_up_on_self() -> None:
    source = inspect.getsource(connection_management)
    # registered as late-bound lookups, so SupervisedRealtime's overrides are the ones called
    assert "on_close(lambda: self._on_user_hub_close())" in source
    assert "on_close(lambda: self._on_market_hub_close())" in source
    assert '.on("GatewayLogout", self._on_gateway_logout)' in source
    for name in ("_on_user_hub_close", "_on_market_hub_close", "_on_gateway_logout"):
        assert callable(getattr(ProjectXRealtimeClient, name, None)), name


async def test_health_monitoring_switch_watchdog_threshold_and_hub_task_exist() -> None:
    cfg = ProjectXConfig(api_url="http://127.0.0.1:9/api", user_hub_url="http://127.0.0.1:9/hubs/user",
                         market_hub_url="http://127.0.0.1:9/hubs/market")
    plain = ProjectXRealtimeClient(jwt_token="t", account_id="1", config=cfg)
    assert plain._health_monitoring_enabled is True  # the switch SupervisedRealtime turns off
    assert "self._health_monitoring_enabled" in inspect.getsource(health_monitoring)
    assert plain.stale_feed_seconds == 30.0  # the watchdog threshold SupervisedRealtime sets to inf
    ours = hubs.SupervisedRealtime("t", "1", cfg)
    assert ours._health_monitoring_enabled is False and ours.stale_feed_seconds == float("inf")
    conn = async_hub.AsyncHubConnection("http://127.0.0.1:9/hubs/user", hub_name="user")
    assert conn._run_task is None  # hubs.hub_tasks() reads it; run() sets it to the pysignalr task
    assert "self._run_task = asyncio.create_task(" in inspect.getsource(async_hub.AsyncHubConnection)


def test_auth_failures_are_still_recognised_by_class_name() -> None:
    err = pysignalr.exceptions.AuthorizationError()
    assert type(err).__name__ == "AuthorizationError" and hubs.is_auth_failure(err)
    assert not hubs.is_auth_failure(RuntimeError("x"))


def test_raw_position_rows_still_build_the_sdk_model() -> None:
    p = SdkPosition.from_api({"id": 1, "accountId": 2, "contractId": "CON.F.US.MNQ.Z26",
                              "creationTimestamp": "2026-11-20T15:00:00+00:00", "type": 1, "size": 3,
                              "averagePrice": 21000.25})
    got = (p.accountId, p.contractId, p.type, p.size, p.averagePrice)
    assert got == (2, "CON.F.US.MNQ.Z26", 1, 3, 21000.25)


LEAN_PROBE = """
import json, sys
import risk_manager.broker.projectx
from risk_manager.daemon import runtime, connect
lean = sorted(m for m in ("numpy", "project_x_py.trading_suite", "project_x_py.indicators",
                          "project_x_py.orderbook", "project_x_py.data") if m in sys.modules)
from project_x_py import TradingSuite, __version__
print(json.dumps({"loaded_before": lean, "version": __version__, "suite": TradingSuite.__name__,
                  "numpy_after": "numpy" in sys.modules}))
"""


def test_the_daemon_imports_the_sdk_without_its_package_init_and_the_rest_still_gets_all_of_it() -> None:
    """hubs.import_sdk_lean: the adapter's submodules load without the package ``__init__`` (no numpy, no
    indicators or TradingSuite: ~0.4 s of every start-up); any name asked of the package runs it in full."""
    out = subprocess.run([sys.executable, "-c", LEAN_PROBE], capture_output=True, text=True, timeout=120,
                         check=True)
    seen = json.loads(out.stdout)
    assert seen["loaded_before"] == []
    assert seen["version"] == hubs.SDK_VERSION and seen["suite"] == "TradingSuite"
    assert seen["numpy_after"]  # the full package really ran on demand


def test_the_user_hub_targets_bound_directly_are_the_ones_the_sdk_binds() -> None:
    # hub_feeds.bind_user_events takes the user hub's events from the connection object, not the SDK's
    # callbacks: the SDK must still bind exactly these targets (to the callback names Dispatch parses) and its
    # connection must still keep handlers across its own reconnects (re-bound in _ensure_client).
    source = inspect.getsource(connection_management)
    forwarders = {"GatewayUserAccount": "_forward_account_update", "GatewayUserPosition":
                  "_forward_position_update", "GatewayUserOrder": "_forward_order_update",
                  "GatewayUserTrade": "_forward_trade_execution"}
    flat = "".join(source.split())
    for target, forwarder in forwarders.items():  # bound as late lookups on self: our no-op overrides win
        assert f'.on("{target}",self.{forwarder})' in flat, target
        assert forwarder in hubs.SupervisedRealtime.__dict__ and callable(getattr(ProjectXRealtimeClient,
                                                                                     forwarder))
    assert set(forwarders) == set(hub_feeds.USER_EVENTS)
    assert set(hub_feeds.USER_EVENTS.values()) == {"account_update", "position_update", "order_update",
                                              "trade_execution"}
    hub = inspect.getsource(async_hub.AsyncHubConnection)
    assert "self._event_handlers.setdefault(event, []).append(handler)" in hub
    assert "for event, handlers in self._event_handlers.items():" in hub
    assert callable(getattr(async_hub.AsyncHubConnection, "send", None))
