"""A restart judges what happened while the daemon was down at its own time (issue 12.2, 12.4), end to end
on a paper connection: store, start-up restore, REST reconcile, engine, executor."""

from __future__ import annotations

import asyncio
from pathlib import Path

from daemon_helpers import ES, FAST, MNQ, FaultyPort, PaperStream, config, connector, paper_setup

from risk_manager.broker.paper import PaperBroker
from risk_manager.config import Config
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import RunningDaemon, build_daemon
from risk_manager.domain.enums import OrderType, Side
from risk_manager.store import Store
from support import until


async def daemon(cfg: Config, data: Path, port: FaultyPort, stream: PaperStream) -> RunningDaemon:
    opts = DaemonOptions(data_dir=data, policy=FAST, reconcile_every=60)
    return await build_daemon(cfg, connector(port, stream), opts)


def size(paper: PaperBroker, cid: str) -> int:
    return next((p.size for p in paper.positions(1) if p.contract_id == cid), 0)


async def settle(d: RunningDaemon) -> None:
    await asyncio.sleep(0.1)
    await d.pipeline.idle()
    assert await d.executor.drain(2.0)


def journal(data: Path) -> list[dict[str, object]]:
    with Store.open(data / "risk_manager.db") as store:
        return store.journal_tail(200)


async def test_12_2_a_loss_first_seen_at_restart_after_its_cooldown_ended_closes_nothing(
        tmp_path: Path) -> None:
    cfg = config("  cooldown_after_loss: {enabled: true, tiers: [{loss: -40, cooldown: 1s}]}\n")
    paper, port, stream = paper_setup()
    d1 = await daemon(cfg, tmp_path, port, stream)
    await d1.stop()  # killed; while down: a losing round turn, then (after its cooldown) a new position
    paper.place_order(1, ES, OrderType.MARKET, Side.BUY, 1)
    paper.on_quote(ES, 5997.0, 5997.25, 5997.0)
    paper.place_order(1, ES, OrderType.MARKET, Side.SELL, 1)  # -$162.50 -> a 1 s cooldown
    await asyncio.sleep(1.3)
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    d2 = await daemon(cfg, tmp_path, type(port)(paper), type(stream)(paper))
    try:
        await settle(d2)
        assert size(paper, MNQ) == 1  # left alone
        assert not d2.engine.locks.is_locked("PRAC-1")
    finally:
        await d2.stop()
    recs = journal(tmp_path)
    kinds = [r["type"] for r in recs if r["type"] in ("violation", "lockout", "action")]
    assert kinds == ["violation", "lockout"]


async def test_12_4_the_fill_that_started_a_frequency_cooldown_stays_open_after_a_restart(
        tmp_path: Path) -> None:
    cfg = config("  trade_frequency_limit: {enabled: true, per_minute: 3, cooldown: {per_minute: 60s},"
                 " flatten_on_breach: false}\n")
    paper, port, stream = paper_setup()
    d1 = await daemon(cfg, tmp_path, port, stream)
    try:
        for _ in range(3):
            paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
            await settle(d1)
        assert d1.engine.locks.is_locked("PRAC-1")
        assert size(paper, MNQ) == 3  # the 3rd entry reached the limit: allowed, spared
    finally:
        await d1.stop()
    d2 = await daemon(cfg, tmp_path, type(port)(paper), type(stream)(paper))
    try:
        await settle(d2)
        assert d2.engine.locks.is_locked("PRAC-1")
        assert size(paper, MNQ) == 3  # still spared after the restart
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)  # but more is taken back
        assert await until(lambda: size(paper, MNQ) == 3 and len(paper.trades(1)) == 5)
    finally:
        await d2.stop()
