"""Stand-ins for the Win32 half of the control pipe, for tests on Linux: a socket pair is the pipe, and
the test says which token (Peer) the "OS" reports for each connection. Everything above them (the
transport adapter, the guard, the aiohttp app, http.client and the trust check) is the real code."""

from __future__ import annotations

import contextlib
import queue
import socket

from risk_manager.control.peer import ADMINISTRATORS_SID, Peer
from risk_manager.control.pipe_client import OpenedPipe
from risk_manager.control.pipe_transport import Channel, PipeEndpoint
from risk_manager.control.windows_pipe import SE_GROUP_ENABLED, SE_GROUP_USE_FOR_DENY_ONLY, peer_from_token

NAME = "\\\\.\\pipe\\RiskManager-test"
USERS = "S-1-5-32-545"
TRADER_SID, ADMIN_SID, OTHER_ADMIN_SID = "S-1-5-21-1-2-3-1001", "S-1-5-21-1-2-3-500", "S-1-5-21-1-2-3-502"


def trader() -> Peer:
    return peer_from_token(TRADER_SID, "PC\\trader", [(USERS, SE_GROUP_ENABLED)], 4242)


def filtered_admin() -> Peer:
    """An administrator in a prompt that is not elevated: UAC leaves Administrators deny-only."""
    return peer_from_token(ADMIN_SID, "PC\\boss", [(ADMINISTRATORS_SID, SE_GROUP_USE_FOR_DENY_ONLY)], 4343)


def admin(sid: str = ADMIN_SID) -> Peer:
    return peer_from_token(sid, "PC\\boss", [(ADMINISTRATORS_SID, SE_GROUP_ENABLED | 0x3)], 4444)


class SocketChannel:
    """One end of a socket pair as a pipe_transport.Channel."""

    def __init__(self, sock: socket.socket, timeout: float | None = None) -> None:
        self.sock = sock
        sock.settimeout(timeout)
        self.sent = bytearray()

    def read(self, size: int) -> bytes:
        try:
            return self.sock.recv(size)
        except OSError:
            return b""

    def write(self, data: bytes) -> None:
        self.sent += data
        self.sock.sendall(data)

    def shutdown(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.sock.close()


class QueueAcceptor:
    """Hands out the server ends the test's opener put in, with the Peer the "token" says."""

    def __init__(self) -> None:
        self.pending: queue.Queue[tuple[Channel, Peer | None] | None] = queue.Queue()
        self.closed = False

    def accept(self) -> tuple[Channel, Peer | None] | None:
        return self.pending.get()

    def stop(self) -> None:
        self.pending.put(None)

    def close(self) -> None:
        self.closed = True


class FakePipe:
    """The pipe: ``endpoint`` for the server, ``opener(peer, server_sid)`` for ControlClient."""

    def __init__(self) -> None:
        self.acceptor = QueueAcceptor()
        self.endpoint = PipeEndpoint(NAME, self.acceptor)
        self.clients: list[SocketChannel] = []

    def opener(self, peer: Peer | None, server_sid: str | None = "S-1-5-18",
               own_sid: str | None = ADMIN_SID):
        def open_(name: str, timeout: float) -> OpenedPipe:
            assert name == NAME
            client, server = socket.socketpair()
            self.acceptor.pending.put((SocketChannel(server), peer))
            channel = SocketChannel(client, timeout)
            self.clients.append(channel)
            return OpenedPipe(channel, server_sid, own_sid)
        return open_
