"""Connection hygiene of the control endpoint: who is connected, how many, and for how long.

Every accepted connection is tagged with the kernel's word on its peer (uid, gid, pid). Caps keep control
clients from ever eating the descriptors the broker connection needs: at most ``per_peer`` connections per
uid (Windows: SID) and ``total`` for all non-admin peers together, with ``admin_total`` more kept for
root / the admin group so a trader filling every slot still cannot shut the admin out. A connection that
completes no request for ``idle`` seconds (a slow or silent client) is closed. Over-cap connections are
closed at once; each refusal reason is logged at most once per ``log_every`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from risk_manager.control.peer import AdminPolicy, NoPeerCredentials, Peer, peer_of

log = logging.getLogger("risk_manager.control")


@dataclass(frozen=True, slots=True)
class Limits:
    per_peer: int = 8
    total: int = 48  # non-admin connections at once
    admin_total: int = 16  # kept for root / the admin group on top of ``total``
    idle: float = 10.0  # seconds without a complete request (covers slow headers)
    body: float = 5.0  # seconds to receive a request body once its head arrived
    log_every: float = 60.0


class RateLog:
    """Say each distinct thing at most once per interval (repeats are counted and reported next time)."""

    def __init__(self, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.every, self._clock = every, clock
        self._last: dict[str, tuple[float, int]] = {}

    def due(self, key: str) -> str | None:
        """None while ``key`` was reported less than ``every`` seconds ago (counted); else the suffix to
        add to the report (how many were muted). Cheap: callers build their message only when due."""
        now = self._clock()
        last, muted = self._last.get(key, (float("-inf"), 0))
        if now - last < self.every:
            self._last[key] = (last, muted + 1)
            return None
        if len(self._last) > 256:
            self._last.clear()
        self._last[key] = (now, 0)
        return f" ({muted} more since the last report)" if muted else ""

    def warn(self, key: str, message: str, *args: object) -> None:
        suffix = self.due(key)
        if suffix is not None:
            log.warning(message + suffix, *args)


@dataclass(slots=True)
class _Conn:
    peer: Peer
    admin: bool
    busy: int = 0
    timer: asyncio.TimerHandle | None = None


class ConnectionGuard:
    """A protocol factory wrapping aiohttp's: ``loop.create_unix_server(guard, sock=...)``."""

    def __init__(self, inner: Callable[[], asyncio.Protocol], policy: AdminPolicy, limits: Limits) -> None:
        self._inner, self.policy, self.limits = inner, policy, limits
        self._conns: dict[asyncio.BaseTransport, _Conn] = {}
        self._per_peer: dict[str, int] = {}  # by Peer.key (uid, or SID)
        self.rate_log = RateLog(limits.log_every)

    def __call__(self) -> asyncio.Protocol:
        return _Guarded(self)

    def make_inner(self) -> asyncio.Protocol:
        return self._inner()

    @property
    def open_connections(self) -> int:
        return len(self._conns)

    def peer(self, transport: object) -> Peer | None:
        conn = self._conns.get(cast(asyncio.BaseTransport, transport))
        return conn.peer if conn is not None else None

    def is_admin(self, transport: object) -> bool:
        conn = self._conns.get(cast(asyncio.BaseTransport, transport))
        return conn is not None and conn.admin

    # ---- bookkeeping (called by _Guarded and by the request middleware) ---------------------------
    def admit(self, transport: asyncio.BaseTransport) -> bool:
        peer = transport.get_extra_info("peer")  # a pipe connection: the OS named it at accept
        sock = transport.get_extra_info("socket")
        try:
            if not isinstance(peer, Peer):
                if sock is None:  # a pipe connection the OS could not identify
                    raise NoPeerCredentials("the OS did not say who this client is")
                peer = peer_of(cast(socket.socket, sock))  # asyncio's TransportSocket wraps the socket
        except NoPeerCredentials as e:
            self.rate_log.warn("nocred", "control connection refused: %s", e)
            return False
        admin = self.policy.is_admin(peer)
        ordinary = sum(1 for c in self._conns.values() if not c.admin)
        if admin and len(self._conns) - ordinary >= self.limits.admin_total:
            self.rate_log.warn("admin-cap", "control connections: admin cap (%d) reached",
                               self.limits.admin_total)
            return False
        if not admin and self._per_peer.get(peer.key, 0) >= self.limits.per_peer:
            suffix = self.rate_log.due(peer.key)  # the user-name lookup only when it is said
            if suffix is not None:
                log.warning("control connections from %s refused: %d open (cap)%s", peer.describe(),
                            self.limits.per_peer, suffix)
            return False
        if not admin and ordinary >= self.limits.total:
            self.rate_log.warn("total", "control connections refused: %d open (cap)", self.limits.total)
            return False
        self._per_peer[peer.key] = self._per_peer.get(peer.key, 0) + 1
        self._conns[transport] = _Conn(peer, admin)
        self._arm(transport)
        return True

    def release(self, transport: asyncio.BaseTransport) -> None:
        conn = self._conns.pop(transport, None)
        if conn is None:
            return
        if conn.timer is not None:
            conn.timer.cancel()
        left = self._per_peer.get(conn.peer.key, 1) - 1
        if left > 0:
            self._per_peer[conn.peer.key] = left
        else:
            self._per_peer.pop(conn.peer.key, None)

    def begin(self, transport: object) -> None:
        conn = self._conns.get(cast(asyncio.BaseTransport, transport))
        if conn is not None:
            conn.busy += 1

    def end(self, transport: object) -> None:
        conn = self._conns.get(cast(asyncio.BaseTransport, transport))
        if conn is not None:
            conn.busy = max(0, conn.busy - 1)
            self._arm(cast(asyncio.BaseTransport, transport))

    def _arm(self, transport: asyncio.BaseTransport) -> None:
        conn = self._conns[transport]
        if conn.timer is not None:
            conn.timer.cancel()
        loop = asyncio.get_running_loop()
        conn.timer = loop.call_later(self.limits.idle, self._expire, transport)

    def _expire(self, transport: asyncio.BaseTransport) -> None:
        conn = self._conns.get(transport)
        if conn is None:
            return
        if conn.busy:  # a request is being answered (e.g. waiting for the password check): not idle
            self._arm(transport)
            return
        transport.close()


class _Guarded(asyncio.Protocol):
    """Admits the connection (peer known, under the caps) before aiohttp's protocol ever sees it."""

    def __init__(self, guard: ConnectionGuard) -> None:
        self._guard = guard
        self._inner: asyncio.Protocol | None = None
        self._transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport
        if not self._guard.admit(transport):
            cast(asyncio.Transport, transport).abort()
            return
        self._inner = self._guard.make_inner()
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._transport is not None:
            self._guard.release(self._transport)
        if self._inner is not None:
            self._inner.connection_lost(exc)
