"""From violations to a plan: journal violations, persist + journal lockouts, merge, de-duplicate, act."""

from __future__ import annotations

from collections.abc import Set
from datetime import datetime, timedelta
from typing import assert_never

from risk_manager.config import Duration
from risk_manager.domain.events import Event, OrderEvent, PositionEvent
from risk_manager.domain.state import AccountState
from risk_manager.engine.actions import (
    FLATTEN_KEY,
    Action,
    ActionKey,
    CancelEntryOrders,
    CancelOrder,
    ClosePosition,
    Flatten,
    ModifyStop,
    OrdersKey,
    PositionKey,
    ReducePosition,
    StopKey,
)
from risk_manager.engine.merge import merge
from risk_manager.engine.ports import Deciding
from risk_manager.engine.project import rejudge
from risk_manager.engine.record_types import ActionRecord
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation
from risk_manager.rules.trading_week import next_week_start
from risk_manager.store.records import ACCOUNT_SCOPE, LockoutRecord, symbol_scope

SELF_LOCKOUT = "self_lockout"  # the journal's rule name for the trader's own lockout


class Decider:
    def __init__(self, engine: Deciding) -> None:
        self._e = engine
        self._pending: dict[int, set[ActionKey]] = {}  # in-flight action keys per account (exactly-once)
        # Sizes the broker confirmed after an action, until the position update itself arrives: stops a
        # stale state from deciding the same close twice.
        self._expected: dict[int, dict[str, int]] = {}
        self._acts: dict[int, dict[ActionKey, Action]] = {}  # the action behind each in-flight key

    def rejudge(self, rules: list[Rule], event: EngineEvent, ctx: RuleContext,
                violations: list[Violation], kills: list[Violation]) -> list[Violation]:
        """The ``after_reductions`` rules' violations judged again on the sizes that the verified sizes,
        the reductions in flight and this event's kill switch and other violations will leave: what to act
        on (``decide(rejudged=...)``); the journal still shows what was breached."""
        aid = ctx.state.account_id
        pending = self._pending.get(aid, set())
        acts = self._acts.get(aid, {})
        return rejudge(rules, event, ctx, violations, kills, self._expected.get(aid),
                       [a for k, a in acts.items() if k in pending])

    def complete(self, account_id: int, key: ActionKey, sizes: dict[str, int] | None = None) -> None:
        """The executor finished (or gave up on) an action: the same action may be decided again.

        ``sizes``: the positions the broker reported when it verified (contract id -> signed size).
        """
        self._pending.get(account_id, set()).discard(key)
        self._acts.get(account_id, {}).pop(key, None)
        if sizes:
            self._expected.setdefault(account_id, {}).update(sizes)

    def in_flight(self, account_id: int) -> Set[ActionKey]:
        """The keys of the account's actions decided and not yet completed."""
        return self._pending.get(account_id, frozenset())

    def observe(self, st: AccountState, event: Event) -> None:
        if isinstance(event, PositionEvent):
            exp = self._expected.get(st.account_id)
            if exp:
                exp.pop(event.contract_id, None)
        # In dry run nothing is executed, so nothing completes: re-report once the position changes.
        if not self._e.make.dry_run:
            return
        keys = self._pending.get(st.account_id)
        if not keys:
            return
        if isinstance(event, PositionEvent):
            keys.discard(PositionKey(event.contract_id))
            keys.discard(FLATTEN_KEY)
        elif isinstance(event, OrderEvent):
            keys.difference_update({StopKey(event.id), OrdersKey((event.id,))})
        acts = self._acts.get(st.account_id)
        if acts:  # the actions behind the keys just dropped go too
            for key in [k for k in acts if k not in keys]:
                del acts[key]

    def _symbol(self, st: AccountState, contract_id: str | None) -> str | None:
        if contract_id is None:
            return None
        pos = st.positions.get(contract_id)
        if pos is not None:
            return pos.root
        c = st.book.find(contract_id)
        return c.root if c else contract_id

    def _until(self, spec: LockoutSpec, at: datetime) -> datetime | None:
        if spec.until == "duration":
            return at + (spec.duration or timedelta(0))
        if spec.until == "reset":
            return self._e.td.next_reset(at)
        if spec.until == "session_start" and self._e.session is not None:
            return self._e.session.next_start(at)
        if spec.until == "week":
            return next_week_start(self._e.td, at)
        return None  # condition

    def _lockout(self, st: AccountState, v: Violation, at: datetime, when: datetime,
                 until: datetime | None) -> None:
        spec = v.lockout
        assert spec is not None
        e = self._e
        record = e.make.lockout(when, st.name, v.rule, spec.kind, spec.symbol, until, v.message)
        scope = symbol_scope(spec.symbol) if spec.symbol else ACCOUNT_SCOPE
        rec = LockoutRecord(st.name, v.rule, scope, spec.kind, until, v.message, at)
        if until is not None and until <= when:
            # a late event (reconcile): it would already have ended, so it starts nothing, but it ran then
            e.journal.write(record)
            e.locks.book.ran(rec)
            return
        e.locks.start(rec, record)

    def self_lock(self, st: AccountState, at: datetime, duration: Duration, flatten: bool) -> list[Action]:
        """The trader's own lockout (SPEC §7b) for ``duration`` (a cooldown) or ``until_reset`` (hard):
        recorded only when it is new or ends later than the one in force (an extension is a new lockout
        record; nothing is shortened or lifted); ``flatten`` is honoured either way. No violation record:
        nothing was violated."""
        seconds = duration.seconds
        spec = (LockoutSpec("hard", "reset") if duration.until_reset or seconds is None
                else LockoutSpec("cooldown", "duration", duration=timedelta(seconds=seconds)))
        text = "until reset" if spec.until == "reset" else f"for {duration}"
        message = f"the trader locked himself out {text}" + (" and asked to flatten" if flatten else "")
        self._lockout(st, Violation(SELF_LOCKOUT, message, lockout=spec), at, at, self._until(spec, at))
        if not flatten:
            return []
        return self._act(st, at, self._fresh(st, [Violation(SELF_LOCKOUT, message, action="flatten")], None))

    def decide(self, st: AccountState, at: datetime, now: datetime, violations: list[Violation],
               kills: list[Violation], projected: dict[str, int] | None = None,
               rejudged: list[Violation] | None = None, unsure: bool = False) -> list[Action]:
        """Judge what happened at ``at`` (the event's own time), decided at ``now``: violations carry
        ``at``; lockouts and actions carry the decision time, and a lockout is timed from ``at``. A
        violation whose lockout would already have ended by now neither starts nor acts (SPEC §5).
        ``rejudged``: the violations to act on when they differ from those journaled (``rejudge``);
        ``unsure``: a late event, the positions may not be known yet (``merge``)."""
        if not violations and not kills:
            return []
        e = self._e
        when = max(at, now)
        untils = [None if v.lockout is None else self._until(v.lockout, at) for v in violations]
        ended = {id(v) for v, u in zip(violations, untils, strict=True)
                 if v.lockout is not None and u is not None and u <= when}
        acting = [v for v in (violations if rejudged is None else rejudged) if id(v) not in ended]
        fresh = self._fresh(st, kills + acting, projected, unsure) if kills or acting else []
        for v in violations:
            # An action-only violation with nothing left to do (already done or in flight) is not news.
            if v.lockout is not None or v.action is None or fresh:
                e.journal.write(e.make.violation(at, st.name, v.rule, v.message,
                                                 self._symbol(st, v.contract_id)))
        for v, until in zip(violations, untils, strict=True):
            if v.lockout is not None:
                self._lockout(st, v, at, when, until)
        return self._act(st, when, fresh)

    def _fresh(self, st: AccountState, violations: list[Violation],
               projected: dict[str, int] | None, unsure: bool = False) -> list[Action]:
        pending = self._pending.setdefault(st.account_id, set())
        expected = self._expected.get(st.account_id)
        if expected:
            projected = {**expected, **(projected or {})}
        plan = merge(st.account_id, st, violations, projected, unsure)
        blocked = FLATTEN_KEY in pending  # a flatten in flight: only a stop may still be tightened
        return [a for a in plan if a.key not in pending and not (blocked and not isinstance(a, ModifyStop))]

    def _act(self, st: AccountState, at: datetime, fresh: list[Action]) -> list[Action]:
        pending = self._pending.setdefault(st.account_id, set())
        for a in fresh:
            pending.add(a.key)
            self._acts.setdefault(st.account_id, {})[a.key] = a
            self._e.journal.write(self._action_record(st, at, a))
        return [] if self._e.make.dry_run else fresh

    def _action_record(self, st: AccountState, at: datetime, a: Action) -> ActionRecord:
        m = self._e.make
        match a:
            case ReducePosition():
                return m.action(at, st.name, a.rule, a.kind, symbol=a.symbol, **{
                    "from": abs(a.from_size), "to": abs(a.to_size)})
            case ModifyStop():
                return m.action(at, st.name, a.rule, a.kind, symbol=a.symbol, order_id=a.order_id,
                                stop=a.stop_price)
            case CancelOrder():
                return m.action(at, st.name, a.rule, a.kind, symbol=a.symbol, order_ids=[a.order_id])
            case CancelEntryOrders():
                return m.action(at, st.name, a.rule, a.kind, symbol=a.symbol, order_ids=list(a.order_ids))
            case Flatten() | ClosePosition():
                return m.action(at, st.name, a.rule, a.kind, symbol=a.symbol)
            case _:
                assert_never(a)
