"""Fill rules per order type: market, limit, stop, stop-limit; marketable at entry vs resting."""

from __future__ import annotations

from typing import Any

import pytest
from paper_helpers import MNQ, ManualClock

from risk_manager.broker.paper import PaperBroker, PaperRejection
from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import OrderEvent, TradeEvent
from support import Recorder

BUY, SELL = Side.BUY, Side.SELL


def fills(rec: Recorder) -> list[tuple[int, float]]:
    return [(t.order_id, t.price) for t in rec.of(TradeEvent)]


def status_of(paper: PaperBroker, acct: int, order_id: int) -> OrderStatus:
    return next(o.status for o in paper.orders(acct) if o.id == order_id)


def test_market_buy_fills_at_ask_and_sell_at_bid(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    buy = paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 2)
    sell = paper.place_order(acct, MNQ, OrderType.MARKET, SELL, 2)
    assert fills(rec) == [(buy, 21000.25), (sell, 21000.00)]
    assert paper.positions(acct) == []


def test_market_uses_last_when_side_missing(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    paper.on_quote(MNQ, None, None, 21005.0)
    paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 1)
    assert fills(rec) == [(1, 21005.0)]


def test_market_without_any_price_is_rejected_and_creates_nothing(clock: ManualClock, rec: Recorder) -> None:
    paper = PaperBroker(ContractBook.builtin(), clock)
    paper.subscribe(rec)
    a = paper.add_account("A").id
    rec.clear()
    with pytest.raises(PaperRejection) as err:
        paper.place_order(a, MNQ, OrderType.MARKET, BUY, 1)
    assert (err.value.code, err.value.message) == (2, "no market")
    assert rec.events == [] and paper.orders(a) == []
    assert paper.place_order(a, MNQ, OrderType.LIMIT, BUY, 1, limit_price=1.0) == 1  # ids not consumed


def test_resting_buy_limit_fills_at_limit_when_ask_reaches_it(paper: PaperBroker, acct: int,
                                                              rec: Recorder) -> None:
    oid = paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=20990.0)
    paper.on_quote(MNQ, 20990.25, 20990.50)
    assert status_of(paper, acct, oid) is OrderStatus.OPEN
    paper.on_quote(MNQ, 20980.0, 20985.0)  # gapped through: a resting limit still gets its own price
    assert fills(rec) == [(oid, 20990.0)]


def test_resting_sell_limit_fills_when_bid_reaches_it(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    oid = paper.place_order(acct, MNQ, OrderType.LIMIT, SELL, 1, limit_price=21010.0)
    paper.on_quote(MNQ, 21009.75, 21010.0)  # the ask touching is not enough for a sell
    assert fills(rec) == []
    paper.on_quote(MNQ, 21010.0, 21010.25)
    assert fills(rec) == [(oid, 21010.0)]


def test_marketable_limit_fills_immediately_at_the_touch(paper: PaperBroker, acct: int,
                                                         rec: Recorder) -> None:
    oid = paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=21002.0)
    assert fills(rec) == [(oid, 21000.25)]
    assert [e.status for e in rec.of(OrderEvent)] == [OrderStatus.PENDING, OrderStatus.FILLED]


def test_buy_stop_triggers_when_ask_crosses_and_fills_at_touch(paper: PaperBroker, acct: int,
                                                               rec: Recorder) -> None:
    oid = paper.place_order(acct, MNQ, OrderType.STOP, BUY, 1, stop_price=21005.0)
    paper.on_quote(MNQ, 21004.50, 21004.75)
    assert fills(rec) == []
    paper.on_quote(MNQ, 21006.0, 21006.50)  # gap: stops fill at the touch, not at the stop
    assert fills(rec) == [(oid, 21006.50)]


def test_sell_stop_triggers_when_bid_crosses(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 1)
    stop = paper.place_order(acct, MNQ, OrderType.STOP, SELL, 1, stop_price=20990.0)
    paper.on_quote(MNQ, 20990.25, 20989.0)  # only the bid counts for a sell stop
    assert status_of(paper, acct, stop) is OrderStatus.OPEN
    paper.on_quote(MNQ, 20990.0, 20990.25)
    assert fills(rec)[-1] == (stop, 20990.0)
    assert paper.positions(acct) == []


def test_immediately_marketable_stop_fills_at_once(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    oid = paper.place_order(acct, MNQ, OrderType.STOP, SELL, 1, stop_price=21001.0)  # bid already below
    assert fills(rec) == [(oid, 21000.0)]


def test_stop_limit_triggers_then_rests_as_limit(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    oid = paper.place_order(acct, MNQ, OrderType.STOP_LIMIT, BUY, 1, limit_price=21006.0, stop_price=21005.0)
    paper.on_quote(MNQ, 21007.0, 21007.5)  # stop crossed, limit not reachable: now a working limit
    assert fills(rec) == [] and status_of(paper, acct, oid) is OrderStatus.OPEN
    paper.on_quote(MNQ, 21003.0, 21003.25)  # below the stop again, but the trigger sticks
    assert fills(rec) == [(oid, 21006.0)]


def test_stop_limit_marketable_at_trigger_fills_at_touch(paper: PaperBroker, acct: int,
                                                         rec: Recorder) -> None:
    oid = paper.place_order(acct, MNQ, OrderType.STOP_LIMIT, SELL, 1, limit_price=20994.0, stop_price=20995.0)
    paper.on_quote(MNQ, 20994.5, 20994.75)
    assert fills(rec) == [(oid, 20994.5)]


def test_working_orders_fill_oldest_first_across_accounts(paper: PaperBroker, acct: int,
                                                          rec: Recorder) -> None:
    other = paper.add_account("PRAC-2").id
    second = paper.place_order(other, MNQ, OrderType.LIMIT, BUY, 1, limit_price=20995.0)
    first = paper.place_order(acct, MNQ, OrderType.STOP, SELL, 1, stop_price=20996.0)
    paper.on_quote(MNQ, 20994.0, 20994.25)
    assert [t.order_id for t in rec.of(TradeEvent)] == [second, first]
    assert [t.account_id for t in rec.of(TradeEvent)] == [other, acct]


def test_unknown_contract_and_bad_requests_are_rejected(paper: PaperBroker, acct: int) -> None:
    cases: list[tuple[dict[str, Any], int, str]] = [
        (dict(contract_id="CON.F.US.XXX.Z26", type=OrderType.MARKET), 8, "contract not found"),
        (dict(type=OrderType.UNKNOWN), 2, "unsupported order type"),
        (dict(type=OrderType.TRAILING_STOP), 2, "trail price required"),
        (dict(type=OrderType.LIMIT, limit_price=20000.1), 2,
         "limit price 20000.1 is not a multiple of the tick size 0.25"),
        (dict(type=OrderType.MARKET, size=0), 2, "invalid size"),
        (dict(type=OrderType.LIMIT), 2, "limit price required"),
        (dict(type=OrderType.STOP_LIMIT, limit_price=1.0), 2, "stop price required"),
    ]
    for overrides, code, message in cases:
        kwargs: dict[str, Any] = dict(account_id=acct, contract_id=MNQ, side=BUY, size=1) | overrides
        with pytest.raises(PaperRejection) as err:
            paper.place_order(**kwargs)
        assert (err.value.code, err.value.message) == (code, message)
    with pytest.raises(PaperRejection) as err:
        paper.place_order(99, MNQ, OrderType.MARKET, BUY, 1)
    assert err.value.code == 1
    assert paper.orders(acct) == []


def test_custom_tag_is_unique_per_account(paper: PaperBroker, acct: int) -> None:
    paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=1.0, custom_tag="t1")
    with pytest.raises(PaperRejection, match="custom tag"):
        paper.place_order(acct, MNQ, OrderType.LIMIT, BUY, 1, limit_price=1.0, custom_tag="t1")
    other = paper.add_account("B").id
    assert paper.place_order(other, MNQ, OrderType.LIMIT, BUY, 1, limit_price=1.0, custom_tag="t1") == 2
    assert paper.order_events(acct)[0].custom_tag == "t1"
