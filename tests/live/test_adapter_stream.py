"""Hub events through ProjectXStream arrive as normalised domain events (wrapped and bare payloads),
quotes follow watch_contracts, and each account's link only reports its own account."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from test_adapter_rig import MNQ, Rig, live_rig

from risk_manager.broker.stream import LinkState
from risk_manager.clock.clock import VirtualClock
from risk_manager.domain.enums import OrderStatus, PositionType, Side
from risk_manager.domain.events import AccountEvent, OrderEvent, PositionEvent, QuoteEvent, TradeEvent
from support import wait_until

pytestmark = pytest.mark.e2e
T0 = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


async def _round_trip(rig: Rig) -> None:
    rec = rig.rec
    await rig.admin("position", symbol="MNQ", side="buy", size=2)
    await wait_until(lambda: any(p.size == 2 for p in rec.of(PositionEvent)), what="position event")
    await wait_until(lambda: bool(rec.of(TradeEvent)) and bool(rec.of(AccountEvent)), what="trade+account")
    orders = rec.of(OrderEvent)
    assert [o.status for o in orders][-1] is OrderStatus.FILLED
    trade = rec.of(TradeEvent)[0]
    assert (trade.contract_id, trade.size, trade.side, trade.profit_and_loss) == (MNQ, 2, Side.BUY, None)
    pos = next(p for p in rec.of(PositionEvent) if p.size)
    assert pos.type is PositionType.LONG and pos.signed_size == 2 and pos.account_id == rig.account_id
    await rig.admin("position", symbol="MNQ", side="sell", size=2)
    await wait_until(lambda: rec.of(PositionEvent)[-1].size == 0, what="closed position (size 0)")
    await wait_until(lambda: any(t.profit_and_loss is not None for t in rec.of(TradeEvent)),
                   what="closing trade")


async def test_wrapped_user_events_are_normalised() -> None:
    async with live_rig(stream=True) as rig:
        assert rig.rec.state_names() == ["CONNECTING", "CONNECTED"]
        await _round_trip(rig)
        assert rig.rec.reconnects == 0


async def test_bare_user_events_are_normalised_too() -> None:
    async with live_rig(stream=True, bare=True) as rig:
        await _round_trip(rig)


async def test_quotes_follow_watch_contracts_with_receive_time_from_the_injected_clock() -> None:
    async with live_rig(stream=True, stream_kw={"clock": VirtualClock(T0)}) as rig:
        assert rig.stream is not None
        await rig.stream.watch_contracts({MNQ})
        await wait_until(lambda: len(rig.rec.of(QuoteEvent)) >= 2, what="quotes")
        q = rig.rec.of(QuoteEvent)[-1]
        assert q.contract_id == MNQ and q.at == T0 and q.bid is not None and q.ask is not None
        # quotes only: the trade tape and the depth the SDK subscribes along with them are dropped again
        market = [c for c in rig.sim.market_hub.conns if c.subs.get("quotes")]
        await wait_until(lambda: not any(c.subs.get("depth") or c.subs.get("trades") for c in market),
                         what="depth and trades unsubscribed")
        assert len(market) == 1 and market[0].subs["quotes"] == {MNQ}
        await rig.stream.watch_contracts(set())
        await wait_until(lambda: not rig.stream.links[0].subscribed, what="unsubscribe")  # type: ignore[union-attr]
        n = len(rig.rec.of(QuoteEvent))
        await asyncio.sleep(0.5)  # the sim sends 10 quotes/s per subscribed contract
        assert len(rig.rec.of(QuoteEvent)) <= n + 1  # at most one already in flight


async def test_one_link_per_account_each_sees_only_its_own_account() -> None:
    async with live_rig(stream=True, accounts=["PRAC-1", "EVAL-2", "EVAL-3"]) as rig:
        assert rig.stream is not None and len(rig.stream.links) == 3
        second = rig.accounts[1].id
        # On the wire: one connection subscribed to every account's balance (the lead link), not three,
        # so a fill costs one balance event, not one per account.
        await wait_until(lambda: sum("accounts" in c.subs and bool(c.subs["accounts"])
                                     for c in rig.sim.user_hub.conns) == 1, what="one balance feed")
        before = rig.sim.stream.deliveries
        await rig.admin("position", symbol="MNQ", side="sell", size=1, account="EVAL-2")
        await wait_until(lambda: any(p.account_id == second and p.size for p in rig.rec.of(PositionEvent)),
                       what="second account's position")
        await wait_until(lambda: any(a.account_id == second for a in rig.rec.of(AccountEvent)),
                         what="account")
        assert all(e.account_id == second for e in rig.rec.of(PositionEvent) + rig.rec.of(AccountEvent))
        # Each account event arrives once, although every link's SubscribeAccounts covers all accounts.
        assert len([a for a in rig.rec.of(AccountEvent) if a.account_id == second]) == 1
        # order (working, filled), trade, position, balance: each sent once (it was 7: a balance per link)
        assert rig.sim.stream.deliveries - before == 5
        assert rig.stream.state is LinkState.CONNECTED
