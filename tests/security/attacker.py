"""The local attacker: code run as another (unprivileged) uid in a forked child of the test process.

A fork keeps the interpreter and every module already imported, so the child needs no access to the
interpreter's files (which may sit under a root-only home). The child drops all groups, then its gid and
uid, runs one function and sends back its result (pickled) through a pipe. Everything the child uses must
be imported before the fork: it cannot import anything afterwards.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import pickle
import resource
import select
import socket
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

TRADER = 65534  # "nobody": a throw-away uid with no rights here
CAN_DROP = sys.platform.startswith("linux") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not CAN_DROP, reason="LOCAL-ATTACKER TESTS SKIPPED: they need root on "
                                "Linux (as in CI) to act as another uid")
no_fork_warning = pytest.mark.filterwarnings("ignore:This process.*multi-threaded:DeprecationWarning")


class AttackFailed(AssertionError):
    """The attacker's code raised (its repr is the message)."""


def as_user(fn: Callable[..., Any], *args: Any, uid: int = TRADER, gid: int | None = None,
            groups: tuple[int, ...] = (), timeout: float = 60.0) -> Any:
    """``fn(*args)`` run as ``uid``/``gid`` (supplementary ``groups``, none by default) in a forked child;
    its return value (or AttackFailed).
    Blocking: call it through ``asyncio.to_thread`` while a daemon runs on this process's loop."""
    r, w = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: the child only uses sockets
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.close(r)
            _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            os.setgroups(list(groups))
            os.setgid(uid if gid is None else gid)
            os.setuid(uid)
            out = pickle.dumps(("ok", fn(*args)))
        except BaseException as e:
            out = pickle.dumps(("error", repr(e)))
            code = 1
        view = memoryview(out)
        while view:
            view = view[os.write(w, view):]
        os._exit(code)
    os.close(w)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([r], [], [], 0.5)
            if ready:
                chunk = os.read(r, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        else:
            os.kill(pid, 9)
            raise AttackFailed(f"the attacker did not finish within {timeout} s")
    finally:
        os.close(r)
        os.waitpid(pid, 0)
    kind, value = pickle.loads(b"".join(chunks))
    if kind != "ok":
        raise AttackFailed(value)
    return value


# ---- what the attacker does (all synchronous, stdlib only) ------------------------------------------

class _Unix(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self._path)
        self.sock = s


def request(sock: str, method: str, route: str, body: Any = None, timeout: float = 10.0) -> tuple[int, Any]:
    """One HTTP request over the socket: (status, decoded JSON or text)."""
    conn = _Unix(sock, timeout)
    try:
        payload = None if body is None else json.dumps(body).encode()
        conn.request(method, route, body=payload,
                     headers={"Content-Type": "application/json"} if body is not None else {})
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    try:
        return resp.status, json.loads(raw)
    except ValueError:
        return resp.status, raw.decode("utf-8", "replace")


def many(sock: str, method: str, route: str, body: Any, n: int) -> list[int]:
    return [request(sock, method, route, body)[0] for _ in range(n)]


def hammer(sock: str, seconds: float) -> dict[int, int]:
    """Wrong admin passwords as fast as possible for ``seconds``: {status: count}."""
    seen: dict[int, int] = {}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status = request(sock, "POST", "/v1/admin/stop", {"password": "wrong-guess-123"})[0]
        seen[status] = seen.get(status, 0) + 1
    return seen


def hold_idle(sock: str, n: int, ready_file: str, release_file: str, hold: float) -> dict[str, int]:
    """Open ``n`` connections and keep them open (sending nothing) until ``release_file`` appears."""
    conns: list[socket.socket] = []
    failed = 0
    give_up = time.monotonic() + hold
    while len(conns) < n and time.monotonic() < give_up:  # a full backlog makes connect wait: retry
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5.0)
        try:
            s.connect(sock)
            conns.append(s)
        except OSError:
            failed += 1
            s.close()
    Path(ready_file).write_text(str(len(conns)))
    end = time.monotonic() + hold
    while time.monotonic() < end and not os.path.exists(release_file):
        time.sleep(0.05)
    closed_by_daemon = 0
    for s in conns:
        with contextlib.suppress(OSError):
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    closed_by_daemon += 1
            except BlockingIOError:
                pass
        s.close()
    return {"opened": len(conns), "failed": failed, "closed_by_daemon": closed_by_daemon}


def fake_endpoint(path: str, seconds: float) -> bytes:
    """Squat ``path`` with a socket of our own; return every byte any client sent us."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    os.chmod(path, 0o666)
    srv.listen(8)
    srv.settimeout(0.2)
    got = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            conn, _ = srv.accept()
        except TimeoutError:
            continue
        conn.settimeout(0.5)
        with contextlib.suppress(OSError):
            while chunk := conn.recv(65536):
                got += chunk
                if b"\r\n\r\n" in got:
                    conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17'
                                 b'\r\n\r\n{"stopping":true}')
                    break
        conn.close()
    srv.close()
    return got


def squat(path: str) -> str:
    """Pre-create the endpoint before the daemon starts: a listening socket (kept by the kernel until the
    child exits; the socket file stays)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, 0o666)
    return "bound"


def try_open(path: str) -> str:
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as e:
        return type(e).__name__
    return "read"


def make_dir(path: str) -> str:
    os.mkdir(path, 0o755)
    return "made"
