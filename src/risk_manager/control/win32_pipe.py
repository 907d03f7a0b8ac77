"""The Win32 calls of the control pipe (pywin32, plus ctypes for two FILETIMEs), and nothing else.

What to do is decided in plain, tested Python (windows_pipe.py: names, DACL, token -> Peer, server check;
pipe_transport.py / pipe_client.py: the byte streams). This module only carries it out, and it is NOT run
by the test suite: there is no Windows here. It is imported on Windows only (pywin32 is a dependency
there); every pywin32 import is inside a function.

- The channel: an overlapped handle, so a read and a write may wait at the same time on one handle.
- The server (creating the pipe, accepting, the client's token): win32_pipe_server.py.
- Client: opened at SECURITY_IDENTIFICATION (a fake server cannot act as the admin), then the SID of the
  process serving the pipe (GetNamedPipeServerProcessId) for pipe_client's trust check.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from risk_manager.control.pipe_opened import OpenedPipe
from risk_manager.control.windows_pipe import CLIENT_ACCESS, CLIENT_FLAGS

INFINITE, WAIT_OBJECT_0, WAIT_TIMEOUT = 0xFFFFFFFF, 0, 0x102
ERROR_FILE_NOT_FOUND, ERROR_ACCESS_DENIED, ERROR_PIPE_BUSY = 2, 5, 231
ERROR_BROKEN_PIPE, ERROR_NO_DATA, ERROR_PIPE_NOT_CONNECTED = 109, 232, 233
ERROR_PIPE_CONNECTED, ERROR_OPERATION_ABORTED, ERROR_IO_PENDING = 535, 995, 997
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
_GONE = (ERROR_BROKEN_PIPE, ERROR_NO_DATA, ERROR_PIPE_NOT_CONNECTED, ERROR_OPERATION_ABORTED)


def overlapped() -> Any:
    import pywintypes
    import win32event

    ov = pywintypes.OVERLAPPED()
    ov.hEvent = win32event.CreateEvent(None, True, False, None)
    return ov


def os_error(e: Any) -> OSError:
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

        ov = overlapped()
        buf = win32file.AllocateReadBuffer(size)
        try:
            win32file.ReadFile(self._h, buf, ov)
            n = self._wait(ov, self._read_ms)
        except pywintypes.error as e:
            if e.winerror in _GONE:
                return b""
            raise os_error(e) from None
        except ConnectionAbortedError:
            return b""
        return bytes(buf[:n])

    def write(self, data: bytes) -> None:
        import pywintypes
        import win32file

        view = memoryview(data)
        while view:
            ov, chunk = overlapped(), bytes(view)  # ``chunk`` stays alive until the write completes
            try:
                win32file.WriteFile(self._h, chunk, ov)
                n = self._wait(ov, self._write_ms)
            except pywintypes.error as e:
                raise os_error(e) from None
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


def sid_text(sid: Any) -> str:
    import win32security

    return str(win32security.ConvertSidToStringSid(sid))


def token_of(pid: int) -> tuple[Any, Any]:
    import win32api
    import win32security

    process = win32api.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    return process, win32security.OpenProcessToken(process, win32security.TOKEN_QUERY)


def own_sid() -> str:
    import win32api
    import win32security

    token = win32security.OpenProcessToken(win32api.GetCurrentProcess(), win32security.TOKEN_QUERY)
    return sid_text(win32security.GetTokenInformation(token, win32security.TokenUser)[0])


def group_sid(name: str) -> str:
    """A group's SID from its name (or the SID itself); KeyError when there is no such account."""
    import pywintypes
    import win32security

    if name.upper().startswith("S-1-"):
        return name.upper()
    try:
        return sid_text(win32security.LookupAccountName(None, name)[0])
    except pywintypes.error:
        raise KeyError(name) from None


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
            raise os_error(e) from None
    server: str | None = None
    with contextlib.suppress(pywintypes.error, OSError):
        _process, token = token_of(int(win32pipe.GetNamedPipeServerProcessId(handle)))
        import win32security

        server = sid_text(win32security.GetTokenInformation(token, win32security.TokenUser)[0])
    return OpenedPipe(Win32Channel(handle, timeout, timeout, server=False), server, own_sid())
