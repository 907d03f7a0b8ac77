"""The Win32 calls of the control pipe (pywin32, plus ctypes for two FILETIMEs), and nothing else.

What to do is decided in plain, tested Python (windows_pipe.py: names, DACL, token -> Peer, server check;
pipe_transport.py / pipe_client.py: the byte streams). This module only carries it out, and it is NOT run
by the test suite: there is no Windows here. It is imported on Windows only (pywin32 is a dependency
there); every pywin32 import is inside a function.

- Server: every instance is created with the explicit DACL of ``pipe_sddl`` and PIPE_REJECT_REMOTE_CLIENTS,
  the first with FILE_FLAG_FIRST_PIPE_INSTANCE (someone holding the name = the daemon refuses to start).
  The next instance is created before a connected one is handed over, so the name never goes free while
  the daemon runs. I/O is overlapped, so a read and a write may wait at the same time on one handle.
- Identity: GetNamedPipeClientProcessId -> the process token's user SID and groups; a process created
  after the connection was seen has reused the pid and is not the client (the connection is refused).
- Client: opened at SECURITY_IDENTIFICATION (a fake server cannot act as the admin), then the SID of the
  process serving the pipe (GetNamedPipeServerProcessId) for pipe_client's trust check.
"""

from __future__ import annotations

import contextlib
import ctypes
import time
from typing import Any

from risk_manager.control.endpoint import UnsafeEndpoint
from risk_manager.control.peer import Peer
from risk_manager.control.pipe_client import OpenedPipe
from risk_manager.control.pipe_transport import PipeEndpoint
from risk_manager.control.windows_pipe import (
    CLIENT_ACCESS,
    CLIENT_FLAGS,
    FILE_FLAG_FIRST_PIPE_INSTANCE,
    PIPE_REJECT_REMOTE_CLIENTS,
    SERVER_OPEN_MODE,
    peer_from_token,
    pid_reused,
    pipe_sddl,
)

INFINITE, WAIT_OBJECT_0, WAIT_TIMEOUT = 0xFFFFFFFF, 0, 0x102
ERROR_FILE_NOT_FOUND, ERROR_ACCESS_DENIED, ERROR_PIPE_BUSY = 2, 5, 231
ERROR_BROKEN_PIPE, ERROR_NO_DATA, ERROR_PIPE_NOT_CONNECTED = 109, 232, 233
ERROR_PIPE_CONNECTED, ERROR_OPERATION_ABORTED, ERROR_IO_PENDING = 535, 995, 997
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
PIPE_TYPE_BYTE = PIPE_READMODE_BYTE = PIPE_WAIT = 0
PIPE_UNLIMITED_INSTANCES = 255
BUFFER = 64 * 1024
SERVER_WRITE_TIMEOUT = 10.0  # a client that never reads its answer cannot hold a writer thread for ever
_GONE = (ERROR_BROKEN_PIPE, ERROR_NO_DATA, ERROR_PIPE_NOT_CONNECTED, ERROR_OPERATION_ABORTED)


def _overlapped() -> Any:
    import pywintypes
    import win32event

    ov = pywintypes.OVERLAPPED()
    ov.hEvent = win32event.CreateEvent(None, True, False, None)
    return ov


def _os_error(e: Any) -> OSError:
    return OSError(e.winerror, e.strerror)


class Win32Channel:
    """An overlapped pipe handle as a pipe_transport.Channel. ``server``: disconnect before closing."""

    def __init__(self, handle: Any, read_timeout: float | None, write_timeout: float | None,
                 server: bool) -> None:
        import win32event

        self._h, self._server = handle, server
        self._stop = win32event.CreateEvent(None, True, False, None)
        self._read_ms = INFINITE if read_timeout is None else int(read_timeout * 1000)
        self._write_ms = INFINITE if write_timeout is None else int(write_timeout * 1000)

    def _wait(self, ov: Any, ms: int) -> int:
        import pywintypes
        import win32event
        import win32file

        rc = win32event.WaitForMultipleObjects([ov.hEvent, self._stop], False, ms)
        if rc == WAIT_OBJECT_0:
            return int(win32file.GetOverlappedResult(self._h, ov, False))
        win32file.CancelIo(self._h)  # this thread's operation on the handle
        with contextlib.suppress(pywintypes.error):
            done = int(win32file.GetOverlappedResult(self._h, ov, True))
            if done:
                return done  # it completed before the cancel took hold: keep what it moved
        if rc == WAIT_TIMEOUT:
            raise TimeoutError("the control pipe did not answer in time")
        raise ConnectionAbortedError("the control pipe connection was shut down")

    def read(self, size: int) -> bytes:
        import pywintypes
        import win32file

        ov = _overlapped()
        buf = win32file.AllocateReadBuffer(size)
        try:
            win32file.ReadFile(self._h, buf, ov)
            n = self._wait(ov, self._read_ms)
        except pywintypes.error as e:
            if e.winerror in _GONE:
                return b""
            raise _os_error(e) from None
        except ConnectionAbortedError:
            return b""
        return bytes(buf[:n])

    def write(self, data: bytes) -> None:
        import pywintypes
        import win32file

        view = memoryview(data)
        while view:
            ov = _overlapped()
            try:
                win32file.WriteFile(self._h, bytes(view), ov)
                n = self._wait(ov, self._write_ms)
            except pywintypes.error as e:
                raise _os_error(e) from None
            if n <= 0:
                raise BrokenPipeError("the control pipe accepted nothing")
            view = view[n:]

    def shutdown(self) -> None:
        import win32event

        win32event.SetEvent(self._stop)

    def close(self) -> None:
        import pywintypes
        import win32file
        import win32pipe

        with contextlib.suppress(pywintypes.error):
            if self._server:
                win32pipe.DisconnectNamedPipe(self._h)
            win32file.CloseHandle(self._h)


def _filetime_now() -> int:
    ft = ctypes.c_ulonglong()
    ctypes.windll.kernel32.GetSystemTimeAsFileTime(ctypes.byref(ft))  # type: ignore[attr-defined]
    return int(ft.value)


def _process_created(process: Any) -> int:
    created, exited, kernel, user = (ctypes.c_ulonglong() for _ in range(4))
    ok = ctypes.windll.kernel32.GetProcessTimes(  # type: ignore[attr-defined]
        ctypes.c_void_p(int(process)), ctypes.byref(created), ctypes.byref(exited), ctypes.byref(kernel),
        ctypes.byref(user))
    if not ok:
        raise OSError("GetProcessTimes failed")
    return int(created.value)


def _sid_text(sid: Any) -> str:
    import win32security

    return str(win32security.ConvertSidToStringSid(sid))


def _token_of(pid: int) -> tuple[Any, Any]:
    import win32api
    import win32security

    process = win32api.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    return process, win32security.OpenProcessToken(process, win32security.TOKEN_QUERY)


def client_peer(handle: Any, seen: int) -> Peer | None:
    """The connected client's Peer from its process token; None when it cannot be told for sure."""
    import pywintypes
    import win32pipe
    import win32security

    try:
        pid = int(win32pipe.GetNamedPipeClientProcessId(handle))
        process, token = _token_of(pid)
        if pid_reused(_process_created(process), seen):
            return None
        user = win32security.GetTokenInformation(token, win32security.TokenUser)[0]
        groups = win32security.GetTokenInformation(token, win32security.TokenGroups)
        account = None
        with contextlib.suppress(pywintypes.error):
            name, domain, _kind = win32security.LookupAccountSid(None, user)
            account = f"{domain}\\{name}"
        return peer_from_token(_sid_text(user), account, [(_sid_text(s), int(a)) for s, a in groups], pid)
    except (pywintypes.error, OSError):
        return None


def own_sid() -> str:
    import win32api
    import win32security

    token = win32security.OpenProcessToken(win32api.GetCurrentProcess(), win32security.TOKEN_QUERY)
    return _sid_text(win32security.GetTokenInformation(token, win32security.TokenUser)[0])


def group_sid(name: str) -> str:
    """A group's SID from its name (or the SID itself); KeyError when there is no such account."""
    import pywintypes
    import win32security

    if name.upper().startswith("S-1-"):
        return name.upper()
    try:
        return _sid_text(win32security.LookupAccountName(None, name)[0])
    except pywintypes.error:
        raise KeyError(name) from None


class Win32Acceptor:
    """pipe_transport.Acceptor over the pipe ``name``; its first instance is created here (or
    UnsafeEndpoint when someone holds the name)."""

    def __init__(self, name: str) -> None:
        import pywintypes
        import win32event
        import win32security

        self._name = name
        self._sa = win32security.SECURITY_ATTRIBUTES()
        self._sa.SECURITY_DESCRIPTOR = win32security.ConvertStringSecurityDescriptorToSecurityDescriptor(
            pipe_sddl(own_sid()), win32security.SDDL_REVISION_1)
        self._sa.bInheritHandle = False
        self._stop = win32event.CreateEvent(None, True, False, None)
        self._closed = False
        try:
            self._next: Any = self._create(first=True)
        except pywintypes.error as e:
            if e.winerror in (ERROR_ACCESS_DENIED, ERROR_PIPE_BUSY):
                raise UnsafeEndpoint(f"another process already holds the pipe {name}") from None
            raise _os_error(e) from None

    def _create(self, first: bool) -> Any:
        import win32pipe

        mode = SERVER_OPEN_MODE | (FILE_FLAG_FIRST_PIPE_INSTANCE if first else 0)
        kind = PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS
        return win32pipe.CreateNamedPipe(self._name, mode, kind, PIPE_UNLIMITED_INSTANCES, BUFFER, BUFFER, 0,
                                         self._sa)

    def accept(self) -> tuple[Win32Channel, Peer | None] | None:
        import pywintypes
        import win32event
        import win32file
        import win32pipe

        if self._closed:
            return None
        handle, ov = self._next, _overlapped()
        try:
            rc = win32pipe.ConnectNamedPipe(handle, ov)
            if rc == ERROR_IO_PENDING:
                got = win32event.WaitForMultipleObjects([ov.hEvent, self._stop], False, INFINITE)
                if got != WAIT_OBJECT_0:
                    win32file.CancelIo(handle)
                    with contextlib.suppress(pywintypes.error):
                        win32file.GetOverlappedResult(handle, ov, True)
                    return None
                win32file.GetOverlappedResult(handle, ov, False)
            seen = _filetime_now()
            self._next = self._create(first=False)  # before this one is handed over: the name stays ours
        except pywintypes.error as e:  # e.g. the client came and went: a fresh instance, then retry
            self._next = self._create(first=False)
            with contextlib.suppress(pywintypes.error):
                win32file.CloseHandle(handle)
            raise _os_error(e) from None
        channel = Win32Channel(handle, None, SERVER_WRITE_TIMEOUT, server=True)
        return channel, client_peer(handle, seen)

    def stop(self) -> None:
        import win32event

        win32event.SetEvent(self._stop)

    def close(self) -> None:
        import pywintypes
        import win32file

        if self._closed:
            return
        self._closed = True
        self.stop()
        with contextlib.suppress(pywintypes.error):
            win32file.CloseHandle(self._next)


def claim_pipe(name: str) -> PipeEndpoint:
    """Create the first instance of ``name`` (UnsafeEndpoint if anyone holds it)."""
    return PipeEndpoint(name, Win32Acceptor(name))


def open_client(name: str, timeout: float) -> OpenedPipe:
    """Open the pipe as a client (waiting up to ``timeout`` while every instance is busy)."""
    import pywintypes
    import win32file
    import win32pipe

    deadline = time.monotonic() + timeout
    while True:
        try:
            handle = win32file.CreateFile(name, CLIENT_ACCESS, 0, None, win32file.OPEN_EXISTING, CLIENT_FLAGS,
                                          None)
            break
        except pywintypes.error as e:
            left = deadline - time.monotonic()
            if e.winerror == ERROR_PIPE_BUSY and left > 0:
                with contextlib.suppress(pywintypes.error):
                    win32pipe.WaitNamedPipe(name, max(1, int(left * 1000)))
                continue
            if e.winerror == ERROR_FILE_NOT_FOUND:
                raise FileNotFoundError(e.winerror, "no such pipe", name) from None
            if e.winerror == ERROR_ACCESS_DENIED:
                raise PermissionError(e.winerror, e.strerror, name) from None
            raise _os_error(e) from None
    server: str | None = None
    with contextlib.suppress(pywintypes.error, OSError):
        _process, token = _token_of(int(win32pipe.GetNamedPipeServerProcessId(handle)))
        import win32security

        server = _sid_text(win32security.GetTokenInformation(token, win32security.TokenUser)[0])
    return OpenedPipe(Win32Channel(handle, timeout, timeout, server=False), server, own_sid())
