"""The production data provider: the daemon's control API client, behind the dashboard's provider seam."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

RECENT = 20


def client_provider(url: str, recent: int = RECENT) -> Callable[[], Mapping[str, Any]]:
    """A callable returning the status dict (raising when the daemon cannot be reached)."""
    # imported here so the dashboard's pure parts and tests do not depend on the client module
    from risk_manager.control.client import ControlClient

    client = ControlClient(url)

    def status() -> Mapping[str, Any]:
        snapshot = dict(client.status())
        if "recent" not in snapshot:  # older status shape: fetch the journal tail separately
            snapshot["recent"] = list(client.journal(recent))
        return snapshot

    return status


def describe_failure(exc: BaseException) -> str:
    """The banner's reason: the client's own message (it names the URL and cause) or the error type."""
    text = str(exc).strip()
    return f"daemon unreachable: {text}" if text else f"daemon unreachable ({type(exc).__name__})"
