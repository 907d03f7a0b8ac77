"""Netting per (account, contract): average price, partial exits, flips, P&L and fees arithmetic."""

from __future__ import annotations

import pytest
from paper_helpers import ES, MNQ

from risk_manager.broker.paper import PaperBroker
from risk_manager.broker.port import Position
from risk_manager.domain.enums import OrderType, PositionType, Side
from risk_manager.domain.events import AccountEvent, PositionEvent, TradeEvent
from support import Recorder

BUY, SELL = Side.BUY, Side.SELL


def market(paper: PaperBroker, acct: int, contract: str, side: Side, size: int) -> int:
    return paper.place_order(acct, contract, OrderType.MARKET, side, size)


def test_scale_in_partial_exit_flip_and_cover_mnq(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    paper.set_fees(acct, 0.37)
    market(paper, acct, MNQ, BUY, 1)  # @ 21000.25
    paper.on_quote(MNQ, 21002.00, 21002.25)
    market(paper, acct, MNQ, BUY, 3)  # @ 21002.25 -> avg (21000.25 + 3 * 21002.25) / 4
    assert paper.positions(acct) == [Position(acct, MNQ, 4, 21001.75)]
    paper.on_quote(MNQ, 21005.75, 21006.00)
    market(paper, acct, MNQ, SELL, 2)  # +4 points * $2 * 2
    assert paper.positions(acct) == [Position(acct, MNQ, 2, 21001.75)]  # average unchanged by an exit
    paper.on_quote(MNQ, 20999.75, 21000.00)
    market(paper, acct, MNQ, SELL, 5)  # close 2 at -2 points, open short 3 at 20999.75
    assert paper.positions(acct) == [Position(acct, MNQ, -3, 20999.75)]
    paper.on_quote(MNQ, 20995.00, 20995.25)
    market(paper, acct, MNQ, BUY, 3)  # short covers 4.5 points lower
    assert paper.positions(acct) == []

    trades = rec.of(TradeEvent)
    assert [(t.size, t.profit_and_loss, t.fees) for t in trades] == [
        (1, None, 0.37), (3, None, 1.11), (2, 16.0, 0.74), (2, -8.0, 0.74), (3, None, 1.11), (3, 27.0, 1.11)]
    assert trades[3].order_id == trades[4].order_id and trades[3].id + 1 == trades[4].id  # the flip
    assert [t.id for t in trades] == [1, 2, 3, 4, 5, 6]
    realized, fees = 16.0 - 8.0 + 27.0, 0.37 * 14
    assert paper.accounts()[0].balance == pytest.approx(50_000 + realized - fees)


def test_es_short_loss_and_fees(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    paper.set_fees(acct, 2.50)
    market(paper, acct, ES, SELL, 2)  # @ bid 6000.00
    paper.on_quote(ES, 6002.00, 6002.25)
    market(paper, acct, ES, BUY, 2)  # @ ask 6002.25: -2.25 points * $50 * 2
    closing = rec.of(TradeEvent)[-1]
    assert (closing.profit_and_loss, closing.fees, closing.side) == (-225.0, 5.0, BUY)
    assert paper.accounts()[0].balance == 50_000 - 225.0 - 10.0
    assert [e.balance for e in rec.of(AccountEvent)] == [49_995.0, 49_765.0]


def test_es_long_win(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    market(paper, acct, ES, BUY, 1)  # @ 6000.25
    paper.on_quote(ES, 6010.50, 6010.75)
    market(paper, acct, ES, SELL, 1)  # +10.25 points = 41 ticks * $12.50
    assert rec.of(TradeEvent)[-1].profit_and_loss == 512.5
    assert paper.accounts()[0].balance == 50_512.5


def test_position_snapshots_and_ids(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    market(paper, acct, MNQ, SELL, 2)
    market(paper, acct, ES, BUY, 1)
    market(paper, acct, MNQ, BUY, 2)  # MNQ closed
    market(paper, acct, MNQ, BUY, 1)  # reopened: a new row id
    snaps = [(p.contract_id, p.type, p.size, p.average_price, p.id) for p in rec.of(PositionEvent)]
    assert snaps == [
        (MNQ, PositionType.SHORT, 2, 21000.00, 1),
        (ES, PositionType.LONG, 1, 6000.25, 2),
        (MNQ, PositionType.UNDEFINED, 0, 0.0, 1),
        (MNQ, PositionType.LONG, 1, 21000.25, 3),
    ]
    assert [(p.contract_id, p.size) for p in paper.positions(acct)] == [(ES, 1), (MNQ, 1)]
    assert [(p.id, p.signed_size) for p in paper.position_events(acct)] == [(2, 1), (3, 1)]


def test_netting_is_per_account(paper: PaperBroker, acct: int) -> None:
    other = paper.add_account("PRAC-2").id
    market(paper, acct, MNQ, BUY, 2)
    market(paper, other, MNQ, SELL, 1)
    assert [p.size for p in paper.positions(acct)] == [2]
    assert [p.size for p in paper.positions(other)] == [-1]
    assert paper.trades(other)[0].profit_and_loss is None  # the other account's sell opens, not closes


def test_fractional_average_pnl_rounds_to_cents(paper: PaperBroker, acct: int, rec: Recorder) -> None:
    market(paper, acct, MNQ, BUY, 1)  # 21000.25
    paper.on_quote(MNQ, 21000.75, 21001.00)
    market(paper, acct, MNQ, BUY, 2)  # avg 21000.75
    paper.on_quote(MNQ, 21001.25, 21001.50)
    market(paper, acct, MNQ, BUY, 3)  # avg (3 * 21000.75 + 3 * 21001.50) / 6 = 21001.125
    paper.on_quote(MNQ, 21002.00, 21002.25)
    market(paper, acct, MNQ, SELL, 1)  # 0.875 points * $2 = 1.75
    assert rec.of(TradeEvent)[-1].profit_and_loss == 1.75
    assert paper.positions(acct)[0].average_price == pytest.approx(21001.125)
