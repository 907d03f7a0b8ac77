"""A small synchronous client of the control API over its local socket (the CLI's; the dashboard uses it
from a thread). One connection per call.

Before a password leaves this process the client makes sure who answers: the socket file and the server
process on the other end (the kernel's peer credentials of the connection that will carry the password)
must belong to a trusted uid (root or the service's user). A look-alike socket set up by the trader gets
nothing. On Windows the endpoint is a named pipe (``\\\\.\\pipe\\RiskManager``): control/pipe_client.py,
where the server process must run as SYSTEM (or as this user).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import sys
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from risk_manager.control.endpoint import (
    UntrustedEndpoint as UntrustedEndpoint,  # re-exported: the client's error
)
from risk_manager.control.endpoint import reachable
from risk_manager.control.windows_pipe import is_pipe_name

if TYPE_CHECKING:
    from risk_manager.control.pipe_opened import Opener

Json = dict[str, Any]


class DaemonUnreachable(ConnectionError):
    """Nothing answers at the control socket: the daemon is not running (NOT MONITORED) or hung."""

    def __init__(self, endpoint: str, reason: str) -> None:
        super().__init__(f"the risk daemon is not reachable at {endpoint} ({reason})")
        self.endpoint = endpoint
        self.reason = reason


class ControlError(RuntimeError):
    """The daemon answered with an error (wrong password, rate-limited, invalid request ...)."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(f"{message} (HTTP {status})")
        self.status, self.message, self.retry_after = status, message, retry_after


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: Path, timeout: float, trusted: Collection[int] | None) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path, self._trusted = path, trusted
        self.server_uid: int | None = None

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            with reachable(self._path) as where:
                sock.connect(where)
            if self._trusted is not None:
                self.server_uid = check_server(sock, self._path, self._trusted)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


def check_server(sock: socket.socket, path: Path, trusted: Collection[int]) -> int:
    """The server's uid if both the socket file's owner and the connected server process are trusted."""
    from risk_manager.control.peer import NoPeerCredentials, peer_of, user_name

    owner = os.lstat(path).st_uid
    if owner not in trusted:
        raise UntrustedEndpoint(f"{path} belongs to {user_name(owner)} (uid {owner}), not to the risk "
                                "manager's service: not sending the admin password")
    try:
        server = peer_of(sock)
    except NoPeerCredentials as e:
        raise UntrustedEndpoint(f"cannot tell who serves {path} ({e}): not sending the admin password") \
            from None
    if server.uid not in trusted:
        raise UntrustedEndpoint(f"{path} is served by {server.describe()}, not by the risk manager's "
                                "service: not sending the admin password")
    return server.uid


class ControlClient:
    """``ControlClient(socket_path)`` (or a pipe name on Windows); ``trusted``: uids allowed to serve the
    endpoint for password calls (default: root and this process's own user; pipes: see pipe_client.py).
    ``pipe_opener`` replaces the Win32 pipe opener (tests)."""

    def __init__(self, endpoint: str | os.PathLike[str], timeout: float = 5.0,
                 trusted: Collection[int] | None = None, pipe_opener: Opener | None = None) -> None:
        text = os.fspath(endpoint)
        self.pipe = text if is_pipe_name(text) else None
        self.path = Path(endpoint)
        self.endpoint = self.pipe or str(self.path)  # what messages name
        self.timeout = timeout
        self.trusted = set(trusted) if trusted is not None else {0, _euid()}
        self._pipe_opener = pipe_opener

    def _connection(self, verify: bool) -> http.client.HTTPConnection:
        if self.pipe is not None:
            from risk_manager.control.pipe_client import PipeConnection

            return PipeConnection(self.pipe, self.timeout, verify, self._pipe_opener)
        return _UnixConnection(self.path, self.timeout, self.trusted if verify else None)

    def close(self) -> None:
        """Nothing stays open between calls."""

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
              body: Json | None = None, verify: bool = False) -> Json:
        conn = self._connection(verify)
        try:
            payload = None if body is None else json.dumps(body).encode()
            headers = {"Content-Type": "application/json"} if body is not None else {}
            conn.request(method, path + (f"?{urlencode(params)}" if params else ""), body=payload,
                         headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
        except UntrustedEndpoint:
            raise
        except TimeoutError:
            raise DaemonUnreachable(self.endpoint, "no answer in time") from None
        except (OSError, http.client.HTTPException) as e:
            raise DaemonUnreachable(self.endpoint, _why(e)) from None
        finally:
            conn.close()
        try:
            data = json.loads(raw)
        except ValueError:
            data = {"error": raw[:200].decode("utf-8", "replace")}
        if resp.status >= 400 or not isinstance(data, dict):
            message = data.get("error", resp.reason) if isinstance(data, dict) else "bad answer"
            retry = resp.headers.get("Retry-After", "")
            raise ControlError(resp.status, str(message), int(retry) if retry.isdigit() else None)
        return data

    def check_endpoint(self) -> int | str:
        """Connect and make sure the service serves this endpoint (UntrustedEndpoint if not; call it before
        asking for a password). Returns the server's uid (a pipe's: the SID its server runs as)."""
        conn = self._connection(verify=True)
        try:
            conn.connect()
        except UntrustedEndpoint:
            raise
        except OSError as e:
            raise DaemonUnreachable(self.endpoint, _why(e)) from None
        finally:
            conn.close()
        server = conn.server_uid if isinstance(conn, _UnixConnection) else getattr(conn, "server_sid", None)
        assert server is not None
        return server

    # ---- trader (no password) -------------------------------------------------------------------
    def health(self) -> Json:
        return self._call("GET", "/v1/health")

    def status(self) -> Json:
        return self._call("GET", "/v1/status")

    def journal(self, n: int = 50, account: str | None = None) -> list[Json]:
        params: dict[str, Any] = {"n": n}
        if account:
            params["account"] = account
        records = self._call("GET", "/v1/journal", params=params).get("records", [])
        return list(records)

    def clock(self, account: str, kind: str) -> Json:
        return self._call("POST", "/v1/trader/clock", body={"account": account, "kind": kind})

    def self_lock(self, duration: str, flatten: bool = False, account: str | None = None) -> Json:
        body: Json = {"duration": duration, "flatten": flatten}
        if account is not None:
            body["account"] = account
        return self._call("POST", "/v1/trader/lock", body=body)

    # ---- admin (the daemon checks the caller's identity and the password) -----------------------
    def _admin(self, path: str, password: str) -> Json:
        return self._call("POST", path, body={"password": password}, verify=True)

    def reload(self, password: str) -> Json:
        return self._admin("/v1/admin/reload", password)

    def stop(self, password: str) -> Json:
        return self._admin("/v1/admin/stop", password)


def _euid() -> int:
    return os.geteuid() if sys.platform != "win32" else 0


def _why(e: BaseException) -> str:
    if isinstance(e, FileNotFoundError):
        return "no socket there"
    if isinstance(e, ConnectionRefusedError):
        return "nothing listens on the socket"
    if isinstance(e, PermissionError):
        return "permission denied"
    return type(e).__name__
