"""The control app over byte channels that are not sockets (Windows named pipes), with ONE set of routes
and checks: each connection becomes an asyncio Transport handed to the same ConnectionGuard protocol
(aiohttp's request handler behind it) that serves the Unix socket, tagged with the peer the OS named.

Blocking I/O runs on two threads per connection (a reader and a writer, so an answer can go out while a
read waits: on Windows the channel is an overlapped pipe handle, win32_pipe.py); everything the protocol
sees happens on the event loop. Plain Python: tested on Linux over a socket pair against the real app.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from risk_manager.control.peer import Peer

READ_SIZE = 64 * 1024
HIGH_WATER, LOW_WATER = 64 * 1024, 16 * 1024


class Channel(Protocol):
    def read(self, size: int) -> bytes:
        """Block until some bytes arrive; b"" at the end of the stream or after shutdown()."""
        ...

    def write(self, data: bytes) -> None:
        """Block until all of ``data`` is written; OSError when the other end is gone."""
        ...

    def shutdown(self) -> None:
        """From any thread: make a pending read/write return now."""
        ...

    def close(self) -> None:
        """Once, when no read or write is in progress any more."""
        ...


class Acceptor(Protocol):
    def accept(self) -> tuple[Channel, Peer | None] | None:
        """Block until a client connects: its channel and the OS's word on who it is (None: unknown, the
        connection is refused). None once stop() was called. OSError on a failure worth a retry."""
        ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class PipeEndpoint:
    """A pipe name the daemon claimed at start-up (its first instance exists), served by ``acceptor``."""

    name: str
    acceptor: Acceptor

    def remove(self) -> None:
        self.acceptor.close()

    def release(self) -> None:
        self.acceptor.close()


class ChannelTransport(asyncio.Transport):
    """One connection. Call ``start()`` right after ``protocol.connection_made(transport)``."""

    def __init__(self, loop: asyncio.AbstractEventLoop, channel: Channel, protocol: asyncio.Protocol,
                 peer: Peer | None) -> None:
        super().__init__(extra={"peer": peer, "socket": None, "peername": None, "sockname": None})
        self._loop, self._channel, self._protocol = loop, channel, protocol
        self._closing = self._lost = self._paused = False
        self._reading = threading.Event()
        self._reading.set()
        self._out: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._buffered = 0
        self._high, self._low = HIGH_WATER, LOW_WATER
        self._left = 2  # threads still running
        self._lock = threading.Lock()

    def start(self) -> None:
        for target, name in ((self._read_loop, "pipe-read"), (self._write_loop, "pipe-write")):
            threading.Thread(target=target, name=name, daemon=True).start()

    # ---- threads ------------------------------------------------------------------------------------
    def _read_loop(self) -> None:
        try:
            while True:
                self._reading.wait()
                if self._closing:
                    break
                data = self._channel.read(READ_SIZE)
                if not data:
                    break
                self._call(self._deliver, data)
        except OSError:
            pass
        finally:
            self._call(self._at_eof)
            self._done()

    def _write_loop(self) -> None:
        try:
            while (item := self._out.get()) is not None:
                self._channel.write(item)
                self._call(self._written, len(item))
        except OSError:
            self._call(self.abort)
        finally:
            self._channel.shutdown()  # the reader returns: nothing more goes out on this connection
            self._done()

    def _done(self) -> None:
        with self._lock:
            self._left -= 1
            last = self._left == 0
        if last:
            self._channel.close()
            self._call(self._connection_lost)

    def _call(self, fn: Callable[..., Any], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # RuntimeError: the loop has closed, nobody is left to tell
            self._loop.call_soon_threadsafe(fn, *args)

    # ---- on the loop -----------------------------------------------------------------------------------
    def _deliver(self, data: bytes) -> None:
        if not self._closing:
            self._protocol.data_received(data)

    def _at_eof(self) -> None:
        if not self._closing and not self._protocol.eof_received():
            self.close()

    def _written(self, n: int) -> None:
        self._buffered -= n
        if self._paused and self._buffered <= self._low:
            self._paused = False
            self._protocol.resume_writing()

    def _connection_lost(self) -> None:
        if not self._lost:
            self._lost = True
            self._protocol.connection_lost(None)

    # ---- asyncio.Transport ----------------------------------------------------------------------------
    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._closing or not data:
            return
        chunk = bytes(data)
        self._buffered += len(chunk)
        self._out.put(chunk)
        if not self._paused and self._buffered > self._high:
            self._paused = True
            self._protocol.pause_writing()

    def close(self) -> None:
        """Stop reading; what was written still goes out, then the channel closes."""
        if self._closing:
            return
        self._closing = True
        self._reading.set()
        self._out.put(None)

    def abort(self) -> None:
        self.close()
        self._channel.shutdown()

    def is_closing(self) -> bool:
        return self._closing

    def can_write_eof(self) -> bool:
        return False

    def write_eof(self) -> None:
        raise NotImplementedError("a pipe connection has no half-close")

    def get_write_buffer_size(self) -> int:
        return self._buffered

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._low, self._high

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._high = HIGH_WATER if high is None else high
        self._low = min(self._high, LOW_WATER if low is None else low)

    def pause_reading(self) -> None:
        self._reading.clear()

    def resume_reading(self) -> None:
        self._reading.set()

    def is_reading(self) -> bool:
        return self._reading.is_set() and not self._closing

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._protocol

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        assert isinstance(protocol, asyncio.Protocol)
        self._protocol = protocol
