"""Fixtures: an in-process simulator on a free port, its control client, and a connected SDK session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sim_helpers import SdkSession, open_sdk

from risk_manager.sim import SimControl, SimOptions, SimServer


@pytest.fixture
def sim_options() -> SimOptions:
    return SimOptions(port=0, quote_rate=10.0, seed=7)


@pytest.fixture
async def sim(sim_options: SimOptions) -> AsyncIterator[SimServer]:
    async with SimServer(sim_options) as server:
        yield server


@pytest.fixture
async def ctl(sim: SimServer) -> AsyncIterator[SimControl]:
    async with SimControl(sim.base_url) as control:
        yield control


@pytest.fixture
async def sdk(sim: SimServer) -> AsyncIterator[SdkSession]:
    async with open_sdk(sim) as session:
        yield session
