"""Typed actions: every kind is executed, none can be silently "completed", keys never collide.

The executors dispatch with ``match`` + ``assert_never``: mypy rejects a dispatch that misses a kind (shown
here on a snippet), and at run time an object of no known kind fails loudly instead of being reported done.
"""

from __future__ import annotations

import logging
import typing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from mypy import api as mypy_api

from risk_manager.broker.paper import PaperBroker
from risk_manager.broker.paper_port import PaperBrokerPort
from risk_manager.clock.clock import SystemClock
from risk_manager.domain.contracts import ContractBook, catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.domain.state import AccountState
from risk_manager.enforcement.calls import ExecutorPolicy
from risk_manager.enforcement.live_executor import LiveExecutor
from risk_manager.enforcement.paper_executor import PaperExecutor
from risk_manager.engine.actions import (
    FLATTEN_KEY,
    Action,
    ActionKey,
    CancelEntryOrders,
    CancelOrder,
    ClosePosition,
    Flatten,
    ModifyStop,
    OrdersKey,
    PositionKey,
    ReducePosition,
    StopKey,
)
from risk_manager.engine.merge import merge
from risk_manager.engine.records import ListJournal, RecordMaker
from risk_manager.rules.base import Violation

MNQ, ES = catalogue_contract("MNQ").id, catalogue_contract("ES").id
FAST = ExecutorPolicy(mutation_timeout=0.5, read_timeout=0.5, backoff=(0.01, 0.02), verify_delays=(0.0, 0.01))
Completed = list[tuple[int, ActionKey, dict[str, int] | None]]


@dataclass(frozen=True)
class Liquidate:
    """A kind no executor knows (what an unhandled new kind looks like at run time)."""

    rule: str = "r"
    account_id: int = 1
    kind: str = "liquidate"
    contract_id: str | None = None
    symbol: str | None = None

    @property
    def key(self) -> PositionKey:
        return PositionKey(MNQ)


def paper() -> PaperBroker:
    b = PaperBroker(ContractBook.builtin(), lambda: datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    b.add_account("PRAC-1")
    b.on_quote(MNQ, 21000.0, 21000.25, 21000.0)
    b.on_quote(ES, 6000.0, 6000.25, 6000.0)
    return b


def recorder() -> tuple[Completed, typing.Callable[[int, ActionKey, dict[str, int] | None], None]]:
    done: Completed = []
    return done, lambda aid, key, sizes: done.append((aid, key, sizes))


def test_each_kind_is_executed_by_the_paper_executor() -> None:
    assert set(typing.get_args(Action)) == {Flatten, ClosePosition, ReducePosition, CancelOrder,
                                            CancelEntryOrders, ModifyStop}
    b = paper()
    done, complete = recorder()
    ex = PaperExecutor(b, complete)
    b.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 3)
    b.place_order(1, ES, OrderType.MARKET, Side.BUY, 1)
    stop = b.place_order(1, MNQ, OrderType.STOP, Side.SELL, 3, stop_price=20900.0)
    entry = b.place_order(1, MNQ, OrderType.LIMIT, Side.BUY, 1, limit_price=20000.0)
    other = b.place_order(1, ES, OrderType.LIMIT, Side.BUY, 1, limit_price=5000.0)
    ex.execute([ModifyStop("r", 1, MNQ, "MNQ", stop, 20950.0)])
    assert next(o.stop_price for o in b.open_orders(1) if o.id == stop) == 20950.0
    ex.execute([ReducePosition("r", 1, MNQ, "MNQ", 3, 1)])
    ex.execute([CancelOrder("r", 1, MNQ, "MNQ", entry), CancelEntryOrders("r", 1, (other,))])
    assert {p.contract_id: p.size for p in b.positions(1)} == {MNQ: 1, ES: 1}
    assert [o.id for o in b.open_orders(1)] == [stop]
    ex.execute([ClosePosition("r", 1, ES, "ES", 1)])
    assert [p.contract_id for p in b.positions(1)] == [MNQ]
    ex.execute([Flatten("r", 1)])
    assert b.positions(1) == [] and b.open_orders(1) == []
    assert done == [(1, StopKey(stop), {MNQ: 3}), (1, PositionKey(MNQ), {MNQ: 1}),
                    (1, OrdersKey((entry,)), {MNQ: 1}), (1, OrdersKey((other,), entries=True), {}),
                    (1, PositionKey(ES), {ES: 0}), (1, FLATTEN_KEY, {MNQ: 0})]


def test_the_paper_executor_refuses_an_unknown_kind_loudly() -> None:
    b = paper()
    b.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    done, complete = recorder()
    with pytest.raises(AssertionError):
        PaperExecutor(b, complete).execute([Liquidate()])  # type: ignore[list-item]
    assert [p.size for p in b.positions(1)] == [1]  # nothing was done to the account
    assert done == [(1, PositionKey(MNQ), {})]  # its key is freed, with no verified size


async def test_the_live_executor_never_reports_an_unknown_kind_done(caplog: pytest.LogCaptureFixture) -> None:
    b = paper()
    b.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    done, complete = recorder()
    journal = ListJournal()
    st = AccountState(1, "PRAC-1", ContractBook.builtin())
    ex = LiveExecutor(PaperBrokerPort(b), complete, journal, RecordMaker(ZoneInfo("America/Chicago")),
                      SystemClock(), lambda _aid: st, policy=FAST)
    with caplog.at_level(logging.ERROR, "risk_manager.enforcement"):
        ex.submit([Liquidate()])  # type: ignore[list-item]
        assert await ex.drain(2.0)
    assert done == [(1, PositionKey(MNQ), None)]  # the key is freed, nothing is verified
    assert not [r for r in journal.records if r["type"] == "result"]  # no broker call, no "done"
    failed = [r for r in caplog.records if "executing liquidate for PRAC-1 failed" in r.getMessage()]
    assert failed and failed[0].exc_info is not None and failed[0].exc_info[0] is AssertionError
    assert [p.size for p in b.positions(1)] == [1]


def test_a_modify_stop_without_a_price_is_refused_when_planned() -> None:
    st = AccountState(1, "PRAC-1", ContractBook.builtin())
    with pytest.raises(ValueError, match="without a stop price"):
        merge(1, st, [Violation("trade_management", "m", "modify_stop", contract_id=MNQ, order_id=7)])


def test_keys_identify_the_position_or_orders_and_never_collide_across_kinds() -> None:
    assert ClosePosition("a", 1, MNQ, "MNQ", 2).key == ReducePosition("b", 1, MNQ, "MNQ", 3, 1).key
    assert CancelOrder("a", 1, MNQ, "MNQ", 7).key != CancelEntryOrders("a", 1, (7,)).key
    assert ModifyStop("a", 1, MNQ, "MNQ", 7, 1.0).key != CancelOrder("a", 1, MNQ, "MNQ", 7).key
    assert len({Flatten("a", 1).key, Flatten("b", 1).key, PositionKey(MNQ), PositionKey(ES)}) == 3


def test_mypy_rejects_a_dispatch_that_misses_a_kind(tmp_path: Path) -> None:
    snippet = tmp_path / "dispatch.py"
    snippet.write_text(
        "from typing import assert_never\n"
        "from risk_manager.engine.actions import (Action, CancelEntryOrders, CancelOrder, ClosePosition,\n"
        "                                         Flatten, ReducePosition)\n"
        "def run(a: Action) -> str:\n"
        "    match a:\n"
        "        case Flatten() | ClosePosition() | ReducePosition():\n"
        "            return 'position'\n"
        "        case CancelOrder() | CancelEntryOrders():\n"
        "            return 'orders'\n"
        "        case _:\n"
        "            assert_never(a)\n")
    src = Path(__file__).resolve().parents[2] / "src"
    ini = tmp_path / "mypy.ini"
    ini.write_text(f"[mypy]\nmypy_path = {src}\nfollow_imports = silent\n")
    out, _, status = mypy_api.run([str(snippet), "--strict", f"--config-file={ini}", "--cache-dir=/dev/null"])
    assert status == 1 and "ModifyStop" in out and "assert_never" in out, out
