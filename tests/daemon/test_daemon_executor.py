"""The live executor against the paper port with injected faults: flat, exactly once, journaled."""

from __future__ import annotations

import asyncio
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from daemon_helpers import ES, FAST, MNQ, FaultyPort, paper_setup

from risk_manager.broker.paper import PaperBroker
from risk_manager.broker.port import BrokerResult
from risk_manager.clock.clock import SystemClock
from risk_manager.domain.enums import OrderType, Side
from risk_manager.enforcement.budget import RateBudget
from risk_manager.enforcement.calls import ExecutorPolicy
from risk_manager.enforcement.live_executor import LiveExecutor
from risk_manager.engine.actions import (
    FLATTEN_KEY,
    ActionKey,
    ClosePosition,
    Flatten,
    ModifyStop,
    PositionKey,
    ReducePosition,
    StopKey,
)
from risk_manager.engine.records import ListJournal, RecordMaker
from support import until

Made = tuple[PaperBroker, FaultyPort, ListJournal, list[tuple[int, ActionKey]], LiveExecutor]


def make(faults: list[str] | None = None, hang: float = 0.3, policy: ExecutorPolicy = FAST) -> Made:
    paper, port, _ = paper_setup(faults, hang)
    journal = ListJournal()
    completed: list[tuple[int, ActionKey]] = []

    def complete(account_id: int, key: ActionKey, sizes: dict[str, int] | None = None) -> None:
        completed.append((account_id, key))

    ex = LiveExecutor(port, complete, journal,
                      RecordMaker(ZoneInfo("America/Chicago")), SystemClock(), lambda _: None, policy=policy)
    return paper, port, journal, completed, ex


def closing_fills(paper: PaperBroker, cid: str) -> int:
    return sum(1 for t in paper.trades(1) if t.contract_id == cid and t.profit_and_loss is not None)


def results(journal: ListJournal, call: str) -> list[dict[str, Any]]:
    return [r for r in journal.records if r["type"] == "result" and r["call"] == call]


async def test_close_after_a_500_is_re_read_then_sent_again_and_closes_once() -> None:
    paper, port, journal, completed, ex = make(["500"])
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 2)
    ex.submit([ClosePosition("r", 1, MNQ, "MNQ", 2)])
    assert await ex.drain(3.0)
    assert paper.positions(1) == []
    assert port.calls == ["close", "close"]
    assert closing_fills(paper, MNQ) == 1
    assert completed == [(1, PositionKey(MNQ))]
    first, second = results(journal, "close_position")
    assert first["uncertain"] and not first["ok"] and second["ok"]
    assert results(journal, "done")[0]["ok"] is True


async def test_a_hung_close_that_lands_late_is_not_sent_twice_when_the_re_read_shows_flat() -> None:
    paper, port, _journal, _, ex = make(["hang"], hang=0.2)
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    ex.submit([ClosePosition("r", 1, MNQ, "MNQ", 1)])
    assert await ex.drain(3.0)
    assert port.calls == ["close"]  # the uncertain answer was reconciled by re-query: flat, nothing re-sent
    assert paper.positions(1) == []
    assert closing_fills(paper, MNQ) == 1


async def test_a_close_hanging_past_the_timeout_is_waited_for_not_re_sent_without_a_lockout() -> None:
    policy = ExecutorPolicy(mutation_timeout=0.1, read_timeout=0.5, backoff=(0.05, 0.05),
                            verify_delays=(0.0,), slow_interval=0.1)
    paper, port, journal, _, ex = make(["hang"], hang=0.4, policy=policy)
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 3)
    ex.submit([ClosePosition("r", 1, MNQ, "MNQ", 3)])
    assert await ex.drain(3.0)
    assert paper.positions(1) == []
    assert port.calls == ["close"]  # the unanswered close landed late; nothing was sent beside it
    assert closing_fills(paper, MNQ) == 1
    late = [r for r in results(journal, "close_position") if r.get("late")]
    assert len(late) == 1 and late[0]["uncertain"]  # the late answer is journaled too


async def test_reduce_after_a_refusal_reaches_the_limit_without_over_reducing() -> None:
    paper, port, _, _, ex = make(["refuse"])
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 4)
    ex.submit([ReducePosition("max_contracts", 1, MNQ, "MNQ", 4, 2)])
    assert await ex.drain(3.0)
    assert [p.size for p in paper.positions(1)] == [2]
    assert port.calls == ["partial", "partial"]


async def test_flatten_cancels_orders_before_closing_every_contract() -> None:
    paper, port, journal, completed, ex = make()
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 2)
    paper.place_order(1, ES, OrderType.MARKET, Side.SELL, 1)
    paper.place_order(1, MNQ, OrderType.LIMIT, Side.BUY, 1, limit_price=20000.0)
    paper.place_order(1, ES, OrderType.STOP, Side.BUY, 1, stop_price=6100.0)
    ex.submit([Flatten("daily_realized_loss", 1)])
    assert await ex.drain(3.0)
    assert paper.positions(1) == [] and paper.open_orders(1) == []
    assert port.calls == ["cancel", "cancel", "close", "close"]
    assert completed == [(1, FLATTEN_KEY)]
    assert results(journal, "done")[0]["ok"]


async def test_still_open_after_the_budget_raises_a_critical_alert_and_keeps_trying() -> None:
    paper, port, journal, completed, ex = make(["500"] * 8)
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    ex.submit([ClosePosition("r", 1, MNQ, "MNQ", 1)])
    assert await until(lambda: any(r["type"] == "alert" for r in journal.records))
    alert = next(r for r in journal.records if r["type"] == "alert")
    assert alert["level"] == "critical" and "MNQ" in alert["message"]
    assert ex.in_flight == 1 and completed == []  # not given up: the slow retry schedule goes on
    port.faults.clear()
    assert await ex.drain(3.0)
    assert paper.positions(1) == [] and completed == [(1, PositionKey(MNQ))]


async def test_modify_stop_gives_up_after_its_attempts_and_frees_the_key() -> None:
    paper, port, journal, completed, ex = make()
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    oid = paper.place_order(1, MNQ, OrderType.STOP, Side.SELL, 1, stop_price=20900.0)
    port.modify_stop = _always_refuse  # type: ignore[method-assign]
    ex.submit([ModifyStop("trade_management", 1, MNQ, "MNQ", oid, 20990.0)])
    assert await ex.drain(3.0)
    assert completed == [(1, StopKey(oid))]
    assert any(r["type"] == "alert" and r["level"] == "warning" for r in journal.records)


async def _always_refuse(account_id: int, order_id: int, stop_price: float) -> BrokerResult:
    return BrokerResult(ok=False, error="order rejected")


async def test_stop_cancels_in_flight_actions_and_completes_them() -> None:
    paper, _port, _, completed, ex = make(["500"] * 100)
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    ex.submit([ClosePosition("r", 1, MNQ, "MNQ", 1)])
    await asyncio.sleep(0.05)
    await ex.stop()
    assert completed == [(1, PositionKey(MNQ))] and ex.in_flight == 0


async def test_rate_budget_waits_only_when_spent() -> None:
    now = [0.0]
    b = RateBudget(2, 10.0, monotonic=lambda: now[0])
    assert b.try_acquire() and b.try_acquire() and not b.try_acquire()
    now[0] = 10.01
    assert b.available() == 2
    with pytest.raises(ValueError):
        RateBudget(0, 1.0)


async def test_rate_budget_acquire_waits_through_the_injected_sleeper_until_a_slot_ages_out() -> None:
    now, slept = [0.0], []

    async def sleep(seconds: float) -> None:  # a virtual clock: sleeping moves it, nothing really waits
        slept.append(seconds)
        now[0] += seconds

    b = RateBudget(1, 60.0, monotonic=lambda: now[0], sleep=sleep)
    await b.acquire()
    now[0] = 20.0
    await b.acquire()
    assert slept == [40.0] and now[0] == 60.0 and b.waited == 1


async def test_a_spent_slot_is_held_until_the_answer_and_then_for_a_whole_window() -> None:
    # The gateway counts a request when it arrives: a slow answer must not free its slot at send + window.
    now, slept = [0.0], []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    b = RateBudget(1, 10.0, monotonic=lambda: now[0], sleep=sleep)
    async with b.spend():
        now[0] = 12.0  # answered 12 s after it was sent: still counted by the gateway until 22
        assert b.available() == 0
    now[0] = 15.0
    assert b.available() == 0 and not b.try_acquire()
    await b.acquire()
    assert now[0] == 22.0 and slept == [7.0]


async def test_many_flattens_at_once_send_each_accounts_worst_close_before_anyones_second() -> None:
    # One quote gapping many accounts: account 1's second close must not queue ahead of account 2's first.
    paper, port, _, _, _ = make()
    paper.add_account("PRAC-2")
    for cid in (MNQ, ES):
        paper.place_order(1, cid, OrderType.MARKET, Side.BUY, 1)
    paper.place_order(2, ES, OrderType.MARKET, Side.BUY, 1)
    sent: list[tuple[int, str]] = []
    close = port.close_position

    async def recorded(account_id: int, contract_id: str) -> BrokerResult:
        sent.append((account_id, contract_id))
        return await close(account_id, contract_id)

    port.close_position = recorded  # type: ignore[method-assign]

    class Pos:
        def __init__(self, unrealized: float) -> None:
            self.size, self.unrealized = 1, unrealized

    class St:
        def __init__(self, name: str, positions: dict[str, Pos]) -> None:
            self.name, self.positions, self.orders = name, positions, {}

    states = {1: St("PRAC-1", {MNQ: Pos(-10.0), ES: Pos(-900.0)}), 2: St("PRAC-2", {ES: Pos(-900.0)})}
    ex = LiveExecutor(port, lambda *a: None, ListJournal(), RecordMaker(ZoneInfo("America/Chicago")),
                      SystemClock(), states.get, policy=FAST)  # type: ignore[arg-type]
    ex.submit([Flatten("daily_realized_loss", 1), Flatten("daily_realized_loss", 2)])
    assert await ex.drain(3.0)
    assert sent[:3] == [(1, ES), (2, ES), (1, MNQ)]  # worst first, and every account's first before seconds
    assert paper.positions(1) == [] and paper.positions(2) == []
