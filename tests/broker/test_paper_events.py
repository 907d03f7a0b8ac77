"""Event stream: gateway order for a fill, quotes before the fills they trigger, determinism, re-entry."""

from __future__ import annotations

from paper_helpers import MNQ, T0, ManualClock

from risk_manager.broker.paper import PaperBroker
from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import (
    AccountEvent,
    Event,
    OrderEvent,
    PositionEvent,
    QuoteEvent,
    TradeEvent,
)
from support import Recorder

BUY, SELL = Side.BUY, Side.SELL


def kinds(events: list[Event]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_market_fill_emits_pending_filled_trade_position_account(paper: PaperBroker, acct: int,
                                                                 rec: Recorder, clock: ManualClock) -> None:
    clock.advance(5)
    oid = paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 3, custom_tag="entry")
    assert kinds(rec.events) == ["OrderEvent", "OrderEvent", "TradeEvent", "PositionEvent", "AccountEvent"]
    pending, filled, trade, pos, account = rec.events
    assert isinstance(pending, OrderEvent) and isinstance(filled, OrderEvent)
    assert (pending.id, pending.status, pending.fill_volume, pending.filled_price) == (oid, 6, 0, None)
    assert (filled.id, filled.status, filled.fill_volume, filled.filled_price) == (oid, 2, 3, 21000.25)
    assert filled.custom_tag == "entry" and filled.type is OrderType.MARKET
    assert isinstance(trade, TradeEvent) and (trade.order_id, trade.size, trade.side) == (oid, 3, BUY)
    assert trade.profit_and_loss is None
    assert isinstance(pos, PositionEvent) and (pos.type, pos.size) == (PositionType.LONG, 3)
    assert isinstance(account, AccountEvent) and account.balance == 50_000.0
    assert {e.at for e in rec.events} == {clock.now}


def test_resting_order_goes_pending_open_then_filled_after_the_quote(paper: PaperBroker, acct: int,
                                                                     rec: Recorder) -> None:
    paper.place_order(acct, MNQ, OrderType.LIMIT, SELL, 1, limit_price=21004.0)
    paper.on_quote(MNQ, 21004.0, 21004.25, 21004.0)
    assert kinds(rec.events) == ["OrderEvent", "OrderEvent", "QuoteEvent", "OrderEvent", "TradeEvent",
                                 "PositionEvent", "AccountEvent"]
    statuses = [e.status for e in rec.of(OrderEvent)]
    assert statuses == [OrderStatus.PENDING, OrderStatus.OPEN, OrderStatus.FILLED]
    quote = rec.of(QuoteEvent)[0]
    assert (quote.bid, quote.ask, quote.last) == (21004.0, 21004.25, 21004.0)
    assert paper.touch(MNQ) == (21004.0, 21004.25, 21004.0)


def test_account_changes_are_emitted(paper: PaperBroker, rec: Recorder) -> None:
    info = paper.add_account("PRAC-9", balance=150_000, can_trade=True)
    paper.set_can_trade(info.id, False)
    assert [(e.account_id, e.name, e.balance, e.can_trade) for e in rec.of(AccountEvent)] == [
        (1, "PRAC-9", 150_000.0, True), (1, "PRAC-9", 150_000.0, False)]
    assert paper.account(1).can_trade is False


def script(paper: PaperBroker, clock: ManualClock) -> None:
    a = paper.add_account("A", fees_per_contract=0.37).id
    b = paper.add_account("B").id
    paper.on_quote(MNQ, 21000.0, 21000.25)
    paper.place_order(a, MNQ, OrderType.MARKET, BUY, 2)
    stop = paper.place_order(a, MNQ, OrderType.STOP, SELL, 2, stop_price=20995.0)
    paper.place_order(b, MNQ, OrderType.LIMIT, BUY, 1, limit_price=20990.0)
    for step in range(1, 30):
        clock.advance(1)
        paper.on_quote(MNQ, 21000.0 - step * 0.5, 21000.25 - step * 0.5)
        if step == 4:
            paper.modify_order(a, stop, stop_price=20993.0)
    paper.close_position(b, MNQ)


def test_same_script_twice_gives_identical_events() -> None:
    runs = []
    for _ in range(2):
        rec, clock = Recorder(), ManualClock()
        paper = PaperBroker(ContractBook.builtin(), clock)
        paper.subscribe(rec)
        script(paper, clock)
        runs.append(rec.events)
    assert runs[0] == runs[1]
    assert len(runs[0]) > 40 and len([e for e in runs[0] if isinstance(e, TradeEvent)]) == 4


def test_sink_calling_back_does_not_interleave_a_fill(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    """An engine that flattens on the opening trade: its close comes after the whole first fill."""
    closes: list[int] = []

    def flattener(event: Event) -> None:
        if isinstance(event, TradeEvent) and event.profit_and_loss is None and not closes:
            assert paper.positions(acct)[0].size == 2  # state is already up to date
            closes.append(paper.close_position(acct, MNQ))

    paper.subscribe(flattener)
    paper.place_order(acct, MNQ, OrderType.MARKET, BUY, 2)
    fill = ["OrderEvent", "OrderEvent", "TradeEvent", "PositionEvent", "AccountEvent"]
    assert kinds(rec.events) == fill * 2
    assert rec.of(OrderEvent)[2].id == closes[0] and paper.positions(acct) == []


def test_every_sink_gets_every_event_in_order(paper: PaperBroker, rec: Recorder) -> None:
    second = Recorder()
    paper.subscribe(second)
    paper.add_account("A")
    paper.on_quote(MNQ, 1.0, 2.0)
    assert second.events == rec.events and len(rec.events) == 2
    assert rec.events[0].at == T0
