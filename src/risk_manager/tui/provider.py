"""The production data provider: the daemon's control API client, behind the dashboard's provider seam."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

RECENT = 20


def client_provider(endpoint: str, recent: int = RECENT) -> Callable[[], Mapping[str, Any]]:
    """A callable returning the status dict (raising when the daemon cannot be reached)."""
    # imported here so the dashboard's pure parts and tests do not depend on the client module
    from risk_manager.control.client import ControlClient

    client = ControlClient(endpoint)

    def status() -> Mapping[str, Any]:
        snapshot = dict(client.status())
        if "recent" not in snapshot:  # older status shape: fetch the journal tail separately
            snapshot["recent"] = list(client.journal(recent))
        return snapshot

    return status


def describe_failure(exc: BaseException) -> str:
    """The banner's reason. The client's DaemonUnreachable (a ConnectionError) already says where and why;
    anything else (the daemon answered with an error, a bad answer) is named as such."""
    text = str(exc).strip()
    if isinstance(exc, ConnectionError | TimeoutError | OSError):
        return text or f"the risk daemon is not reachable ({type(exc).__name__})"
    return f"the daemon answered with an error: {text or type(exc).__name__}"
