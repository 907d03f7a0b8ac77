"""Where live trading differs from tidy fills, end to end (real SDK, real sockets, the simulator's order
model): partial fills, native brackets, trailing stops, rejected orders and closes, a contract roll."""

from __future__ import annotations

import asyncio

import pytest

from risk_manager.broker.paper import PaperRejection
from risk_manager.broker.paper_model import BracketLeg, OrderFault
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import Event, PositionEvent
from support import until
from support.daemon_rig import Rig, cid

pytestmark = pytest.mark.e2e
FREQ = "  trade_frequency_limit: {enabled: true, per_minute: 2, cooldown: {per_minute: 60s}}\n"
GRACE = "  no_stop_loss_grace: {enabled: true, grace_period_seconds: 1}\n"


def watch_sizes(rig: Rig, root: str) -> list[int]:
    """Every position size of ``root`` the broker reports from now on (to catch an over-close)."""
    sizes: list[int] = []

    def sink(ev: Event) -> None:
        if isinstance(ev, PositionEvent) and ev.contract_id == cid(root) and ev.account_id == rig.acct:
            sizes.append(ev.signed_size)

    rig.sim.broker.subscribe(sink)
    return sizes


async def test_a_partly_filled_entry_is_one_trade(rig: Rig) -> None:
    await rig.start(FREQ)
    rig.price("MNQ", 21000.0)
    rig.sim.broker.set_liquidity(1)  # one contract per touch: the feed's next touches fill the rest
    rig.trade("MNQ", "buy", 3)
    assert await until(lambda: rig.size("MNQ") == 3)
    trades = [t for t in rig.sim.broker.trades(rig.acct) if t.contract_id == cid("MNQ")]
    assert [t.size for t in trades] == [1, 1, 1]
    await asyncio.sleep(0.5)
    assert not rig.of("violation", rule="trade_frequency_limit")  # three fills, one order: 1/2
    rig.sim.broker.set_liquidity(None)
    rig.trade("MNQ", "buy", 1)
    assert await until(lambda: bool(rig.of("violation", rule="trade_frequency_limit")))
    assert "2/2 trades" in rig.of("violation", rule="trade_frequency_limit")[0]["message"]


async def test_partly_filled_closes_converge_on_the_target_and_never_over_close(rig: Rig) -> None:
    await rig.start("  max_contracts: {enabled: true, limit: 2}\n"
                    "  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: true}\n")
    sizes = watch_sizes(rig, "MNQ")
    rig.price("MNQ", 21000.0)
    rig.sim.broker.inject(OrderFault("partial", (3, 2)))  # the trader's own entry: 5 in two fills
    rig.sim.broker.set_liquidity(1)  # then the daemon's closes fill one contract per touch
    rig.trade("MNQ", "buy", 5)
    assert await until(lambda: rig.size("MNQ") == 2, within=15)
    await asyncio.sleep(1.0)
    assert rig.size("MNQ") == 2 and min(sizes) == 2  # reduced to the limit, never below it
    rig.price("MNQ", 20900.0)  # -200 unrealized on 2: flatten, one contract per touch
    assert await until(lambda: rig.size("MNQ") == 0, within=15)
    await asyncio.sleep(1.0)
    assert rig.size("MNQ") == 0 and min(sizes) >= 0  # flat, never flipped short
    closed = sum(t.size for t in rig.sim.broker.trades(rig.acct) if t.profit_and_loss is not None)
    assert closed == 5


async def test_a_native_bracket_protects_once_its_entry_fills_not_while_suspended(rig: Rig) -> None:
    await rig.start(GRACE)
    rig.price("ES", 6000.0)
    b = rig.sim.broker
    entry = b.place_order(rig.acct, cid("ES"), OrderType.LIMIT, Side.BUY, 1, limit_price=5990.0,
                          stop_loss=BracketLeg(-20, OrderType.STOP),
                          take_profit=BracketLeg(40, OrderType.LIMIT))
    stop = entry + 1
    rig.trade("ES", "buy", 1)  # a position next to the resting bracket entry, whose stop child is Suspended
    # The suspended child goes on the book only if its entry fills: it protects nothing open now.
    assert await until(lambda: rig.size("ES") == 0, within=5)
    assert await until(lambda: bool(rig.of("violation", rule="no_stop_loss_grace")))
    assert [v["symbol"] for v in rig.of("violation", rule="no_stop_loss_grace")] == ["ES"]
    assert stop not in rig.open_orders()  # still suspended: the close did not touch it
    # (the close job must be done first: a verify read that sees the next position would close that too)
    assert await until(lambda: bool(rig.of("result", call="done", ok=True)))
    rig.price("ES", 5989.75)  # the entry fills: its children go on the book at 5985 / 6000
    assert await until(lambda: stop in rig.open_orders() and rig.size("ES") == 1)
    await asyncio.sleep(2.0)
    assert rig.size("ES") == 1 and len(rig.of("violation", rule="no_stop_loss_grace")) == 1
    b.cancel_order(rig.acct, stop)  # the trader pulls the stop: now the grace runs out
    assert await until(lambda: rig.size("ES") == 0, within=5)
    assert await until(lambda: len(rig.of("violation", rule="no_stop_loss_grace")) == 2)


async def test_a_trailing_stop_protects_and_trade_management_leaves_it_alone(rig: Rig) -> None:
    await rig.start(GRACE + "  trade_management:\n    enabled: true\n"
                    "    trailing: {activation_ticks: 4, distance_ticks: 4}\n")
    rig.price("ES", 6000.0)
    rig.price("NQ", 21000.0)
    b = rig.sim.broker
    rig.trade("ES", "buy", 1)
    b.place_order(rig.acct, cid("ES"), OrderType.TRAILING_STOP, Side.SELL, 1, trail_price=5.0)
    rig.trade("NQ", "buy", 1)
    plain = rig.order("NQ", "sell", 1, OrderType.STOP, 20990.0)
    rig.price("ES", 6010.0)  # 40 ticks up: the trailing stop trails itself to 6005
    rig.price("NQ", 21010.0)  # 40 ticks up: rule 012 trails the plain stop
    assert await until(lambda: bool(rig.of("action", rule="trade_management")))
    await asyncio.sleep(1.5)
    assert rig.size("ES") == 1 and rig.size("NQ") == 1  # both protected past the grace
    modified = {r.body["orderId"] for r in rig.requests("Order/modify")}
    assert modified == {plain}  # never the native trailing stop
    stops = {o.id: o.stop_price for o in b.open_orders(rig.acct)}
    assert stops[plain] == 21009.0 and 6005.0 in stops.values()


async def test_a_rejected_close_is_retried_until_flat(rig: Rig) -> None:
    await rig.start("  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: true}\n")
    rig.price("ES", 6000.0)
    rig.trade("ES", "buy", 1)
    assert await until(lambda: rig.size("ES") == 1)
    rig.sim.broker.inject(OrderFault("reject", scope="close"))
    rig.price("ES", 5990.0)  # -500: flatten; the first close is rejected (status 5)
    assert await until(lambda: rig.size("ES") == 0, within=10)
    assert len(rig.requests("Position/closeContract")) >= 2
    rejected = [o for o in rig.sim.broker.orders(rig.acct) if o.status is OrderStatus.REJECTED]
    assert len(rejected) == 1  # the first close, answered success:false and retried
    assert await until(lambda: bool(rig.of("result", call="done", ok=True)))


async def test_a_rejected_entry_counts_nothing(rig: Rig) -> None:
    await rig.start(FREQ)
    rig.price("MNQ", 21000.0)
    rig.sim.broker.inject(OrderFault("reject", scope="entry"))
    with pytest.raises(PaperRejection):
        rig.trade("MNQ", "buy", 1)
    rig.trade("MNQ", "buy", 1)
    await asyncio.sleep(0.5)
    assert not rig.of("violation", rule="trade_frequency_limit")  # 1/2: the rejected order is no trade
    rig.trade("MNQ", "buy", 1)
    assert await until(lambda: bool(rig.of("violation", rule="trade_frequency_limit")))


async def test_a_position_in_next_quarters_month_is_valued_and_its_quotes_subscribed(rig: Rig) -> None:
    h27 = "CON.F.US.MNQ.H27"
    await rig.start("  daily_unrealized_loss: {enabled: true, limit: -50}\n")
    b = rig.sim.broker
    rig.sim.feed.set_price(h27, bid=21200.0, ask=21200.25)
    b.place_order(rig.acct, h27, OrderType.MARKET, Side.BUY, 1)
    assert await until(lambda: any(c.subscribed("quotes", h27) for c in rig.sim.market_hub.conns))
    assert [r.body["contractId"] for r in rig.requests("Contract/searchById")] == [h27]
    rig.sim.feed.set_price(h27, bid=21100.0, ask=21100.25)  # -200.50 at $0.50 a tick, from the Contract API
    assert await until(lambda: not b.positions(rig.acct), within=10)
    assert rig.of("violation", rule="daily_unrealized_loss")
