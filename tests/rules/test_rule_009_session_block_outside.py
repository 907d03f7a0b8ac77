"""009 session_block_outside with a fake session: fills outside, the session-end timer, its options."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from time_rules_helpers import T0, FakeSession, at, feed, new_state, position, trade

from risk_manager.config import SessionBlockOutsideConfig
from risk_manager.domain.events import Event
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import LockoutSpec, RuleContext, TimerEvent, Violation
from risk_manager.rules.registry import rule_class
from risk_manager.rules.session_block_outside import SessionBlockOutsideRule

NAME = "session_block_outside"
HOUR = 3600
# Friday 08:30-15:00 CT (T0 is the open), then Monday 08:30-15:00 CT.
FRI = (at(0), at(6.5 * HOUR))
MON = (at(72 * HOUR), at(78.5 * HOUR))
SESSION = FakeSession([FRI, MON])
HARD = LockoutSpec("hard", "session_start")


def make(**kw: Any) -> SessionBlockOutsideRule:
    return SessionBlockOutsideRule(SessionBlockOutsideConfig.model_validate({"enabled": True, **kw}))


def step(rule: SessionBlockOutsideRule, st: AccountState, ev: Event,
         session: FakeSession | None = SESSION) -> tuple[list[Violation], RuleContext]:
    ctx = feed(st, ev, session)
    return rule.evaluate(ev, ctx), ctx


def fire(rule: SessionBlockOutsideRule, st: AccountState, when: Any, name: str = NAME) -> list[Violation]:
    ev = TimerEvent(when, name)
    return rule.evaluate(ev, feed(st, ev, SESSION))


def test_registry_and_flags() -> None:
    assert rule_class(NAME) is SessionBlockOutsideRule
    assert SessionBlockOutsideRule.locks is True


def test_an_opening_fill_inside_the_session_is_fine() -> None:
    rule, st = make(), new_state()
    assert step(rule, st, trade(at(0), 1, 1))[0] == []  # exactly at the open: [start, end)
    assert step(rule, st, position(at(0), 1))[0] == []


def test_an_opening_fill_outside_the_session_flattens_and_locks_until_the_next_start() -> None:
    rule, st = make(), new_state()
    [v] = step(rule, st, trade(at(6.5 * HOUR), 1, 1))[0]  # exactly at the end is outside
    assert (v.action, v.lockout) == ("flatten", HARD)
    assert "fill outside the allowed trading session" in v.message
    assert SESSION.next_start(at(6.5 * HOUR)) == MON[0]  # what the engine turns "session_start" into
    [v] = step(make(), new_state(), trade(T0 - timedelta(minutes=1), 2, 2))[0]  # before the open
    assert v.lockout == HARD


def test_a_position_that_opens_or_grows_outside_is_caught_without_its_trade() -> None:
    rule, st = make(), new_state()
    [v] = step(rule, st, position(at(24 * HOUR), 1))[0]  # Saturday
    assert (v.action, v.lockout) == ("flatten", HARD)
    rule, st = make(), new_state()
    step(rule, st, position(at(HOUR), 2))
    assert len(step(rule, st, position(at(7 * HOUR), 3))[0]) == 1  # increased after the close
    rule, st = make(), new_state()
    step(rule, st, position(at(HOUR), 2))
    assert len(step(rule, st, position(at(7 * HOUR), -1))[0]) == 1  # flipped after the close


def test_exits_outside_the_session_are_never_blocked() -> None:
    rule, st = make(), new_state()
    step(rule, st, position(at(HOUR), 2))
    assert step(rule, st, position(at(7 * HOUR), 1))[0] == []
    assert step(rule, st, trade(at(7 * HOUR), 5, 5, pnl=-20.0))[0] == []
    assert step(rule, st, position(at(7 * HOUR), 0))[0] == []


def test_voided_or_duplicate_fills_do_not_count() -> None:
    rule, st = make(), new_state()
    assert step(rule, st, trade(at(7 * HOUR), 1, 1, voided=True))[0] == []
    ev = trade(at(HOUR), 2, 2)
    step(rule, st, ev)
    late_dup = trade(at(7 * HOUR), 2, 2)  # the same trade id seen again after the close
    assert step(rule, st, late_dup)[0] == []


def test_session_end_timer_with_positions_open_flattens() -> None:
    rule, st = make(), new_state()
    _, ctx = step(rule, st, position(at(HOUR), 1))
    assert rule.next_deadline(ctx) == FRI[1]
    assert fire(rule, st, FRI[1] - timedelta(seconds=1)) == []  # early (stale) timer: still trading
    [v] = fire(rule, st, FRI[1])
    assert (v.action, v.lockout) == ("flatten", HARD)
    assert "session end" in v.message


def test_no_deadline_and_no_flatten_when_flat_closed_or_disabled() -> None:
    rule, st = make(), new_state()
    assert rule.next_deadline(RuleContext(at(HOUR), st, session=SESSION)) is None  # flat
    assert fire(rule, st, FRI[1]) == []
    step(rule, st, position(at(HOUR), 1))
    assert rule.next_deadline(RuleContext(at(7 * HOUR), st, session=SESSION)) is None  # closed now
    assert fire(rule, st, FRI[1], name="no_stop_loss_grace") == []  # another rule's timer
    off = make(close_at_session_end=False)
    _, ctx = step(off, st, position(at(2 * HOUR), 2))
    assert off.next_deadline(ctx) is None
    assert fire(off, st, FRI[1]) == []
    # without close_at_session_end the last minutes of the session are ordinary trading time
    assert step(off, new_state(), trade(FRI[1] - timedelta(seconds=1), 9, 9))[0] == []


def test_flatten_before_end_seconds() -> None:
    rule, st = make(flatten_before_end_seconds=300), new_state()
    _, ctx = step(rule, st, position(at(HOUR), 1))
    assert rule.next_deadline(ctx) == FRI[1] - timedelta(minutes=5)
    assert fire(rule, st, FRI[1] - timedelta(minutes=6)) == []
    assert len(fire(rule, st, FRI[1] - timedelta(minutes=5))) == 1
    # once inside the last 5 minutes the deadline is not re-armed (it was acted on) ...
    assert rule.next_deadline(RuleContext(FRI[1] - timedelta(minutes=4), st, session=SESSION)) is None
    # ... and a new entry there is treated as outside the session
    late = trade(FRI[1] - timedelta(minutes=2), 3, 3)
    [v] = step(make(flatten_before_end_seconds=300), new_state(), late)[0]
    assert v.lockout == HARD and "last 300s" in v.message
    edge = FRI[1] - timedelta(minutes=5, microseconds=1)
    assert step(make(flatten_before_end_seconds=300), new_state(), trade(edge, 4, 4))[0] == []


def test_without_a_session_object_the_rule_cannot_judge() -> None:
    rule, st = make(), new_state()
    out, ctx = step(rule, st, trade(at(7 * HOUR), 1, 1), session=None)
    assert out == [] and rule.next_deadline(ctx) is None


def test_memoised_session_lookups_follow_the_clock_both_ways() -> None:
    rule, st = make(), new_state()
    step(rule, st, position(at(HOUR), 1))
    assert rule.next_deadline(RuleContext(at(HOUR), st, session=SESSION)) == FRI[1]
    assert rule.next_deadline(RuleContext(at(73 * HOUR), st, session=SESSION)) == MON[1]
    assert rule.next_deadline(RuleContext(at(2 * HOUR), st, session=SESSION)) == FRI[1]  # back in time
    assert rule.next_deadline(RuleContext(at(30 * HOUR), st, session=SESSION)) is None
    assert rule.next_deadline(RuleContext(at(72 * HOUR), st, session=SESSION)) == MON[1]  # the open itself
    other = FakeSession([(at(0), at(HOUR * 2))])  # a new session object (config reload) is not confused
    assert rule.next_deadline(RuleContext(at(HOUR), st, session=other)) == at(2 * HOUR)
    assert rule.next_deadline(RuleContext(at(HOUR), st, session=FakeSession([]))) is None
