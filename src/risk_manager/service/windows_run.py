"""`risk-manager run`, in-process, for the Windows service: same start-up, stop from the SCM's thread.

run_cmd.run() owns its stop event (signals); the service needs to hand one in, so this mirrors its few
steps (config, credentials, logging, serve) and keeps the exit codes: 2 invalid config, 3 credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from risk_manager.config import Config
    from risk_manager.daemon.connect import Connector
    from risk_manager.daemon.options import DaemonOptions


class StopBridge:
    """SvcStop runs on the SCM's thread; the daemon waits on an asyncio.Event in its own loop.

    A stop requested before the loop exists is remembered and applied when the loop attaches.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requested = False
        self._target: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None

    @property
    def requested(self) -> bool:
        return self._requested

    def request(self) -> None:
        with self._lock:
            self._requested = True
            target = self._target
        if target is not None:
            loop, event = target
            with contextlib.suppress(RuntimeError):  # the loop has already closed: nothing left to stop
                loop.call_soon_threadsafe(event.set)

    def attach(self, loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
        """Called from inside the loop."""
        with self._lock:
            self._target = (loop, event)
            requested = self._requested
        if requested:
            event.set()


def default_credentials_file(data: Path) -> str | None:
    """The installer's `<data>\\credentials.env` (admin + SYSTEM only), used when the config names none."""
    path = data / "credentials.env"
    return str(path) if path.exists() else None


def run_in_process(config: Path, data_dir: Path | None, bridge: StopBridge,
                   report: Callable[[str], None]) -> int:
    """Run the daemon until ``bridge.request()``; returns the `risk-manager run` exit code."""
    started = time.perf_counter()
    from risk_manager.config import ConfigError, load_config
    from risk_manager.daemon.credentials import CredentialsError, load_credentials
    from risk_manager.daemon.paths import data_dir as resolve_data_dir

    try:
        cfg = load_config(config)
    except ConfigError as e:
        report("invalid config: " + "; ".join(str(p) for p in e.problems))
        return 2
    data = resolve_data_dir(cfg, data_dir)
    try:
        creds = load_credentials(cfg.secrets_file or default_credentials_file(data))
    except CredentialsError as e:
        report(str(e))
        return 3

    from risk_manager.broker.projectx.logs import register_secret
    from risk_manager.daemon.connect import projectx_connector
    from risk_manager.daemon.logs import setup_logging
    from risk_manager.daemon.options import DaemonOptions
    from risk_manager.daemon.paths import log_dir

    register_secret(creds.api_key)
    setup_logging(log_dir(cfg, data), logging.INFO)
    logging.getLogger("risk_manager.daemon").info(
        "risk-manager service starting: config %s, data %s, credentials from %s", config, data, creds.source)
    options = DaemonOptions(data_dir=data, started_at=started, gc_tuning=True)
    return asyncio.run(_serve(cfg, projectx_connector(cfg, creds), options, bridge))


async def _serve(cfg: Config, connector: Connector, options: DaemonOptions, bridge: StopBridge) -> int:
    from risk_manager.daemon.service import serve

    stop = asyncio.Event()
    bridge.attach(asyncio.get_running_loop(), stop)
    # serve() skips SIGTERM/SIGINT handlers off the main thread (pywin32 runs SvcDoRun on a service
    # thread); the SCM's stop arrives through the StopBridge instead
    return await serve(cfg, connector, options, stop=stop)
