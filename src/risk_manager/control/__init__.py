"""Control API (SPEC §11): a JSON server on a local socket in the daemon, its client, the status snapshot,
passwords, and the peer identity every request is judged by.

Wiring in the daemon (after the engine, store and link watch exist; all on the event loop)::

    from risk_manager.control import ControlServer, DaemonBackend, admin_hash_path

    backend = DaemonBackend(engine, config, store, clock=clock, link_state=lambda: str(link.state),
                            protected=protected.is_set, request_stop=stop_event.set,
                            config_path=config_path, apply_config=None, started_at=clock.now())
    server = ControlServer(backend, socket_path, admin_hash_path(data_dir), bound=claimed_socket)
    await server.start()   # UnsafeEndpoint / OSError when the socket cannot be owned
    ...
    await server.stop()    # before the store is closed

Names are imported lazily so ``risk-manager trader status`` does not load aiohttp or the engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from risk_manager.control.backend import ControlBackend, reload_decision
    from risk_manager.control.client import ControlClient, ControlError, DaemonUnreachable, UntrustedEndpoint
    from risk_manager.control.daemon_backend import DaemonBackend
    from risk_manager.control.endpoint import UnsafeEndpoint
    from risk_manager.control.password import PasswordError, admin_hash_path, set_password, verify_password
    from risk_manager.control.server import ControlServer
    from risk_manager.control.snapshot import build_snapshot, daemon_state

_WHERE = {
    "ControlBackend": "backend", "reload_decision": "backend",
    "ControlClient": "client", "ControlError": "client", "DaemonUnreachable": "client",
    "UntrustedEndpoint": "client", "DaemonBackend": "daemon_backend", "UnsafeEndpoint": "endpoint",
    "PasswordError": "password", "admin_hash_path": "password", "set_password": "password",
    "verify_password": "password", "ControlServer": "server",
    "build_snapshot": "snapshot", "daemon_state": "snapshot",
}
__all__ = [
    "ControlBackend", "ControlClient", "ControlError", "ControlServer", "DaemonBackend", "DaemonUnreachable",
    "PasswordError", "UnsafeEndpoint", "UntrustedEndpoint", "admin_hash_path", "build_snapshot",
    "daemon_state", "reload_decision", "set_password", "verify_password",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"risk_manager.control.{_WHERE[name]}"), name)
