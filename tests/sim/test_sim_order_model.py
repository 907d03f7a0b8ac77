"""The order model over the wire: the unmodified SDK places native brackets, trailing stops and join orders
on the simulator and sees the statuses live TopstepX sends (8 Suspended children, 7 PendingCancellation,
5 Rejected, partial fills)."""

from __future__ import annotations

from typing import Any

import pytest
from sim_helpers import MNQ, SdkSession, unwrap

from risk_manager.sim import SimControl, SimServer

pytestmark = pytest.mark.e2e


def order_rows(sdk: SdkSession, order_id: int) -> list[dict[str, Any]]:
    return [unwrap(d) for d in sdk.events.of("order_update") if unwrap(d)["id"] == order_id]


async def test_native_bracket_through_the_sdk(sim: SimServer, ctl: SimControl, sdk: SdkSession) -> None:
    from project_x_py import EventBus, OrderManager

    om = OrderManager(sdk.px, event_bus=EventBus())
    sim.feed.walk = False  # prices move only when the test says so
    await ctl.set_price("MNQ", bid=21000.0, ask=21000.25)
    resp = await om.place_order(MNQ, 1, 0, 2, limit_price=20990.0,  # type: ignore[attr-defined]
                                stop_loss_bracket={"ticks": -8, "type": 4},
                                take_profit_bracket={"ticks": 16, "type": 1})
    entry = resp.orderId
    stop, target = entry + 1, entry + 2
    await sdk.events.wait_for("order_update", lambda d: unwrap(d)["id"] == target)
    assert [r["status"] for r in order_rows(sdk, stop)] == [8]
    assert order_rows(sdk, stop)[0]["parentOrderId"] == entry
    assert order_rows(sdk, stop)[0]["linkedOrderId"] == target
    open_ids = [o.id for o in await om.search_open_orders()]
    assert open_ids == [entry]  # searchOpen lists status 1 only
    suspended = await om.query_orders(statuses=[8], include_total_count=True)  # Order/v2/query does not
    assert sorted(o.id for o in suspended) == [stop, target]
    await ctl.set_price("MNQ", ask=20990.0)
    await sdk.events.wait_for("order_update", lambda d: unwrap(d)["id"] == stop and unwrap(d)["status"] == 1)
    row = order_rows(sdk, stop)[-1]
    assert (row["stopPrice"], row["size"], row["type"]) == (20988.0, 2, 4)
    assert sorted(o.id for o in await om.search_open_orders()) == [stop, target]
    await ctl.set_price("MNQ", bid=20988.0)  # the stop fills; the target is cancelled (7 then 3)
    await sdk.events.wait_for("order_update",
                              lambda d: unwrap(d)["id"] == target and unwrap(d)["status"] == 3)
    assert [r["status"] for r in order_rows(sdk, target)][-2:] == [7, 3]
    assert not await sdk.px.search_open_positions()


async def test_trailing_join_partial_and_rejected(sim: SimServer, ctl: SimControl, sdk: SdkSession) -> None:
    from project_x_py import EventBus, OrderManager
    from project_x_py.exceptions import ProjectXOrderError

    om = OrderManager(sdk.px, event_bus=EventBus())
    sim.feed.walk = False  # prices move only when the test says so
    await ctl.set_price("MNQ", bid=21000.0, ask=21000.25)
    await ctl.liquidity(1)
    buy = (await om.place_market_order(MNQ, 0, 3)).orderId  # type: ignore[attr-defined]
    await ctl.set_price("MNQ", bid=21000.0, ask=21000.5)
    await ctl.set_price("MNQ", bid=21000.0, ask=21000.75)
    await sdk.events.wait_for("order_update", lambda d: unwrap(d)["id"] == buy and unwrap(d)["status"] == 2)
    fills = [(r["status"], r["fillVolume"]) for r in order_rows(sdk, buy)]
    assert fills[-3:] == [(1, 1), (1, 2), (2, 3)]
    await ctl.liquidity(None)
    trail = (await om.place_trailing_stop_order(MNQ, 1, 3, 5.0)).orderId  # type: ignore[attr-defined]
    row = (await sdk.events.wait_for("order_update", lambda d: unwrap(d)["id"] == trail))
    assert (unwrap(row)["type"], unwrap(row)["trailPrice"], unwrap(row)["stopPrice"]) == (5, 5.0, 20995.0)
    join = (await om.place_order(MNQ, 6, 0, 1)).orderId  # type: ignore[attr-defined]
    row = await sdk.events.wait_for("order_update",
                                    lambda d: unwrap(d)["id"] == join and unwrap(d)["status"] == 1)
    assert unwrap(row)["limitPrice"] == 21000.0
    await ctl.order_fault("reject", scope="entry")
    with pytest.raises(ProjectXOrderError):
        await om.place_market_order(MNQ, 0, 1)
    assert [p.size for p in await sdk.px.search_open_positions()] == [3]
