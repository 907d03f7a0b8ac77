"""The admin hash file: argon2id, 0600, atomic, refuses short passwords and unsafe files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from risk_manager.control.password import (
    PasswordError,
    admin_hash_path,
    read_hash,
    set_password,
    verify_password,
)
from risk_manager.control.ratelimit import FailureLimiter


def test_set_password_writes_an_owner_only_argon2id_hash(tmp_path: Path) -> None:
    path = set_password(tmp_path / "data", "s3cret-enough")
    assert path == admin_hash_path(tmp_path / "data")
    encoded = read_hash(path)
    assert encoded is not None and encoded.startswith("$argon2id$")
    assert "s3cret" not in path.read_text()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert verify_password(encoded, "s3cret-enough")
    assert not verify_password(encoded, "s3cret-enougH") and not verify_password(encoded, "")
    set_password(tmp_path / "data", "another-one!")  # replaced atomically, no temp files left behind
    assert os.listdir(tmp_path / "data") == ["admin.hash"]
    new = read_hash(path)
    assert new is not None and verify_password(new, "another-one!")
    assert not verify_password(new, "s3cret-enough")


def test_short_passwords_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(PasswordError, match="at least 8"):
        set_password(tmp_path, "short7!")
    assert read_hash(admin_hash_path(tmp_path)) is None


def test_garbled_or_group_writable_hash_files_are_not_trusted(tmp_path: Path) -> None:
    path = admin_hash_path(tmp_path)
    path.write_text("password123\n")
    os.chmod(path, 0o600)
    with pytest.raises(PasswordError, match="argon2id"):
        read_hash(path)
    if os.name == "posix":
        set_password(tmp_path, "good-password")
        os.chmod(path, 0o620)
        with pytest.raises(PasswordError, match="writable by group or others"):
            read_hash(path)


def test_failure_limiter_window_and_success_reset() -> None:
    now = [0.0]
    lim = FailureLimiter(3, 60.0, lambda: now[0])
    for _ in range(3):
        assert lim.retry_after("a") is None
        lim.failure("a")
        now[0] += 1
    assert lim.retry_after("a") == 57 and lim.retry_after("b") is None  # per client
    now[0] = 60.5  # the first failure left the window
    assert lim.retry_after("a") is None
    lim.failure("a")
    assert lim.retry_after("a") is not None
    lim.success("a")
    assert lim.retry_after("a") is None
