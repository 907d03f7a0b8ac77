"""Unit tests for the live adapter's row conversion (signed positions, trades, orders, contracts with CME
roots) and callback dispatch (wrapped/bare payloads, account filter, receive-time clock, malformed input)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from project_x_py.models import Position as SdkPosition
from project_x_py.models import Trade as SdkTrade

from risk_manager.broker.port import BrokerError
from risk_manager.broker.projectx import convert
from risk_manager.broker.projectx.dispatch import Dispatch
from risk_manager.clock.clock import VirtualClock
from risk_manager.domain.contracts import UnknownContractError
from risk_manager.domain.enums import OrderStatus, PositionType, Side
from risk_manager.domain.events import AccountEvent, Event, OrderEvent, PositionEvent, QuoteEvent, TradeEvent

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)

# ---- conversion ------------------------------------------------------------------------------------------

def test_short_position_gets_negative_size_and_closed_rows_drop() -> None:
    row = {"id": 1, "accountId": 5, "contractId": "CON.F.US.MNQ.Z26", "creationTimestamp": "x",
           "type": int(PositionType.SHORT), "size": 3, "averagePrice": 21000.5}
    p = convert.position(SdkPosition.from_api(row))
    assert p is not None and p.size == -3 and p.account_id == 5 and p.average_price == 21000.5
    assert convert.position(SdkPosition.from_api({**row, "type": 1})).size == 3  # type: ignore[union-attr]
    assert convert.position(SdkPosition.from_api({**row, "size": 0, "type": 0})) is None


def test_trade_row_keeps_pnl_fees_and_commissions_alias() -> None:
    row = {"id": 9, "accountId": 5, "contractId": "CON.F.US.EP.Z26",
           "creationTimestamp": "2026-11-20T15:00:00Z", "price": 6000.25, "profitAndLoss": None,
           "commissions": 1.5, "side": 1, "size": 2, "voided": False, "orderId": 4}
    t = convert.trade(SdkTrade.from_api(row))
    assert t is not None and t.profit_and_loss is None and t.fees == 1.5 and t.side is Side.SELL
    assert t.at_iso == "2026-11-20T15:00:00Z" and t.order_id == 4


def test_garbage_rows_fail_the_read_instead_of_vanishing() -> None:
    # a skipped position row would read as "closed", a skipped trade as a day without that loss
    good = {"id": 3, "accountId": 5, "contractId": "C", "status": 1, "type": 4, "side": 1, "size": 1,
            "stopPrice": 20990.0, "limitPrice": None}
    o = convert.order(good)
    assert o.status is OrderStatus.OPEN and o.stop_price == 20990.0
    for bad in ({**good, "status": 99}, "x", {**good, "stopPrice": float("nan")}, {**good, "id": None}):
        with pytest.raises(BrokerError, match="Order/searchOpen: unreadable row"):
            convert.order(bad)
    a = convert.account({"id": 5, "name": "PRAC-1", "balance": 50_000, "canTrade": True})
    assert a.can_trade
    with pytest.raises(BrokerError):
        convert.account({"name": "no id"})
    pos = {"id": 1, "accountId": 5, "contractId": "CON.F.US.MNQ.Z26", "creationTimestamp": "x",
           "type": 1, "size": 2, "averagePrice": 21000.5}
    for bad_pos in ({**pos, "averagePrice": "NaN"}, {**pos, "averagePrice": float("inf")},
                    {**pos, "type": 0}, {**pos, "contractId": None}):
        with pytest.raises(BrokerError, match="Position/searchOpen"):
            convert.position(SdkPosition.from_api(bad_pos))
    trade = {"id": 9, "accountId": 5, "contractId": "C", "creationTimestamp": "2026-11-20T15:00:00Z",
             "price": 1.0, "profitAndLoss": -50.0, "fees": 1.0, "side": 1, "size": 1, "voided": False,
             "orderId": 4}
    with pytest.raises(BrokerError, match="Trade/search"):
        convert.trade(SdkTrade.from_api({**trade, "profitAndLoss": float("nan")}))


def test_contract_root_from_name_then_id_and_alias() -> None:
    ep = convert.contract("CON.F.US.EP.Z26", {"id": "CON.F.US.EP.Z26", "name": "EPZ6", "tickSize": 0.25,
                                              "tickValue": 12.5, "description": "E-mini S&P"})
    assert ep.root == "ES" and ep.tick_value == 12.5
    nameless = convert.contract("CON.F.US.MNQ.Z26", {"name": "", "tickSize": 0.25, "tickValue": 0.5})
    assert nameless.root == "MNQ"
    with pytest.raises(UnknownContractError):
        convert.contract("X", {"name": "??", "tickSize": 0.25, "tickValue": 0.5})
    with pytest.raises(UnknownContractError):
        convert.contract("CON.F.US.MNQ.Z26", {"name": "MNQZ6", "tickSize": 0.25})  # no tick value


# ---- dispatch --------------------------------------------------------------------------------------------

ORDER = {"id": 1, "accountId": 5, "contractId": "CON.F.US.MNQ.Z26",
         "creationTimestamp": "2026-11-20T14:59:59Z", "updateTimestamp": None, "status": 2, "type": 2,
         "side": 0, "size": 1, "fillVolume": 1}


async def test_dispatch_unwraps_envelopes_and_filters_other_accounts() -> None:
    got: list[Event] = []
    d = Dispatch(got.append, VirtualClock(T0), monotonic=lambda: 0.0)
    cbs = d.callbacks(5)
    await cbs["order_update"]({"action": 1, "data": ORDER})
    await cbs["order_update"](ORDER)  # bare
    await cbs["account_update"]({"action": 1, "data": {"id": 6, "name": "B", "balance": 1, "canTrade": True}})
    await cbs["account_update"]({"id": 5, "name": "A", "balance": 2, "canTrade": False})
    closed = {"accountId": 5, "contractId": "C", "type": 0, "size": 0, "averagePrice": 0}
    await cbs["position_update"]({"action": 2, "data": closed})
    fill = {"id": 2, "accountId": 5, "contractId": "C", "price": 1,
            "creationTimestamp": "2026-11-20T15:00:00Z", "profitAndLoss": None, "fees": 0, "side": 0,
            "size": 1, "orderId": 1}
    await cbs["trade_execution"]({"action": 0, "data": fill})
    await cbs["quote_update"]({"contract_id": "CON.F.US.MNQ.Z26", "data": {"bestBid": 1.0, "bestAsk": 1.25}})
    kinds = [type(e) for e in got]
    assert kinds == [OrderEvent, OrderEvent, AccountEvent, PositionEvent, TradeEvent, QuoteEvent]
    assert got[0] == got[1]
    assert isinstance(got[2], AccountEvent) and got[2].account_id == 5 and not got[2].can_trade
    assert isinstance(got[3], PositionEvent) and got[3].size == 0 and got[3].at == T0  # receive time
    assert isinstance(got[5], QuoteEvent) and got[5].at == T0 and got[5].bid == 1.0


async def test_dispatch_skips_malformed_payloads_and_survives_a_broken_sink() -> None:
    def sink(e: Event) -> None:
        raise RuntimeError("queue full")

    d = Dispatch(sink, VirtualClock(T0), monotonic=lambda: 0.0)
    cbs = d.callbacks(5)
    await cbs["order_update"]({"action": 1, "data": {"id": "x"}})
    await cbs["quote_update"]({"contract_id": None, "data": {}})
    await cbs["position_update"]("garbage")  # type: ignore[arg-type]
    assert d.skipped == 3
    await cbs["order_update"](ORDER)  # the sink raises: logged, not propagated
    assert d.delivered == 0
