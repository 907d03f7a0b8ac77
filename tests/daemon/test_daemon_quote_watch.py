"""Quote subscriptions follow open positions; an unsubscribed contract's frozen quote is forgotten."""

import asyncio
from datetime import UTC, datetime

from risk_manager.config import load_config_text
from risk_manager.daemon.linkstate import QuoteWatch
from risk_manager.domain.contracts import catalogue_contract
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
