"""The CLI's side of the Windows control pipe: http.client over a byte channel, and the check of who
serves the pipe before a password leaves this process.

The channel comes from an opener (win32_pipe.open_client on Windows: the pipe opened at identification
level, plus the SIDs the server process and this process run as); everything here is plain Python and is
tested on Linux with a socket pair standing in for the pipe.
"""

from __future__ import annotations

import http.client
import io
from typing import Any

from risk_manager.control.peer import SYSTEM_SID
from risk_manager.control.pipe_opened import OpenedPipe as OpenedPipe  # re-exported for callers
from risk_manager.control.pipe_opened import Opener
from risk_manager.control.pipe_transport import Channel
from risk_manager.control.windows_pipe import untrusted_server


class _ChannelReader(io.RawIOBase):
    def __init__(self, channel: Channel) -> None:
        self._channel = channel

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._channel.read(len(view))
        view[:len(data)] = data
        return len(data)


class ChannelSocket:
    """The part of a socket http.client uses: sendall, makefile("rb"), close."""

    def __init__(self, channel: Channel) -> None:
        self._channel = channel
        self._closed = False

    def sendall(self, data: bytes | bytearray | memoryview) -> None:
        self._channel.write(bytes(data))

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        if mode != "rb":
            raise ValueError("only binary reading is supported")
        return io.BufferedReader(_ChannelReader(self._channel))

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._channel.shutdown()
            self._channel.close()


class PipeConnection(http.client.HTTPConnection):
    """One HTTP connection over the pipe ``name``. ``verify``: raise UntrustedEndpoint unless the server
    process runs as SYSTEM or as this process's own user (a foreground daemon of the same admin)."""

    def __init__(self, name: str, timeout: float, verify: bool, opener: Opener | None = None) -> None:
        super().__init__("localhost", timeout=timeout)
        self._name, self._verify = name, verify
        self._opener = opener
        self.server_sid: str | None = None

    def connect(self) -> None:
        from risk_manager.control.endpoint import UntrustedEndpoint

        opener = self._opener
        if opener is None:  # pragma: no cover - Windows only
            from risk_manager.control.win32_pipe import open_client

            opener = open_client
        timeout = self.timeout if isinstance(self.timeout, (int, float)) else 5.0
        opened = opener(self._name, float(timeout))
        if self._verify:
            trusted = {SYSTEM_SID} | ({opened.own_sid} if opened.own_sid else set())
            why = untrusted_server(self._name, opened.server_sid, trusted)
            if why is not None:
                opened.channel.shutdown()
                opened.channel.close()
                raise UntrustedEndpoint(why)
        self.server_sid = opened.server_sid
        self.sock = ChannelSocket(opened.channel)
