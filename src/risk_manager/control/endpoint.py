"""The control endpoint's socket file: where it lives, and owning it safely (SPEC §11).

The socket sits in a directory only the daemon's user (or root) can write: ``$RUNTIME_DIRECTORY`` under
systemd (``/run/risk-manager``), else the data directory. Nobody else can then create, replace or squat
the path. The socket itself is 0666: any local user may *connect* (the trader reads status through it);
what each peer may *do* is decided per request from its kernel-given uid (control/peer.py).

AF_UNIX paths are limited to ~107 bytes; a longer one is reached through ``/proc/self/fd/N/`` of its
directory opened first (Linux), which also pins the directory that was checked.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SOCKET_NAME = "control.sock"
SOCKET_MODE = 0o666  # connect needs write permission; identity is checked per request
_MAX_PATH = 100


class UntrustedEndpoint(ConnectionError):
    """The endpoint is not the service's: the password is not sent."""


class UnsafeEndpoint(OSError):
    """The endpoint path cannot be owned safely (foreign owner, writable by others, someone serving it)."""


def default_socket(data_dir: Path) -> Path:
    """``$RUNTIME_DIRECTORY/control.sock`` under systemd, else ``<data dir>/control.sock``."""
    runtime = os.environ.get("RUNTIME_DIRECTORY")
    base = Path(runtime.split(":")[0]) if runtime else data_dir
    return base / SOCKET_NAME


def _mode_problem(path: Path, st: os.stat_result, trusted: set[int], *, ancestor: bool) -> str | None:
    if st.st_uid not in trusted:
        return f"{path} is owned by uid {st.st_uid}, not by this service"
    writable = st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if writable and not (ancestor and st.st_mode & stat.S_ISVTX):
        return f"{path} is writable by group or others (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def check_directory(directory: Path, uid: int | None = None) -> None:
    """UnsafeEndpoint unless ``directory`` is a real directory owned by ``uid`` (default: ours) or root,
    writable by nobody else, and every ancestor is owned by root or us and not writable by others (a
    sticky ancestor such as /tmp is fine: nobody can rename what we own in it)."""
    me = os.geteuid() if uid is None else uid
    trusted = {0, me}
    try:
        st = os.lstat(directory)
    except FileNotFoundError:
        raise UnsafeEndpoint(f"{directory} does not exist") from None
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeEndpoint(f"{directory} is not a directory (a symlink or a file)")
    problem = _mode_problem(directory, st, trusted, ancestor=False)
    for parent in Path(os.path.abspath(directory)).parents:
        if problem:
            break
        problem = _mode_problem(parent, os.stat(parent), trusted, ancestor=True)
    if problem:
        raise UnsafeEndpoint(problem)


@contextlib.contextmanager
def reachable(path: Path) -> Iterator[str]:
    """A path string for bind()/connect() that fits AF_UNIX (via the directory's fd when too long)."""
    text = str(path)
    if len(text.encode()) <= _MAX_PATH or not sys.platform.startswith("linux"):
        yield text
        return
    fd = os.open(path.parent, os.O_PATH | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{fd}/{path.name}"
    finally:
        os.close(fd)


def _someone_serves(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe, reachable(path) as where:
        probe.settimeout(1.0)
        try:
            probe.connect(where)
        except OSError:
            return False
        return True


@dataclass(frozen=True, slots=True)
class BoundSocket:
    sock: socket.socket
    path: Path
    inode: int  # of the socket file, so only our own file is ever removed

    def remove(self) -> None:
        """Unlink the socket file if it is still the one bound here."""
        with contextlib.suppress(OSError):
            if os.lstat(self.path).st_ino == self.inode:
                self.path.unlink()

    def release(self) -> None:
        """Close and remove a socket claimed but never served."""
        self.sock.close()
        self.remove()


def bind_socket(path: Path, backlog: int = 128) -> BoundSocket:
    """Create the directory if missing (0755: the trader may reach the socket, not write there), check it,
    clear a stale socket of ours, then bind and listen. UnsafeEndpoint when any of that is not ours."""
    path = Path(os.path.abspath(path))
    directory = path.parent
    if not directory.exists():
        directory.mkdir(parents=True)
        os.chmod(directory, 0o755)  # exactly, whatever the umask (`run` sets 027): others must reach it
    check_directory(directory)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        pass
    else:
        if not stat.S_ISSOCK(st.st_mode) or st.st_uid not in {0, os.geteuid()}:
            raise UnsafeEndpoint(f"{path} exists and is not this service's socket (owner uid {st.st_uid})")
        if _someone_serves(path):
            raise UnsafeEndpoint(f"another process already serves {path}")
        path.unlink()  # stale: left by a daemon that was killed (we hold the data-directory lock)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with reachable(path) as where:
            sock.bind(where)
        os.chmod(path, SOCKET_MODE)
        inode = os.lstat(path).st_ino
        sock.listen(backlog)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return BoundSocket(sock, path, inode)
