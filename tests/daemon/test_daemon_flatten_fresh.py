"""A flatten in its verify window re-sends at once when a fresh read shows a position its last send did not
cover (one the trader opened meanwhile, or one whose own close or reduce was still in flight): it does not
sit out the re-reads meant for a close that may take a moment to fill (chaos run, seed 12: a position opened
while locked stayed open ~2 s)."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from daemon_helpers import ES, MNQ, FaultyPort, paper_setup
from test_daemon_inflight import QUICK, Sleeps

from risk_manager.broker.port import Position
from risk_manager.clock.clock import SystemClock
from risk_manager.domain.enums import OrderType, Side
from risk_manager.enforcement.live_executor import LiveExecutor
from risk_manager.engine.actions import Flatten, ReducePosition
from risk_manager.engine.records import ListJournal, RecordMaker
from support import until

LONG = 9.0  # a verify delay the flatten must not sit out here


class TraderBuysDuringVerify(FaultyPort):
    """The trader buys 1 ES right after the flatten's first close went out (at its next re-read)."""

    async def open_positions(self, account_id: int) -> list[Position]:
        if self.calls == ["close"] and not self.paper.positions(account_id)[1:]:
            self.paper.place_order(account_id, ES, OrderType.MARKET, Side.BUY, 1)
            self.calls.append("trader buys ES")
        return await super().open_positions(account_id)


async def test_a_position_opened_during_the_flattens_verify_is_closed_without_waiting() -> None:
    paper, _, _ = paper_setup()
    port = TraderBuysDuringVerify(paper)
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)
    sleeps = Sleeps()
    policy = replace(QUICK, verify_delays=(0.0, LONG))
    ex = LiveExecutor(port, lambda *_: None, ListJournal(), RecordMaker(ZoneInfo("America/Chicago")),
                      SystemClock(), lambda _: None, policy=policy, locked=lambda _: True, sleep=sleeps)
    ex.submit([Flatten("cooldown_after_loss", 1)])
    assert await ex.drain(2.0)
    assert not [p for p in paper.positions(1) if p.size]
    assert port.calls == ["close", "trader buys ES", "close"]
    assert LONG not in sleeps.delays  # re-sent on the read that showed ES, not after the long re-read


class Logged(Sleeps):
    """Logs each sleep; the long re-read really waits (up to 1 s), until a close has gone out."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    async def __call__(self, seconds: float) -> None:
        self.log.append(f"sleep {seconds:g}")
        if seconds == LONG:
            await until(lambda: "close" in self.log, within=1.0)
        await super().__call__(seconds)


async def test_a_flatten_does_not_wait_for_a_reduce_that_is_only_verifying() -> None:
    """Chaos run (seed 12): a reduce sized on a stale view (the trader had sold more) was answered and sat in
    its re-reads while a loss cooldown's flatten skipped that contract as busy: -4 NQ stayed open under the
    lockout for ~2.5 s. Only a request still awaiting its answer keeps a flatten off a contract."""
    paper, port, _ = paper_setup()
    paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 7)
    ex = LiveExecutor(port, lambda *_: None, ListJournal(), RecordMaker(ZoneInfo("America/Chicago")),
                      SystemClock(), lambda _: None, policy=replace(QUICK, verify_delays=(0.0, LONG)),
                      locked=lambda _: True, sleep=Logged(port.calls))
    ex.submit([ReducePosition("max_contracts_per_instrument", 1, MNQ, "MNQ", 5, 4),  # stale: 5
               Flatten("cooldown_after_loss", 1)])
    assert await ex.drain(2.0)
    assert not [p for p in paper.positions(1) if p.size]
    # the reduce's partial close, its long re-read; meanwhile the flatten closes (no second partial close)
    assert port.calls[:2] == ["partial", "sleep 9"] and port.calls.count("partial") == 1
    assert "close" in port.calls
