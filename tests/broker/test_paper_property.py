"""Property: for any sequence of market orders and tick-grid quote moves the books balance.

- sum of closing trades' profitAndLoss == balance change + total fees (the broker's own arithmetic);
- final positions == signed sum of fills per contract;
- per contract, realized P&L == cash flow of the fills + open position valued at its average price
  (an independent check of the average-price and P&L formulas, up to rounding each trade to cents);
- an AccountState fed every emitted event agrees on realized P&L, fees, balance and positions.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paper_helpers import ES, MNQ, ManualClock

from risk_manager.broker.paper import PaperBroker
from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import OrderEvent, TradeEvent
from risk_manager.domain.state import AccountState
from support import Recorder

BASE = {MNQ: 21000.0, ES: 6000.0}
TICK = 0.25  # both MNQ and ES

quote_step = st.tuples(st.just("quote"), st.sampled_from([MNQ, ES]), st.integers(-40, 40), st.integers(1, 3))
order_step = st.tuples(st.just("order"), st.sampled_from([MNQ, ES]), st.sampled_from(list(Side)),
                       st.integers(1, 6))
scripts = st.lists(st.one_of(quote_step, order_step), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(script=scripts, fees=st.sampled_from([0.0, 0.37, 1.24, 2.5]))
def test_broker_books_balance(script: list[tuple[str, str, int, int]], fees: float) -> None:
    clock, rec = ManualClock(), Recorder()
    book = ContractBook.builtin()
    paper = PaperBroker(book, clock, fees_per_contract=fees)
    state = AccountState(1, "PRAC-1", book)
    paper.subscribe(rec)
    paper.subscribe(lambda e: state.apply(e))  # every event, in emission order
    acct = paper.add_account("PRAC-1").id
    start = paper.account(acct).balance
    for contract in (MNQ, ES):
        paper.on_quote(contract, BASE[contract], BASE[contract] + TICK)
    for kind, contract, a, b in script:
        clock.advance(1)
        if kind == "quote":
            bid = BASE[contract] + a * TICK
            paper.on_quote(contract, bid, bid + b * TICK, bid)
        else:
            paper.place_order(acct, contract, OrderType.MARKET, Side(a), b)

    trades: list[TradeEvent] = rec.of(TradeEvent)
    realized = sum(t.profit_and_loss for t in trades if t.profit_and_loss is not None)
    total_fees = sum(t.fees for t in trades)
    balance = paper.account(acct).balance
    assert realized == pytest.approx(balance - start + total_fees, abs=1e-6)

    signed: dict[str, int] = defaultdict(int)
    for o in rec.of(OrderEvent):
        if o.status is OrderStatus.FILLED:
            signed[o.contract_id] += o.side.sign * o.fill_volume
            legs = [t for t in trades if t.order_id == o.id]
            assert sum(t.size for t in legs) == o.fill_volume and 1 <= len(legs) <= 2
    positions = {p.contract_id: p.size for p in paper.positions(acct)}
    assert positions == {c: n for c, n in signed.items() if n != 0}

    for contract in (MNQ, ES):
        spec = book.get(contract)
        per_point = spec.tick_value / spec.tick_size
        mine = [t for t in trades if t.contract_id == contract]
        cash = sum(-t.side.sign * t.size * t.price for t in mine)
        open_value = sum(p.size * p.average_price for p in paper.positions(acct) if p.contract_id == contract)
        closed = [t.profit_and_loss for t in mine if t.profit_and_loss is not None]
        assert sum(closed) == pytest.approx((cash + open_value) * per_point, abs=0.005 * len(closed) + 1e-6)

    assert state.realized_gross == pytest.approx(realized, abs=1e-6)
    assert state.fees == pytest.approx(total_fees, abs=1e-6)
    assert state.realized == pytest.approx(balance - start, abs=1e-6)
    assert state.balance == balance
    assert {c: (p.size, p.avg_price) for c, p in state.positions.items()} == {
        p.contract_id: (p.size, p.average_price) for p in paper.positions(acct)}
