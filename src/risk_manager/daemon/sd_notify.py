"""systemd ``Type=notify`` readiness and watchdog (datagrams to $NOTIFY_SOCKET); a no-op elsewhere.

The watchdog (``WatchdogSec=`` in the unit, SPEC §12) is fed from the event loop itself: a task sends
``WATCHDOG=1`` every half of ``WATCHDOG_USEC``. If the loop wedges (a blocking call, a busy loop), the task
cannot run, the pings stop, and systemd kills and restarts the daemon instead of leaving it silently deaf.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable, Mapping


def notify(message: str) -> bool:
    """Send e.g. ``READY=1`` or ``STOPPING=1``; False when not under systemd or on failure."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address or not hasattr(socket, "AF_UNIX"):
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # abstract namespace
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.connect(address)
            s.sendall(message.encode())
        return True
    except OSError:
        return False


def watchdog_interval(env: Mapping[str, str] = os.environ, pid: int | None = None) -> float | None:
    """Seconds between keep-alives (half of ``WATCHDOG_USEC``), or None when systemd asks for none
    (no watchdog configured, or ``WATCHDOG_PID`` names another process)."""
    owner = env.get("WATCHDOG_PID")
    if owner and owner.strip() != str(os.getpid() if pid is None else pid):
        return None
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec / 2_000_000 if usec > 0 else None


async def feed_watchdog(interval: float, send: Callable[[str], bool] = notify) -> None:
    """Send ``WATCHDOG=1`` now and every ``interval`` seconds until cancelled."""
    while True:
        send("WATCHDOG=1")
        await asyncio.sleep(interval)
