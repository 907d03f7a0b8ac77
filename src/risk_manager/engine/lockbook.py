"""Active lockouts per account: add (never shorten), expire, release; persisted before anything acts.

Lockouts that ended stay known for the rest of the trading day (start, end), so an event delivered late by
a reconcile is judged against the lockouts that were running at its own timestamp (SPEC §5); they are
stored too, so a restart knows those that ended before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol

from risk_manager.store.records import ACCOUNT_SCOPE, LockoutRecord, symbol_scope


class LockoutStore(Protocol):
    def put_lockout(self, rec: LockoutRecord) -> LockoutRecord: ...
    def put_lockouts(self, recs: list[LockoutRecord]) -> None: ...
    def delete_lockout(self, account: str, rule: str, scope: str) -> bool: ...
    def put_ended(self, account: str, rule: str, start: datetime, end: datetime) -> None: ...
    def forget_ended(self, before: datetime) -> None: ...


def _ends_later(a: datetime | None, b: datetime | None) -> bool:
    """True if until ``a`` is strictly later than ``b`` (None = no timer = latest)."""
    if a is None:
        return b is not None
    return b is not None and a > b


class LockBook:
    def __init__(self, store: LockoutStore | None = None) -> None:
        self._store = store
        self._by_account: dict[str, dict[tuple[str, str], LockoutRecord]] = {}
        self._deferred: list[LockoutRecord] | None = None  # inside batch(): persisted at its end
        # account-scope lockouts that ended today: (account, rule) -> [(start, end)], and the latest end
        self._ended: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}
        self._ended_last: dict[tuple[str, str], datetime] = {}

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Persist the lockouts added inside in one transaction at the end (one event locking many
        accounts pays one fsync, not one each); the caller acts on them only after the block."""
        if self._deferred is not None:
            yield
            return
        self._deferred = []
        try:
            yield
        finally:
            recs, self._deferred = self._deferred, None
            if recs and self._store is not None:
                self._store.put_lockouts(recs)

    def active(self, account: str) -> list[LockoutRecord]:
        return list(self._by_account.get(account, {}).values())

    def account_locks(self, account: str) -> list[LockoutRecord]:
        return [r for r in self._by_account.get(account, {}).values() if r.scope == ACCOUNT_SCOPE]

    def is_locked(self, account: str) -> bool:
        locks = self._by_account.get(account)
        return bool(locks) and any(r.scope == ACCOUNT_SCOPE for r in locks.values())  # type: ignore[union-attr]

    def has(self, account: str, rule: str, symbol: str | None = None) -> bool:
        scope = symbol_scope(symbol) if symbol else ACCOUNT_SCOPE
        return (rule, scope) in self._by_account.get(account, {})

    def has_rule(self, account: str, rule: str) -> bool:
        return (rule, ACCOUNT_SCOPE) in self._by_account.get(account, {})

    def ending_last(self, account: str) -> LockoutRecord | None:
        best: LockoutRecord | None = None
        for r in self.account_locks(account):
            if best is None or _ends_later(r.until, best.until):
                best = r
        return best

    def add(self, rec: LockoutRecord) -> bool:
        """Store ``rec`` unless an active lockout of the same rule and scope already ends as late or later.

        Returns True when it was added or extended (so the caller journals it and arms its timer).
        """
        book = self._by_account.setdefault(rec.account, {})
        key = (rec.rule, rec.scope)
        old = book.get(key)
        if old is not None and not _ends_later(rec.until, old.until):
            return False
        if self._deferred is not None:
            self._deferred.append(rec)  # persisted when the batch ends, still before any broker call
        elif self._store is not None:
            self._store.put_lockout(rec)  # persisted before any broker call is made for it
        if old is not None and old.created_at < rec.created_at:  # extended: the old one ran until now
            self._ended_add(old, rec.created_at)
        book[key] = rec
        return True

    def restore(self, rec: LockoutRecord) -> None:
        self._by_account.setdefault(rec.account, {})[(rec.rule, rec.scope)] = rec

    def remove(self, account: str, rule: str, scope: str, at: datetime) -> LockoutRecord | None:
        """End a lockout at ``at`` (or at its own ``until`` if that was earlier: expired while down)."""
        rec = self._by_account.get(account, {}).pop((rule, scope), None)
        if rec is not None:
            if self._deferred:
                key = (account, rule, scope)
                self._deferred = [r for r in self._deferred if (r.account, r.rule, r.scope) != key]
            self._ended_add(rec, at if rec.until is None else min(rec.until, at))
            if self._store is not None:
                self._store.delete_lockout(account, rule, scope)
        return rec

    def ran(self, rec: LockoutRecord) -> None:
        """A lockout judged so late that it was over before it was decided (a reconcile): never active,
        but it ran from its start to its ``until``, so the late events inside that span sit it out."""
        if rec.until is not None:
            self._ended_add(rec, rec.until)

    def _ended_add(self, rec: LockoutRecord, end: datetime) -> None:
        if rec.scope != ACCOUNT_SCOPE:
            return
        self._span(rec.account, rec.rule, rec.created_at, end)
        if self._store is not None:  # known again after a restart (a late event may fall inside it)
            self._store.put_ended(rec.account, rec.rule, rec.created_at, end)

    def restore_ended(self, spans: list[tuple[str, str, datetime, datetime]]) -> None:
        """The day's ended account lockouts, from the store at start-up."""
        for account, rule, start, end in spans:
            self._span(account, rule, start, end)

    def _span(self, account: str, rule: str, start: datetime, end: datetime) -> None:
        key = (account, rule)
        self._ended.setdefault(key, []).append((start, end))
        last = self._ended_last.get(key)
        if last is None or end > last:
            self._ended_last[key] = end

    def held_at(self, account: str, rule: str, at: datetime) -> bool:
        """True if an account-scope lockout of ``rule`` that has since ended was running at ``at``.
        O(1) for an event newer than the last such end (every live one): only late events search."""
        last = self._ended_last.get((account, rule))
        if last is None or at >= last:
            return False
        return any(start <= at < end for start, end in self._ended[(account, rule)])

    def forget_ended(self, before: datetime) -> None:
        """Drop the ended lockouts that ended before ``before`` (the daily reset: a new trading day)."""
        for key, spans in list(self._ended.items()):
            kept = [s for s in spans if s[1] >= before]
            if kept:
                self._ended[key] = kept
            else:
                del self._ended[key], self._ended_last[key]
        if self._store is not None:
            self._store.forget_ended(before)
