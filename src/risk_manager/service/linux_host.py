"""The Linux host seam: the few machine operations the installer needs, real by default, fake in tests."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

from risk_manager.service.runner import Runner, run_command


def _geteuid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1


def _exists(path: PurePath) -> bool:
    return Path(path).exists()


def write_root_file(path: PurePath, text: str, mode: int) -> None:
    """Atomically write a root-owned file with ``mode`` from the first byte (never briefly world-readable)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
    try:
        os.fchown(fd, 0, 0)
        os.fchmod(fd, mode)
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)


def secure_root_file(path: PurePath) -> None:
    """chown root:root, chmod 0600 — without ever reading the content."""
    os.chown(path, 0, 0, follow_symlinks=False)
    os.chmod(path, 0o600, follow_symlinks=False)


def _remove(path: PurePath) -> None:
    Path(path).unlink(missing_ok=True)


@dataclass(slots=True)
class LinuxHost:
    run: Runner = run_command
    geteuid: Callable[[], int] = _geteuid
    exists: Callable[[PurePath], bool] = _exists
    write_file: Callable[[PurePath, str, int], None] = write_root_file
    secure_file: Callable[[PurePath], None] = secure_root_file
    remove_file: Callable[[PurePath], None] = _remove
    out: Callable[[str], None] = print
    stat: Callable[[PurePath], os.stat_result] = os.stat  # read-only look at config / interpreter


def access_warnings(host: LinuxHost, config: PurePath, python: str, user: str) -> list[str]:
    """Things that would make the service fail or let the trader change its rules; not fatal."""
    out: list[str] = []
    try:
        st = host.stat(config)
    except OSError:
        return out
    if st.st_uid != 0 or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        out.append(f"{config} can be changed by a non-root account (owner uid {st.st_uid}, mode "
                   f"{stat.S_IMODE(st.st_mode):o}): whoever can edit it changes the rules at the next "
                   "restart. Keep it root-owned, e.g. in /etc/risk-manager/.")
    for what, path in (("config", config), ("Python interpreter", PurePath(python))):
        blocked = _unreadable_by_others(host, path)
        if blocked is not None:
            out.append(f"the service user {user} probably cannot reach the {what} {path} ({blocked} is "
                       "not readable by others); install under /opt or /usr/local and keep the config in "
                       "/etc/risk-manager/.")
    return out


def _unreadable_by_others(host: LinuxHost, path: PurePath) -> PurePath | None:
    try:
        if not host.stat(path).st_mode & stat.S_IROTH:
            return path
        for parent in path.parents:
            if not host.stat(parent).st_mode & stat.S_IXOTH:
                return parent
    except OSError:
        return None
    return None
