"""Run the daemon in the foreground until SIGTERM/SIGINT: the entry point a service manager uses too."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from risk_manager.config import Config
from risk_manager.daemon.connect import Connector
from risk_manager.daemon.options import DaemonOptions, StartupError
from risk_manager.daemon.runtime import RunningDaemon, build_daemon
from risk_manager.daemon.sd_notify import feed_watchdog, notify, watchdog_interval

log = logging.getLogger("risk_manager.daemon")


async def _either(a: asyncio.Event, b: asyncio.Event) -> None:
    """Until a signal arrives or the admin asks the daemon to stop over the control API."""
    waits = {asyncio.create_task(a.wait()), asyncio.create_task(b.wait())}
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in waits:
            t.cancel()


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows: no loop signal handlers
            try:
                signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
            except ValueError:
                # not the main thread (a Windows service runs us on its own thread): the service
                # control manager stops us through ``stop`` instead
                return


async def serve(config: Config, connector: Connector, options: DaemonOptions,
                stop: asyncio.Event | None = None) -> int:
    """Start, stay protected until asked to stop, stop in order. Returns the process exit code."""
    stop = stop or asyncio.Event()
    _install_signals(stop)
    interval = watchdog_interval()
    watchdog = None if interval is None else asyncio.create_task(feed_watchdog(interval), name="watchdog")
    stop_requested = asyncio.Event()  # the admin's "stop" over the control API
    starting = asyncio.create_task(build_daemon(config, connector, options, stop_requested=stop_requested),
                                   name="start-up")
    stopping = asyncio.create_task(_either(stop, stop_requested), name="stop-signal")
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    code = 0
    daemon: RunningDaemon | None = None
    if starting.done():
        error = starting.exception()
        if isinstance(error, StartupError):
            log.critical("refusing to start: %s", error)
            print(f"risk-manager: refusing to start: {error}", file=sys.stderr)
            code = error.code
        elif error is not None:
            log.critical("start-up failed", exc_info=error)
            code = 1
        else:
            daemon = starting.result()
            notify("READY=1")
            await stopping
    else:
        starting.cancel()  # build_daemon closes what it opened
        with contextlib.suppress(asyncio.CancelledError, Exception):
            daemon = await starting  # built in the same instant: stopped below
    stopping.cancel()
    notify("STOPPING=1")
    log.warning("stopping (exit code %d)", code)
    if daemon is not None:
        await daemon.stop()
    if watchdog is not None:  # fed through the orderly stop: TimeoutStopSec= bounds that, not the watchdog
        watchdog.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watchdog
    return code
