"""017 consecutive_losses on the account state: each closing order counts once (partial fills, duplicates,
voided trades), a close >= 0 ends the run, the run restarts after a breach (property-tested)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from time_rules_helpers import at, feed, new_state, trade

from risk_manager.config import ConsecutiveLossesConfig
from risk_manager.domain.enums import Side
from risk_manager.domain.events import TradeEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import Violation
from risk_manager.rules.consecutive_losses import ConsecutiveLosses


def make(count: int = 3, **kw: object) -> ConsecutiveLosses:
    return ConsecutiveLosses(ConsecutiveLossesConfig.model_validate(
        {"enabled": True, "count": count, "cooldown": "5m", **kw}))


def close(rule: ConsecutiveLosses, st_: AccountState, ev: TradeEvent) -> list[Violation]:
    return rule.evaluate(ev, feed(st_, ev))


def test_partial_fills_duplicates_and_opening_halves_do_not_lengthen_the_run() -> None:
    rule, state = make(), new_state()
    out = close(rule, state, trade(at(0), 1, 10, None))  # opening half-turn
    out += close(rule, state, trade(at(1), 2, 11, -10.0, side=Side.SELL))
    out += close(rule, state, trade(at(1), 3, 11, -10.0, side=Side.SELL))  # same closing order
    out += close(rule, state, trade(at(1), 3, 11, -10.0, side=Side.SELL))  # duplicate
    out += close(rule, state, trade(at(2), 4, 12, -5.0, side=Side.SELL))
    assert out == [] and state.losses.run() == 2
    hit = close(rule, state, trade(at(3), 5, 13, -1.0, side=Side.SELL))
    assert [v.rule for v in hit] == ["consecutive_losses"] and hit[0].action == "flatten"
    assert hit[0].lockout is not None and hit[0].lockout.kind == "cooldown"


def test_voided_loss_is_taken_back_and_a_flat_close_ends_the_run() -> None:
    rule, state = make(2), new_state()
    close(rule, state, trade(at(0), 1, 11, -10.0, side=Side.SELL))
    assert close(rule, state, trade(at(1), 1, 11, -10.0, side=Side.SELL, voided=True)) == []
    assert state.losses.run() == 0
    close(rule, state, trade(at(2), 2, 12, -10.0, side=Side.SELL))
    close(rule, state, trade(at(3), 3, 13, 0.0, side=Side.SELL))  # >= 0 resets
    assert close(rule, state, trade(at(4), 4, 14, -10.0, side=Side.SELL)) == []


def test_no_flatten_cancels_entries_and_reset_clears_the_run() -> None:
    rule, state = make(1, flatten_on_breach=False), new_state()
    hit = close(rule, state, trade(at(0), 1, 11, -10.0, side=Side.SELL))
    assert hit[0].action is None and hit[0].also_cancel_entries
    state.reset_day()
    assert state.losses.run() == 0


@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([-20.0, -1.0, 0.0, 5.0]),
                          st.integers(1, 3), st.booleans()), max_size=40),
       st.integers(1, 4))
def test_streak_counts_each_closing_order_once(fills: list[tuple[int, float, int, bool]], count: int) -> None:
    """Against a plain model: one entry per closing order (its fills summed), duplicates ignored; the run
    is the trailing losing orders; a breach whenever a fill makes the run grow to a multiple of count."""
    rule, state = make(count), new_state()
    model: dict[int, float] = {}
    tid = 0
    for back, pnl, parts, dup in fills:
        oid = max(model, default=100) + 1 - back  # a new order, or another fill of a recent one
        for _ in range(parts):
            tid += 1
            ev = trade(at(tid), tid, oid, pnl, side=Side.SELL)
            before = _run(model)
            model[oid] = model.get(oid, 0.0) + pnl
            after = _run(model)
            got = close(rule, state, ev)
            assert (len(got) == 1) == (after > before and after % count == 0)
            if dup:
                assert close(rule, state, ev) == [] and state.losses.run() == after
            assert state.losses.run() == after
    assert list(state.losses.orders) == list(model)


def _run(model: dict[int, float]) -> int:
    n = 0
    for pnl in reversed(model.values()):
        if pnl >= 0:
            break
        n += 1
    return n
