"""The engine: per event, update state -> kill switch -> rules -> lockouts first -> one plan (SPEC §3, §6).

Synchronous and deterministic: no clock reads (times come from events and deadlines), no broker calls (it
returns actions for an executor). Replay, demo, simulator and live share it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from risk_manager.clock.deadlines import Deadline, DeadlineQueue
from risk_manager.config import Duration
from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.events import AccountEvent, Event, QuoteEvent, TradeEvent
from risk_manager.domain.marks import MarkMode
from risk_manager.domain.state import AccountState, Delta, PnlBasis
from risk_manager.engine.actions import Action
from risk_manager.engine.decide import Decider
from risk_manager.engine.evaluate import plan, run_rules
from risk_manager.engine.lockouts import Lockouts, LockoutsStore
from risk_manager.engine.lockouts import Payload as Payload  # deadline payloads (drivers import it here)
from risk_manager.engine.records import JournalWriter, RecordMaker
from risk_manager.engine.ruleset import RuleSet
from risk_manager.engine.warnings import WarningTracker
from risk_manager.rules.base import (
    Rule,
    RuleContext,
    SessionLike,
    TimerEvent,
    TradingDayLike,
)


class EngineStore(LockoutsStore, Protocol):
    def record_reset(self, trading_day: date, at: datetime) -> bool: ...
    def save_figures(self, account: str, figures: dict[str, float]) -> None: ...


class Engine:
    """The public API (everything else is internal):

    - ``start(now)``, ``add_account(id, name)``, ``account_id(name)``: set up;
    - ``handle(event, now)`` -> actions; ``complete(account_id, key, sizes)``: an executor finished one;
    - ``next_deadline()``, ``pop_due(until)``, ``fire(deadline, now)``: drive the deadlines;
    - ``self_lock(account, at, duration, flatten)``: the trader's own lockout;
    - ``set_rules(rules, per_account)``, ``rules_of(account)``, ``reschedule(...)``: a reload;
    - read-only attributes (never assigned from outside; the engine changes them through the calls above):
      ``states`` (account id -> ``AccountState``), ``td`` (trading day), ``session``, ``book`` (contracts),
      ``journal``, ``make`` (its ``RecordMaker``), ``day`` (the current trading day), ``rules``,
      ``pnl_basis``, ``mark_mode``, ``warnings`` (``WarningTracker``), ``locks`` (``Lockouts``: the
      lockouts' own API, also restore at start-up) and ``deadlines`` (the queue ``pop_due`` drains: a driver
      may postpone a due deadline by setting it again).
    """

    def __init__(self, rules: list[Rule], trading_day: TradingDayLike, session: SessionLike | None,
                 book: ContractBook, journal: JournalWriter, records: RecordMaker, *, warn_at: float = 0.8,
                 pnl_basis: PnlBasis = "net", mark_mode: MarkMode = "liquidation",
                 store: EngineStore | None = None, per_account: dict[str, list[Rule]] | None = None) -> None:
        self.td, self.session, self.book = trading_day, session, book
        self.journal, self.make = journal, records
        self.pnl_basis, self.mark_mode = pnl_basis, mark_mode
        self._store = store
        self.states: dict[int, AccountState] = {}
        self.deadlines: DeadlineQueue[Payload] = DeadlineQueue()
        self.locks = Lockouts(store, self.deadlines, journal, records)
        self.warnings = WarningTracker(warn_at)
        self._decider = Decider(self)
        self.complete = self._decider.complete  # (account_id, key, verified sizes): an action is done
        self.next_deadline, self.pop_due = self.deadlines.next, self.deadlines.pop_next
        self.day: date | None = None
        self.set_rules(rules, per_account)
        self._quote_deltas: dict[str, Delta] = {}  # a quote moves no size: one (immutable) Delta per contract

    def start(self, now: datetime) -> None:
        self.day = self.td.label(now)
        self.deadlines.set("reset", self.td.next_reset(now), ("reset",))

    def set_rules(self, rules: list[Rule], per_account: dict[str, list[Rule]] | None = None) -> None:
        """Install the enabled rules (start-up, or a config reload applied live): the default set, and
        the sets of the accounts (by name) that have their own (SPEC §7b)."""
        self.rules = rules
        self._default = RuleSet(rules)
        # by name as the gateway spells it may differ in case from the config (accounts resolve casefolded)
        self._sets = {name.casefold(): RuleSet(r) for name, r in (per_account or {}).items()}

    def rules_of(self, account: str) -> RuleSet:
        """The rules protecting the account named ``account`` (case-insensitive, as accounts resolve)."""
        return self._sets.get(account.casefold(), self._default) if self._sets else self._default

    def add_account(self, account_id: int, name: str) -> AccountState:
        st = AccountState(account_id, name, self.book, self.pnl_basis, self.mark_mode)
        self.states[account_id] = st
        return st

    def account_id(self, name: str) -> int | None:
        return next((i for i, s in self.states.items() if s.name == name), None)

    # ---- events ----------------------------------------------------------------------------------
    def handle(self, event: Event, now: datetime | None = None, *, late: bool = False,
               settling: bool = False) -> list[Action]:
        """Process one event; ``now`` is the wall clock (defaults to the event time, as in replay).
        ``late``: from a reconcile's snapshot (a gap), judged after the fact (see ``spared``).
        ``settling``: more position updates of the same snapshot follow for this account: the account-wide
        counts (``after_reductions`` rules) wait for the last one (a partly applied snapshot misstates
        them: three shorts in, the long of the same snapshot not yet)."""
        if not isinstance(event, QuoteEvent):
            acct = self.states.get(event.account_id)
            return [] if acct is None else self._on_event(acct, event, now or event.at, late, settling)
        # A quote (the hot path): only accounts holding the contract, only rules that watch prices. A price
        # opens nothing (no kill switch), moves no deadline, and the decider's observe() ignores it.
        cid, at, out = event.contract_id, event.at, []
        delta = self._quote_deltas.get(cid) or self._quote_deltas.setdefault(cid, Delta(cid))
        session, td, sets, default = self.session, self.td, self._sets, self._default.quote
        for st in self.states.values():
            if st.apply_quote(event) is None:
                continue  # nothing of this account is valued at this price
            rules = sets.get(st.name.casefold(), self._default).quote if sets else default
            violations = run_rules(self, rules, event, RuleContext(at, st, delta, session, td))
            if violations:
                out += self._decider.decide(st, at, now or at, violations, [])
        return out

    def _on_event(self, st: AccountState, event: Event, now: datetime, late: bool = False,
                  settling: bool = False) -> list[Action]:
        count = not isinstance(event, TradeEvent) or self.day is None or self.td.label(event.at) == self.day
        delta = st.apply(event, count)
        if isinstance(event, TradeEvent) and delta.counted:
            self.locks.spared.on_trade(st.name, event)
        self._decider.observe(st, event)
        ctx = RuleContext(event.at, st, delta, self.session, self.td)
        if isinstance(event, AccountEvent):
            self.locks.release(self.rules_of(st.name).release, event, ctx)
        was_locked = self.locks.is_locked(st.name)
        kills = self.locks.kill_switch(st, event, delta) if was_locked else []
        rules = self.rules_of(st.name)
        judging = rules.by_trigger.get(type(event), [])
        if settling and rules.after_reductions:
            waiting = {r.name for r in rules.after_reductions}
            judging = [p for p in judging if p[0] not in waiting]
        violations = run_rules(self, judging, event, ctx)
        # an account-wide count acts on what the reductions (this event's, in flight) will leave
        rejudged = (self._decider.rejudge(rules.after_reductions, event, ctx, violations, kills)
                    if violations and rules.after_reductions else None)
        # a fill's trades arrive before its position update: judge "nothing to do" on the size they leave
        # (the legs of its order so far: a flip is a closing and an opening trade, then one update)
        projected: dict[str, int] | None = None
        if isinstance(event, TradeEvent):
            pos = st.positions.get(event.contract_id)
            legs = st.unposted.get(event.contract_id, (0, 0))[1]
            projected = {event.contract_id: (pos.size if pos else 0) + legs}
        actions = self._decider.decide(st, event.at, now, violations, kills,
                                      projected if delta.counted else None, rejudged, late)
        if not was_locked and self.locks.is_locked(st.name):
            # the fill that started the lockout was allowed (and what was held then): spare its own position
            # update, recognised by the size it leaves (a later fill is never spared if the update came first)
            self.locks.spared.at_lock(st, projected, self._decider.in_flight(st.account_id),
                                      event.at if late else None)
        self._arm_rule_deadlines(st, ctx)
        return actions

    def self_lock(self, account: str, at: datetime, duration: Duration,
                  flatten: bool = False) -> list[Action]:
        """The trader locks himself out (SPEC §7b): for ``duration`` (a cooldown) or ``until_reset`` (hard).
        Only ever strengthens: a shorter one than the lockout in force records nothing. KeyError for an
        account this engine does not watch."""
        aid = self.account_id(account)
        if aid is None:
            raise KeyError(account)
        return self._decider.self_lock(self.states[aid], at, duration, flatten)

    # ---- deadlines -------------------------------------------------------------------------------
    def fire(self, d: Deadline[Payload], now: datetime | None = None) -> list[Action]:
        """Run one due deadline at its own time ``d.at``."""
        kind = d.payload[0]
        if kind == "reset":
            self._reset(d.at)
            return []
        if kind == "unlock":
            _, account, rule, scope = d.payload
            self.locks.unlock(account, rule, scope, d.at)
            return []
        _, account_id, rule_name = d.payload
        st = self.states.get(account_id)
        rules = [] if st is None else [r for r in self.rules_of(st.name).deadline if r.name == rule_name]
        if st is None or not rules:
            return []
        ev = TimerEvent(d.at, rule_name)
        ctx = RuleContext(d.at, st, session=self.session, trading_day=self.td)
        actions = self._decider.decide(st, d.at, now or d.at, run_rules(self, plan(rules), ev, ctx), [])
        self._arm_rule_deadlines(st, ctx)
        return actions

    def reschedule(self, trading_day: TradingDayLike, session: SessionLike | None, pnl_basis: PnlBasis,
                   mark_mode: MarkMode, now: datetime) -> None:
        """A reload (after ``set_rules``): the new calendar, P&L basis and mark apply at once; the next
        reset and every account's rule deadlines are armed again at ``now``."""
        self.td, self.session, self.pnl_basis, self.mark_mode = trading_day, session, pnl_basis, mark_mode
        self.deadlines.set("reset", trading_day.next_reset(now), ("reset",))
        for st in self.states.values():
            st.pnl_basis, st.mark_mode = pnl_basis, mark_mode
            self._arm_rule_deadlines(st, RuleContext(now, st, session=session, trading_day=trading_day))

    def _arm_rule_deadlines(self, st: AccountState, ctx: RuleContext) -> None:
        self.rules_of(st.name).arm_deadlines(self.deadlines, ctx, self.locks.has_rule)

    def _reset(self, at: datetime) -> None:
        """Idempotent, so a reset whose store write raised can be fired again (the daemon retries it):
        the in-memory reset, the carried figures and the next reset's deadline happen once, the store write
        until it succeeds."""
        day = self.td.label(at)
        if self.day is None or day > self.day:
            closed, self.day = self.day, day
            for st in self.states.values():  # first the figures its rules carry over (rule 014's floor)
                ctx = RuleContext(at, st, session=self.session, trading_day=self.td)
                for figures in self.rules_of(st.name).carried(ctx):
                    st.figures.update(figures)
                    if self._store is not None:
                        self._store.save_figures(st.name, figures)
                st.reset_day(closed)
            self.warnings.reset()
            self.locks.forget_ended(at)
            self.deadlines.set("reset", self.td.next_reset(at), ("reset",))
            self.journal.write(self.make.reset(at, day))
        if self._store is not None:
            self._store.record_reset(day, at)
