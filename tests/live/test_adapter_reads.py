"""Live adapter reads against the simulator with the real SDK: contract metadata, positions (signed),
orders, trades (large limit, start filter), and how failures surface (BrokerError, re-login on 401)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from test_adapter_rig import ES, MNQ, live_rig

from risk_manager.broker.port import BrokerError
from risk_manager.domain.contracts import UnknownContractError
from risk_manager.domain.enums import OrderStatus, OrderType, Side

pytestmark = pytest.mark.e2e


async def test_contract_metadata_from_the_contract_api_cached() -> None:
    async with live_rig() as rig:
        mnq = await rig.broker.contract(MNQ)
        assert (mnq.root, mnq.tick_size, mnq.tick_value, mnq.name) == ("MNQ", 0.25, 0.5, "MNQZ6")
        es = await rig.broker.contract(ES)  # ProjectX says EP; config speaks CME
        assert (es.root, es.tick_size, es.tick_value) == ("ES", 0.25, 12.5)
        await rig.broker.contract(MNQ)
        assert len(await rig.requests("Contract/searchById")) == 2  # the repeat came from the cache
        with pytest.raises(UnknownContractError):
            await rig.broker.contract("CON.F.US.ZZZ.Z26")  # unknown: raise, never fall back


async def test_positions_are_signed_orders_and_trades_read_back() -> None:
    async with live_rig() as rig:
        start = datetime.now(UTC) - timedelta(seconds=5)
        await rig.admin("position", symbol="MNQ", side="buy", size=2)
        await rig.admin("position", symbol="ES", side="sell", size=1)
        await rig.admin("order", symbol="MNQ", side="sell", size=2, type="stop", stop=20_000.0)
        positions = {p.contract_id: p for p in await rig.broker.open_positions(rig.account_id)}
        assert positions[MNQ].size == 2 and positions[ES].size == -1
        assert positions[MNQ].average_price > 0
        orders = await rig.broker.open_orders(rig.account_id)
        assert len(orders) == 1
        o = orders[0]
        assert (o.status, o.type, o.side) == (OrderStatus.OPEN, OrderType.STOP, Side.SELL)
        assert o.stop_price == 20_000.0
        trades = await rig.broker.trades(rig.account_id, start.isoformat())
        assert {t.contract_id for t in trades} == {MNQ, ES}
        assert all(t.profit_and_loss is None for t in trades)  # opening half-turns
        later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        assert await rig.broker.trades(rig.account_id, later) == []


async def test_trade_search_is_not_truncated_at_the_sdk_default_of_100() -> None:
    async with live_rig() as rig:
        start = datetime.now(UTC) - timedelta(seconds=5)
        for _ in range(55):  # 110 fills: open + close
            await rig.admin("position", symbol="MNQ", side="buy", size=1)
            await rig.admin("position", symbol="MNQ", side="sell", size=1)
        trades = await rig.broker.trades(rig.account_id, start.isoformat())
        assert len(trades) == 110
        assert sum(t.profit_and_loss is not None for t in trades) == 55
        body = (await rig.requests("Trade/search"))[-1]["body"]
        assert body["accountId"] == rig.account_id
        assert body["startTimestamp"].startswith(start.date().isoformat())


async def test_read_failures_raise_broker_error_within_the_timeout() -> None:
    async with live_rig(broker_kw={"read_timeout": 1.0}) as rig:
        await rig.admin("fail", endpoint="Position/searchOpen", mode="500", count=5)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        with pytest.raises(BrokerError, match="Position/searchOpen"):
            await rig.broker.open_positions(rig.account_id)  # the SDK retries 5xx reads with 1 s + 2 s sleeps
        assert loop.time() - t0 < 2.0
        await rig.admin("fail/clear")
        with pytest.raises(BrokerError):
            await rig.broker.open_positions(999)  # unknown account: success:false -> BrokerError


async def test_revoked_token_is_replaced_by_a_fresh_login_on_read() -> None:
    async with live_rig() as rig:
        await rig.admin("position", symbol="MNQ", side="buy", size=1)
        await rig.admin("revoke")
        positions = await rig.broker.open_positions(rig.account_id)
        assert [p.size for p in positions] == [1]
        assert rig.session.generation == 2
        assert len(await rig.requests("Auth/loginKey")) == 2


async def test_a_429_on_an_urgent_read_waits_a_bounded_retry_after_never_the_sdk_minute() -> None:
    # the simulator answers these 429s with Retry-After: 60; the SDK's request path would sleep 60 s
    async with live_rig() as rig:
        await rig.admin("position", symbol="MNQ", side="buy", size=1)
        await rig.admin("fail", endpoint="Position/searchOpen", mode="429", count=3)
        await rig.admin("fail", endpoint="Order/searchOpen", mode="429", count=1)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        positions = await rig.broker.open_positions(rig.account_id)
        orders = await rig.broker.open_orders(rig.account_id)
        assert [p.size for p in positions] == [1] and orders == []
        assert loop.time() - t0 < 3.0  # 4 x the 0.5 s bound, not 4 x 5 s (our timeout on the SDK's sleep)
        statuses = [q["status"] for q in await rig.requests("Position/searchOpen")]
        assert statuses == [429, 429, 429, 200]


async def test_the_retry_after_wait_goes_through_the_injected_sleeper_and_ends_at_the_read_timeout() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with live_rig(broker_kw={"sleep": sleep, "retry_after_cap": 0.25, "read_timeout": 1.0}) as rig:
        await rig.admin("fail", endpoint="Position/searchOpen", mode="429", count=2)
        assert await rig.broker.open_positions(rig.account_id) == []
        assert slept == [0.25, 0.25]
    async with live_rig(broker_kw={"retry_after_cap": 2.0, "read_timeout": 1.0}) as rig:
        await rig.admin("fail", endpoint="Position/searchOpen", mode="429", count=1)
        with pytest.raises(BrokerError, match="rate limited"):
            await rig.broker.open_positions(rig.account_id)  # waiting would outlast the read timeout
