"""The admin password: an argon2id hash in ``<data dir>/admin.hash`` (mode 0600), checked by the daemon.

The hash file is the whole security boundary against the trader: whoever can rewrite it can set their own
password. So it is written atomically with owner-only permissions, owned by the service's user (the owner
of the data directory) so the service can read it, and a hash file that group or others may write, or
that belongs to anyone but root or the daemon's own user, is refused (on POSIX) rather than trusted.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASH_FILE = "admin.hash"
MIN_LENGTH = 8
_MAX_LENGTH = 1024  # far above any real password; keeps one verification bounded in work
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4)


class PasswordError(ValueError):
    """A password that cannot be set, or a hash file that cannot be trusted."""


def admin_hash_path(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / HASH_FILE


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"the admin password must be at least {MIN_LENGTH} characters")
    if len(password) > _MAX_LENGTH:
        raise PasswordError(f"the admin password must be at most {_MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_new_password(password)
    return _hasher.hash(password)


def write_hash(path: str | os.PathLike[str], password: str, owner: tuple[int, int] | None = None) -> Path:
    """Hash ``password`` and replace the hash file atomically (0600, owned by ``owner`` (uid, gid) when
    given; a missing directory is created 0750)."""
    target = Path(path)
    encoded = hash_password(password)
    target.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".admin-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            os.chmod(tmp, 0o600)  # mkstemp already creates 0600; be explicit for odd umasks/filesystems
            if owner is not None:
                os.fchown(f.fileno(), *owner)
            f.write(encoded + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def read_hash(path: str | os.PathLike[str]) -> str | None:
    """The stored hash; None when no password was set. PasswordError if the file is unsafe or garbled."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        return None
    if sys.platform != "win32" and st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise PasswordError(f"{p} is writable by group or others; refusing to trust it (chmod 600)")
    if sys.platform != "win32" and st.st_uid not in (0, os.geteuid()):
        raise PasswordError(f"{p} belongs to uid {st.st_uid}, not to root or this service; refusing to "
                            "trust it (set the password again)")
    text = p.read_text(encoding="ascii", errors="replace").strip()
    if not text.startswith("$argon2id$"):
        raise PasswordError(f"{p} does not hold an argon2id hash; set the password again")
    return text


def verify_password(encoded: str, password: str) -> bool:
    """True only for the right password. CPU- and memory-heavy (~50 ms): call it off the event loop."""
    if not password or len(password) > _MAX_LENGTH:
        return False
    try:
        return _hasher.verify(encoded, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def set_password(data_dir: str | os.PathLike[str], password: str) -> Path:
    """Write ``<data_dir>/admin.hash``; PasswordError for a password shorter than 8 characters."""
    return write_hash(admin_hash_path(data_dir), password)
