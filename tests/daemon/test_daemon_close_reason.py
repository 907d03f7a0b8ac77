"""An in-flight close never outlives its reason (issue 12 item 1, residue): once the trader has closed the
position a close was decided on and opened a new one, the executor's verify-and-resend does not close the
new one (no lockout: the engine judges the new position on its own events)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from daemon_helpers import MNQ, FaultyPort, paper_setup
from test_daemon_inflight import QUICK, Sleeps

from risk_manager.broker.paper import PaperBroker
from risk_manager.broker.port import BrokerResult
from risk_manager.clock.clock import SystemClock
from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.enums import OrderType, PositionType, Side
from risk_manager.domain.events import PositionEvent
from risk_manager.domain.state import AccountState
from risk_manager.enforcement.live_executor import LiveExecutor
from risk_manager.engine.actions import ClosePosition
from risk_manager.engine.records import ListJournal, RecordMaker


class TraderReopens(FaultyPort):
    """The close is refused (the trader's own exit got there first); the trader then opens a new protected
    position, which the engine sees (flat, then new) before the executor reads again."""

    def __init__(self, paper: PaperBroker, state: AccountState) -> None:
        super().__init__(paper)
        self.state = state

    async def close_position(self, account_id: int, contract_id: str) -> BrokerResult:
        self.calls.append("close")
        if len(self.calls) > 1:
            return await super().close_position(account_id, contract_id)
        now = SystemClock().now()
        self.paper.place_order(account_id, contract_id, OrderType.MARKET, Side.SELL, 1)  # his exit
        self.state.apply(PositionEvent(now, account_id, contract_id, PositionType.UNDEFINED, 0, 0.0))
        self.paper.place_order(account_id, contract_id, OrderType.MARKET, Side.BUY, 1)  # his new entry
        self.paper.place_order(account_id, contract_id, OrderType.STOP, Side.SELL, 1, stop_price=20990.0)
        self.state.apply(PositionEvent(now, account_id, contract_id, PositionType.LONG, 1, 21000.25))
        return BrokerResult(ok=False, error="position not found")


async def test_a_re_send_never_closes_the_new_position_the_trader_opened_meanwhile() -> None:
    paper, _, _ = paper_setup()
    st = AccountState(1, "PRAC-1", ContractBook.builtin())
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    st.apply(PositionEvent(SystemClock().now(), 1, MNQ, PositionType.LONG, 1, 21000.25))
    port = TraderReopens(paper, st)
    ex = LiveExecutor(port, lambda *_: None, ListJournal(), RecordMaker(ZoneInfo("America/Chicago")),
                      SystemClock(), lambda _: st, policy=QUICK, locked=lambda _: False,
                      sleep=Sleeps())
    ex.submit([ClosePosition("daily_unrealized_loss", 1, MNQ, "MNQ", 1)])
    assert await ex.drain(2.0)
    assert [p.size for p in paper.positions(1) if p.size] == [1]  # his new, protected position stays
    assert port.calls == ["close"]


async def test_under_a_lockout_the_re_send_still_closes_whatever_is_open() -> None:
    paper, _, _ = paper_setup()
    st = AccountState(1, "PRAC-1", ContractBook.builtin())
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    st.apply(PositionEvent(SystemClock().now(), 1, MNQ, PositionType.LONG, 1, 21000.25))
    port = TraderReopens(paper, st)
    ex = LiveExecutor(port, lambda *_: None, ListJournal(), RecordMaker(ZoneInfo("America/Chicago")),
                      SystemClock(), lambda _: st, policy=QUICK, locked=lambda _: True,
                      sleep=Sleeps())
    ex.submit([ClosePosition("cooldown_after_loss", 1, MNQ, "MNQ", 1)])
    assert await ex.drain(2.0)
    assert [p.size for p in paper.positions(1) if p.size] == []  # locked: nothing may stay open


async def test_a_close_whose_own_lockout_ended_does_not_close_the_new_position_under_another() -> None:
    """CI chaos run (seed 12): a loss cooldown's close of a position opened while it ran was verifying when
    the cooldown ended and the trader bought again, the 21st entry of the minute: a frequency cooldown that
    spares that fill. The re-send closed it 2 s later (no reason: its own lockout was over)."""
    paper, _, _ = paper_setup()
    st = AccountState(1, "PRAC-1", ContractBook.builtin())
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    st.apply(PositionEvent(SystemClock().now(), 1, MNQ, PositionType.LONG, 1, 21000.25))
    port = TraderReopens(paper, st)
    ex = LiveExecutor(port, lambda *_: None, ListJournal(), RecordMaker(ZoneInfo("America/Chicago")),
                      SystemClock(), lambda _: st, policy=QUICK, locked=lambda _: True,
                      holds=lambda _aid, rule: rule != "cooldown_after_loss", sleep=Sleeps())
    ex.submit([ClosePosition("cooldown_after_loss", 1, MNQ, "MNQ", 1)])
    assert await ex.drain(2.0)
    assert [p.size for p in paper.positions(1) if p.size] == [1]  # another lockout's to judge, not this one's
