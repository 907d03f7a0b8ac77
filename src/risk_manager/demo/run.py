"""`risk-manager demo`: the simulator, the daemon and the tilted trader in one process, no account needed.

Everything is local (127.0.0.1, an ephemeral port, a temporary data directory that is removed at the end).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import aiohttp

from risk_manager.daemon.connect import projectx_connector
from risk_manager.daemon.credentials import Credentials
from risk_manager.daemon.logs import remove_handlers, setup_logging
from risk_manager.daemon.options import DaemonOptions, StartupError
from risk_manager.daemon.runtime import RunningDaemon, build_daemon
from risk_manager.demo.client import TraderClient
from risk_manager.demo.config import demo_config, scaled_values
from risk_manager.demo.printer import Printer
from risk_manager.demo.story import tilted_trader
from risk_manager.engine.records import Record
from risk_manager.sim.options import SimOptions
from risk_manager.sim.server import SimServer

DEMO_CREDENTIALS = Credentials("demo-daemon", "demo-daemon-key-not-a-secret", "demo")


async def run_demo(headless: bool = False, duration: float = 60.0, speed: float = 1.0,
                   out: TextIO | None = None, err: TextIO | None = None,
                   dashboard: bool | None = None) -> int:
    """``dashboard``: None = the trader dashboard when not headless and stdout is a terminal (with
    ``headless`` too it runs without a screen and the JSON lines still print: for tests)."""
    out, err = out or sys.stdout, err or sys.stderr
    if dashboard is None:
        dashboard = not headless and out.isatty() and _has_dashboard()
    loop = asyncio.get_running_loop()
    end = loop.time() + duration
    with tempfile.TemporaryDirectory(prefix="risk-manager-demo-") as tmp:
        setup_logging(Path(tmp) / "logs", logging.ERROR, err)
        sim = SimServer(SimOptions(port=0, accounts=["PRAC-1"], quote_rate=2.0))
        await sim.start()
        sim.feed.walk = False  # the trader script moves the market; nothing else does
        cfg = demo_config(sim.api_url, sim.user_hub_url, sim.market_hub_url, datetime.now(UTC), speed)
        printer = Printer(out, err, headless, cfg.schedule.tz)
        seen: list[Record] = []
        listener = printer.record if headless or not dashboard else seen.append
        daemon: RunningDaemon | None = None
        notes = (err if headless else out)
        notes.write("risk-manager demo: examples/demo.yaml with durations shortened so the story fits in "
                    "a minute:\n" + "".join(f"  {line}\n" for line in scaled_values(speed)))
        if not headless and not dashboard:
            out.write(f"risk-manager demo: simulator on {sim.base_url}, journal below\n")
        trader: asyncio.Task[None] | None = None
        try:
            async with asyncio.timeout(max(end - loop.time(), 1.0)):
                daemon = await build_daemon(cfg, projectx_connector(cfg, DEMO_CREDENTIALS),
                                            DaemonOptions(data_dir=Path(tmp) / "data"), listeners=[listener])
            async with aiohttp.ClientSession() as http:
                client = TraderClient(sim.base_url, http)
                await client.login()
                say = printer.say if headless or not dashboard else (lambda _: None)  # the UI owns the tty
                trader = asyncio.create_task(tilted_trader(client, say, speed), name="trader")
                if dashboard and daemon.control is not None:
                    await _show_dashboard(daemon.control.endpoint, max(end - loop.time(), 0.0), headless)
                    # the dashboard owned the screen: leave what happened on the terminal (also when
                    # --duration closed it, e.g. under tmux)
                    if not headless:
                        ran = duration - (end - loop.time())
                        out.write(f"risk-manager demo: the dashboard closed after {ran:.0f} s; what the "
                                  "daemon did:\n")
                        for rec in seen:
                            printer.record(rec)
                else:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(asyncio.shield(trader), max(end - loop.time(), 0.0))
                    await asyncio.sleep(max(end - loop.time(), 0.0))
        except StartupError as e:
            err.write(f"risk-manager demo: the daemon refused to start: {e}\n")
            return e.code
        except TimeoutError:
            err.write("risk-manager demo: the daemon did not become protected in time\n")
            return 1
        finally:
            if trader is not None and not trader.done():
                trader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await trader
            if daemon is not None:
                await daemon.stop()
            await sim.stop()
            remove_handlers()
    return 0


def _has_dashboard() -> bool:
    try:
        from risk_manager.tui.app import DashboardApp  # noqa: F401
    except ImportError:
        return False
    return True


async def _show_dashboard(url: str, seconds: float, headless: bool) -> None:
    """The trader dashboard over the daemon's control API, until the trader presses q or time is up."""
    from risk_manager.tui.app import DashboardApp
    from risk_manager.tui.provider import client_provider

    app = DashboardApp(client_provider(url))
    ui = asyncio.create_task(app.run_async(headless=headless), name="dashboard")
    done, _ = await asyncio.wait({ui}, timeout=seconds)
    if not done:
        app.exit()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ui, 5.0)
