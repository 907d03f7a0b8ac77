"""Account guardrails (SPEC §7b) end to end: the real SDK, the simulator, the daemon over sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from risk_manager.config import load_config_text
from risk_manager.control.client import ControlClient
from risk_manager.daemon.connect import projectx_connector
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import build_daemon
from risk_manager.domain.enums import OrderType, Side
from risk_manager.sim import SimOptions, SimServer
from support import until
from support.daemon_rig import CREDS, Rig, cid, config_yaml

pytestmark = pytest.mark.e2e


@pytest.fixture
async def two() -> AsyncIterator[SimServer]:
    async with SimServer(SimOptions(port=0, accounts=["PRAC-1", "PRAC-2"], quote_rate=4.0, seed=3)) as s:
        s.feed.walk = False
        yield s


async def test_each_account_is_held_to_its_own_rules(two: SimServer, tmp_path: Path) -> None:
    text = config_yaml(two, "  max_contracts: {enabled: true, limit: 5}\n").replace(
        "accounts: [{name: PRAC-1}]",
        "accounts: [{name: PRAC-1, rules: {max_contracts: {limit: 2}}}, {name: PRAC-2}]")
    cfg = load_config_text(text)
    records: list[dict[str, object]] = []
    opts = DaemonOptions(data_dir=tmp_path / "d")
    d = await asyncio.wait_for(build_daemon(cfg, projectx_connector(cfg, CREDS), opts,
                                            listeners=[records.append]), 20)
    try:
        a1, a2 = two.account_id("PRAC-1"), two.account_id("PRAC-2")
        for acct in (a1, a2):
            two.broker.place_order(acct, cid("MNQ"), OrderType.MARKET, Side.BUY, 4)

        def size(acct: int) -> int:
            return next((p.size for p in two.broker.positions(acct) if p.contract_id == cid("MNQ")), 0)

        assert await until(lambda: size(a1) == 2)
        await asyncio.sleep(0.5)  # give a wrong action on PRAC-2 every chance to happen
        assert size(a2) == 4
        acts = [r for r in records if r.get("type") == "action"]
        assert [(r["account"], r["to"]) for r in acts] == [("PRAC-1", 2)]
    finally:
        await d.stop()


async def test_mll_floor_plus_buffer_flattens_and_the_sim_balance_moves_with_pnl_and_fees(rig: Rig) -> None:
    rig.sim.broker.set_fees(rig.acct, 2.0)
    d = await rig.start("  max_loss_limit: {enabled: true, starting_balance: 50000, drawdown: 2000, "
                        "buffer: 1850}\n")  # the line: 48,000 + 1,850 = 49,850
    rig.price("ES", 6000.0)
    rig.trade("ES", "buy", 1)  # in at 6000.25, $2 fee: balance 49,998
    assert await until(lambda: rig.size("ES") == 1)
    assert rig.sim.broker.account(rig.acct).balance == 49_998.0
    rig.price("ES", 5997.0)  # -162.50 unrealized: 49,835.50 <= 49,850
    assert await until(lambda: rig.size("ES") == 0)
    assert await until(lambda: bool(rig.of("action", rule="max_loss_limit")))
    (v,) = rig.of("violation", rule="max_loss_limit")
    assert "floor 48,000.00 + buffer 1,850.00" in str(v["message"])
    assert rig.of("lockout", rule="max_loss_limit")[0]["kind"] == "hard"
    # the flatten sold at the bid 5997.00: -162.50 realized, another $2 fee
    assert await until(lambda: rig.sim.broker.account(rig.acct).balance == 49_998.0 - 162.5 - 2.0)
    assert d.engine is not None
    st = next(iter(d.engine.states.values()))
    assert await until(lambda: st.balance == rig.sim.broker.account(rig.acct).balance)


async def test_self_lock_through_the_control_api_flattens_and_holds(rig: Rig) -> None:
    d = await rig.start("  max_contracts: {enabled: true, limit: 5}\n")
    assert d.control is not None
    rig.price("MNQ", 21000.0)
    rig.trade("MNQ", "buy", 2)
    assert await until(lambda: rig.size("MNQ") == 2)

    def lock(duration: str, flatten: bool) -> dict[str, object]:
        assert d.control is not None
        with ControlClient(d.control.endpoint) as client:
            return client.self_lock(duration, flatten)

    answer = await asyncio.to_thread(lock, "30m", True)
    assert answer["locks"][0]["rule"] == "self_lockout"  # type: ignore[index]
    assert await until(lambda: rig.size("MNQ") == 0)
    shorter = await asyncio.to_thread(lock, "5m", False)
    assert shorter["locks"][0]["extended"] is False  # type: ignore[index]
    assert len(rig.of("lockout", rule="self_lockout")) == 1
    rig.trade("MNQ", "buy", 1)  # the kill switch holds it
    assert await until(lambda: rig.closing_fills("MNQ") == 2 and rig.size("MNQ") == 0)
    assert d.store is not None and [r.rule for r in d.store.active_lockouts()] == ["self_lockout"]
