"""Broker calls for the live executor: a rate budget, a timeout on every call, a journaled result.

Mutations never raise: no answer within the timeout or an unexpected exception becomes ``uncertain``
("may have been accepted"), and the executor re-reads the truth before acting again. A request without an
answer is not abandoned: it keeps running in the background, is tracked in ``inflight`` until the gateway
answers, and its late answer is journaled (``late: true``). Reads return None on failure.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from risk_manager.broker.port import BrokerPort, BrokerResult, Order, Position
from risk_manager.clock.clock import Clock
from risk_manager.enforcement.budget import CLOSE, FLATTEN, REDUCE, RateBudget
from risk_manager.enforcement.inflight import InFlight, Unanswered
from risk_manager.engine.actions import Action, Flatten, ReducePosition
from risk_manager.engine.record_types import CallResultRecord
from risk_manager.engine.records import JournalWriter, RecordMaker

log = logging.getLogger("risk_manager.enforcement")


@dataclass(frozen=True, slots=True)
class ExecutorPolicy:
    mutation_timeout: float = 3.0  # no answer by then: "uncertain" (the request keeps running, tracked)
    settle_wait: float = 35.0  # longest wait for an unanswered request (above the adapter's 30 s bound)
    read_timeout: float = 5.5
    backoff: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 2.0, 2.0)  # re-check/re-send delays in the budget
    verify_delays: tuple[float, ...] = (0.0, 0.1, 0.25, 0.5, 1.0)  # re-reads after a send
    slow_interval: float = 15.0  # after the budget: CRITICAL alert, then retry at this pace for good
    modify_attempts: int = 3  # tightening a stop is worth a few tries, not an endless loop


@dataclass(slots=True)
class Job:
    """One action being executed: what the journal needs to describe each broker outcome."""

    action: Action
    account: str
    started: float = field(default_factory=time.perf_counter)
    attempt: int = 0
    calls: int = 0

    def elapsed_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 3)


class BrokerCalls:
    def __init__(self, broker: BrokerPort, budget: RateBudget, policy: ExecutorPolicy,
                 journal: JournalWriter, make: RecordMaker, clock: Clock) -> None:
        self.broker, self.budget, self.policy = broker, budget, policy
        self.journal, self.make, self.clock = journal, make, clock
        self.inflight = InFlight()
        self._asking: dict[tuple[int, str], int] = {}  # (account, contract) -> requests awaiting an answer
        # a request still unanswered at the adapter's own bound: (account, what) -> the daemon reconciles
        self.on_unknown: Callable[[str, str], None] | None = None

    async def mutate(self, job: Job, call: str, fn: Callable[[], Awaitable[BrokerResult]],
                     **fields: Any) -> BrokerResult:
        a = job.action  # when calls must wait: lockout flattens first, reductions last
        await self.budget.acquire(FLATTEN if isinstance(a, Flatten)
                                  else REDUCE if isinstance(a, ReducePosition) else CLOSE, hold=True)
        t0 = time.perf_counter()
        # eager: the request leaves before this coroutine yields; the task outlives the timeout below
        task = asyncio.eager_task_factory(asyncio.get_running_loop(), _answer(fn()), name=f"call-{call}")
        task.add_done_callback(lambda _: self.budget.release())  # its slot is held until its answer
        if not task.done():
            cid = fields.get("contract_id")
            key = None if cid is None else (job.action.account_id, str(cid))
            if key is not None:
                self._asking[key] = self._asking.get(key, 0) + 1
            try:
                await asyncio.wait({task}, timeout=self.policy.mutation_timeout)
            except asyncio.CancelledError:
                task.cancel()
                raise
            finally:
                if key is not None:
                    self._answered(key)
        ms = round((time.perf_counter() - t0) * 1000, 3)
        job.calls += 1
        if task.done():
            result = task.result()
        else:
            result = BrokerResult(ok=False, uncertain=True,
                                  error=f"no answer within {self.policy.mutation_timeout:g}s (still waiting)")
            cid = fields.get("contract_id")
            size = fields.get("size") if call == "partial_close" else None
            self.inflight.track(Unanswered(job.action.account_id, cid, size, task))
            task.add_done_callback(lambda t: self._late(job, call, t, t0, fields))
        self.journal.write(self._result(job, call, result, ms, fields))
        if not result.ok:
            log.warning("%s %s %s -> %s%s (%.1f ms)", job.account, call, _describe(fields),
                        "uncertain: " if result.uncertain else "", result.error, ms)
        return result

    def asking(self, account_id: int, contract_id: str) -> bool:
        """A request on this contract is being sent: neither answered nor yet reported uncertain (one
        reported uncertain is in ``inflight``; under a lockout a close is re-sent beside it)."""
        return (account_id, contract_id) in self._asking

    def _answered(self, key: tuple[int, str]) -> None:
        left = self._asking.pop(key, 1) - 1
        if left > 0:
            self._asking[key] = left

    def _late(self, job: Job, call: str, task: asyncio.Task[BrokerResult], t0: float,
              fields: dict[str, Any]) -> None:
        """The answer to a request reported uncertain: journal what the gateway finally said."""
        if task.cancelled():
            return
        r = task.result()
        ms = round((time.perf_counter() - t0) * 1000, 3)
        self.journal.write(self._result(job, call, r, ms, fields, late=True))
        log.warning("%s %s %s -> late answer after %.1f ms: %s", job.account, call, _describe(fields), ms,
                    "ok" if r.ok else r.error)
        if r.uncertain and self.on_unknown is not None:  # no answer at all: its fate is unknown for good
            self.on_unknown(job.account, f"{call} {_describe(fields)}: no answer within {ms / 1000:.1f} s, "
                                         "its fate is unknown; positions are read again (REST reconcile)")

    def _result(self, job: Job, call: str, r: BrokerResult, ms: float, fields: dict[str, Any],
                late: bool = False) -> CallResultRecord:
        a = job.action
        return self.make.call_result(self.clock.now(), job.account, a.rule, a.kind, a.symbol, call, **fields,
                                     ok=r.ok, uncertain=r.uncertain, error=r.error, ms=ms,
                                     since_decision_ms=job.elapsed_ms(), attempt=job.attempt, late=late)

    async def positions(self, account_id: int) -> list[Position] | None:
        return await self._read("positions", lambda: self.broker.open_positions(account_id))

    async def orders(self, account_id: int) -> list[Order] | None:
        return await self._read("orders", lambda: self.broker.open_orders(account_id))

    async def _read[T](self, what: str, fn: Callable[[], Awaitable[T]]) -> T | None:
        try:
            async with self.budget.spend(), asyncio.timeout(self.policy.read_timeout):
                return await fn()
        except Exception as e:  # BrokerError, timeout, transport: unknown truth, the caller retries later
            log.warning("re-query of open %s failed: %s", what, f"{type(e).__name__}: {e}"[:200])
            return None


async def _answer(call: Awaitable[BrokerResult]) -> BrokerResult:
    try:
        return await call
    except asyncio.CancelledError:
        raise
    except Exception as e:  # the port promises not to raise; if it does, assume it may have acted
        return BrokerResult(ok=False, uncertain=True, error=f"{type(e).__name__}: {e}"[:200])


def _describe(fields: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
