"""Deadlines that fall inside a connection gap (the hubs down, the daemon running): the timer fires them at
their own times while nothing arrives, and at the reconnect the REST reconcile judges the gap's events at
their own times against them (issue 12 residue (c)). Live path: daemon, paper hubs that drop, virtual
clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from daemon_helpers import FAST, MNQ, FaultyPort, PaperStream, config, connector

from risk_manager.broker.paper import PaperBroker
from risk_manager.clock.clock import VirtualClock
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import RunningDaemon, build_daemon
from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.enums import OrderType, Side
from support import until

T0 = datetime(2026, 11, 20, 22, 59, 50, tzinfo=UTC)  # 16:59:50 CT, 10 s before the 17:00 daily reset


async def rig(tmp_path: Path, rules: str) -> tuple[VirtualClock, PaperBroker, PaperStream, RunningDaemon]:
    clock = VirtualClock(T0)
    paper = PaperBroker(ContractBook.builtin(), clock.now)
    paper.add_account("PRAC-1")
    paper.on_quote(MNQ, 21000.0, 21000.25, 21000.0)
    stream = PaperStream(paper)
    opts = DaemonOptions(data_dir=tmp_path, policy=FAST, reconcile_every=60, clock=clock)
    return clock, paper, stream, await build_daemon(config(rules), connector(FaultyPort(paper), stream), opts)


async def at(d: RunningDaemon, clock: VirtualClock, seconds: float) -> None:
    """Move the clock to T0 + ``seconds``; the timer fires what fell due, at its own time (the real one
    wakes when its real sleep ends: that is what a virtual clock cannot do for it)."""
    clock.set(T0 + timedelta(seconds=seconds))
    d.timer.fire_due()
    await asyncio.sleep(0.05)


def lockouts(d: RunningDaemon) -> list[str]:
    d.journal.dispatch(force=True)
    d.writer.flush()
    return [str(r["until"]) for r in d.store.journal_tail(200) if r["type"] == "lockout"]


def size(paper: PaperBroker) -> int:
    return sum(p.size for p in paper.positions(1))


async def test_a_cooldown_that_ends_inside_a_gap_covers_the_gaps_fills_before_its_end_only(
        tmp_path: Path) -> None:
    clock, paper, stream, d = await rig(tmp_path, "  trade_frequency_limit: {enabled: true, per_minute: 3,"
                                            " cooldown: {per_minute: 5s}}\n")
    try:
        eng = d.engine
        for s in range(3):  # the 3rd entry starts a 5 s cooldown (no flatten: its fill is allowed)
            await at(d, clock, s)
            paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
            n = s + 1
            assert await until(lambda: eng.states[1].entries_today == n)  # noqa: B023 (awaited here)
        assert await until(lambda: eng.locks.is_locked("PRAC-1"))
        stream.drop()
        await at(d, clock, 4)
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)  # inside the cooldown, unseen
        await at(d, clock, 7.5)  # the cooldown ends inside the gap: the timer unlocks at its own time
        assert not eng.locks.is_locked("PRAC-1")
        await at(d, clock, 8)
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)  # after it: 5 in the minute, a new one
        await at(d, clock, 9)
        await stream.restore()  # the reconcile judges both at their own times
        assert await until(lambda: eng.locks.is_locked("PRAC-1"))
        # the 4th entry sat out the cooldown of its time (no lockout of its own); the 5th started one at
        # its own time (8 s + 5 s), not at the reconnect's
        assert lockouts(d) == ["2026-11-20T16:59:57-06:00", "2026-11-20T17:00:03-06:00"]
        assert size(paper) == 5  # the cooldown of the 4th is over; the 5th is the allowed fill
    finally:
        await d.stop()


async def test_a_daily_reset_inside_a_gap_splits_the_gaps_trades_between_the_two_days(tmp_path: Path) -> None:
    clock, paper, stream, d = await rig(tmp_path, "  daily_realized_loss: {enabled: true, limit: -100,"
                                            " include_unrealized: false}\n")
    try:
        stream.drop()
        await at(d, clock, 2)
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
        paper.on_quote(MNQ, 20960.0, 20960.25, 20960.0)
        paper.place_order(1, MNQ, OrderType.MARKET, Side.SELL, 1)  # -80.50, the old trading day
        await at(d, clock, 12)  # the 17:00 reset fires inside the gap, at its own time
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
        paper.on_quote(MNQ, 20935.0, 20935.25, 20935.0)
        paper.place_order(1, MNQ, OrderType.MARKET, Side.SELL, 1)  # -50.50, the new trading day
        await at(d, clock, 13)
        await stream.restore()
        st = d.engine.states[1]
        assert round(st.realized, 2) == -50.50  # only the new day's trade counts today: no daily lockout
        assert not d.engine.locks.is_locked("PRAC-1") and lockouts(d) == []
    finally:
        await d.stop()
