"""The control API in the daemon (SPEC §11): the loopback server over the live engine and store, and the
live config reload it may ask for (self-tested first: a dead rule never goes live)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from risk_manager.config import Config
from risk_manager.daemon import calendar_cache
from risk_manager.daemon.selftest import run_self_test

if TYPE_CHECKING:
    from risk_manager.control.server import ControlServer
    from risk_manager.daemon.runtime import Daemon
    from risk_manager.engine.actions import Action

log = logging.getLogger("risk_manager.daemon")


class SelfTestFailed(Exception):
    """A reloaded config has a rule that stays silent on a synthetic breach: it is not applied."""


async def start_control(d: Daemon) -> ControlServer | None:
    """Serve the control API; a taken port or a non-loopback host is logged loudly, never fatal (the
    protection matters more than the dashboard)."""
    from risk_manager.control import ControlServer, DaemonBackend, NotLoopback, admin_hash_path

    assert d.engine is not None and d.store is not None
    cfg = d.config.daemon
    port = cfg.control_port if d.opts.control_port is None else d.opts.control_port
    backend = DaemonBackend(d.engine, d.config, d.store, clock=d.clock,
                            link_state=lambda: str(d.link.state) if d.link is not None else "CONNECTING",
                            protected=d.protected.is_set, request_stop=d.stop_requested.set,
                            config_path=d.opts.config_path, apply_config=d.apply_config,
                            started_at=d.clock.now(), after_lock=lambda actions: after_self_lock(d, actions))
    server = ControlServer(backend, cfg.control_host, port, admin_hash_path(d.opts.data_dir))
    try:
        await server.start()
    except (OSError, NotLoopback) as e:
        log.critical("the control API could not start on %s:%d (%s): the dashboard and admin commands "
                     "will not reach this daemon", cfg.control_host, port, e)
        return None
    log.info("control API on %s", server.url)
    return server


def after_self_lock(d: Daemon, actions: list[Action]) -> None:
    """A self-lock was recorded: send its records now, flatten if the trader asked, wake the timer."""
    if actions and d.executor is not None:
        d.executor.submit(actions)
    d.journal.dispatch()
    if d.timer is not None:
        d.timer.poke()


async def apply_config(d: Daemon, new: Config) -> None:
    """Apply a validated config live. Raises SelfTestFailed (nothing changes) if a rule would be dead."""
    from risk_manager.engine.reconfigure import reconfigure

    failed = [c for c in run_self_test(new) if not c.ok]
    if failed:
        raise SelfTestFailed("; ".join(f"{c.rule}: {c.detail}" for c in failed))
    assert d.engine is not None
    now = d.clock.now()
    reconfigure(d.engine, new, now)
    calendar = calendar_cache.install(d.engine, new, d.opts.data_dir)  # keep restarts pandas-free
    d.config = new
    d.notifier.reconfigure(new.notifications, new.schedule.tz)
    d.journal.dispatch(force=True)
    if d.timer is not None:
        d.timer.poke()
    log.warning("config reloaded and applied live (%d rule(s) enabled)", len(new.rules.enabled_names()))
    if calendar is not None:
        await asyncio.to_thread(calendar.warm, now.year, now.year + 1)
