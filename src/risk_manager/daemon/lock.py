"""One daemon per data directory: an exclusive ``flock`` on ``<data dir>/daemon.lock`` held for the
daemon's lifetime (the kernel drops it when the process dies, even on kill -9). A second daemon on the
same directory refuses to start naming the first one's pid, so two daemons never both enforce."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from risk_manager.daemon.options import EXIT_ENDPOINT, StartupError

LOCK_NAME = "daemon.lock"
DATA_DIR_MODE = 0o751  # others may traverse to reach the socket, not list; every file is 0640 or 0600
FILE_MODE = 0o640


def prepare_data_dir(data: Path) -> None:
    """Create the data directory (0751) or take group/other write off an existing one we own."""
    if sys.platform == "win32":
        data.mkdir(parents=True, exist_ok=True)
        return
    if not data.exists():
        data.mkdir(parents=True)
        os.chmod(data, DATA_DIR_MODE)  # exactly, whatever the umask
        return
    st = os.stat(data)
    if st.st_uid == os.geteuid() and st.st_mode & 0o022:
        os.chmod(data, st.st_mode & 0o7755)


class DataDirLock:
    def __init__(self, data: Path) -> None:
        self.path = data / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise StartupError(EXIT_ENDPOINT) naming the holder's pid."""
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags, FILE_MODE)
        except OSError as e:
            why = f"cannot open the data-directory lock {self.path}: {e}"
            raise StartupError(EXIT_ENDPOINT, why) from None
        if sys.platform == "win32":  # msvcrt.locking on a one-byte range: same meaning, no pid shown
            import msvcrt

            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            except OSError:
                os.close(fd)
                raise StartupError(EXIT_ENDPOINT, f"another risk-manager daemon uses {self.path.parent}") \
                    from None
            self._fd = fd
            return
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StartupError(EXIT_ENDPOINT, f"another risk-manager daemon (pid {holder}) already runs on "
                               f"{self.path.parent}; stop it first (one daemon per data directory)") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        os.fchmod(fd, FILE_MODE)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                os.close(fd)  # closing the descriptor drops the lock
