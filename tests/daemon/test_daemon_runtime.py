"""The whole daemon on a paper connection: breach -> journal -> broker call -> flat; restart; hub gap."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from daemon_helpers import ES, FAST, MNQ, FaultyPort, PaperStream, config, connector, paper_setup

from risk_manager.broker.paper import PaperBroker
from risk_manager.config import Config
from risk_manager.daemon.lock import DataDirLock
from risk_manager.daemon.options import DaemonOptions, StartupError
from risk_manager.daemon.runtime import RunningDaemon, build_daemon
from risk_manager.domain.enums import OrderType, Side
from risk_manager.rules.max_contracts import MaxContracts
from risk_manager.store import LockoutRecord, Store
from support import until


async def daemon(cfg: Config, data: Path, port: FaultyPort, stream: PaperStream) -> RunningDaemon:
    opts = DaemonOptions(data_dir=data, policy=FAST, reconcile_every=60)
    return await build_daemon(cfg, connector(port, stream), opts)


def types(d: RunningDaemon) -> list[str]:
    d.journal.dispatch(force=True)
    d.writer.flush()
    return [r["type"] for r in d.store.journal_tail(200)]


def size(paper: PaperBroker, cid: str) -> int:
    return next((p.size for p in paper.positions(1) if p.contract_id == cid), 0)


async def test_breach_is_journaled_then_reduced_at_the_broker(tmp_path: Path) -> None:
    paper, port, stream = paper_setup()
    d = await daemon(config("  max_contracts: {enabled: true, limit: 2}\n"), tmp_path, port, stream)
    try:
        assert d.protected.is_set()
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 4)
        assert await until(lambda: size(paper, MNQ) == 2)
        assert await d.executor.drain(2.0)
        assert stream.watched == {MNQ}  # quotes follow the open position
    finally:
        await d.stop()
    with Store.open(tmp_path / "risk_manager.db") as store:
        recs = store.journal_tail(50)
        kinds = [r["type"] for r in recs]
        assert kinds.index("violation") < kinds.index("action") < kinds.index("result")
        action = next(r for r in recs if r["type"] == "action")
        assert (action["action"], action["from"], action["to"]) == ("reduce_position", 4, 2)
        assert store.verify_journal() == (True, None)


async def test_grace_deadline_fires_on_time_through_the_timer_task(tmp_path: Path) -> None:
    paper, port, stream = paper_setup()
    d = await daemon(config("  no_stop_loss_grace: {enabled: true, grace_period_seconds: 0.3}\n"), tmp_path,
                     port, stream)
    try:
        t0 = time.monotonic()
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
        assert await until(lambda: size(paper, MNQ) == 0, within=3.0)
        assert 0.25 <= time.monotonic() - t0 < 2.0
    finally:
        await d.stop()


async def test_lockout_survives_a_restart_and_flattens_what_was_opened_while_down(tmp_path: Path) -> None:
    cfg = config("  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: false}\n")
    paper, port, stream = paper_setup()
    d1 = await daemon(cfg, tmp_path, port, stream)
    paper.place_order(1, ES, OrderType.MARKET, Side.BUY, 1)
    paper.on_quote(ES, 5997.0, 5997.25, 5997.0)
    paper.place_order(1, ES, OrderType.MARKET, Side.SELL, 1)  # realized -162.50: lockout until reset
    assert await until(lambda: d1.engine.locks.is_locked("PRAC-1"))
    await d1.stop()
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 2)  # the daemon is down: nobody stops this
    assert size(paper, MNQ) == 2
    paper2, port2, stream2 = paper, type(port)(paper), type(stream)(paper)
    d2 = await daemon(cfg, tmp_path, port2, stream2)
    try:
        assert await until(lambda: size(paper2, MNQ) == 0)
        await asyncio.sleep(0.05)
        await d2.pipeline.idle()
        broker_pnl = sum(t.profit_and_loss or 0.0 for t in paper2.trades(1))
        assert broker_pnl == pytest.approx(-163.5)  # ES -162.50, then the kill switch's MNQ close -1.00
        assert d2.engine.states[1].realized == pytest.approx(broker_pnl)  # seeded once, not counted twice
        assert d2.engine.locks.is_locked("PRAC-1")
    finally:
        await d2.stop()
    with Store.open(tmp_path / "risk_manager.db") as store:
        recs = store.journal_tail(200)
        assert sum(r["type"] == "violation" and r["rule"] == "daily_realized_loss" for r in recs) == 1
        assert sum(r["type"] == "lockout" for r in recs) == 1


async def test_breach_during_a_hub_gap_is_enforced_right_after_reconnecting(tmp_path: Path) -> None:
    paper, port, stream = paper_setup()
    d = await daemon(config("  max_contracts: {enabled: true, limit: 2}\n"), tmp_path, port, stream)
    try:
        stream.drop()
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 5)
        assert stream.lost and size(paper, MNQ) == 5
        t0 = time.monotonic()
        await stream.restore()
        assert await until(lambda: size(paper, MNQ) == 2)
        assert time.monotonic() - t0 < 5.0
        kinds = types(d)
        assert kinds.index("connection_lost") < kinds.index("connection_restored") < kinds.index("violation")
    finally:
        await d.stop()


async def test_missed_reset_and_lockouts_that_expired_while_down(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with Store.open(tmp_path / "risk_manager.db") as store:
        store.record_reset(date(2020, 1, 2), datetime(2020, 1, 2, 23, tzinfo=UTC))
        store.put_lockout(LockoutRecord("PRAC-1", "trade_frequency_limit", "account", "cooldown",
                                        now - timedelta(minutes=1), "old", now - timedelta(minutes=2)))
    _paper, port, stream = paper_setup()
    d = await daemon(config("  max_contracts: {enabled: true, limit: 2}\n"), tmp_path, port, stream)
    await d.stop()
    with Store.open(tmp_path / "risk_manager.db") as store:
        kinds = [r["type"] for r in store.journal_tail(20)]
        assert "unlock" in kinds and "reset" in kinds
        assert store.active_lockouts() == []


async def test_refuses_to_start_with_a_dead_rule_or_an_unknown_account(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _paper, port, stream = paper_setup(account="OTHER")
    with pytest.raises(StartupError) as e:
        await daemon(config("  max_contracts: {enabled: true, limit: 2}\n"), tmp_path, port, stream)
    assert e.value.code == 5 and "PRAC-1" in str(e.value) and "OTHER" in str(e.value)
    lock = DataDirLock(tmp_path)  # the refused start closed what it had opened: the directory is free
    lock.acquire()
    lock.release()
    monkeypatch.setattr(MaxContracts, "evaluate", lambda self, event, ctx: [])
    with pytest.raises(StartupError) as e:
        await daemon(config("  max_contracts: {enabled: true, limit: 2}\n"), tmp_path / "b", port, stream)
    assert e.value.code == 4 and "max_contracts" in str(e.value)
    await asyncio.sleep(0)
