"""Exactly once when a request's fate is unknown (issue 12.1): a close or partial close the gateway answers
and applies late is never doubled by a re-sent one, and never meets a position opened after its lockout.
The paper port's "late" fault applies the request after ``hang`` seconds whatever the caller does."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from daemon_helpers import ES, FAST, MNQ, config, connector, paper_setup

from risk_manager.broker.paper import PaperBroker
from risk_manager.clock.clock import SystemClock
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import RunningDaemon, build_daemon
from risk_manager.domain.enums import OrderType, Side
from risk_manager.enforcement.calls import ExecutorPolicy
from risk_manager.enforcement.live_executor import LiveExecutor
from risk_manager.engine.actions import ClosePosition, ReducePosition
from risk_manager.engine.records import ListJournal, RecordMaker
from support import until

QUICK = ExecutorPolicy(mutation_timeout=0.05, read_timeout=0.5, backoff=(0.02, 0.02, 0.05),
                       verify_delays=(0.0, 0.01), slow_interval=0.1)


class Sleeps:
    """An injected sleeper: records every backoff delay and only yields to the loop (no real waiting)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def executor(port: Any, journal: ListJournal, *, locked: bool, sleep: Sleeps | None = None,
             policy: ExecutorPolicy = QUICK) -> LiveExecutor:
    make = RecordMaker(ZoneInfo("America/Chicago"))
    return LiveExecutor(port, lambda *_: None, journal, make, SystemClock(), lambda _: None, policy=policy,
                        locked=lambda _: locked, sleep=sleep or Sleeps())


def size(paper: PaperBroker, cid: str) -> int:
    return next((p.size for p in paper.positions(1) if p.contract_id == cid), 0)


def late_answers(journal: ListJournal) -> list[dict[str, Any]]:
    return [r for r in journal.records if r["type"] == "result" and r.get("late")]


async def test_a_partial_close_answered_late_is_waited_for_and_never_over_reduces() -> None:
    # 6 MNQ with max_contracts 4: the partial close of 2 gets no answer in time but lands later
    paper, port, _ = paper_setup(["late"], hang=0.3)
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 6)
    journal = ListJournal()
    ex = executor(port, journal, locked=False)
    ex.submit([ReducePosition("max_contracts", 1, MNQ, "MNQ", 6, 4)])
    assert await ex.drain(3.0)
    await asyncio.sleep(0.35)  # past the late answer on any schedule
    assert size(paper, MNQ) == 4  # not 2: nothing was sized as if the unanswered request did not exist
    assert port.calls == ["partial"]
    assert [r["ok"] for r in late_answers(journal)] == [True]


async def test_a_close_under_a_lockout_is_re_sent_at_once_and_reported_unanswered_until_answered() -> None:
    paper, port, _ = paper_setup(["late"], hang=0.4)
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 2)
    journal = ListJournal()
    ex = executor(port, journal, locked=True)
    ex.submit([ClosePosition("cooldown_after_loss", 1, MNQ, "MNQ", 2)])
    assert await ex.drain(3.0)
    assert size(paper, MNQ) == 0 and port.calls == ["close", "close"]  # flat long before the late answer
    assert ex.closing(1)  # the daemon holds the lockout while this is true
    assert await until(lambda: not ex.closing(1), within=2.0)
    late = late_answers(journal)
    assert len(late) == 1 and not late[0]["ok"] and late[0]["error"].startswith("position not found")


async def test_backoff_goes_through_the_injected_sleeper() -> None:
    paper, port, _ = paper_setup(["500", "500", "500"])
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    sleeps = Sleeps()
    ex = executor(port, ListJournal(), locked=True, sleep=sleeps,
                  policy=replace(QUICK, backoff=(7.0, 8.0, 9.0), verify_delays=(0.0, 6.0)))
    ex.submit([ClosePosition("r", 1, MNQ, "MNQ", 1)])
    assert await ex.drain(2.0)  # would take 24 s of real sleeping
    assert size(paper, MNQ) == 0
    assert sleeps.delays == [7.0, 8.0, 9.0]  # the 4th send was accepted and verified on the first re-read


async def test_a_late_close_cannot_close_a_position_opened_after_its_lockout_ended(tmp_path: Path) -> None:
    # A loss starts a 1 s cooldown and a flatten; the flatten's close of ES is applied only after 1.5 s. The
    # re-sent close flattens at once; the cooldown's end is held until the late close is answered, so the
    # trader's next position (opened after the unlock) is never met by it.
    paper, port, stream = paper_setup(["late"], hang=1.5)
    rules = ("  cooldown_after_loss: {enabled: true, flatten_on_breach: true,"
             " tiers: [{loss: -10, cooldown: 1s}]}\n")
    opts = DaemonOptions(data_dir=tmp_path, policy=replace(FAST, mutation_timeout=0.1), reconcile_every=60)
    d = await build_daemon(config(rules), connector(port, stream), opts)
    try:
        paper.place_order(1, ES, OrderType.MARKET, Side.BUY, 1)
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
        assert await until(lambda: stream.watched == {ES, MNQ})
        port.faults = ["late"]
        paper.on_quote(MNQ, 20980.0, 20980.25, 20980.0)
        paper.place_order(1, MNQ, OrderType.MARKET, Side.SELL, 1)  # -$40.50: cooldown 1 s, flatten ES
        assert await until(lambda: size(paper, ES) == 0, within=1.0)  # the re-sent close, not the late one
        assert await until(lambda: any(r["type"] == "unlock" for r in records(d)), within=4.0)
        paper.place_order(1, ES, OrderType.MARKET, Side.BUY, 1)  # allowed again: a new position
        await asyncio.sleep(0.6)  # past the late close's answer on any schedule
        assert size(paper, ES) == 1
        assert not d.executor.closing(1)  # answered before the unlock
        held = [r for r in records(d) if r["type"] == "alert" and "held" in r["message"]]
        assert len(held) == 1
    finally:
        await d.stop()


def records(d: RunningDaemon) -> list[dict[str, Any]]:
    d.journal.dispatch(force=True)
    d.writer.flush()
    return d.store.journal_tail(200)
