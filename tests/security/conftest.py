"""Fixtures for the local-attacker tests: directories a dropped uid can reach, and the simulator and daemon
rig of the end-to-end tests (tests/support/daemon_rig.py) with its data there."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.daemon_rig import rig, sim

__all__ = ["rig", "sim"]  # the shared fixtures


@pytest.fixture
def shared() -> Iterator[Path]:
    """A root-owned 0755 directory: other uids may reach what is in it, not change it. (pytest's tmp_path
    is 0700 under a 0700 parent: a dropped uid could not even reach a socket there.)"""
    d = Path(tempfile.mkdtemp(prefix="rm-sec-", dir="/tmp"))
    os.chmod(d, 0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def open_dir(shared: Path) -> Path:
    """A world-writable sticky directory (like /tmp) where the trader can create files."""
    d = shared / "open"
    d.mkdir()
    os.chmod(d, 0o1777)
    return d


@pytest.fixture
def rig_dir(shared: Path) -> Path:
    return shared
