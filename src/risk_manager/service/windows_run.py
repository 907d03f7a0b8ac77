"""`risk-manager run`, in-process, for the Windows service: same start-up, stop from the SCM's thread.

run_cmd.run() owns its stop event (signals); the service hands one in. Both prepare the daemon with
daemon.prepare.prepare_daemon (config, credentials, logging, options) and keep the exit codes: 2 invalid
config, 3 credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
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


def run_in_process(config: Path, data_dir: Path | None, bridge: StopBridge,
                   report: Callable[[str], None], pipe: str | None = None) -> int:
    """Run the daemon until ``bridge.request()``; returns the `risk-manager run` exit code. The same
    preparation as `risk-manager run` (daemon.prepare), so the options are the same (config path too).
    ``pipe``: the control pipe this service instance serves (``\\\\.\\pipe\\RiskManager[-NAME]``); the
    daemon claims it with its first instance and an explicit DACL (control/win32_pipe.py)."""
    from risk_manager.daemon.prepare import PrepareError, prepare_daemon

    try:
        ready = prepare_daemon(config, data_dir)
    except PrepareError as e:
        report(" ".join(line.strip() for line in e.lines))
        return e.code
    if pipe is not None:
        ready.options.control_socket = Path(pipe)
    return asyncio.run(_serve(ready.config, ready.connector, ready.options, bridge))


async def _serve(cfg: Config, connector: Connector, options: DaemonOptions, bridge: StopBridge) -> int:
    from risk_manager.daemon.service import serve

    stop = asyncio.Event()
    bridge.attach(asyncio.get_running_loop(), stop)
    # serve() skips SIGTERM/SIGINT handlers off the main thread (pywin32 runs SvcDoRun on a service
    # thread); the SCM's stop arrives through the StopBridge instead
    return await serve(cfg, connector, options, stop=stop)
