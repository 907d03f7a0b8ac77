"""Accepting pipe connections: a thread waits for the next client (the acceptor blocks in the OS) and hands
each connection, with the OS's word on who it is, to the control app's protocol on the event loop
(pipe_transport.ChannelTransport). Plain Python, tested on Linux with a socket-pair acceptor."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable

from risk_manager.control.peer import Peer
from risk_manager.control.pipe_transport import Acceptor, Channel, ChannelTransport


class PipeServing:
    """Accepts connections on a thread and hands each to ``factory()``'s protocol on the loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, acceptor: Acceptor,
                 factory: Callable[[], asyncio.Protocol], warn: Callable[[str, str], None]) -> None:
        self._loop, self._acceptor, self._factory, self._warn = loop, acceptor, factory, warn
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, name="pipe-accept", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stopping.set()
        self._acceptor.stop()
        self._thread.join(5.0)
        self._acceptor.close()

    def _accept_loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                got = self._acceptor.accept()
            except Exception as e:  # any failure: logged once per interval, bounded back-off
                failures += 1
                with contextlib.suppress(RuntimeError):
                    self._loop.call_soon_threadsafe(self._warn, "pipe-accept",
                                                    f"control pipe accept failed: {type(e).__name__}: {e}")
                self._stopping.wait(min(1.0, 0.05 * failures))
                continue
            if got is None:
                break
            failures = 0
            try:
                self._loop.call_soon_threadsafe(self._connect, *got)
            except RuntimeError:
                got[0].close()
                break

    def _connect(self, channel: Channel, peer: Peer | None) -> None:
        if self._stopping.is_set():
            channel.close()
            return
        protocol = self._factory()
        transport = ChannelTransport(self._loop, channel, protocol, peer)
        protocol.connection_made(transport)
        transport.start()
