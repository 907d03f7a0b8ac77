"""Fixtures for the end-to-end tests: a simulator per test and the daemon rig (stopped afterwards)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from e2e_helpers import Rig

from risk_manager.sim import SimOptions, SimServer


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimOptions(port=0, accounts=["PRAC-1"], quote_rate=4.0, seed=3)) as server:
        server.feed.walk = False  # prices move only when a test moves them
        yield server


@pytest.fixture
async def rig(sim: SimServer, tmp_path: Path) -> AsyncIterator[Rig]:
    r = Rig(sim, tmp_path)
    try:
        yield r
    finally:
        await r.stop()
