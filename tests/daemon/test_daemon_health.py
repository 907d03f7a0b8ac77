"""Never silently unprotected (issue 12.6, 12.7): a failing daily reset stays armed and retries; a rejected
payload is journaled, alerted, shown DEGRADED and repaired by a REST reconcile."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from daemon_helpers import FAST, MNQ, FaultyPort, PaperStream, config, connector, paper_setup

from risk_manager.broker.stream import RejectedPayload
from risk_manager.clock.clock import VirtualClock
from risk_manager.control.snapshot import build_snapshot
from risk_manager.daemon.health import Health
from risk_manager.daemon.journal import DaemonJournal
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import RunningDaemon, build_daemon
from risk_manager.daemon.timer import DeadlineDriver
from risk_manager.domain.enums import OrderType, Side
from risk_manager.engine.actions import Action
from risk_manager.engine.factory import build_engine
from risk_manager.store import Store
from support import until

# 2026-11-20 is a Friday; the reset is 17:00 Chicago (23:00 UTC)
BEFORE_RESET = datetime(2026, 11, 20, 22, 59, 59, tzinfo=UTC)
RESET = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


class FlakyStore(Store):
    """A real store whose next ``failures`` reset writes raise (a full disk, a locked database)."""

    failures = 0

    def record_reset(self, trading_day: date, at: datetime) -> bool:
        if self.failures:
            self.failures -= 1
            raise OSError("disk I/O error")
        return super().record_reset(trading_day, at)


def _driver(store: Store, clock: VirtualClock) -> tuple[DeadlineDriver, Health, list[dict[str, Any]]]:
    journal = DaemonJournal(None)
    records: list[dict[str, Any]] = []
    journal.add_listener(records.append)
    engine = build_engine(config(""), journal, store=store)
    engine.start(clock.now())
    engine.add_account(1, "PRAC-1")
    health = Health(journal, engine.make, clock.now)
    executed: list[list[Action]] = []
    return DeadlineDriver(engine, clock, journal, executed.append, health), health, records


def test_a_failed_reset_write_keeps_the_schedule_armed_and_retries_until_it_succeeds() -> None:
    clock = VirtualClock(BEFORE_RESET)
    with FlakyStore.open(":memory:") as store:
        assert isinstance(store, FlakyStore)
        store.failures = 2
        driver, health, records = _driver(store, clock)
        clock.set(RESET)
        driver.fire_due()
        # in memory the day was reset once, and tomorrow's reset is already armed
        nxt = driver.engine.next_deadline()
        assert nxt is not None and nxt.key == "reset" and nxt.at == RESET + timedelta(days=1)
        day = driver.engine.day  # type: ignore[attr-defined]
        assert day is not None and day > date(2026, 11, 20)
        assert health.degraded and "deadline reset" in health.problems()[0]
        assert driver.retrying == ["reset"] and not store.reset_done(day)
        alerts = [r for r in records if r["type"] == "alert"]
        assert len(alerts) == 1 and alerts[0]["level"] == "critical" and "DEGRADED" in alerts[0]["message"]
        assert [r["type"] for r in records].count("reset") == 1
        clock.advance(timedelta(seconds=0.5))
        driver.fire_due()  # not yet due (1 s backoff)
        assert store.failures == 1
        clock.advance(timedelta(seconds=0.5))
        driver.fire_due()  # second failure: no second alert, backoff doubles
        assert store.failures == 0 and health.degraded
        assert len([r for r in records if r["type"] == "alert"]) == 1
        clock.advance(timedelta(seconds=1))
        driver.fire_due()
        assert health.degraded  # 2 s backoff now
        clock.advance(timedelta(seconds=1))
        driver.fire_due()
        assert not health.degraded and driver.retrying == []
        assert store.reset_done(day)
        assert records[-1]["type"] == "alert" and records[-1]["level"] == "info"
        assert [r["type"] for r in records].count("reset") == 1  # the retry did not reset the day again
        # and the next reset still fires on its own
        clock.set(RESET + timedelta(days=1))
        driver.fire_due()
        assert [r["type"] for r in records].count("reset") == 2


def test_a_retried_reset_never_wipes_a_newer_day() -> None:
    clock = VirtualClock(BEFORE_RESET)
    with FlakyStore.open(":memory:") as store:
        assert isinstance(store, FlakyStore)
        store.failures = 1
        driver, _, records = _driver(store, clock)
        engine = driver.engine
        clock.set(RESET)
        driver.fire_due()
        first = engine.day
        d = engine.pop_due(RESET + timedelta(days=1))
        assert d is not None
        engine.fire(d)  # the next reset ran meanwhile
        second = engine.day
        days = [r["trading_day"] for r in records if r["type"] == "reset"]
        assert len(days) == 2 and first is not None and second is not None and second > first
        clock.advance(timedelta(seconds=2))
        driver.fire_due()  # the first reset's retry only writes the store
        assert [r["trading_day"] for r in records if r["type"] == "reset"] == days
        assert store.reset_done(first) and engine.day == second


def test_open_problems_turn_a_protected_status_degraded() -> None:
    journal = DaemonJournal(None)
    cfg = config("")
    engine = build_engine(cfg, journal)
    now = RESET
    ok = build_snapshot(engine, cfg, "CONNECTED", now, started_at=now, clocked_in={})
    bad = build_snapshot(engine, cfg, "CONNECTED", now, started_at=now, clocked_in={},
                         problems=["deadline reset failed"])
    assert ok["daemon"]["state"] == "PROTECTED" and ok["daemon"]["problems"] == []
    assert bad["daemon"]["state"] == "DEGRADED" and bad["daemon"]["problems"] == ["deadline reset failed"]


async def _daemon(data: Path, port: FaultyPort, stream: PaperStream) -> RunningDaemon:
    cfg = config("  max_contracts: {enabled: true, limit: 2}\n")
    opts = DaemonOptions(data_dir=data, policy=FAST, reconcile_every=600)
    return await build_daemon(cfg, connector(port, stream), opts)


async def test_a_rejected_payload_is_journaled_alerted_and_the_account_reconciled(tmp_path: Path) -> None:
    paper, port, stream = paper_setup()
    d = await _daemon(tmp_path, port, stream)
    try:
        reconciles = d.reconciling.reconciles
        assert d.control is not None
        backend = d.control.backend
        seen_states: list[str] = []
        d.journal.add_listener(lambda r: seen_states.append(backend.snapshot()["daemon"]["state"])
                               if r.get("level") == "critical" else None)
        # the position update of this fill arrives garbled: the engine must not be left believing "flat"
        stream.down = True
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 4)
        stream.down = False
        raw = '{"accountId":1,"contractId":"' + MNQ + '","type":1,"size":4,"averagePrice":"NaN"}'
        assert stream.on_event is not None
        stream.on_event(RejectedPayload(d.clock.now(), "position_update", 1,
                                        "position: averagePrice: Input should be a valid number", raw))
        assert await until(lambda: d.pipeline.bad.rejected == 1)
        assert seen_states[0] == "DEGRADED"  # what /v1/status said when the alert went out
        # the REST reconcile sees the 4 lots and max_contracts reduces them
        assert await until(lambda: sum(p.size for p in paper.positions(1)) == 2)
        assert await until(lambda: d.reconciling.reconciles > reconciles)
        assert await until(lambda: not d.health.degraded)
        d.journal.dispatch(force=True)
        d.writer.flush()
        recs = d.store.journal_tail(100)
        bad = [r for r in recs if r["type"] == "bad_event"]
        assert len(bad) == 1 and bad[0]["account"] == "PRAC-1" and bad[0]["kind"] == "position_update"
        assert bad[0]["raw"] == raw
        alerts = [r for r in recs if r["type"] == "alert"]
        assert [a["level"] for a in alerts] == ["critical", "info"]
        assert "malformed position_update" in alerts[0]["message"]
    finally:
        await d.stop()


async def test_an_engine_error_is_degraded_until_a_reconcile_succeeds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paper, port, stream = paper_setup()
    d = await _daemon(tmp_path, port, stream)
    try:
        real = d.engine.handle
        calls = {"n": 0}

        def broken_once(event: Any, now: Any = None, *, late: bool = False,
                        settling: bool = False) -> list[Action]:
            calls["n"] += 1
            if calls["n"] == 1:
                raise ZeroDivisionError("a rule divided by zero")
            return real(event, now, late=late, settling=settling)

        monkeypatch.setattr(d.engine, "handle", broken_once)
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 4)  # the first of its events breaks
        assert await until(lambda: calls["n"] >= 1)
        assert await until(lambda: sum(p.size for p in paper.positions(1)) == 2)  # still enforced
        assert await until(lambda: not d.health.degraded)
        d.journal.dispatch(force=True)
        d.writer.flush()
        alerts = [r for r in d.store.journal_tail(100) if r["type"] == "alert"]
        assert alerts[0]["level"] == "critical" and "ZeroDivisionError" in alerts[0]["message"]
        assert alerts[-1]["level"] == "info"
    finally:
        await d.stop()
