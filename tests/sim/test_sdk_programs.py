"""Unmodified project-x-py programs (no simulator knowledge in them) run against the simulator through
the documented launcher ``python -m risk_manager.sim.sdk_override``, each in its own process, over real
sockets."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from sim_helpers import API_KEY

from risk_manager.sim import SimServer
from risk_manager.sim.sdk_override import urls_for

pytestmark = pytest.mark.e2e
PROGRAMS = Path(__file__).parent / "sdk_programs"


async def run_program(sim: SimServer, name: str) -> dict[str, str]:
    """Run ``sdk_programs/name`` via the launcher; its ``key value`` lines as a dict."""
    env = {**os.environ, "PROJECT_X_USERNAME": "trader", "PROJECT_X_API_KEY": API_KEY,
           "PROJECT_X_ACCOUNT_NAME": "PRAC-1", "NO_PROXY": "127.0.0.1,localhost"}
    for var in ("PROJECTX_API_URL", "PROJECTX_USER_HUB_URL", "PROJECTX_MARKET_HUB_URL"):
        env.pop(var, None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "risk_manager.sim.sdk_override", "--base", sim.base_url, str(PROGRAMS / name),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()[-3000:]
    lines = [ln.split(" ", 1) for ln in out.decode().splitlines() if ln and not ln.startswith("{")]
    return {k: v for k, v in (ln if len(ln) == 2 else (ln[0], "") for ln in lines)}


async def test_plain_client_program_uses_the_simulator(sim: SimServer) -> None:
    got = await run_program(sim, "basic_client.py")
    assert got["base_url"] == sim.api_url  # ProjectX.from_env() without a config, pointed here
    assert got["account"] == "PRAC-1 50000.0 True True"
    assert got["instruments"] == "MGCG7,MGCJ7,MGCM7"
    assert int(got["bars"]) > 50  # a day of 15-minute bars from History/retrieveBars


async def test_trading_suite_program_starts_streams_and_trades(sim: SimServer) -> None:
    got = await run_program(sim, "trading_suite_tour.py")
    # 4.4.1 picks the alphabetically first month (H27 < Z26): its own selection rule, not ours
    assert got["instrument"] == "CON.F.US.MNQ.H27 0.25"
    assert int(got["bars_5min"]) > 100
    assert float(got["price"]) > 0
    assert got["book_levels"] == "5 5"  # GatewayDepth reached the order book
    assert got["contracts"] == "MNQH7,MNQM7,MNQZ6"
    assert (got["bracket_entry"], got["open_orders"], got["cancelled"]) == ("True", "1", "1")
    placed = sim.log.records("Order/place")
    assert placed and placed[-1].body["stopLossBracket"] == {"ticks": -20, "type": 4}


def test_launcher_without_a_program_explains_itself() -> None:
    from risk_manager.sim.sdk_override import main

    assert main([]) == 2
    assert urls_for("http://127.0.0.1:9/")["PROJECTX_MARKET_HUB_URL"] == "http://127.0.0.1:9/hubs/market"
