"""After a restart: the week's finished days come back from the store and Trade/search (merged, deduplicated,
voided left out), and the MLL floor carried over resets comes back from the store."""

from __future__ import annotations

from datetime import date, datetime

from risk_manager.broker.port import Trade
from risk_manager.config import load_config_text
from risk_manager.daemon.week_seed import restore_figures, seed_week
from risk_manager.domain.enums import Side
from risk_manager.domain.events import AccountEvent
from risk_manager.engine.engine import Engine
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal
from risk_manager.store import Store

CFG = """\
accounts: [{name: PRAC-1}]
schedule: {timezone: America/Chicago, daily_reset: '17:00', calendar: none}
rules:
  weekly_loss_limit: {enabled: true, limit: -1000}
  max_loss_limit: {enabled: true, starting_balance: 50000, drawdown: 2000}
"""
THURSDAY = datetime.fromisoformat("2026-11-19T09:00:00-06:00")


def engine(store: Store, now: datetime = THURSDAY) -> Engine:
    eng = build_engine(load_config_text(CFG, "c.yaml"), ListJournal(), store=store)
    eng.start(now)
    return eng


def trade(tid: int, at: str, pnl: float | None, fees: float = 1.0, voided: bool = False) -> Trade:
    return Trade(7, tid, "CON.F.US.MNQ.Z26", 21000.0, pnl, fees, Side.SELL, 1, tid, voided, at)


async def test_week_from_stored_days_and_trade_search_for_the_missing_ones() -> None:
    store = Store.open(":memory:")
    mon, tue = date(2026, 11, 16), date(2026, 11, 17)
    store.record_trade("PRAC-1", 1, mon, datetime.fromisoformat("2026-11-16T09:00:00-06:00"), -100.0, 1.0, 1)
    store.record_trade("PRAC-1", 2, tue, datetime.fromisoformat("2026-11-17T09:00:00-06:00"), -50.0, 1.0, 2)
    store.record_trade("PRAC-1", 9, date(2026, 11, 13), datetime.fromisoformat("2026-11-13T09:00:00-06:00"),
                       -999.0, 1.0, 9)  # last week: not counted
    calls: list[tuple[int, str, str]] = []

    async def fetch(account_id: int, start: str, end: str) -> list[Trade]:
        calls.append((account_id, start, end))
        return [trade(2, "2026-11-17T15:00:00Z", -50.0),  # already stored: once
                trade(3, "2026-11-18T15:00:00Z", -200.0),  # Wednesday, missing from the store
                trade(4, "2026-11-18T16:00:00Z", -500.0, voided=True),  # voided: never counts
                trade(5, "2026-11-19T15:00:00Z", -70.0)]  # today: the day's own rebuild counts it

    eng = engine(store)
    st = eng.add_account(7, "PRAC-1")
    assert await seed_week(st, store, eng, THURSDAY, fetch) == 3
    # the week began at the reset of Sunday 2026-11-15 17:00 CT; the search ends where today began
    assert calls == [(7, "2026-11-15T23:00:00+00:00", "2026-11-18T23:00:00+00:00")]
    assert st.past_days.week_of(date(2026, 11, 19), net=True) == -100 - 50 - 200 - 3.0
    assert st.week_pnl(date(2026, 11, 19), include_unrealized=False) == -353.0


async def test_a_failing_search_keeps_the_stored_days() -> None:
    store = Store.open(":memory:")
    store.record_trade("PRAC-1", 1, date(2026, 11, 16), datetime.fromisoformat("2026-11-16T09:00:00-06:00"),
                       -100.0, 0.0, 1)

    async def fetch(account_id: int, start: str, end: str) -> list[Trade]:
        raise TimeoutError("hung")

    eng = engine(store)
    st = eng.add_account(7, "PRAC-1")
    assert await seed_week(st, store, eng, THURSDAY, fetch) == 1
    assert st.past_days.week_of(date(2026, 11, 19), net=True) == -100.0


async def test_monday_has_no_earlier_days() -> None:
    store = Store.open(":memory:")
    monday = datetime.fromisoformat("2026-11-16T09:00:00-06:00")
    eng = engine(store, monday)
    assert await seed_week(eng.add_account(7, "PRAC-1"), store, eng, monday, None) == 0


def test_the_floor_trailed_at_a_reset_is_persisted_and_restored() -> None:
    store = Store.open(":memory:")
    eng = engine(store)
    st = eng.add_account(7, "PRAC-1")
    eng.handle(AccountEvent(THURSDAY, 7, "PRAC-1", 51_500.0, True))
    due = eng.pop_due(datetime.fromisoformat("2026-11-19T17:00:00-06:00"))
    assert due is not None and due.payload == ("reset",)
    eng.fire(due)
    assert st.figures == {"mll_floor": 49_500.0}
    assert store.load_figures("PRAC-1") == {"mll_floor": 49_500.0}
    fresh = engine(store).add_account(7, "PRAC-1")
    restore_figures(fresh, store)
    assert fresh.figures == {"mll_floor": 49_500.0}
    assert store.load_figures("PRAC-2") == {}
