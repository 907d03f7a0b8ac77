"""PaperBrokerPort: the BrokerPort protocol over the paper broker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from paper_helpers import MNQ, T0, ManualClock

from risk_manager.broker.paper import PaperBroker
from risk_manager.broker.paper_port import PaperBrokerPort
from risk_manager.broker.port import BrokerError, BrokerPort, BrokerResult
from risk_manager.domain.contracts import UnknownContractError, catalogue_contract
from risk_manager.domain.enums import OrderType, Side


@pytest.fixture
def port(paper: PaperBroker) -> PaperBrokerPort:
    return PaperBrokerPort(paper)


async def test_reads_delegate(port: PaperBrokerPort, paper: PaperBroker, acct: int) -> None:
    typed: BrokerPort = port  # mypy checks the structural match
    paper.place_order(acct, MNQ, OrderType.MARKET, Side.BUY, 2)
    paper.place_order(acct, MNQ, OrderType.LIMIT, Side.SELL, 2, limit_price=21100.0)
    assert [a.name for a in await typed.accounts()] == ["PRAC-1"]
    assert (await typed.contract(MNQ)) == catalogue_contract("MNQ")
    assert [p.size for p in await typed.open_positions(acct)] == [2]
    assert [o.limit_price for o in await typed.open_orders(acct)] == [21100.0]
    with pytest.raises(UnknownContractError):
        await typed.contract("CON.F.US.XXX.Z26")
    with pytest.raises(BrokerError):
        await typed.open_positions(77)


async def test_trades_window_compares_instants(port: PaperBrokerPort, paper: PaperBroker, acct: int,
                                               clock: ManualClock) -> None:
    for _ in range(3):
        paper.place_order(acct, MNQ, OrderType.MARKET, Side.BUY, 1)
        clock.advance(60)
    everything = await port.trades(acct, "2026-11-20T08:30:00-06:00")  # == T0 in another offset
    assert [t.id for t in everything] == [1, 2, 3]
    end = (T0 + timedelta(seconds=60)).isoformat()
    assert [t.id for t in await port.trades(acct, T0.isoformat(), end)] == [1, 2]
    assert everything[1].at_iso == (T0 + timedelta(seconds=60)).isoformat()


async def test_mutations_report_results(port: PaperBrokerPort, paper: PaperBroker, acct: int) -> None:
    assert await port.close_position(acct, MNQ) == BrokerResult(ok=False, error="position not found")
    paper.place_order(acct, MNQ, OrderType.MARKET, Side.BUY, 3)
    stop = paper.place_order(acct, MNQ, OrderType.STOP, Side.SELL, 3, stop_price=20990.0)
    assert await port.modify_stop(acct, stop, 20995.0) == BrokerResult(ok=True, order_id=stop)
    assert paper.open_orders(acct)[0].stop_price == 20995.0
    assert (await port.partial_close(acct, MNQ, 5)).error == "invalid close size"
    partial = await port.partial_close(acct, MNQ, 1)
    assert partial.ok and partial.order_id == stop + 1
    closed = await port.close_position(acct, MNQ)
    assert closed.ok and closed.order_id == stop + 2 and paper.positions(acct) == []
    assert await port.cancel_order(acct, stop) == BrokerResult(ok=True, order_id=stop)
    assert await port.cancel_order(acct, stop) == BrokerResult(ok=False, error="order not found")
    assert (await port.modify_stop(acct, stop, 1.0)).error == "order not found"
