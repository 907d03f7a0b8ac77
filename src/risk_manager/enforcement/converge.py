"""Send -> verify by re-query -> back off, re-read, re-send: the loop every live action runs (SPEC §6).

Nothing is ever re-sent blindly: a second close goes out only after a fresh read shows the goal still unmet,
and a request that got no answer yet is waited for first (``inflight``: the gateway may still apply it), so
a late answer cannot add to a re-sent request. The first send uses the
engine's view (no read round trip on the urgent path). When the retry budget is spent, a position that is
still open raises a CRITICAL alert and stays on a slow retry schedule until it is flat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from risk_manager.enforcement.budget import Sleep
from risk_manager.enforcement.calls import BrokerCalls, ExecutorPolicy, Job
from risk_manager.engine.record_types import AlertRecord

log = logging.getLogger("risk_manager.enforcement")
# True: every call of the send was accepted (ok); False: refused or uncertain; None: nothing to send.
Sent = bool | None


class Converger:
    def __init__(self, calls: BrokerCalls, policy: ExecutorPolicy, sleep: Sleep = asyncio.sleep) -> None:
        self.calls = calls
        self.policy = policy
        self.sleep = sleep

    async def run[T](self, job: Job, read: Callable[[], Awaitable[T | None]], goal: Callable[[T], bool],
                     send: Callable[[T | None], Awaitable[Sent]], what: str, *, endless: bool = True,
                     attempts: int | None = None) -> bool:
        """True once ``goal`` holds on a fresh read. ``endless``: never give up (closes); otherwise give up
        after the budget (or ``attempts`` sends) with an alert."""
        truth: T | None = None
        alerted = False
        while True:
            accepted = await send(truth)
            if accepted is None and truth is None:
                # The engine's view shows nothing to do (e.g. a flatten decided on the fill, before its
                # position update): read the broker at once instead of waiting for a backoff.
                truth = await read()
                if truth is not None and goal(truth):
                    return self._done(job, True)
                if truth is not None:
                    accepted = await send(truth)
            # An accepted close may take a moment to fill; anything else is checked once, then backed off.
            for delay in self.policy.verify_delays if accepted else (0.0,):
                if delay:
                    await self.sleep(delay)
                truth = await read()
                if truth is not None and goal(truth):
                    return self._done(job, True)
            job.attempt += 1
            if attempts is not None and job.attempt >= attempts:
                self._alert(job, "warning", f"{what}: gave up after {job.attempt} attempts")
                return self._done(job, False)
            if job.attempt <= len(self.policy.backoff):
                delay = self.policy.backoff[job.attempt - 1]
            elif not endless:
                self._alert(job, "warning", f"{what}: gave up after {job.attempt} attempts")
                return self._done(job, False)
            else:
                if not alerted:
                    alerted = True
                    self._alert(job, "critical", f"{what}: still not done after {job.attempt} attempts; "
                                f"retrying every {self.policy.slow_interval:g}s")
                delay = self.policy.slow_interval
            await self.sleep(delay)
            truth = await read()
            if truth is not None and goal(truth):
                return self._done(job, True)

    def _done(self, job: Job, ok: bool) -> bool:
        a = job.action
        c = self.calls
        c.journal.write(c.make.done(c.clock.now(), job.account, a.rule, a.kind, a.symbol, ok=ok,
                                    calls=job.calls, attempts=job.attempt + 1, ms=job.elapsed_ms()))
        log.info("%s %s %s %s after %d broker call(s), %.1f ms", job.account, a.kind, a.symbol or "",
                 "done" if ok else "NOT done", job.calls, job.elapsed_ms())
        return ok

    def _alert(self, job: Job, level: str, message: str) -> None:
        a = job.action
        c = self.calls
        c.journal.write(AlertRecord(at=c.make.local(c.clock.now()), level=level, account=job.account,
                                    rule=a.rule, action=a.kind, symbol=a.symbol or None, message=message))
        log.log(logging.CRITICAL if level == "critical" else logging.WARNING, "ALERT %s %s: %s",
                job.account, a.rule, message)
