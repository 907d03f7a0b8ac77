"""A contract the built-in book does not know (next quarter's month) whose first Contract API lookups fail:
retried with backoff, shown UNVALUED and alerted meanwhile, valued -- and its loss rule live -- once found
(issue 12.8)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from risk_manager.broker.port import BrokerError
from risk_manager.clock.clock import SystemClock
from risk_manager.config import load_config_text
from risk_manager.control.account_view import position_rows
from risk_manager.daemon.health import Health
from risk_manager.daemon.journal import DaemonJournal
from risk_manager.daemon.pipeline import Pipeline
from risk_manager.domain.contracts import Contract, catalogue_contract
from risk_manager.domain.enums import PositionType
from risk_manager.domain.events import PositionEvent, QuoteEvent
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal
from support import until

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
H27 = replace(catalogue_contract("MNQ"), id="CON.F.US.MNQ.H27", name="MNQH7")
CONFIG = load_config_text("accounts: [{name: PRAC-1}]\n"
                          "rules:\n  daily_unrealized_loss: {enabled: true, limit: -100}\n")


class FlakyContractApi:
    def __init__(self, failures: int) -> None:
        self.failures, self.calls = failures, 0

    async def __call__(self, contract_id: str) -> Contract:
        self.calls += 1
        if self.calls <= self.failures:
            raise BrokerError("Contract/searchById: HTTP 500")
        assert contract_id == H27.id
        return H27


class Executor:
    def __init__(self) -> None:
        self.actions: list[Any] = []

    def submit(self, actions: list[Any]) -> None:
        self.actions += actions


async def test_a_failed_lookup_is_retried_shown_unvalued_and_alerted_then_valued() -> None:
    assert H27.id not in build_engine(CONFIG, ListJournal()).book  # the built-in book holds only Z26
    eng = build_engine(CONFIG, ListJournal())
    eng.start(T0)
    st = eng.add_account(1, "PRAC-1")
    journal, records = DaemonJournal(None), []
    journal.add_listener(records.append)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:  # injected: the backoff is recorded, not waited
        slept.append(seconds)
        await asyncio.sleep(0)

    api, executor = FlakyContractApi(failures=2), Executor()
    pipeline = Pipeline(eng, executor, journal, None, SystemClock(), api,  # type: ignore[arg-type]
                        lambda: None, lambda: None, Health(journal, eng.make, SystemClock().now),
                        lambda why: None, sleep=sleep)
    pipeline.add_account(1)
    pipeline.start()
    try:
        api.failures = 10**6  # hold the retries back until the unvalued state is checked
        pipeline.on_event(PositionEvent(T0, 1, H27.id, PositionType.LONG, 1, 21000.0))
        pipeline.on_event(QuoteEvent(T0, H27.id, 20900.0, 20900.25, None))  # -$200 if it were valued
        await pipeline.idle()
        assert await until(lambda: len(slept) >= 2)
        rows = position_rows(st, CONFIG, T0)
        assert rows[0]["unvalued"] is True and rows[0]["unrealized"] is None
        assert executor.actions == []  # blind while unvalued: exactly why it is alerted
        alert = next(r for r in records if r["type"] == "alert")
        assert alert["level"] == "critical" and "UNVALUED" in alert["message"] and H27.id in alert["message"]
        api.failures = api.calls + 1  # the next attempt fails too, the one after succeeds
        assert await until(lambda: bool(executor.actions))
        assert slept[:2] == [1.0, 2.0] and max(slept) <= 60.0 and api.calls >= 3  # backoff, capped
        pos = st.positions[H27.id]
        assert pos.contract == H27 and pos.unrealized == -200.0
        assert position_rows(st, CONFIG, T0)[0]["unvalued"] is False
        assert [r["level"] for r in records if r["type"] == "alert"] == ["critical", "warning"]
        assert executor.actions[0].kind in ("flatten", "close_position")
    finally:
        await pipeline.stop()
