"""The rule seam: pure functions of (event, account state, now) that return violations.

Rules do no I/O, read no clock and call no broker. The engine owns lockouts, precedence, warnings, the
journal and deadlines; it turns each violation's requested action and lockout into one enforcement plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from risk_manager.domain.events import Event
from risk_manager.domain.state import AccountState, Delta

ActionKind = Literal[
    "flatten", "close_position", "reduce_position", "cancel_order", "cancel_entry_orders", "modify_stop"
]
# When a lockout ends: at a fixed time, at the next daily reset, at the next session start, or on a
# condition (rule 010: canTrade returns; rule 011: while configured) -> journaled with "until": null;
# "week": the reset that starts the next week's Monday trading day (rules 015/016).
UntilKind = Literal["duration", "reset", "session_start", "condition", "week"]


@dataclass(frozen=True, slots=True)
class TimerEvent:
    """A deadline a rule asked for (grace period end, session end) has been reached."""

    at: datetime
    rule: str


EngineEvent = Event | TimerEvent


@dataclass(frozen=True, slots=True)
class LockoutSpec:
    kind: Literal["hard", "cooldown"]
    until: UntilKind
    duration: timedelta | None = None  # for until == "duration"
    symbol: str | None = None  # None = account scope; a root = symbol scope (rule 011)


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    message: str
    action: ActionKind | None = None
    contract_id: str | None = None  # close_position / reduce_position / modify_stop / cancel_order
    to_size: int | None = None  # reduce_position: signed size to reduce to (the journal shows abs)
    order_id: int | None = None  # cancel_order / modify_stop
    stop_price: float | None = None  # modify_stop
    lockout: LockoutSpec | None = None
    also_cancel_entries: bool = False  # a cooldown start cancels entry orders (protective ones stay)


class SessionLike(Protocol):
    def is_open(self, at: datetime) -> bool: ...
    def current_end(self, at: datetime) -> datetime | None: ...
    def next_start(self, at: datetime) -> datetime: ...


class TradingDayLike(Protocol):
    def label(self, at: datetime) -> date: ...
    def next_reset(self, at: datetime) -> datetime: ...
    def start(self, at: datetime) -> datetime: ...


@dataclass(slots=True)
class RuleContext:
    """Everything a rule may look at. ``now`` is the event's own timestamp."""

    now: datetime
    state: AccountState
    delta: Delta = field(default_factory=Delta)
    session: SessionLike | None = None
    trading_day: TradingDayLike | None = None
    micro_weight_roots: frozenset[str] = frozenset()


class Rule:
    """Base class. Subclasses set ``name`` and ``triggers`` and override ``evaluate``."""

    name: str = ""
    # Event classes that can make this rule fire (TimerEvent for deadline-driven rules). The engine skips
    # the rule for other events: that is what keeps the quote path fast.
    triggers: frozenset[type] = frozenset()
    # Rules with a lockout of their own are not re-evaluated while it is active (the kill switch rules then).
    locks: bool = False
    # An account-wide count (rule 001): judged on the sizes the other rules' reductions of the same event
    # and the reductions already in flight will leave, so one excess is never cured twice (engine/project).
    after_reductions: bool = False

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        raise NotImplementedError

    def utilization(self, ctx: RuleContext) -> float | None:
        """How close to the limit, 1.0 = at the limit. None = not a limit-based rule."""
        return None

    def next_deadline(self, ctx: RuleContext) -> datetime | None:
        """The next time this rule must be evaluated even if no event arrives (grace end, session end)."""
        return None

    def releases(self, event: EngineEvent, ctx: RuleContext) -> bool:
        """True when a condition lockout of this rule ends with this event (rule 010: canTrade true)."""
        return False

    def at_reset(self, ctx: RuleContext) -> dict[str, float]:
        """Figures to carry into the next trading day, computed at the daily reset from the day's end state
        (rule 014: the trailed floor). The engine stores them in ``state.figures`` and persists them."""
        return {}
