"""The control API in the daemon (SPEC §11): owning the data directory and the control socket first, the
server over the live engine and store, and the live config reload it may ask for (self-tested first: a
dead rule never goes live)."""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from risk_manager.clock.clock import Clock
from risk_manager.config import Config
from risk_manager.daemon import calendar_cache
from risk_manager.daemon.health import Health
from risk_manager.daemon.journal import DaemonJournal
from risk_manager.daemon.lock import DataDirLock, prepare_data_dir
from risk_manager.daemon.options import EXIT_ENDPOINT, DaemonOptions, StartupError
from risk_manager.daemon.selftest import run_self_test
from risk_manager.engine.engine import Engine
from risk_manager.notify import Notifier
from risk_manager.store import Store

if TYPE_CHECKING:
    from risk_manager.control.endpoint import BoundSocket
    from risk_manager.control.peer import AdminPolicy
    from risk_manager.control.pipe_transport import PipeEndpoint
    from risk_manager.control.server import ControlServer
    from risk_manager.engine.actions import Action

log = logging.getLogger("risk_manager.daemon")


class SelfTestFailed(ValueError):
    """A reloaded config has a rule that stays silent on a synthetic breach: it is not applied (the reload
    answers with the reason, like an invalid file)."""


def socket_path(config: Config, opts: DaemonOptions) -> Path:
    """The control socket (Windows: the pipe name, ``\\\\.\\pipe\\RiskManager`` by default)."""
    from risk_manager.control.endpoint import default_socket

    if opts.control_socket is not None:
        return opts.control_socket
    configured = config.daemon.control_socket
    if configured:
        return Path(configured)
    if sys.platform == "win32":
        from risk_manager.control.windows_pipe import pipe_name

        return Path(pipe_name())
    return default_socket(opts.data_dir)


def claim(config: Config, opts: DaemonOptions) -> tuple[DataDirLock, BoundSocket | PipeEndpoint | None]:
    """Take the data-directory lock, then own the control socket (Windows: the pipe's first instance);
    StartupError(EXIT_ENDPOINT) naming why (another daemon's pid, a path someone else owns or serves, a
    pipe name someone holds) when either cannot be had."""
    admin_policy(config)  # an unknown admin group refuses the start (exit 2) before anything else
    prepare_data_dir(opts.data_dir)
    if sys.platform != "win32":  # a data directory someone else owns or may write could hold their hash
        from risk_manager.control.endpoint import check_directory

        try:
            check_directory(opts.data_dir)
        except OSError as e:
            raise StartupError(EXIT_ENDPOINT, f"cannot own the data directory: {e}") from None
    lock = DataDirLock(opts.data_dir)
    lock.acquire()
    raise_fd_limit()
    if not opts.control:
        return lock, None
    if sys.platform == "win32":  # pragma: no cover - Windows only (control/win32_pipe_server.py)
        from risk_manager.control.win32_pipe_server import claim_pipe

        name = str(socket_path(config, opts))
        try:
            return lock, claim_pipe(name)
        except OSError as e:
            lock.release()
            raise StartupError(EXIT_ENDPOINT, f"cannot own the control pipe {name}: {e}") from None
    from risk_manager.control.endpoint import bind_socket

    path = socket_path(config, opts)
    data = opts.data_dir
    if Path(os.path.abspath(data)) in Path(os.path.abspath(path)).parents:
        allow_traverse(data)
    try:
        return lock, bind_socket(path)
    except OSError as e:
        lock.release()
        raise StartupError(EXIT_ENDPOINT, f"cannot own the control endpoint {path}: {e}") from None


def allow_traverse(data: Path) -> None:
    """The socket lives in the data directory (foreground): others need x (not r) on it to reach the
    socket; every file in it stays 0640/0600."""
    st = os.stat(data)
    if st.st_uid == os.geteuid() and not st.st_mode & stat.S_IXOTH:
        os.chmod(data, stat.S_IMODE(st.st_mode) | stat.S_IXOTH)


def raise_fd_limit() -> None:
    """Soft descriptor limit up to the hard one: the broker connection must never run short (control
    clients are capped far below it, conn_guard.Limits)."""
    if sys.platform == "win32":
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError) as e:
            log.warning("could not raise the descriptor limit from %d to %d: %s", soft, hard, e)


def admin_policy(config: Config) -> AdminPolicy:
    from risk_manager.control.peer import AdminPolicy, group_id

    name = config.daemon.admin_group
    if not name:
        return AdminPolicy()
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            from risk_manager.control.win32_pipe import group_sid

            return AdminPolicy(admin_sid=group_sid(name))
        return AdminPolicy(group_id(name))
    except KeyError:
        raise StartupError(2, f"daemon.admin_group: no group {name!r} on this machine") from None


class Connected(Protocol):
    """What the control API may use of the connected daemon (executor, deadline timer, link); before the
    login it answers CONNECTING and a self-lock's flatten has nowhere to go (as before)."""

    def link_state(self) -> str: ...
    def submit(self, actions: list[Action]) -> None: ...
    def poke(self) -> None: ...


class LiveConfig:
    """The config in force, and its live reload (self-tested first: a dead rule never goes live)."""

    def __init__(self, config: Config, engine: Engine, journal: DaemonJournal, notifier: Notifier,
                 clock: Clock, data_dir: Path, connected: Connected) -> None:
        self.config = config
        self._engine, self._journal, self._notifier, self._clock = engine, journal, notifier, clock
        self._data_dir, self._connected = data_dir, connected

    async def apply(self, new: Config) -> None:
        """Apply a validated config live. Raises SelfTestFailed (nothing changes) if a rule would be dead."""
        from risk_manager.engine.reconfigure import reconfigure

        failed = [c for c in run_self_test(new) if not c.ok]
        if failed:
            raise SelfTestFailed("; ".join(f"{c.rule}: {c.detail}" for c in failed))
        now = self._clock.now()
        reconfigure(self._engine, new, now)
        calendar = calendar_cache.install(self._engine, new, self._data_dir)  # keep restarts pandas-free
        self.config = new
        self._notifier.reconfigure(new.notifications, new.schedule.tz)
        self._journal.dispatch(force=True)
        self._connected.poke()
        log.warning("config reloaded and applied live (%d rule(s) enabled)", len(new.rules.enabled_names()))
        if calendar is not None:
            await asyncio.to_thread(calendar.warm, now.year, now.year + 1)


@dataclass(frozen=True, slots=True)
class ControlParts:
    """What the control API serves: the live engine and store, the daemon's state, a way to stop it."""

    engine: Engine
    store: Store
    journal: DaemonJournal
    clock: Clock
    live_config: LiveConfig
    connected: Connected
    health: Health
    protected: asyncio.Event
    stop_requested: asyncio.Event


async def start_control(p: ControlParts, opts: DaemonOptions,
                        bound: BoundSocket | PipeEndpoint) -> ControlServer:
    """Serve the control API on the socket (Windows: pipe) claimed at start-up."""
    from risk_manager.control import ControlServer, DaemonBackend, admin_hash_path
    from risk_manager.control.pipe_transport import PipeEndpoint

    def after_lock(actions: list[Action]) -> None:
        """A self-lock was recorded: send its records now, flatten if the trader asked, wake the timer."""
        if actions:
            p.connected.submit(actions)
        p.journal.dispatch()
        p.connected.poke()

    config = p.live_config.config
    backend = DaemonBackend(p.engine, config, p.store, clock=p.clock, link_state=p.connected.link_state,
                            protected=p.protected.is_set, request_stop=p.stop_requested.set,
                            config_path=opts.config_path, apply_config=p.live_config.apply,
                            started_at=p.clock.now(), problems=p.health.problems, after_lock=after_lock)
    where = bound.name if isinstance(bound, PipeEndpoint) else bound.path
    server = ControlServer(backend, where, admin_hash_path(opts.data_dir), policy=admin_policy(config),
                           bound=bound)
    await server.start()
    return server
