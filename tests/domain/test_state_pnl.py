"""Account state P&L: long/short, fees, voided, duplicates, scale-in and partial exits, marks."""

from datetime import UTC, datetime, timedelta

import pytest

from risk_manager.domain.contracts import ContractBook, catalogue_contract
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import OrderEvent, PositionEvent, QuoteEvent, TradeEvent
from risk_manager.domain.state import AccountState

T0 = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
MNQ = catalogue_contract("MNQ").id
ES = catalogue_contract("ES").id


def state(basis: str = "net", mark: str = "liquidation") -> AccountState:
    return AccountState(1, "PRAC-1", ContractBook.builtin(), basis, mark)  # type: ignore[arg-type]


def trade(tid: int, pnl: float | None, fees: float = 0.0, order: int = 1, voided: bool = False,
          at: datetime = T0, side: Side = Side.BUY, size: int = 1, cid: str = MNQ) -> TradeEvent:
    return TradeEvent(at, 1, tid, cid, 21000.0, pnl, fees, side, size, order, voided)


def pos(size: int, avg: float, cid: str = MNQ, at: datetime = T0) -> PositionEvent:
    kind = PositionType.LONG if size > 0 else PositionType.SHORT if size < 0 else PositionType.UNDEFINED
    return PositionEvent(at, 1, cid, kind, abs(size), avg)


def test_net_basis_subtracts_every_fill_fee_and_gross_ignores_them() -> None:
    for basis, expected in (("net", 100.0 - 1.48), ("gross", 100.0)):
        st = state(basis)
        st.apply(trade(1, None, 0.74, order=1))
        st.apply(trade(2, 100.0, 0.74, order=2, side=Side.SELL))
        assert st.realized == pytest.approx(expected)


def test_duplicate_trade_ids_count_once() -> None:
    st = state("gross")
    assert st.apply(trade(7, -50.0)).counted
    d = st.apply(trade(7, -50.0))
    assert d.duplicate and not d.counted
    assert st.realized == -50.0


def test_voided_trade_is_ignored_and_reverses_one_counted_earlier() -> None:
    st = state("net")
    st.apply(trade(1, -80.0, 1.0))
    st.apply(trade(2, -20.0, 1.0, voided=True))
    assert st.realized == pytest.approx(-81.0)
    st.apply(trade(1, -80.0, 1.0, voided=True))
    assert st.realized == pytest.approx(0.0)


def test_trade_of_another_day_is_seen_but_not_counted() -> None:
    st = state("gross")
    st.apply(trade(3, -40.0), count_trade=False)
    assert st.realized == 0.0
    assert st.apply(trade(3, -40.0)).duplicate


def test_partial_fills_of_one_order_are_one_trade_for_the_frequency_rule() -> None:
    st = state()
    assert st.apply(trade(1, None, order=9)).new_entry
    assert not st.apply(trade(2, None, order=9, at=T0 + timedelta(seconds=1))).new_entry
    assert st.apply(trade(3, None, order=10, at=T0 + timedelta(seconds=2))).new_entry
    assert st.entries_today == 2
    assert st.entries_since(T0) == 1  # strictly after T0
    st.reset_day()
    assert st.entries_today == 0 and st.realized == 0.0


@pytest.mark.parametrize(("size", "bid", "ask", "expected"), [
    (2, 21010.0, 21010.25, (21010.0 - 21000.0) / 0.25 * 0.5 * 2),  # long valued at the bid
    (-2, 20990.0, 20990.25, (20990.25 - 21000.0) / 0.25 * 0.5 * -2),  # short valued at the ask
])
def test_unrealized_long_and_short_on_liquidation_mark(size: int, bid: float, ask: float,
                                                       expected: float) -> None:
    st = state()
    st.apply(pos(size, 21000.0))
    st.apply(QuoteEvent(T0, MNQ, bid, ask, None))
    assert st.unrealized_total() == pytest.approx(expected)


def test_scale_in_reweights_average_and_partial_exit_keeps_it() -> None:
    st = state(mark="last")
    st.apply(pos(1, 5000.0, ES))
    st.apply(pos(3, 5001.0, ES))  # scale-in: broker re-weights the average
    st.apply(QuoteEvent(T0, ES, None, None, 5002.0))
    assert st.unrealized_total() == pytest.approx((5002.0 - 5001.0) / 0.25 * 12.5 * 3)
    st.apply(pos(1, 5001.0, ES))  # partial exit
    assert st.unrealized_total() == pytest.approx((5002.0 - 5001.0) / 0.25 * 12.5 * 1)
    st.apply(pos(0, 0.0, ES))
    assert st.positions == {} and st.unrealized_total() == 0.0


def test_mark_falls_back_to_last_then_mid_and_keeps_last_good_value() -> None:
    st = state("net", "liquidation")
    st.apply(pos(1, 21000.0))
    st.apply(QuoteEvent(T0, MNQ, None, 21004.0, 21002.0))  # no bid: use last
    assert st.positions[MNQ].mark == 21002.0
    st.apply(QuoteEvent(T0, MNQ, None, None, None))  # nothing usable: keep the last good value
    assert st.positions[MNQ].mark == 21002.0
    mid = state("net", "mid")
    mid.apply(pos(1, 21000.0))
    mid.apply(QuoteEvent(T0, MNQ, 21001.0, 21002.0, 21500.0))
    assert mid.positions[MNQ].mark == 21001.5


def test_unknown_contract_is_never_valued() -> None:
    st = state()
    st.apply(pos(1, 100.0, cid="CON.F.US.XYZ.Z26"))
    st.apply(QuoteEvent(T0, "CON.F.US.XYZ.Z26", 101.0, 101.5, 101.0))
    assert st.positions["CON.F.US.XYZ.Z26"].unrealized is None
    assert st.unrealized_total() == 0.0


def test_protection_tracking_restarts_grace_when_stop_is_cancelled() -> None:
    st = state()
    st.apply(pos(2, 21000.0))
    assert st.positions[MNQ].unprotected_since == T0
    stop = OrderEvent(T0 + timedelta(seconds=3), 1, 5, MNQ, OrderStatus.OPEN, OrderType.STOP, Side.SELL, 2,
                      stop_price=20990.0)
    st.apply(stop)
    assert st.is_protected(MNQ) and st.positions[MNQ].unprotected_since is None
    later = T0 + timedelta(seconds=30)
    st.apply(OrderEvent(later, 1, 5, MNQ, OrderStatus.CANCELLED, OrderType.STOP, Side.SELL, 2))
    assert st.positions[MNQ].unprotected_since == later


def test_a_suspended_bracket_stop_is_no_protection_until_it_goes_on_the_book() -> None:
    st = state()
    st.apply(pos(1, 21000.0))
    child = OrderEvent(T0, 1, 7, MNQ, OrderStatus.SUSPENDED, OrderType.STOP, Side.SELL, 1, stop_price=20990.0)
    st.apply(child)
    assert not st.is_protected(MNQ) and st.positions[MNQ].unprotected_since == T0
    assert 7 in st.orders and st.stop_orders(MNQ) == []  # still a working order (it can be cancelled)
    st.apply(OrderEvent(T0 + timedelta(seconds=2), 1, 7, MNQ, OrderStatus.OPEN, OrderType.STOP, Side.SELL, 1,
                        stop_price=20990.0))
    assert st.is_protected(MNQ) and st.positions[MNQ].unprotected_since is None
    trailing = OrderEvent(T0, 1, 8, MNQ, OrderStatus.OPEN, OrderType.TRAILING_STOP, Side.SELL, 1,
                          stop_price=20995.0)
    st.apply(trailing)
    assert [o.id for o in st.stop_orders(MNQ)] == [7, 8]


def test_a_voided_entry_is_no_longer_a_trade_once_none_of_its_fills_stands() -> None:
    st = state()
    st.apply(trade(1, None, order=10, size=2))
    st.apply(trade(2, None, order=10, size=1, at=T0 + timedelta(seconds=1)))  # a second part of order 10
    st.apply(trade(3, None, order=11, at=T0 + timedelta(seconds=2)))
    assert st.entries_today == 2
    st.apply(trade(1, None, order=10, size=2, voided=True))
    assert st.entries_today == 2  # order 10 still has a fill that stands
    st.apply(trade(2, None, order=10, size=1, voided=True))
    assert st.entries_today == 1 and 10 not in st.entries.orders
    st.apply(trade(2, None, order=10, size=1, voided=True))  # a repeated void changes nothing
    assert st.entries_today == 1 and st.entries_since(T0) == 1
