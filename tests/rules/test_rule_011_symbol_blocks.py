"""Rule 011 symbol_blocks: close positions / cancel orders in blocked roots, symbol-scope lockout."""

from __future__ import annotations

import pytest
from limits_helpers import T0, cid, ctx, new_state, order, position

from risk_manager.config import SymbolBlocksConfig
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import AccountEvent, OrderEvent, PositionEvent
from risk_manager.rules.base import LockoutSpec
from risk_manager.rules.symbol_blocks import SymbolBlocks


def rule(*blocked: str) -> SymbolBlocks:
    return SymbolBlocks(SymbolBlocksConfig(enabled=True, blocked=list(blocked)))


def test_identity() -> None:
    r = rule("RTY")
    assert r.name == "symbol_blocks"
    assert r.triggers == frozenset({PositionEvent, OrderEvent})
    assert r.locks is False


@pytest.mark.parametrize("size", [2, -2])
def test_blocked_position_is_closed_with_a_symbol_lockout(size: int) -> None:
    state = new_state()
    ev, delta = position(state, "RTY", size)
    [v] = rule("RTY").evaluate(ev, ctx(state, delta))
    assert (v.rule, v.action, v.contract_id) == ("symbol_blocks", "close_position", cid("RTY"))
    assert v.lockout == LockoutSpec("hard", "condition", symbol="RTY")
    assert v.message == "RTY is blocked (RTY): position open"


def test_unblocked_position_is_left_alone() -> None:
    state = new_state()
    ev, delta = position(state, "ES", 3)
    assert rule("RTY").evaluate(ev, ctx(state, delta)) == []


@pytest.mark.parametrize(("patterns", "root", "blocked"), [
    (("M*",), "MNQ", True), (("M*",), "MGC", True), (("M*",), "ES", False),
    (("m*",), "MES", True),  # patterns are case-insensitive
    (("?ES",), "MES", True), (("?ES",), "ES", False),
    (("CL", "GC"), "GC", True), (("CL", "GC"), "MGC", False),
])
def test_wildcards(patterns: tuple[str, ...], root: str, blocked: bool) -> None:
    state = new_state()
    ev, delta = position(state, root, 1)
    out = rule(*patterns).evaluate(ev, ctx(state, delta))
    assert bool(out) is blocked
    if blocked:
        assert out[0].lockout == LockoutSpec("hard", "condition", symbol=root)
        assert f"({patterns[0].upper()})" in out[0].message or len(patterns) > 1


def test_projectx_alias_is_matched_on_the_cme_root() -> None:
    state = new_state()
    ev, delta = position(state, "ES", 1)  # CON.F.US.EP.Z26
    assert rule("ES").evaluate(ev, ctx(state, delta)) != []
    assert rule("EP").evaluate(ev, ctx(state, delta)) == []


def test_unknown_contract_uses_the_root_from_its_id() -> None:
    state = new_state()
    ev, delta = position(state, "CON.F.US.BTC.F27", 1)
    [v] = rule("BTC").evaluate(ev, ctx(state, delta))
    assert v.lockout == LockoutSpec("hard", "condition", symbol="BTC")


def test_working_order_in_a_blocked_root_is_cancelled() -> None:
    state = new_state()
    ev, delta = order(state, 11, "MNQ", Side.BUY, 1)
    [v] = rule("M*").evaluate(ev, ctx(state, delta))
    assert (v.action, v.order_id, v.contract_id) == ("cancel_order", 11, cid("MNQ"))
    assert v.lockout == LockoutSpec("hard", "condition", symbol="MNQ")


def test_order_that_is_no_longer_working_is_ignored() -> None:
    state = new_state()
    order(state, 11, "MNQ", Side.BUY, 1)
    ev, delta = order(state, 11, "MNQ", Side.BUY, 1, status=OrderStatus.CANCELLED)
    assert rule("MNQ").evaluate(ev, ctx(state, delta)) == []


def test_order_in_an_unblocked_root_is_left_alone() -> None:
    state = new_state()
    ev, delta = order(state, 11, "ES", Side.SELL, 1)
    assert rule("MNQ").evaluate(ev, ctx(state, delta)) == []


def test_exit_orders_stay_while_the_position_is_open_then_go_when_flat() -> None:
    state = new_state()
    position(state, "RTY", 2)
    stop_ev, stop_delta = order(state, 21, "RTY", Side.SELL, 2, type_=OrderType.STOP)
    order(state, 22, "RTY", Side.BUY, 1)  # adds to the long: an entry
    r = rule("RTY")
    assert r.evaluate(stop_ev, ctx(state, stop_delta)) == []  # never block an exit
    ev, delta = position(state, "RTY", 2)
    out = r.evaluate(ev, ctx(state, delta))
    assert [(v.action, v.order_id) for v in out] == [("close_position", None), ("cancel_order", 22)]
    ev, delta = position(state, "RTY", 0)  # closed: the stop would now open a short
    out = r.evaluate(ev, ctx(state, delta))
    assert [(v.action, v.order_id) for v in out] == [("cancel_order", 21), ("cancel_order", 22)]


def test_an_exit_order_larger_than_the_position_is_cancelled() -> None:
    state = new_state()
    position(state, "RTY", -1)
    ev, delta = order(state, 31, "RTY", Side.BUY, 3)  # would reverse to long 2
    [v] = rule("RTY").evaluate(ev, ctx(state, delta))
    assert (v.action, v.order_id) == ("cancel_order", 31)


def test_other_events_scan_every_position_and_order() -> None:
    state = new_state()
    position(state, "MNQ", 1)
    position(state, "ES", 1)
    order(state, 41, "MES", Side.SELL, 1)
    order(state, 42, "NQ", Side.SELL, 1)
    ev = AccountEvent(T0, 1, "PRAC-1", 50_000.0, True)
    out = rule("M*").evaluate(ev, ctx(state))
    got = sorted((v.action, v.contract_id, v.order_id) for v in out)
    assert got == [("cancel_order", cid("MES"), 41), ("close_position", cid("MNQ"), None)]
    assert {v.lockout.symbol for v in out if v.lockout} == {"MES", "MNQ"}


def test_not_limit_based() -> None:
    assert rule("RTY").utilization(ctx(new_state())) is None


def test_a_pending_order_is_left_to_its_next_state() -> None:
    state = new_state()
    ev, delta = order(state, 51, "RTY", Side.BUY, 1, type_=OrderType.MARKET, status=OrderStatus.PENDING)
    assert rule("RTY").evaluate(ev, ctx(state, delta)) == []  # a market order in flight: its fill is closed
    ev, delta = order(state, 51, "RTY", Side.BUY, 1, status=OrderStatus.OPEN)
    assert [v.order_id for v in rule("RTY").evaluate(ev, ctx(state, delta))] == [51]


def test_a_suspended_order_is_cancelled() -> None:
    state = new_state()
    ev, delta = order(state, 52, "RTY", Side.SELL, 1, type_=OrderType.STOP, status=OrderStatus.SUSPENDED)
    assert [v.action for v in rule("RTY").evaluate(ev, ctx(state, delta))] == ["cancel_order"]
