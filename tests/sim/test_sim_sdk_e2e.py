"""End-to-end: the unmodified project-x-py SDK against the simulator over real sockets."""

from __future__ import annotations

import time

import pytest
from sim_helpers import MNQ, SdkSession, open_sdk, unwrap

from risk_manager.sim import SimOptions, SimServer
from risk_manager.sim.auth import decode_claims
from support import wait_until

pytestmark = pytest.mark.e2e


def _managers(session: SdkSession) -> tuple[object, object]:
    from project_x_py import EventBus, OrderManager, PositionManager

    return OrderManager(session.px, event_bus=EventBus()), PositionManager(session.px, event_bus=EventBus())


async def test_login_selects_account_and_brings_up_both_hubs(sim: SimServer, sdk: SdkSession) -> None:
    assert (sdk.account.name, sdk.account.balance, sdk.account.canTrade) == ("PRAC-1", 50_000.0, True)
    assert sdk.account.simulated is True
    exp = decode_claims(sdk.px.session_token)["exp"]
    assert abs(exp - (time.time() + 24 * 3600)) < 120  # ~24 h JWT the SDK can read
    assert sdk.rt.user_connected and sdk.rt.market_connected
    quote = await sdk.events.wait_for("quote_update", lambda d: d["contract_id"] == MNQ)
    data = quote["data"]
    assert {"symbol", "symbolName", "lastPrice", "bestBid", "bestAsk", "change", "changePercent", "open",
            "high", "low", "volume", "lastUpdated", "timestamp"} <= data.keys()
    assert data["bestAsk"] > data["bestBid"]
    assert (data["bestAsk"] * 4) == int(data["bestAsk"] * 4)  # on MNQ's 0.25 grid
    conns = sim.user_hub.conns
    assert any(c.subs["accounts"] and sdk.account.id in c.subs["orders"] for c in conns)


@pytest.fixture
def sim_options() -> SimOptions:
    return SimOptions(port=0, accounts=["PRAC-1", "PRAC-2"], quote_rate=10.0)


async def test_account_selection_by_name(sim: SimServer) -> None:
    async with open_sdk(sim, account_name="prac-2", contracts=()) as session:
        assert (session.account.id, session.account.name) == (2, "PRAC-2")
    from project_x_py import ProjectX
    from project_x_py.exceptions import ProjectXError
    from sim_helpers import API_KEY, sdk_config

    async with ProjectX("trader", API_KEY, config=sdk_config(sim), account_name="NOPE") as px:
        with pytest.raises(ProjectXError, match="not found"):
            await px.authenticate()


async def test_market_order_yields_order_trade_position_events(sim: SimServer, sdk: SdkSession) -> None:
    om, _ = _managers(sdk)
    resp = await om.place_market_order(MNQ, 0, 2)  # type: ignore[attr-defined]
    order_id = resp.orderId
    ev = sdk.events
    filled = await ev.wait_for("order_update",
                               lambda d: (unwrap(d)["id"], unwrap(d)["status"]) == (order_id, 2))
    trade = await ev.wait_for("trade_execution", lambda d: unwrap(d)["orderId"] == order_id)
    pos = await ev.wait_for("position_update", lambda d: unwrap(d)["contractId"] == MNQ)
    await ev.wait_for("account_update")
    assert filled["action"] == 1 and trade["action"] == 0 and pos["action"] == 1  # live {"action","data"}
    assert unwrap(trade)["profitAndLoss"] is None  # opening half-turn
    assert unwrap(trade)["price"] == unwrap(filled)["filledPrice"]
    assert (unwrap(pos)["type"], unwrap(pos)["size"]) == (1, 2)
    statuses = [unwrap(d)["status"] for d in ev.of("order_update") if unwrap(d)["id"] == order_id]
    assert statuses == [6, 2]  # Pending, then Filled
    positions = await sdk.px.search_open_positions()
    assert [(p.contractId, p.size, p.type) for p in positions] == [(MNQ, 2, 1)]


async def test_partial_close_close_and_cancel_all(sim: SimServer, sdk: SdkSession) -> None:
    om, pm = _managers(sdk)
    ev = sdk.events
    await om.place_market_order(MNQ, 0, 3)  # type: ignore[attr-defined]
    await ev.wait_for("position_update", lambda d: unwrap(d)["size"] == 3)

    result = await pm.partially_close_position(MNQ, 1)  # type: ignore[attr-defined]
    assert result["success"] is True
    await ev.wait_for("position_update", lambda d: unwrap(d)["size"] == 2)
    closing = await ev.wait_for("trade_execution", lambda d: unwrap(d)["side"] == 1)
    assert isinstance(unwrap(closing)["profitAndLoss"], float)

    bid, _, _ = sim.broker.touch(MNQ)
    assert bid is not None
    for ticks in (40, 80):
        await om.place_limit_order(MNQ, 0, 1, bid - ticks * 0.25)  # type: ignore[attr-defined]
    await wait_until(lambda: len(sim.broker.open_orders(sdk.account.id)) == 2, what="two resting orders")
    cancelled = await om.cancel_all_orders()  # type: ignore[attr-defined]
    assert cancelled["cancelled"] == 2 and cancelled["failed"] == 0
    assert await om.search_open_orders() == []  # type: ignore[attr-defined]

    result = await pm.close_position_direct(MNQ)  # type: ignore[attr-defined]
    assert result["success"] is True
    closed = await ev.wait_for("position_update", lambda d: unwrap(d)["size"] == 0)
    assert closed["action"] == 2 and unwrap(closed)["type"] == 0
    assert await sdk.px.search_open_positions() == []
    endpoints = [r.endpoint for r in sim.log.records()]
    for name in ("Position/partialCloseContract", "Position/closeContract", "Order/cancel"):
        assert name in endpoints


async def test_hub_drop_reconnects_through_404_on_reused_id(sim: SimServer, sdk: SdkSession) -> None:
    from risk_manager.sim import SimControl

    before = sim.log.last_seq
    async with SimControl(sim.base_url) as ctl:
        assert await ctl.drop("all") == 2
        await wait_until(lambda: not sdk.rt.user_connected, 5.0, "SDK to notice the drop")
        await wait_until(lambda: sdk.rt.user_connected and sdk.rt.market_connected, 15.0, "SDK reconnect")
        hub_calls = [(r.endpoint, r.status) for r in sim.log.records(since=before)]
        # pysignalr first retries the spent id (404 before the upgrade), then renegotiates and connects.
        assert ("hubs/user", 404) in hub_calls and ("hubs/market", 404) in hub_calls
        first_404 = hub_calls.index(("hubs/user", 404))
        assert ("hubs/user/negotiate", 200) in hub_calls[first_404:]
        assert ("hubs/user", 101) in hub_calls[first_404:]
        # The SDK re-subscribes on reopen; events flow again.
        await wait_until(lambda: any(sdk.account.id in c.subs["positions"] for c in sim.user_hub.conns),
                         5.0, "re-subscription")
        sdk.events.clear()
        await ctl.open_position("MNQ", "buy", 1)  # a manual trade, as from the TopstepX UI
        pos = await sdk.events.wait_for("position_update")
        assert unwrap(pos)["size"] == 1
        await sdk.events.wait_for("quote_update")
