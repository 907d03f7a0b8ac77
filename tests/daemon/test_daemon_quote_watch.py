"""Quote subscriptions follow open positions; an unsubscribed contract's frozen quote is forgotten."""

import asyncio
from datetime import UTC, datetime

from risk_manager.clock.clock import SystemClock
from risk_manager.config import load_config_text
from risk_manager.daemon.health import Health
from risk_manager.daemon.journal import DaemonJournal
from risk_manager.daemon.linkstate import QuoteWatch
from risk_manager.daemon.pipeline import Pipeline
from risk_manager.domain.contracts import Contract, catalogue_contract
from risk_manager.domain.enums import PositionType
from risk_manager.domain.events import PositionEvent, QuoteEvent
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
MNQ = catalogue_contract("MNQ").id
CONFIG = "accounts: [{name: PRAC-1}]\nrules:\n  daily_unrealized_loss: {enabled: true, limit: -100}\n"


class RecordingStream:
    def __init__(self) -> None:
        self.watched: list[set[str]] = []

    async def watch_contracts(self, contract_ids: set[str]) -> None:
        self.watched.append(set(contract_ids))


async def settle(watch: QuoteWatch) -> None:
    for _ in range(20):  # bounded: the sync task needs a few loop turns
        await asyncio.sleep(0)
        if watch._task is None or watch._task.done():
            return


async def test_flat_contract_is_unwatched_and_its_stale_quote_cannot_value_a_new_position() -> None:
    eng = build_engine(load_config_text(CONFIG), ListJournal())
    eng.start(T0)
    st = eng.add_account(1, "PRAC-1")
    stream = RecordingStream()
    watch = QuoteWatch(eng, lambda: stream)  # type: ignore[arg-type, return-value]
    eng.handle(PositionEvent(T0, 1, MNQ, PositionType.LONG, 1, 21000.0))
    watch.changed()
    await settle(watch)
    eng.handle(QuoteEvent(T0, MNQ, 21000.0, 21000.25, None))
    eng.handle(PositionEvent(T0, 1, MNQ, PositionType.UNDEFINED, 0, 0.0))
    watch.changed()
    await settle(watch)
    assert stream.watched == [{MNQ}, set()]
    assert MNQ not in st.quotes
    # reopened an hour later far from the old price: no close decided on the frozen quote
    actions = eng.handle(PositionEvent(T0, 1, MNQ, PositionType.LONG, 1, 20500.0))
    assert actions == [] and st.positions[MNQ].unrealized is None


class LaggingStream(RecordingStream):
    """A quote link busy elsewhere: the change is accepted at once and applied later, so quotes of the
    dropped contract keep arriving for a while after ``watch_contracts`` returned (as on the live link)."""


class Executor:
    def __init__(self) -> None:
        self.actions: list[object] = []

    def submit(self, actions: list[object]) -> None:
        self.actions += actions


async def test_a_quote_left_over_from_a_dropped_subscription_never_values_a_reopened_position() -> None:
    eng = build_engine(load_config_text(CONFIG), ListJournal())
    eng.start(T0)
    st = eng.add_account(1, "PRAC-1")
    stream, executor = LaggingStream(), Executor()
    watch: QuoteWatch | None = None
    journal = DaemonJournal(None)
    pipeline = Pipeline(eng, executor, journal, None, SystemClock(),  # type: ignore[arg-type]
                        lookup, lambda: watch.changed() if watch else None, lambda: None,
                        Health(journal, eng.make, SystemClock().now), lambda why: None)
    watch = QuoteWatch(eng, lambda: stream, lambda: pipeline)  # type: ignore[arg-type, return-value]
    pipeline.add_account(1)
    pipeline.start()
    try:
        pipeline.on_event(PositionEvent(T0, 1, MNQ, PositionType.LONG, 1, 21000.0))
        pipeline.on_event(QuoteEvent(T0, MNQ, 21000.0, 21000.25, None))
        await settled(pipeline, watch)
        pipeline.on_event(PositionEvent(T0, 1, MNQ, PositionType.UNDEFINED, 0, 0.0))  # the trader is flat
        await settled(pipeline, watch)
        assert stream.watched[-1] == set()
        pipeline.on_event(QuoteEvent(T0, MNQ, 20400.0, 20400.25, None))  # a crash, from the old subscription
        await settled(pipeline, watch)
        # the market recovers unseen (unsubscribed); the trader re-opens at 21000
        pipeline.on_event(PositionEvent(T0, 1, MNQ, PositionType.LONG, 1, 21000.0))
        await settled(pipeline, watch)
        assert executor.actions == []  # not closed for a -$1,200 that is not real
        assert stream.watched[-1] == {MNQ} and st.positions[MNQ].unrealized is None
        pipeline.on_event(QuoteEvent(T0, MNQ, 21001.0, 21001.25, None))  # first quote of the new subscription
        await settled(pipeline, watch)
        assert st.positions[MNQ].unrealized == 2.0 and executor.actions == []
    finally:
        await pipeline.stop()


async def lookup(cid: str) -> Contract:
    return catalogue_contract("MNQ")


async def settled(pipeline: Pipeline, watch: QuoteWatch) -> None:
    await pipeline.idle()
    await settle(watch)
    await pipeline.idle()


async def test_a_backlog_of_quotes_is_judged_latest_wins_per_contract_in_arrival_order() -> None:
    eng = build_engine(load_config_text(CONFIG), ListJournal())
    eng.start(T0)
    st = eng.add_account(1, "PRAC-1")
    executor, journal = Executor(), DaemonJournal(None)
    pipeline = Pipeline(eng, executor, journal, None, SystemClock(),  # type: ignore[arg-type]
                        lookup, lambda: None, lambda: None,
                        Health(journal, eng.make, SystemClock().now), lambda why: None)
    pipeline.add_account(1)
    eng.handle(PositionEvent(T0, 1, MNQ, PositionType.LONG, 1, 21000.0))
    judged: list[float] = []
    process = pipeline.process
    pipeline.process = lambda e, late=False: (judged.append(getattr(e, "bid", 0.0)),  # type: ignore[method-assign]
                                              process(e, late=late))[1]
    # five quotes arrive while the quote worker is not running (busy): one slot, the newest judged
    for i in range(5):
        pipeline.on_event(QuoteEvent(T0, MNQ, 21000.0 + i, 21000.25 + i, None))
    assert pipeline.queues[-1].qsize() == 1 and pipeline.quotes.coalesced == 4
    pipeline.start()
    try:
        await pipeline.idle()
        assert judged == [21004.0] and st.positions[MNQ].unrealized == 8.0
        pipeline.on_event(QuoteEvent(T0, MNQ, 21010.0, 21010.25, None))  # nothing waiting: judged on its own
        await pipeline.idle()
        assert judged == [21004.0, 21010.0]
    finally:
        await pipeline.stop()
