"""Order actions of the live executor: cancel (entry) orders and tighten a stop, verified by re-query."""

from __future__ import annotations

import asyncio
from functools import partial

from risk_manager.broker.port import Order
from risk_manager.enforcement.calls import BrokerCalls, Job
from risk_manager.enforcement.converge import Converger
from risk_manager.engine.actions import ModifyStop


async def cancel_orders(calls: BrokerCalls, converge: Converger, job: Job,
                        order_ids: tuple[int, ...]) -> bool:
    """Cancel ``order_ids``; done when none of them is still working. An order the broker no
    longer knows (filled, already cancelled) counts as done. Gives up with an alert after the budget: the
    kill switch still closes whatever such an order opens."""
    aid, ids = job.action.account_id, set(order_ids)
    broker = calls.broker

    async def send(t: list[Order] | None) -> bool | None:
        todo = sorted(ids if t is None else ids & {o.id for o in t})
        if not todo:
            return None
        results = await asyncio.gather(*(calls.mutate(
            job, "cancel_order", partial(broker.cancel_order, aid, oid), order_id=oid)
            for oid in todo))
        return all(r.ok for r in results)

    return await converge.run(job, lambda: calls.orders(aid), lambda t: not ids & {o.id for o in t},
                              send, f"cancel orders {sorted(ids)}", endless=False)


async def modify_stop(calls: BrokerCalls, converge: Converger, job: Job, a: ModifyStop,
                      attempts: int) -> bool:
    """Move a stop; done when the order shows the new price or is gone (nothing left to tighten)."""
    aid, oid, stop = a.account_id, a.order_id, float(a.stop_price)
    broker = calls.broker

    def goal(t: list[Order]) -> bool:
        o = next((o for o in t if o.id == oid), None)
        return o is None or (o.stop_price is not None and abs(o.stop_price - stop) < 1e-9)

    async def send(t: list[Order] | None) -> bool:
        r = await calls.mutate(job, "modify_stop", lambda: broker.modify_stop(aid, oid, stop),
                               order_id=oid, stop=stop)
        return r.ok

    return await converge.run(job, lambda: calls.orders(aid), goal, send, f"modify stop {oid}",
                              endless=False, attempts=attempts)
