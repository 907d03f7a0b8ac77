"""Fixtures for the local-attacker tests: directories a dropped uid can reach, the simulator rig."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
for shared in ("control", "e2e"):  # reuse the control fakes and the end-to-end rig as they are
    if str(HERE.parent / shared) not in sys.path:
        sys.path.insert(0, str(HERE.parent / shared))

from e2e_helpers import Rig  # noqa: E402

from risk_manager.sim import SimOptions, SimServer  # noqa: E402


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
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimOptions(port=0, accounts=["PRAC-1"], quote_rate=4.0, seed=3)) as server:
        server.feed.walk = False
        yield server


@pytest.fixture
async def rig(sim: SimServer, shared: Path) -> AsyncIterator[Rig]:
    r = Rig(sim, shared)
    try:
        yield r
    finally:
        await r.stop()
