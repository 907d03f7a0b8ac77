"""The Win32 calls of the control pipe's server side (pywin32, plus ctypes for two FILETIMEs), and nothing
else; NOT run by the test suite (there is no Windows here). Imported on Windows only.

- Every instance is created with the explicit DACL of ``windows_pipe.pipe_sddl`` and
  PIPE_REJECT_REMOTE_CLIENTS, the first with FILE_FLAG_FIRST_PIPE_INSTANCE (someone holding the name = the
  daemon refuses to start, exit 6). The next instance is created before a connected one is handed over,
  so the name never goes free while the daemon runs.
- Identity: GetNamedPipeClientProcessId -> the process token's user SID and groups (peer_from_token); a
  process created after the connection was seen has reused the pid and is not the client (refused).
"""

from __future__ import annotations

import contextlib
import ctypes
from typing import Any

from risk_manager.control.endpoint import UnsafeEndpoint
from risk_manager.control.peer import Peer
from risk_manager.control.pipe_transport import PipeEndpoint
from risk_manager.control.win32_pipe import (
    ERROR_ACCESS_DENIED,
    ERROR_IO_PENDING,
    ERROR_PIPE_BUSY,
    INFINITE,
    WAIT_OBJECT_0,
    Win32Channel,
    os_error,
    overlapped,
    own_sid,
    sid_text,
    token_of,
)
from risk_manager.control.windows_pipe import (
    FILE_FLAG_FIRST_PIPE_INSTANCE,
    PIPE_REJECT_REMOTE_CLIENTS,
    SERVER_OPEN_MODE,
    peer_from_token,
    pid_reused,
    pipe_sddl,
)

PIPE_TYPE_BYTE = PIPE_READMODE_BYTE = PIPE_WAIT = 0
PIPE_UNLIMITED_INSTANCES = 255
BUFFER = 64 * 1024
SERVER_WRITE_TIMEOUT = 10.0  # a client that never reads its answer cannot hold a writer thread for ever


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


def client_peer(handle: Any, seen: int) -> Peer | None:
    """The connected client's Peer from its process token; None when it cannot be told for sure."""
    import pywintypes
    import win32pipe
    import win32security

    try:
        pid = int(win32pipe.GetNamedPipeClientProcessId(handle))
        process, token = token_of(pid)
        if pid_reused(_process_created(process), seen):
            return None
        user = win32security.GetTokenInformation(token, win32security.TokenUser)[0]
        groups = win32security.GetTokenInformation(token, win32security.TokenGroups)
        account = None
        with contextlib.suppress(pywintypes.error):
            name, domain, _kind = win32security.LookupAccountSid(None, user)
            account = f"{domain}\\{name}"
        return peer_from_token(sid_text(user), account, [(sid_text(s), int(a)) for s, a in groups], pid)
    except (pywintypes.error, OSError):
        return None


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
            raise os_error(e) from None

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
        handle, ov = self._next, overlapped()
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
            if self._next is handle:  # (the listening one stays open until its successor exists)
                self._next = self._create(first=False)
            with contextlib.suppress(pywintypes.error):
                win32file.CloseHandle(handle)
            raise os_error(e) from None
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
