"""Close / partial close / cancel / modify through the raw request path: definite results, not-found,
and every "may have been accepted" case (500, 429, hang) reported as uncertain within the timeout."""

from __future__ import annotations

import asyncio

import pytest
from test_adapter_rig import ES, MNQ, Rig, live_rig

from risk_manager.broker.projectx import is_not_found
from support import wait_until

pytestmark = pytest.mark.e2e


async def _sizes(rig: Rig) -> dict[str, int]:
    return {p.contract_id: p.size for p in await rig.broker.open_positions(rig.account_id)}


async def test_close_partial_close_cancel_and_modify_succeed() -> None:
    async with live_rig() as rig:
        acct = rig.account_id
        await rig.admin("position", symbol="MNQ", side="buy", size=3)
        await rig.admin("position", symbol="ES", side="sell", size=1)
        part = await rig.broker.partial_close(acct, MNQ, 2)
        assert part.ok and not part.uncertain
        assert await _sizes(rig) == {MNQ: 1, ES: -1}
        closed = await rig.broker.close_position(acct, ES)
        assert closed.ok
        assert await _sizes(rig) == {MNQ: 1}
        placed = await rig.admin("order", symbol="MNQ", side="sell", size=1, type="stop", stop=20_000.0)
        stop = placed["orderId"]
        placed = await rig.admin("order", symbol="MNQ", side="sell", size=1, type="limit", limit=30_000.0)
        limit = placed["orderId"]
        moved = await rig.broker.modify_stop(acct, stop, 20_100.0)
        assert moved.ok and moved.order_id == stop
        cancelled = await rig.broker.cancel_order(acct, limit)
        assert cancelled.ok and cancelled.order_id == limit
        open_orders = {o.id: o for o in await rig.broker.open_orders(acct)}
        assert set(open_orders) == {stop} and open_orders[stop].stop_price == 20_100.0
        # Each mutation was one request, straight to the endpoint: no SDK follow-up searchOpen/sleep.
        assert len(await rig.requests("Position/closeContract")) == 1


async def test_close_when_flat_is_not_found_not_uncertain() -> None:
    async with live_rig() as rig:
        r = await rig.broker.close_position(rig.account_id, MNQ)
        assert not r.ok and not r.uncertain and is_not_found(r)
        assert r.error is not None and r.error.startswith("position not found")
        c = await rig.broker.cancel_order(rig.account_id, 424242)
        assert not c.ok and not c.uncertain and is_not_found(c)
        p = await rig.broker.partial_close(rig.account_id, MNQ, 1)
        assert not p.ok and not p.uncertain


@pytest.mark.parametrize("mode", ["500", "429"])
async def test_server_error_and_rate_limit_on_close_are_uncertain(mode: str) -> None:
    async with live_rig() as rig:
        await rig.admin("position", symbol="MNQ", side="buy", size=1)
        await rig.admin("fail", endpoint="Position/closeContract", mode=mode, count=1)
        r = await rig.broker.close_position(rig.account_id, MNQ)
        assert not r.ok and r.uncertain and r.error is not None
        assert len(await rig.requests("Position/closeContract")) == 1  # never retried by the SDK or us
        assert await _sizes(rig) == {MNQ: 1}  # the re-query tells the executor what really happened
        again = await rig.broker.close_position(rig.account_id, MNQ)
        assert again.ok and await _sizes(rig) == {}


async def test_hanging_close_is_uncertain_within_the_timeout_and_may_still_execute() -> None:
    async with live_rig(broker_kw={"mutation_timeout": 0.5}) as rig:
        await rig.admin("position", symbol="MNQ", side="buy", size=1)
        await rig.admin("fail", endpoint="Position/closeContract", mode="hang", count=1, hang_seconds=1.0)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        r = await rig.broker.close_position(rig.account_id, MNQ)
        assert not r.ok and r.uncertain and r.error is not None and "timed out" in r.error
        assert loop.time() - t0 < 1.0
        # The gateway handled it after all: exactly why "uncertain" means re-query, not blind retry.
        await wait_until(lambda: not rig.sim.broker.positions(rig.account_id) or
                       all(p.size == 0 for p in rig.sim.broker.positions(rig.account_id)),
                       within=5.0, what="the late close to execute")
        assert await _sizes(rig) == {}


async def test_mutation_after_token_revocation_logs_in_again_and_succeeds() -> None:
    async with live_rig() as rig:
        await rig.admin("position", symbol="MNQ", side="buy", size=1)
        await rig.admin("revoke")
        r = await rig.broker.close_position(rig.account_id, MNQ)
        assert r.ok, r.error
        assert rig.session.generation == 2
        statuses = [q["status"] for q in await rig.requests("Position/closeContract")]
        assert statuses == [401, 200]


async def test_caller_cancellation_is_not_swallowed() -> None:
    async with live_rig(broker_kw={"mutation_timeout": 5.0}) as rig:
        await rig.admin("position", symbol="MNQ", side="buy", size=1)
        await rig.admin("fail", endpoint="Position/closeContract", mode="hang", count=1, hang_seconds=2.0)
        task = asyncio.create_task(rig.broker.close_position(rig.account_id, MNQ))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task  # the SDK turns cancellation into "uncertain"; we re-raise it
