"""009 session_block_outside: no trading outside the allowed session; optionally flat at its end.

- A fill that opens or grows a position while the session is closed (weekend, holiday, after an early
  close, outside an overnight window) flattens the account and locks it until the next session start.
  With ``close_at_session_end`` the last ``flatten_before_end_seconds`` of a session count as closed too.
- ``close_at_session_end``: ``next_deadline`` asks for a timer at session end - flatten_before_end_seconds
  while a position is open; when it fires with positions still open the account is flattened and locked
  until the next session start. Holidays and early closes come from ``ctx.session``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field

from risk_manager.domain.enums import Side
from risk_manager.domain.events import PositionEvent, TradeEvent
from risk_manager.rules.base import (
    EngineEvent,
    LockoutSpec,
    Rule,
    RuleContext,
    SessionLike,
    TimerEvent,
    Violation,
)
from risk_manager.rules.fmt import local_hhmm
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig
from risk_manager.schema.values import MAX_SECONDS


class SessionBlockOutsideConfig(RuleConfig):
    """009 session_block_outside: no fills outside the schedule's session; optionally flat at its end."""

    close_at_session_end: bool = True
    flatten_before_end_seconds: int = Field(default=0, ge=0, le=int(MAX_SECONDS))


_LOCKOUT = LockoutSpec("hard", "session_start")


def _grew(before: int, after: int) -> bool:
    """Opened, flipped or increased (reductions are exits and never blocked)."""
    return after != 0 and (before == 0 or (before > 0) != (after > 0) or abs(after) > abs(before))


class SessionBlockOutsideRule(Rule):
    name = "session_block_outside"
    triggers = frozenset({TradeEvent, PositionEvent, TimerEvent})
    locks = True

    def __init__(self, config: SessionBlockOutsideConfig) -> None:
        self.config = config
        self._early = timedelta(seconds=config.flatten_before_end_seconds)
        # (session, valid from, valid until, current end or None): see _current_end
        self._memo: tuple[SessionLike, datetime, datetime, datetime | None] | None = None

    def _current_end(self, session: SessionLike, now: datetime) -> datetime | None:
        """``session.current_end(now)`` (None = closed), memoised over the span where it cannot change.

        A calendar lookup costs ~30 us and next_deadline runs after every user event; the answer is
        constant until the open session ends, or while closed until the next one starts.
        """
        memo = self._memo
        if memo is not None and memo[0] is session and memo[1] <= now < memo[2]:
            return memo[3]
        end = session.current_end(now)
        try:
            until = end if end is not None else session.next_start(now)
        except LookupError:  # no session ahead at all: answer without memoising
            return None
        self._memo = (session, now, until, end)
        return end

    def _flatten_at(self, session: SessionLike, now: datetime) -> datetime | None:
        """When the open session containing ``now`` must be flat; None if closed or not configured."""
        if not self.config.close_at_session_end:
            return None
        end = self._current_end(session, now)
        return None if end is None else end - self._early

    def _allowed(self, session: SessionLike, now: datetime) -> bool:
        end = self._current_end(session, now)
        if end is None:
            return False
        return not self.config.close_at_session_end or now < end - self._early

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        session, now = ctx.session, ctx.now
        if session is None:
            return []  # the engine always passes the schedule's session; nothing to judge without it
        if isinstance(event, TimerEvent):
            if event.rule != self.name or not self.config.close_at_session_end or not ctx.state.positions:
                return []
            flat_at = self._flatten_at(session, now)
            if flat_at is not None and now < flat_at:
                return []  # a stale timer (e.g. the schedule changed): the session is still running
            return [Violation(self.name, "session end reached with positions open", action="flatten",
                              lockout=_LOCKOUT)]
        if isinstance(event, TradeEvent):
            opening = event.profit_and_loss is None and ctx.delta.counted and not event.voided
        else:
            opening = _grew(ctx.delta.before, ctx.delta.after)
        if not opening or self._allowed(session, now):
            return []
        what = "fill" if isinstance(event, TradeEvent) else "position opened or increased"
        when = ("outside the allowed trading session" if self._current_end(session, now) is None
                else f"in the last {self.config.flatten_before_end_seconds}s before the session end")
        return [Violation(self.name, f"{what} {when}", action="flatten", lockout=_LOCKOUT)]

    def next_deadline(self, ctx: RuleContext) -> datetime | None:
        session = ctx.session
        if session is None or not ctx.state.positions:
            return None
        flat_at = self._flatten_at(session, ctx.now)
        # A flatten time already passed was acted on by the event that got us there.
        return flat_at if flat_at is not None and flat_at > ctx.now else None


def _text(rule: SessionBlockOutsideRule, ctx: RuleContext, tz: ZoneInfo) -> str:
    session, now = ctx.session, ctx.now
    if session is None:
        return "no session window"
    try:
        end = session.current_end(now)
        if end is not None:
            return f"session open until {local_hhmm(end, now, tz)}"
        nxt = session.next_start(now)
    except LookupError:
        return "no session ahead"
    return f"outside the session (opens {local_hhmm(nxt, now, tz)})"


def _selftest(h: SelfTestDriver, cfg: SessionBlockOutsideConfig) -> None:
    h.leave_session()
    h.quote("ES", 6000.0)
    h.market("ES", Side.BUY, 1)


SPEC = RuleSpec(
    key="session_block_outside",
    id="009",
    config=SessionBlockOutsideConfig,
    rule=SessionBlockOutsideRule,
    text=_text,
    selftest=_selftest,
)
