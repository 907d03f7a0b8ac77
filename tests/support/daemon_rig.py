"""The daemon rig of the end-to-end and local-attacker tests: the simulator on 127.0.0.1 and the daemon on
the real SDK, over real sockets. The fixtures ``sim`` and ``rig`` are shared: a conftest imports them and
says where the daemon's data lives with a ``rig_dir`` fixture of its own."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from risk_manager.config import Config, load_config_text
from risk_manager.daemon.connect import projectx_connector
from risk_manager.daemon.credentials import Credentials
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import RunningDaemon, build_daemon
from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.enforcement.calls import ExecutorPolicy
from risk_manager.sim import SimOptions, SimServer

CREDS = Credentials("e2e-daemon", "e2e-api-key-0123456789", "test")


def config_yaml(sim: SimServer, rules: str, account: str = "PRAC-1") -> str:
    return f"""
accounts: [{{name: {account}}}]
gateway:
  api_url: {sim.api_url}
  user_hub_url: {sim.user_hub_url}
  market_hub_url: {sim.market_hub_url}
schedule:
  session: {{start: "00:01", end: "23:59", days: [mon, tue, wed, thu, fri, sat, sun]}}
  calendar: none
rules:
{rules}"""


def cid(root: str) -> str:
    return catalogue_contract(root).id


class Rig:
    def __init__(self, sim: SimServer, tmp: Path) -> None:
        self.sim = sim
        self.tmp = tmp
        self.records: list[dict[str, Any]] = []
        self.stamps: dict[int, int] = {}  # id(record) -> perf_counter_ns when it was dispatched
        self.daemons: list[RunningDaemon] = []
        self.acct = sim.account_id("PRAC-1")

    def config(self, rules: str) -> Config:
        return load_config_text(config_yaml(self.sim, rules))

    async def start(self, rules: str, data: str = "data",
                    policy: ExecutorPolicy | None = None) -> RunningDaemon:
        cfg = self.config(rules)
        opts = DaemonOptions(data_dir=self.tmp / data)
        if policy is not None:
            opts.policy = policy
        d = await asyncio.wait_for(build_daemon(cfg, projectx_connector(cfg, CREDS), opts,
                                                listeners=[self._on_record]), 20)
        self.daemons.append(d)
        assert d.protected.is_set()
        return d

    def _on_record(self, rec: dict[str, Any]) -> None:
        self.stamps[len(self.records)] = time.perf_counter_ns()
        self.records.append(rec)

    async def stop(self) -> None:
        for d in self.daemons:
            await d.stop()
        self.daemons.clear()

    # ---- the trader and the market (driving the simulator in-process) -------------------------------

    def trade(self, root: str, side: str, size: int) -> int:
        return self.sim.broker.place_order(self.acct, cid(root), OrderType.MARKET,
                                           Side.BUY if side == "buy" else Side.SELL, size)

    def order(self, root: str, side: str, size: int, type: OrderType, price: float) -> int:
        limit = price if type in (OrderType.LIMIT, OrderType.STOP_LIMIT) else None
        stop = price if type in (OrderType.STOP, OrderType.STOP_LIMIT) else None
        return self.sim.broker.place_order(self.acct, cid(root), type,
                                           Side.BUY if side == "buy" else Side.SELL, size, limit, stop)

    def price(self, root: str, bid: float) -> None:
        tick = catalogue_contract(root).tick_size
        self.sim.feed.set_price(cid(root), bid, bid + tick, bid)

    def size(self, root: str) -> int:
        return next((p.size for p in self.sim.broker.positions(self.acct) if p.contract_id == cid(root)), 0)

    def open_orders(self) -> list[int]:
        return [o.id for o in self.sim.broker.open_orders(self.acct)]

    def closing_fills(self, root: str) -> int:
        return sum(1 for t in self.sim.broker.trades(self.acct)
                   if t.contract_id == cid(root) and t.profit_and_loss is not None)

    def requests(self, endpoint: str) -> list[Any]:
        return self.sim.log.records(endpoint)

    def of(self, type_: str, **match: Any) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("type") == type_
                and all(r.get(k) == v for k, v in match.items())]


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    async with SimServer(SimOptions(port=0, accounts=["PRAC-1"], quote_rate=4.0, seed=3)) as server:
        server.feed.walk = False  # prices move only when a test moves them
        yield server


@pytest.fixture
async def rig(sim: SimServer, rig_dir: Path) -> AsyncIterator[Rig]:
    """The daemon rig (every daemon it started is stopped afterwards); data under ``rig_dir``."""
    r = Rig(sim, rig_dir)
    try:
        yield r
    finally:
        await r.stop()
