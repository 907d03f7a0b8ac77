"""The live executor (SPEC §6): runs the engine's actions against a ``BrokerPort``, concurrently.

- The engine has already persisted and journaled any lockout before it returned the actions.
- Each action runs in its own task, started eagerly so its first broker call leaves at once.
- flatten = cancel every working order, close every open position (every contract), re-query until flat.
- close / reduce / cancel / modify each converge by re-query (``converge.Converger``); at most one action per
  key is in flight (the engine's decider) and flatten never sends a close beside a request on the same
  contract that still awaits its answer (beside a close or reduce that is only verifying, it does).
- A close or partial close without an answer stays tracked (``inflight``) until the gateway answers: see
  there for why a partial close waits for it, and a full close is re-sent at once only under a lockout.
- ``complete(account_id, key)`` is called when an action is done or given up, so it can be decided again;
  an action of a kind no case handles is a type error (``assert_never``), and at run time it is logged as a
  failure, never reported done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import assert_never

from risk_manager.broker.port import BrokerPort, BrokerResult, Order, Position
from risk_manager.clock.clock import Clock
from risk_manager.domain.state import AccountState
from risk_manager.enforcement.budget import RateBudget, Sleep
from risk_manager.enforcement.calls import BrokerCalls, ExecutorPolicy, Job
from risk_manager.enforcement.converge import Converger
from risk_manager.enforcement.live_orders import cancel_orders, modify_stop
from risk_manager.engine.actions import (
    Action,
    CancelEntryOrders,
    CancelOrder,
    ClosePosition,
    Complete,
    Flatten,
    ModifyStop,
    ReducePosition,
)
from risk_manager.engine.records import JournalWriter, RecordMaker

log = logging.getLogger("risk_manager.enforcement")
StateOf = Callable[[int], AccountState | None]
Locked = Callable[[int], bool]


def _sizes(positions: list[Position]) -> dict[str, int]:
    return {p.contract_id: p.size for p in positions if p.size}


class LiveExecutor:
    def __init__(self, broker: BrokerPort, complete: Complete, journal: JournalWriter, make: RecordMaker,
                 clock: Clock, state_of: StateOf, *, policy: ExecutorPolicy | None = None,
                 budget: RateBudget | None = None, locked: Locked | None = None,
                 sleep: Sleep = asyncio.sleep, unknown: Callable[[str, str], None] | None = None,
                 holds: Callable[[int, str], bool] | None = None) -> None:
        self.broker = broker
        self.policy = policy or ExecutorPolicy()
        self.calls = BrokerCalls(broker, budget or RateBudget(sleep=sleep), self.policy, journal, make, clock)
        self.calls.on_unknown = unknown  # (account, what): a request never answered (see ``inflight``)
        self.converge = Converger(self.calls, self.policy, sleep)
        self._locked: Locked = locked or (lambda _aid: False)
        # a lockout of this rule still runs on the account (the reason of a close it decided); default: any
        self._holds: Callable[[int, str], bool] = holds or (lambda aid, _rule: self._locked(aid))
        self._complete = complete
        self._state_of = state_of
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def submit(self, actions: list[Action]) -> None:
        loop = asyncio.get_running_loop()
        for a in actions:
            task = asyncio.eager_task_factory(loop, self._run(a), name=f"action-{a.kind}-{a.account_id}")
            if not task.done():
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def closing(self, account_id: int) -> bool:
        """A close or partial close sent for this account is still unanswered (its lockout must hold)."""
        return self.calls.inflight.closing(account_id)

    async def drain(self, within: float) -> bool:
        """Wait for in-flight actions; True if all finished within ``within`` seconds."""
        if not self._tasks:
            return True
        _, pending = await asyncio.wait(set(self._tasks), timeout=within)
        return not pending

    async def stop(self) -> None:
        self.calls.inflight.cancel_all()
        tasks = list(self._tasks)
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t

    # ---- one action ------------------------------------------------------------------------------------

    async def _run(self, a: Action) -> None:
        st = self._state_of(a.account_id)
        job = Job(a, st.name if st is not None else str(a.account_id))
        verified: dict[str, int] | None = None
        try:
            match a:
                case Flatten():
                    held = list(self._engine_sizes(a.account_id))
                    if await self._flatten(job):
                        verified = dict.fromkeys(held, 0)
                case ClosePosition():
                    if await self._close(job, a):
                        verified = {a.contract_id: 0}
                case ReducePosition():
                    if await self._reduce(job, a):
                        verified = {a.contract_id: a.to_size}
                case CancelOrder():
                    await cancel_orders(self.calls, self.converge, job, (a.order_id,))
                case CancelEntryOrders():
                    await cancel_orders(self.calls, self.converge, job, a.order_ids)
                case ModifyStop():
                    await modify_stop(self.calls, self.converge, job, a, self.policy.modify_attempts)
                case _:
                    assert_never(a)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug must not kill enforcement silently: say it loudly, free the key
            log.exception("executing %s for %s failed", a.kind, job.account)
        finally:
            # the broker's verified sizes stand in for the position updates still on their way
            self._complete(a.account_id, a.key, verified)

    def _engine_sizes(self, account_id: int) -> dict[str, int]:
        st = self._state_of(account_id)
        return {} if st is None else {cid: p.size for cid, p in st.positions.items() if p.size}

    def _worst_first(self, account_id: int, cids: list[str]) -> list[str]:
        """Contracts by the engine's unrealized P&L, biggest loss first (unvalued ones last)."""
        st = self._state_of(account_id)
        if st is None:
            return cids

        def loss(cid: str) -> float:
            p = st.positions.get(cid)
            return p.unrealized if p is not None and p.unrealized is not None else float("inf")

        return sorted(cids, key=loss)

    def _engine_orders(self, account_id: int) -> list[int]:
        st = self._state_of(account_id)
        return [] if st is None else sorted(st.orders)

    async def _flatten(self, job: Job) -> bool:
        aid = job.action.account_id
        b, c = self.broker, self.calls

        async def read() -> tuple[list[Position], list[Order]] | None:
            pos, orders = await asyncio.gather(c.positions(aid), c.orders(aid))
            return None if pos is None or orders is None else (pos, orders)

        def goal(t: tuple[list[Position], list[Order]]) -> bool:
            return not _sizes(t[0]) and not t[1]

        covered: set[str] = set()  # contracts the last send closed

        def uncovered(t: tuple[list[Position], list[Order]]) -> bool:
            return any(cid not in covered and not self.calls.asking(aid, cid) for cid in _sizes(t[0]))

        async def send(t: tuple[list[Position], list[Order]] | None) -> bool | None:
            sizes = self._engine_sizes(aid) if t is None else _sizes(t[0])
            if not self._locked(aid) and await self._settle(aid, list(sizes)):
                t = await read()  # an earlier close was unanswered: size nothing on the view before it
                if t is None:
                    return False
                sizes = _sizes(t[0])
            order_ids = self._engine_orders(aid) if t is None else sorted(o.id for o in t[1])
            # not beside a request on the contract still awaiting its answer; beside a close or reduce that
            # is only verifying, yes: under a lockout two closes cannot close more than the position
            closing = self._worst_first(aid, [cid for cid in sizes if not self.calls.asking(aid, cid)])
            covered.clear()
            covered.update(closing)
            # Cancels leave first so a resting entry cannot fill behind the close; nothing waits on them.
            # They and the worst position's close leave at once, the other closes a loop turn later: when
            # one quote flattens many accounts, each one's first close goes out before any one's second.
            loop = asyncio.get_running_loop()
            urgent = [c.mutate(job, "cancel_order", partial(b.cancel_order, aid, oid), order_id=oid)
                      for oid in order_ids] + [self._close_contract(job, cid) for cid in closing[:1]]
            calls: list[Awaitable[BrokerResult]] = [asyncio.eager_task_factory(loop, u) for u in urgent]
            calls += [self._close_contract(job, cid) for cid in closing[1:]]
            if not calls:
                return None
            results = await asyncio.gather(*calls)
            return all(r.ok for r in results)

        return await self.converge.run(job, read, goal, send, "flatten", uncovered=uncovered)

    async def _settle(self, aid: int, cids: list[str]) -> bool:
        """Wait for unanswered requests on these contracts; True if there were any (the caller's view of
        the position predates their answers)."""
        todo = [cid for cid in cids if self.calls.inflight.unanswered(aid, cid)]
        if not todo:
            return False
        log.warning("account %d: waiting for the answer to an earlier request on %s before acting again",
                    aid, ", ".join(todo))
        await asyncio.gather(*(self.calls.inflight.settle(aid, cid, self.policy.settle_wait) for cid in todo))
        return True

    async def _close_contract(self, job: Job, cid: str) -> BrokerResult:
        aid = job.action.account_id
        return await self.calls.mutate(job, "close_position", lambda: self.broker.close_position(aid, cid),
                                       contract_id=cid)

    async def _close(self, job: Job, a: ClosePosition) -> bool:
        aid, cid = a.account_id, a.contract_id
        st = self._state_of(aid)
        decided_on = None if st is None else st.positions.get(cid)

        def superseded() -> bool:
            """The position decided on was closed and a new one opened since (the engine has seen both):
            unless the lockout of the rule that decided the close still runs, its reason ended with it; the
            engine judges the new one itself (a lockout that spares it, or one that flattens)."""
            now = self._state_of(aid)
            cur = None if now is None else now.positions.get(cid)
            if decided_on is None or cur is None or cur is decided_on or self._holds(aid, a.rule):
                return False
            log.warning("%s %s: the position this close was decided on is gone and a new one is open; "
                        "not closing the new one", job.account, a.symbol or cid)
            return True

        async def send(t: list[Position] | None) -> bool | None:
            if t is not None and superseded():
                return None
            if not self._locked(aid) and await self._settle(aid, [cid]):
                t = await self.calls.positions(aid)  # the unanswered close may have landed: read again
                if t is None:
                    return False
            size = (self._engine_sizes(aid) if t is None else _sizes(t)).get(cid, 0)
            if t is None and not size:
                size = a.size  # the engine's view already moved on: trust the decision
            if not size:
                return None
            r = await self.calls.mutate(job, "close_position", lambda: self.broker.close_position(aid, cid),
                                        contract_id=cid, size=abs(size))
            return r.ok

        return await self.converge.run(job, lambda: self.calls.positions(aid),
                                       lambda t: cid not in _sizes(t) or superseded(), send,
                                       f"close {a.symbol or cid}")

    async def _reduce(self, job: Job, a: ReducePosition) -> bool:
        aid, cid = a.account_id, a.contract_id
        target, sign = abs(a.to_size), 1 if a.from_size > 0 else -1

        def excess(sizes: dict[str, int]) -> int:
            size = sizes.get(cid, 0)
            return abs(size) - target if size * sign > 0 else 0  # flat or flipped: nothing to reduce

        async def send(t: list[Position] | None) -> bool | None:
            if await self._settle(aid, [cid]):  # never size a partial close beside an unanswered one
                t = await self.calls.positions(aid)
                if t is None:
                    return False
            qty = excess(self._engine_sizes(aid) if t is None else _sizes(t))
            if t is None and qty <= 0:
                qty = abs(a.from_size) - target
            if qty <= 0:
                return None
            r = await self.calls.mutate(job, "partial_close",
                                        lambda: self.broker.partial_close(aid, cid, qty),
                                        contract_id=cid, size=qty)
            return r.ok

        what = f"reduce {a.symbol or cid} to {target}"
        return await self.converge.run(job, lambda: self.calls.positions(aid),
                                       lambda t: excess(_sizes(t)) <= 0, send, what)
