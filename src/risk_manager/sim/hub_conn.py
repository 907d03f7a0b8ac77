"""One SignalR hub connection: its outgoing queue, writer task and subscription sets.

Outgoing frames go through a deque drained by one writer task, so pushes from synchronous code (the paper
broker's event sink, the price feed) keep their order and never block. Records queued together are sent as
one WebSocket frame (SignalR allows several ``\\x1e``-terminated records per frame), capped well below the
SDK's 1 MiB receive limit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict, deque
from typing import Any

from aiohttp import web

from risk_manager.sim.signalr import ALL

MAX_FRAME_CHARS = 256 * 1024
MAX_BACKLOG = 50_000  # records; a client this far behind is dropped, as a real server would


class HubConn:
    def __init__(self, hub: str, conn_id: str, ws: web.WebSocketResponse, username: str,
                 transport: asyncio.Transport | None = None) -> None:
        self.hub = hub
        self._transport = transport
        self.id = conn_id
        self.ws = ws
        self.username = username
        self.subs: defaultdict[str, set[Any]] = defaultdict(set)
        self.handshaken = False
        self.sent_records = 0
        self.received_records = 0
        self._out: deque[str] = deque()
        self._wake = asyncio.Event()
        self._closed = False
        self._closer: asyncio.Task[None] | None = None
        self._writer = asyncio.create_task(self._write_loop(), name=f"sim-hub-writer-{hub}-{conn_id}")

    @property
    def closed(self) -> bool:
        return self._closed or self.ws.closed

    def subscribed(self, kind: str, key: Any) -> bool:
        keys = self.subs.get(kind)
        return bool(keys) and (key in keys or ALL in keys)  # type: ignore[operator]

    def push(self, record: str) -> None:
        """Queue one serialised record (ending in RS)."""
        if self._closed:
            return
        self._out.append(record)
        if len(self._out) > MAX_BACKLOG:
            self._out.clear()
            self.close_soon(code=1008, message=b"backlog")
            return
        self._wake.set()

    @property
    def backlog(self) -> int:
        return len(self._out)

    async def _write_loop(self) -> None:
        out = self._out
        while not self._closed:
            await self._wake.wait()
            self._wake.clear()
            while out and not self.ws.closed:
                parts: list[str] = []
                size = 0
                while out and size < MAX_FRAME_CHARS:
                    rec = out.popleft()
                    parts.append(rec)
                    size += len(rec)
                try:
                    await self.ws.send_str("".join(parts))
                except (ConnectionError, RuntimeError):
                    self._closed = True
                    return
                self.sent_records += len(parts)

    async def flush(self, within: float = 1.0) -> None:
        """Wait (bounded) until everything queued has been handed to the socket."""
        loop = asyncio.get_running_loop()
        end = loop.time() + within
        while self._out and not self.closed and loop.time() < end:  # noqa: ASYNC110 - bounded poll
            await asyncio.sleep(0.005)

    def close_soon(self, code: int = 1000, message: bytes = b"") -> None:
        """Close from synchronous code (the task is kept referenced until it is done)."""
        self._closer = asyncio.get_running_loop().create_task(self.close(code, message))

    async def close(self, code: int = 1000, message: bytes = b"") -> None:
        if not self._closed:
            self._closed = True
            self._wake.set()
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, message=message)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (a network failure, not a server close)."""
        self._closed = True
        self._wake.set()
        if self._transport is not None:
            self._transport.abort()

    async def finish(self) -> None:
        self._closed = True
        self._wake.set()
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._writer
