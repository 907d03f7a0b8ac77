"""Lockouts, one component (SPEC §5, §10): the lock book, the deadline that ends each timed lockout,
unlocking (journaled), restore at start-up, the release of symbol blocks no longer configured, and the fill
a lockout spared (``spared``).

Public API (the engine owns one, ``engine.locks``; everything else only reads it):

- reads: ``is_locked(account)``, ``has(account, rule, symbol=None)``, ``has_rule(account, rule)``,
  ``active(account)``, ``ending_last(account)``, ``held_at(account, rule, at)``;
- ``start(rec, record)``: a new (or longer) lockout: persisted, journaled, its end armed;
- ``kill_switch(st, event, delta)``: what a locked account's event opened, to undo;
- ``release(rules, event, ctx)``: an account update clears a lockout's condition;
- ``unlock(account, rule, scope, at)``: end one (journaled), forgetting the spared fill when none is left;
- ``restore(rec, now)`` / ``restore_all(recs, now, blocked)`` / ``restore_spared(fills)``: start-up;
- ``release_symbol_blocks(account, blocked, at)``: a reload unblocked a symbol;
- ``batch()``: persist the lockouts started inside in one transaction; ``forget_ended(before)``: the reset;
- ``book`` (the ``LockBook`` itself) and ``spared`` (``SparedFills``) for what they document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

from risk_manager.clock.deadlines import DeadlineQueue
from risk_manager.domain.events import AccountEvent, Event, PositionEvent
from risk_manager.domain.positions import Delta
from risk_manager.domain.state import AccountState
from risk_manager.engine.killswitch import kill_switch
from risk_manager.engine.lockbook import LockBook, LockoutStore
from risk_manager.engine.record_types import LockRecord
from risk_manager.engine.records import JournalWriter, RecordMaker
from risk_manager.engine.spared import SparedFills, SparedStore
from risk_manager.rules.base import Rule, RuleContext, Violation
from risk_manager.store.records import ACCOUNT_SCOPE, LockoutRecord

Payload = tuple[Any, ...]  # a deadline's payload: ("unlock", account, rule, scope) for a lockout's end
Blocked = Callable[[str, str], bool]  # (account, symbol root) -> that root is still blocked by the config
SYMBOL_BLOCKS = "symbol_blocks"  # the rule whose lockouts last while the symbol is configured blocked


class LockoutsStore(LockoutStore, SparedStore, Protocol):
    """What the lockouts persist: the lockouts themselves and the spared fills."""


def unlock_key(account: str, rule: str, scope: str) -> str:
    return f"unlock|{account}|{rule}|{scope}"


class Lockouts:
    def __init__(self, store: LockoutsStore | None, deadlines: DeadlineQueue[Payload], journal: JournalWriter,
                 make: RecordMaker) -> None:
        self._store, self._deadlines, self._journal, self._make = store, deadlines, journal, make
        b = self.book = LockBook(store)
        self.spared = SparedFills(store)  # the allowed fill that started its own lockout (persisted)
        # the book's reads, bound once (the rules' hot path asks has_rule/held_at for every event)
        self.is_locked, self.has, self.has_rule, self.active = b.is_locked, b.has, b.has_rule, b.active
        self.ending_last, self.held_at, self.batch, self.forget_ended = (
            b.ending_last, b.held_at, b.batch, b.forget_ended)

    def start(self, rec: LockoutRecord, record: LockRecord) -> bool:
        """Add ``rec`` unless a lockout of its rule and scope already ends as late; if added (new or
        extended): persisted (before any broker call acts on it), ``record`` journaled, its end armed."""
        if not self.book.add(rec):
            return False
        self._journal.write(record)
        self._arm(rec)
        return True

    def unlock(self, account: str, rule: str, scope: str, at: datetime) -> None:
        """End a lockout at ``at`` (journaled); nothing if it is not active."""
        rec = self.book.remove(account, rule, scope, at)
        if rec is None:
            return
        self._deadlines.cancel(unlock_key(account, rule, scope))
        self._journal.write(self._make.unlock(at, account, rule, rec.symbol))
        if not self.book.is_locked(account):
            self.spared.forget(account)

    def release(self, rules: list[Rule], event: AccountEvent, ctx: RuleContext) -> None:
        """An account update: end each of these rules' lockouts whose condition it clears."""
        account = ctx.state.name
        for rule in rules:
            if self.book.has_rule(account, rule.name) and rule.releases(event, ctx):
                self.unlock(account, rule.name, ACCOUNT_SCOPE, event.at)

    def kill_switch(self, st: AccountState, event: Event, delta: Delta) -> list[Violation]:
        """The account is locked: what ``event`` opened or grew is undone, in the name of the lockout that
        ends last (the position update of a spared fill excepted)."""
        judged = self.spared.kill_delta(st.name, event, delta) if isinstance(event, PositionEvent) else delta
        last = self.book.ending_last(st.name)
        return [] if judged is None or last is None else kill_switch(event, judged, st, last.rule)

    def restore(self, rec: LockoutRecord, now: datetime) -> None:
        """A lockout persisted before a restart: re-arm it, or end it if it expired while we were down
        (ended at its own ``until``, so late events from the gap are judged against it)."""
        self.book.restore(rec)
        if rec.until is not None and rec.until <= now:
            self.unlock(rec.account, rec.rule, rec.scope, now)
        else:
            self._arm(rec)

    def restore_all(self, recs: Iterable[LockoutRecord], now: datetime,
                    blocked: Blocked) -> tuple[list[LockoutRecord], list[LockoutRecord]]:
        """Start-up: restore every stored lockout (see ``restore``); a symbol block whose root is no longer
        blocked is released instead (journaled as an unlock). Returns (those still active, those released)."""
        active: list[LockoutRecord] = []
        released: list[LockoutRecord] = []
        for rec in recs:
            if _unblocked(rec, blocked):
                self.book.restore(rec)
                self.unlock(rec.account, rec.rule, rec.scope, now)
                released.append(rec)
                continue
            self.restore(rec, now)
            if rec.until is None or rec.until > now:
                active.append(rec)
        return active, released

    def restore_spared(self, fills: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
        """Start-up, after ``restore_all``: the fill that started a still-running lockout stays spared; the
        record of one whose lockout has ended is deleted. Returns those kept."""
        kept = []
        for account, contract_id, size in fills:
            if self.book.is_locked(account):
                self.spared.restore(account, contract_id, size)
                kept.append((account, contract_id, size))
            elif self._store is not None:
                self._store.delete_spared(account)
        return kept

    def release_symbol_blocks(self, account: str, blocked: Blocked, at: datetime) -> None:
        """A reload: a symbol block lasts while it is configured; one whose root is no longer is lifted."""
        for rec in self.book.active(account):
            if _unblocked(rec, blocked):
                self.unlock(account, rec.rule, rec.scope, at)

    def _arm(self, rec: LockoutRecord) -> None:
        if rec.until is not None:
            payload = ("unlock", rec.account, rec.rule, rec.scope)
            self._deadlines.set(unlock_key(rec.account, rec.rule, rec.scope), rec.until, payload)


def _unblocked(rec: LockoutRecord, blocked: Blocked) -> bool:
    return rec.rule == SYMBOL_BLOCKS and bool(rec.symbol) and not blocked(rec.account, rec.symbol or "")
