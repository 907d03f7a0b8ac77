"""Broker calls for the live executor: a rate budget, a timeout on every call, a journaled result.

Mutations never raise: a timeout or an unexpected exception becomes ``uncertain`` ("may have been
accepted"), and the executor re-reads the truth before acting again. Reads return None on failure.
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
from risk_manager.enforcement.budget import RateBudget
from risk_manager.engine.actions import Action
from risk_manager.engine.records import JournalWriter, RecordMaker

log = logging.getLogger("risk_manager.enforcement")


@dataclass(frozen=True, slots=True)
class ExecutorPolicy:
    mutation_timeout: float = 3.5  # a guard above the adapter's own 3 s: a hung close is "uncertain"
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

    async def mutate(self, job: Job, call: str, fn: Callable[[], Awaitable[BrokerResult]],
                     **fields: Any) -> BrokerResult:
        await self.budget.acquire()
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(self.policy.mutation_timeout):
                result = await fn()
        except TimeoutError:
            result = BrokerResult(ok=False, uncertain=True,
                                  error=f"no answer within {self.policy.mutation_timeout:g}s")
        except Exception as e:  # the port promises not to raise; if it does, assume it may have acted
            result = BrokerResult(ok=False, uncertain=True, error=f"{type(e).__name__}: {e}"[:200])
        ms = round((time.perf_counter() - t0) * 1000, 3)
        job.calls += 1
        self.journal.write(self._result(job, call, result, ms, fields))
        if not result.ok:
            log.warning("%s %s %s -> %s%s (%.1f ms)", job.account, call, _describe(fields),
                        "uncertain: " if result.uncertain else "", result.error, ms)
        return result

    def _result(self, job: Job, call: str, r: BrokerResult, ms: float,
                fields: dict[str, Any]) -> dict[str, Any]:
        a = job.action
        rec = self.make.action(self.clock.now(), job.account, a.rule, a.kind, symbol=a.symbol)
        rec["type"] = "result"
        rec["call"] = call
        rec.update({k: v for k, v in fields.items() if v is not None})
        rec.update(ok=r.ok, uncertain=r.uncertain)
        if r.error:
            rec["error"] = r.error
        rec.update(ms=ms, since_decision_ms=job.elapsed_ms(), attempt=job.attempt)
        return rec

    async def positions(self, account_id: int) -> list[Position] | None:
        return await self._read("positions", lambda: self.broker.open_positions(account_id))

    async def orders(self, account_id: int) -> list[Order] | None:
        return await self._read("orders", lambda: self.broker.open_orders(account_id))

    async def _read[T](self, what: str, fn: Callable[[], Awaitable[T]]) -> T | None:
        await self.budget.acquire()
        try:
            async with asyncio.timeout(self.policy.read_timeout):
                return await fn()
        except Exception as e:  # BrokerError, timeout, transport: unknown truth, the caller retries later
            log.warning("re-query of open %s failed: %s", what, f"{type(e).__name__}: {e}"[:200])
            return None


def _describe(fields: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
