"""An account's event is judged inside the hub callback when nothing of that account waits; otherwise it
queues behind what does (a snapshot being read, an event being judged), so order holds either way."""

from __future__ import annotations

from datetime import UTC, datetime

from risk_manager.clock.clock import SystemClock
from risk_manager.config import load_config_text
from risk_manager.daemon.health import Health
from risk_manager.daemon.journal import DaemonJournal
from risk_manager.daemon.pipeline import Pipeline
from risk_manager.domain.contracts import Contract, catalogue_contract
from risk_manager.domain.enums import PositionType
from risk_manager.domain.events import Event, PositionEvent
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
MNQ = catalogue_contract("MNQ").id
CONFIG = "accounts: [{name: PRAC-1}]\nrules:\n  max_contracts: {enabled: true, limit: 1}\n"


class Executor:
    def __init__(self) -> None:
        self.actions: list[object] = []
        self.during: list[object] = []  # what happened while submit ran (the paper broker's own events)
        self.pipeline: Pipeline | None = None

    def submit(self, actions: list[object]) -> None:
        self.actions += actions
        if self.pipeline is not None:  # like a paper broker: the close's position update comes at once
            self.pipeline.on_event(PositionEvent(T0, 1, MNQ, PositionType.LONG, 1, 21000.0))
            self.during.append(self.pipeline.queues[1].qsize())


async def lookup(cid: str) -> Contract:
    return catalogue_contract("MNQ")


def rig() -> tuple[Pipeline, Executor, list[Event]]:
    eng = build_engine(load_config_text(CONFIG), ListJournal())
    eng.start(T0)
    eng.add_account(1, "PRAC-1")
    executor, journal = Executor(), DaemonJournal(None)
    pipeline = Pipeline(eng, executor, journal, None, SystemClock(),  # type: ignore[arg-type]
                        lookup, lambda: None, lambda: None,
                        Health(journal, eng.make, SystemClock().now), lambda why: None)
    pipeline.add_account(1)
    judged: list[Event] = []
    process = pipeline.process
    pipeline.process = lambda e, late=False: (judged.append(e), process(e, late=late))[1]  # type: ignore[method-assign]
    return pipeline, executor, judged


async def test_an_idle_accounts_event_is_judged_before_on_event_returns() -> None:
    pipeline, executor, judged = rig()
    pipeline.start()
    try:
        pipeline.on_event(PositionEvent(T0, 1, MNQ, PositionType.LONG, 3, 21000.0))
        assert len(judged) == 1 and len(executor.actions) == 1  # decided and submitted, no loop turn
    finally:
        await pipeline.stop()


async def test_before_start_and_behind_a_hold_events_queue_in_order() -> None:
    pipeline, executor, judged = rig()
    pipeline.on_event(PositionEvent(T0, 1, MNQ, PositionType.LONG, 1, 21000.0))
    assert judged == [] and pipeline.queues[1].qsize() == 1  # not live yet: the start-up snapshot goes first
    pipeline.start()
    try:
        await pipeline.idle()
        assert len(judged) == 1
        pipeline.hold(1)  # a snapshot is being read
        pipeline.on_event(PositionEvent(T0, 1, MNQ, PositionType.LONG, 3, 21000.0))
        assert len(judged) == 1  # waits behind the snapshot
        await pipeline.feed(1, [])
        await pipeline.idle()
        assert len(judged) == 2 and len(executor.actions) == 1
    finally:
        await pipeline.stop()


async def test_an_event_emitted_while_one_is_judged_is_queued_not_nested() -> None:
    pipeline, executor, judged = rig()
    executor.pipeline = pipeline
    pipeline.start()
    try:
        pipeline.on_event(PositionEvent(T0, 1, MNQ, PositionType.LONG, 3, 21000.0))
        assert executor.during == [1] and len(judged) == 1  # the close's update waited in the queue
        await pipeline.idle()
        assert len(judged) == 2
    finally:
        await pipeline.stop()
