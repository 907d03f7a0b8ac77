"""can_trade gating, cancel and modify, close and partial close (including their error codes)."""

from __future__ import annotations

import pytest
from paper_helpers import ES, MNQ

from risk_manager.broker.paper import PaperBroker, PaperRejection
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import OrderEvent, TradeEvent
from support import Recorder

BUY, SELL = Side.BUY, Side.SELL



def test_can_trade_false_blocks_entries_but_not_exits(paper: PaperBroker, acct: int) -> None:
    paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 3)
    paper.set_can_trade(acct, False)
    for side, size, contract in [(BUY, 1, MNQ), (SELL, 4, MNQ), (SELL, 1, ES)]:  # add, flip, new contract
        with pytest.raises(PaperRejection) as err:
            paper.place_order(acct, contract, OrderType.MARKET, side, size)
        assert (err.value.code, err.value.message) == (4, "account violation")
    with pytest.raises(PaperRejection):
        paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=20000.0)  # resting entries too
    paper.place_order(acct, MNQ, OrderType.STOP, SELL, 3, stop_price=20990.0)  # protective stop: reduces
    paper.place_order(acct, MNQ, OrderType.MARKET, SELL, 1)
    paper.partial_close(acct, MNQ, 1)
    paper.close_position(acct, MNQ)
    assert paper.positions(acct) == []


def test_can_trade_false_blocks_growing_an_order_into_an_entry(paper: PaperBroker, acct: int) -> None:
    paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 2)
    stop = paper.place_order(acct, MNQ, OrderType.STOP, SELL, 2, stop_price=20990.0)
    paper.set_can_trade(acct, False)
    with pytest.raises(PaperRejection, match="account violation"):
        paper.modify_order(acct, stop, size=3)
    paper.modify_order(acct, stop, size=1)
    assert paper.open_orders(acct)[0].size == 1


def test_cancel_working_order_and_errors(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    oid = paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=20900.0)
    paper.cancel_order(acct, oid)
    assert rec.of(OrderEvent)[-1].status is OrderStatus.CANCELLED
    assert paper.open_orders(acct) == [] and paper.orders(acct)[0].status is OrderStatus.CANCELLED
    paper.on_quote(MNQ, 20800.0, 20800.25)
    assert rec.of(TradeEvent) == []  # a cancelled order never fills
    filled = paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 1)
    other = paper.add_account("B").id
    for account, order_id in [(acct, oid), (acct, filled), (acct, 999), (other, filled)]:
        with pytest.raises(PaperRejection) as err:
            paper.cancel_order(account, order_id)
        assert (err.value.code, err.value.message) == (2, "order not found")


def test_modify_moves_a_stop_and_refills_when_marketable(paper: PaperBroker, acct: int,
                                                         rec: Recorder) -> None:
    paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 2)
    stop = paper.place_order(acct, MNQ, OrderType.STOP, SELL, 2, stop_price=20990.0)
    paper.modify_order(acct, stop, stop_price=20995.0)
    last = rec.of(OrderEvent)[-1]
    assert (last.id, last.status, last.stop_price) == (stop, OrderStatus.OPEN, 20995.0)
    paper.on_quote(MNQ, 20996.0, 20996.25)
    assert paper.positions(acct)[0].size == 2
    paper.modify_order(acct, stop, stop_price=20996.5)  # now above the bid: triggers at once
    assert rec.of(TradeEvent)[-1].order_id == stop and rec.of(TradeEvent)[-1].price == 20996.0
    assert paper.positions(acct) == []


def test_modify_limit_price_and_size_and_errors(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    oid = paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=20990.0)
    paper.modify_order(acct, oid, size=3, limit_price=20995.0)
    assert (paper.open_orders(acct)[0].size, paper.open_orders(acct)[0].limit_price) == (3, 20995.0)
    for kwargs, message in [({"size": 0}, "invalid size"), ({"stop_price": 1.0}, "order has no stop price")]:
        with pytest.raises(PaperRejection) as err:
            paper.modify_order(acct, oid, **kwargs)  # type: ignore[arg-type]
        assert (err.value.code, err.value.message) == (3, message)
    paper.on_quote(MNQ, 20994.75, 20995.0)
    assert [(t.size, t.price) for t in rec.of(TradeEvent)] == [(3, 20995.0)]
    with pytest.raises(PaperRejection, match="order not found"):
        paper.modify_order(acct, oid, limit_price=1.0)


def test_close_position_is_a_market_order_for_the_whole_position(paper: PaperBroker, acct: int,
                                                                  rec: Recorder) -> None:
    paper.place_order(acct, MNQ, OrderType.MARKET, SELL, 3)
    oid = paper.close_position(acct, MNQ)
    order = paper.orders(acct)[-1]
    assert (order.id, order.type, order.side, order.size, order.status) == (
        oid, OrderType.MARKET, BUY, 3, OrderStatus.FILLED)
    assert paper.positions(acct) == [] and rec.of(TradeEvent)[-1].profit_and_loss == -1.5  # 1 tick x 3


def test_partial_close(paper: PaperBroker, acct: int) -> None:
    paper.place_order(acct, ES, OrderType.MARKET, BUY, 4)
    oid = paper.partial_close(acct, ES, 3)
    assert paper.orders(acct)[-1].id == oid and paper.orders(acct)[-1].side is SELL
    assert [p.size for p in paper.positions(acct)] == [1]


def test_close_and_partial_close_errors(paper: PaperBroker, acct: int) -> None:
    with pytest.raises(PaperRejection) as err:
        paper.close_position(acct, MNQ)
    assert (err.value.code, err.value.message) == (2, "position not found")
    with pytest.raises(PaperRejection) as err:
        paper.partial_close(acct, MNQ, 1)
    assert (err.value.code, err.value.message) == (2, "position not found")
    paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 2)
    for size in (0, -1, 3):
        with pytest.raises(PaperRejection) as err:
            paper.partial_close(acct, MNQ, size)
        assert (err.value.code, err.value.message) == (5, "invalid close size")
    with pytest.raises(PaperRejection) as err:
        paper.close_position(42, MNQ)
    assert err.value.code == 1
    paper.on_quote(MNQ, None, None, None)
    with pytest.raises(PaperRejection) as err:
        paper.close_position(acct, MNQ)
    assert (err.value.code, err.value.message) == (5, "no market")  # ClosePosition's OrderRejected
    with pytest.raises(PaperRejection) as err:
        paper.partial_close(acct, MNQ, 1)
    assert (err.value.code, err.value.message) == (6, "no market")  # PartialClosePosition's OrderRejected
    assert [p.size for p in paper.positions(acct)] == [2]
