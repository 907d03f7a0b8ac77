"""Internal failures the daemon survives but must not hide (SPEC §14): a deadline that raised, an engine
error on an event, a payload rejected at the boundary, a failed backup.

Each open problem has a key. The first failure under a key is journaled as a critical alert (so it is
notified) and logged CRITICAL; while any problem is open the daemon reports DEGRADED (control API status and
dashboard); when the failing step succeeds again the problem is cleared and an ``info`` alert says so.
Repeated failures under an open key update its text but do not repeat the alert.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from risk_manager.broker.stream import RejectedPayload
from risk_manager.daemon.journal import DaemonJournal, alert_record, bad_event_record
from risk_manager.domain.events import Event, QuoteEvent
from risk_manager.engine.engine import Engine
from risk_manager.engine.records import RecordMaker

log = logging.getLogger("risk_manager.daemon")
BAD_EVENT_EVERY = timedelta(seconds=10)  # per stream and kind: one bad_event record, the rest counted


class Health:
    def __init__(self, journal: DaemonJournal, make: RecordMaker, now: Callable[[], datetime]) -> None:
        self._journal, self._make, self._now = journal, make, now
        self._problems: dict[str, str] = {}
        self.failures = 0  # every failure reported, open or repeated (tests, diagnostics)

    @property
    def degraded(self) -> bool:
        return bool(self._problems)

    def problems(self) -> list[str]:
        """Open problems, oldest first (what the status API and the dashboard show)."""
        return list(self._problems.values())

    def is_open(self, key: str) -> bool:
        return key in self._problems

    def fail(self, key: str, reason: str, account: str | None = None) -> None:
        self.failures += 1
        first = key not in self._problems
        self._problems[key] = reason
        if not first:
            log.error("still failing: %s", reason)
            return
        log.critical("DEGRADED: %s", reason)
        self._journal.write(alert_record(self._make, self._now(), "critical", f"DEGRADED: {reason}", account))

    def clear(self, key: str) -> None:
        reason = self._problems.pop(key, None)
        if reason is None:
            return
        log.warning("recovered: %s", reason)
        self._journal.write(alert_record(self._make, self._now(), "info", f"recovered: {reason}"))

    def clear_where(self, *prefixes: str) -> None:
        """Clear every open problem whose key starts with one of ``prefixes`` (a reconcile fixed them)."""
        for key in [k for k in self._problems if k.startswith(prefixes)]:
            self.clear(key)


class BadEvents:
    """What the pipeline does with a payload the adapter rejected, or an event the engine failed on:
    journal it (``bad_event``: at most one record per stream and kind every BAD_EVENT_EVERY, the rest
    counted), make the daemon DEGRADED, and ask for a REST reconcile of the account."""

    def __init__(self, journal: DaemonJournal, engine: Engine, health: Health,
                 reconcile: Callable[[str], None]) -> None:
        self._journal, self._engine, self._health, self._reconcile = journal, engine, health, reconcile
        self._seen: dict[tuple[int | None, str], tuple[datetime, int]] = {}  # last record, suppressed since
        self.rejected = 0

    def handle(self, r: RejectedPayload) -> None:
        self.rejected += 1
        st = None if r.account_id is None else self._engine.states.get(r.account_id)
        name = None if st is None else st.name
        key = (r.account_id, r.kind)
        last = self._seen.get(key)
        if last is None or r.at - last[0] >= BAD_EVENT_EVERY:
            self._journal.write(bad_event_record(self._engine.make, r.at, r.kind, r.reason, r.raw, name,
                                                 suppressed=last[1] if last else 0))
            self._seen[key] = (r.at, 0)
        else:
            self._seen[key] = (last[0], last[1] + 1)
        where = name or ("market data" if r.account_id is None else f"account id {r.account_id}")
        self._health.fail(f"payload:{where}", f"rejected a malformed {r.kind} payload on {where} "
                                              f"({r.reason}); reconciling over REST"[:400], name)
        if r.account_id is not None:
            self._reconcile(f"malformed {r.kind}")
        self._journal.dispatch()

    def engine_failed(self, event: Event, e: Exception) -> None:
        st = None if isinstance(event, QuoteEvent) else self._engine.states.get(event.account_id)
        where = "quotes" if isinstance(event, QuoteEvent) else (st.name if st else "an unknown account")
        self._health.fail(f"engine:{where}", f"the engine failed on a {type(event).__name__} of {where} "
                                             f"({type(e).__name__}: {e}); reconciling over REST"[:400],
                          None if st is None else st.name)
        self._reconcile(f"engine error on {type(event).__name__}")
