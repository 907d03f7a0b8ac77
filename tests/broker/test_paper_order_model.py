"""The paper broker's full order model: brackets, trailing stops, joins, partial fills, rejections, expiry,
pending cancellation, forced fills, voided and duplicated trades."""

from __future__ import annotations

import pytest
from paper_helpers import MNQ

from risk_manager.broker.paper import PaperBroker, PaperRejection
from risk_manager.broker.paper_model import BracketLeg, OrderFault
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import AccountEvent, OrderEvent, PositionEvent, TradeEvent
from support import Recorder

BUY, SELL = Side.BUY, Side.SELL
STOP_10 = BracketLeg(-10, OrderType.STOP)
TARGET_20 = BracketLeg(20, OrderType.LIMIT)


def statuses(rec: Recorder, order_id: int) -> list[OrderStatus]:
    return [e.status for e in rec.of(OrderEvent) if e.id == order_id]


def test_market_bracket_children_wait_suspended_then_work_at_their_distance(paper: PaperBroker, acct: int,
                                                                          rec: Recorder) -> None:
    entry = paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 2, limit_price=20990.0, stop_loss=STOP_10,
                              take_profit=TARGET_20)
    stop, target = entry + 1, entry + 2
    assert statuses(rec, stop) == statuses(rec, target) == [OrderStatus.SUSPENDED]
    assert [o.id for o in paper.open_orders(acct)] == [entry]  # children are not on the book yet
    paper.on_quote(MNQ, 20989.75, 20990.0)  # the entry fills at its limit
    assert statuses(rec, stop)[-1] is statuses(rec, target)[-1] is OrderStatus.OPEN
    by_id = {o.id: o for o in paper.open_orders(acct)}
    assert (by_id[stop].type, by_id[stop].side, by_id[stop].stop_price, by_id[stop].size) == (
        OrderType.STOP, SELL, 20987.5, 2)
    assert (by_id[target].limit_price, by_id[target].size) == (20995.0, 2)
    kinds = [type(e).__name__ for e in rec.events[-6:]]
    assert kinds[:3] == ["OrderEvent", "OrderEvent", "OrderEvent"]  # entry filled, then both children
    assert kinds[3:] == ["TradeEvent", "PositionEvent", "AccountEvent"]
    paper.on_quote(MNQ, 20995.0, 20995.25)  # target fills: the stop is cancelled (one cancels other)
    assert statuses(rec, target)[-1] is OrderStatus.FILLED
    assert statuses(rec, stop)[-1] is OrderStatus.CANCELLED
    assert paper.positions(acct) == [] and paper.open_orders(acct) == []


def test_cancelled_entry_takes_its_suspended_children_and_a_flat_position_its_active_ones(
        paper: PaperBroker, acct: int, rec: Recorder) -> None:
    entry = paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=20990.0, stop_loss=STOP_10)
    paper.cancel_order(acct, entry)
    assert statuses(rec, entry + 1)[-1] is OrderStatus.CANCELLED
    second = paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 1, stop_loss=STOP_10, take_profit=TARGET_20)
    assert len(paper.open_orders(acct)) == 2
    paper.close_position(acct, MNQ)
    assert paper.open_orders(acct) == []
    assert statuses(rec, second + 1)[-1] is statuses(rec, second + 2)[-1] is OrderStatus.CANCELLED


def test_trailing_stop_trails_only_upwards_and_fills_at_the_touch(paper: PaperBroker, acct: int,
                                                                  rec: Recorder) -> None:
    paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 1)
    trail = paper.place_order(acct, MNQ, OrderType.TRAILING_STOP, SELL, 1, trail_price=5.0)
    assert rec.of(OrderEvent)[-1].stop_price == 20995.0  # bid 21000 - 5
    paper.on_quote(MNQ, 21010.0, 21010.25)
    paper.on_quote(MNQ, 21006.0, 21006.25)  # pulls back: the stop stays at 21005
    assert [o.stop_price for o in paper.open_orders(acct)] == [21005.0]
    paper.on_quote(MNQ, 21005.0, 21005.25)
    assert statuses(rec, trail)[-1] is OrderStatus.FILLED
    assert rec.of(TradeEvent)[-1].price == 21005.0 and paper.positions(acct) == []
    with pytest.raises(PaperRejection, match="trail price required"):
        paper.place_order(acct, MNQ, OrderType.TRAILING_STOP, SELL, 1)


def test_join_bid_and_join_ask_rest_at_the_touch(paper: PaperBroker, acct: int) -> None:
    bid = paper.place_order(acct, MNQ, OrderType.JOIN_BID, BUY, 1)
    ask = paper.place_order(acct, MNQ, OrderType.JOIN_ASK, SELL, 1)
    prices = {o.id: (o.type, o.limit_price) for o in paper.open_orders(acct)}
    assert prices == {bid: (OrderType.JOIN_BID, 21000.0), ask: (OrderType.JOIN_ASK, 21000.25)}
    paper.on_quote(MNQ, 20999.75, 21000.0)  # the ask comes down to the join-bid
    assert [o.id for o in paper.open_orders(acct)] == [ask]


def test_liquidity_fills_a_market_order_over_several_touches(paper: PaperBroker, acct: int,
                                                            rec: Recorder) -> None:
    paper.set_liquidity(2)
    order = paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 5)
    opened = [e for e in rec.of(OrderEvent) if e.id == order]
    assert [(e.status, e.fill_volume) for e in opened] == [(OrderStatus.PENDING, 0), (OrderStatus.OPEN, 2)]
    paper.on_quote(MNQ, 21001.0, 21001.25)
    paper.on_quote(MNQ, 21002.0, 21002.25)
    fills = [(e.status, e.fill_volume) for e in rec.of(OrderEvent) if e.id == order][-2:]
    assert fills == [(OrderStatus.OPEN, 4), (OrderStatus.FILLED, 5)]
    assert [t.size for t in rec.of(TradeEvent)] == [2, 2, 1]
    assert [p.size for p in paper.positions(acct)] == [5]
    last = rec.of(OrderEvent)[-1]
    assert last.filled_price == pytest.approx((2 * 21000.25 + 2 * 21001.25 + 21002.25) / 5)


def test_injected_partial_fill_and_rejection(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    paper.inject(OrderFault("partial", (2, 1)))
    order = paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 3)
    trades = rec.of(TradeEvent)
    assert [(t.size, t.price, t.order_id) for t in trades] == [(2, 21000.25, order), (1, 21000.25, order)]
    assert len({t.id for t in trades}) == 2
    paper.inject(OrderFault("reject", scope="close"))
    rec.clear()
    paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 1)  # an entry: the close-only fault waits
    with pytest.raises(PaperRejection) as err:
        paper.close_position(acct, MNQ)
    assert (err.value.code, err.value.message) == (5, "order rejected") and err.value.order_id
    assert statuses(rec, err.value.order_id) == [OrderStatus.PENDING, OrderStatus.REJECTED]
    assert [p.size for p in paper.positions(acct)] == [4]


def test_real_rejections_off_tick_and_can_trade(paper: PaperBroker, acct: int) -> None:
    with pytest.raises(PaperRejection, match="not a multiple of the tick size"):
        paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=20000.1)
    paper.set_can_trade(acct, False)
    with pytest.raises(PaperRejection) as err:
        paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 1)
    assert err.value.code == 4
    assert paper.orders(acct) == []


def test_expiry_and_pending_cancellation(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    paper.pending_cancel = True
    one = paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=20900.0)
    two = paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=20900.0)
    paper.cancel_order(acct, one)
    assert statuses(rec, one)[-2:] == [OrderStatus.PENDING_CANCELLATION, OrderStatus.CANCELLED]
    assert paper.expire_orders() == 1
    assert statuses(rec, two)[-1] is OrderStatus.EXPIRED and paper.open_orders(acct) == []


def test_force_fill_void_and_duplicate(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    entry = paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 2)
    stop = paper.place_order(acct, MNQ, OrderType.STOP, SELL, 2, stop_price=20990.0)
    with pytest.raises(ValueError, match="2 remain"):
        paper.force_fill(acct, stop, 3)
    paper.force_fill(acct, stop, 1)  # at its own stop price, whatever the touch
    assert rec.of(TradeEvent)[-1].price == 20990.0 and paper.remaining(acct, stop) == 1
    balance = paper.account(acct).balance
    assert balance == 50_000.0 + (20990.0 - 21000.25) * 2  # 41 ticks x $0.50
    rec.clear()
    assert paper.duplicate_order(acct, entry) == 1
    assert [t.id for t in rec.of(TradeEvent)] == [1] and not rec.of(PositionEvent)
    rec.clear()
    assert paper.void_order(acct, stop) == 1
    voided = rec.of(TradeEvent)
    assert [(t.id, t.voided) for t in voided] == [(2, True)]
    assert [(p.size, p.average_price) for p in paper.positions(acct)] == [(2, 21000.25)]
    assert rec.of(PositionEvent)[-1].size == 2 and rec.of(AccountEvent)[-1].balance == 50_000.0
    assert paper.void_order(acct, stop) == 0  # already void
