"""Rule 001 max_contracts: count modes, micro weight, enforcement modes, target choice, utilisation."""

from __future__ import annotations

import pytest
from limits_helpers import cid, ctx, new_state, position

from risk_manager.config import MaxContractsConfig
from risk_manager.domain.events import PositionEvent
from risk_manager.domain.state import Delta
from risk_manager.rules.max_contracts import MaxContracts


def rule(limit: int = 4, **kw: object) -> MaxContracts:
    return MaxContracts(MaxContractsConfig.model_validate({"enabled": True, "limit": limit, **kw}))


def test_identity() -> None:
    r = rule()
    assert r.name == "max_contracts"
    assert r.triggers == frozenset({PositionEvent})
    assert r.locks is False


@pytest.mark.parametrize("size", [5, -5])
def test_breach_reduces_the_position_that_grew_long_and_short(size: int) -> None:
    state = new_state()
    ev, delta = position(state, "ES", size)
    [v] = rule(4).evaluate(ev, ctx(state, delta))
    assert v.rule == "max_contracts"
    assert v.message == "5 contracts (net) > limit 4"
    assert (v.action, v.contract_id, v.to_size) == ("reduce_position", cid("ES"), 4 if size > 0 else -4)
    assert v.lockout is None


@pytest.mark.parametrize("size", [4, -4, 3, 1])
def test_at_or_below_the_limit_is_allowed(size: int) -> None:
    state = new_state()
    ev, delta = position(state, "ES", size)
    assert rule(4).evaluate(ev, ctx(state, delta)) == []


@pytest.mark.parametrize(("mode", "expected"), [("net", 1), ("gross", 5), ("long", 3), ("short", 2)])
def test_count_modes(mode: str, expected: int) -> None:
    state = new_state()
    position(state, "ES", 3)
    position(state, "NQ", -2)
    assert rule(10, count=mode).count(ctx(state)) == expected


@pytest.mark.parametrize(("mode", "breach"),
                         [("net", False), ("gross", True), ("long", True), ("short", False)])
def test_count_mode_decides_the_breach(mode: str, breach: bool) -> None:
    state = new_state()
    position(state, "ES", 3)
    ev, delta = position(state, "NQ", -2)
    assert bool(rule(2, count=mode).evaluate(ev, ctx(state, delta))) is breach


def test_gross_reduction_that_needs_the_whole_position_closes_it() -> None:
    state = new_state()
    position(state, "ES", 3)
    ev, delta = position(state, "NQ", -2)  # gross 5 > 2: removing all of NQ (2) is not even enough
    [v] = rule(2, count="gross").evaluate(ev, ctx(state, delta))
    assert (v.action, v.contract_id, v.to_size) == ("close_position", cid("NQ"), None)


def test_long_mode_reduces_a_long_even_when_a_short_grew() -> None:
    state = new_state()
    position(state, "ES", 3)
    position(state, "NQ", 2)
    ev, delta = position(state, "MNQ", -7)  # the short grew; long count 5 > 4
    [v] = rule(4, count="long").evaluate(ev, ctx(state, delta))
    assert (v.action, v.contract_id, v.to_size) == ("reduce_position", cid("ES"), 2)


def test_net_mode_never_reduces_the_opposite_side() -> None:
    state = new_state()
    position(state, "ES", 7)
    position(state, "NQ", -1)
    ev, delta = position(state, "NQ", -2)  # NQ grew, but net 5 is made of the ES long
    [v] = rule(4).evaluate(ev, ctx(state, delta))
    assert (v.contract_id, v.to_size) == (cid("ES"), 6)


def test_micro_weight_tenth_counts_micros_as_a_tenth() -> None:
    state = new_state()
    position(state, "ES", 4)
    ev, delta = position(state, "MNQ", 10)
    r = rule(5, micro_weight=0.1)
    assert r.count(ctx(state, delta)) == 5.0
    assert r.evaluate(ev, ctx(state, delta)) == []  # exactly at the limit: float noise must not breach
    assert r.utilization(ctx(state, delta)) == 1.0
    ev, delta = position(state, "MNQ", 21)  # 4 + 2.1 = 6.1 > 5: remove ceil(1.1 / 0.1) = 11 micros
    [v] = r.evaluate(ev, ctx(state, delta))
    assert v.message == "6.1 contracts (net) > limit 5"
    assert (v.action, v.contract_id, v.to_size) == ("reduce_position", cid("MNQ"), 10)


def test_micro_weight_default_counts_micros_fully() -> None:
    state = new_state()
    position(state, "ES", 4)
    ev, delta = position(state, "MNQ", 10)
    [v] = rule(5).evaluate(ev, ctx(state, delta))
    assert (v.contract_id, v.to_size) == (cid("MNQ"), 1)


@pytest.mark.parametrize("size", [30, -30])
def test_micro_float_noise_at_the_limit(size: int) -> None:
    state = new_state()
    for root in ("MES", "MNQ", "MYM"):
        ev, delta = position(state, root, size // 3)  # 0.1 * 10 three times
    r = rule(3, micro_weight=0.1)
    assert r.count(ctx(state)) == 3.0
    assert r.evaluate(ev, ctx(state, delta)) == []


def test_context_micro_roots_extend_the_builtin_list() -> None:
    state = new_state()
    _, delta = position(state, "CON.F.US.MBT.Z26", 20)  # unknown contract: root MBT parsed from the id
    assert rule(5, micro_weight=0.1).count(ctx(state, delta)) == 20
    assert rule(5, micro_weight=0.1).count(ctx(state, delta, frozenset({"MBT"}))) == 2


def test_close_position_enforcement_closes_the_position_that_grew() -> None:
    state = new_state()
    position(state, "NQ", 4)
    ev, delta = position(state, "ES", 2)
    [v] = rule(5, enforcement="close_position").evaluate(ev, ctx(state, delta))
    assert (v.action, v.contract_id, v.to_size) == ("close_position", cid("ES"), None)


def test_close_all_enforcement_flattens() -> None:
    state = new_state()
    ev, delta = position(state, "ES", -6)
    [v] = rule(5, enforcement="close_all").evaluate(ev, ctx(state, delta))
    assert (v.action, v.contract_id, v.to_size, v.lockout) == ("flatten", None, None, None)


def test_without_a_growing_position_the_largest_is_reduced() -> None:
    state = new_state()
    position(state, "ES", 2)
    ev, _ = position(state, "NQ", 5)
    # e.g. a reconcile: the context carries no delta
    [v] = rule(4).evaluate(ev, ctx(state))
    assert (v.action, v.contract_id, v.to_size) == ("reduce_position", cid("NQ"), 2)


def test_a_position_that_shrank_is_not_the_one_that_grew() -> None:
    state = new_state()
    position(state, "NQ", 6)
    position(state, "ES", 7)
    ev, delta = position(state, "ES", 3)  # shrank; still 9 > 4 -> the largest (NQ 6) is reduced
    [v] = rule(4).evaluate(ev, ctx(state, delta))
    assert (v.contract_id, v.to_size) == (cid("NQ"), 1)


def test_a_flip_counts_as_growth() -> None:
    state = new_state()
    position(state, "NQ", 3)
    position(state, "ES", -2)
    ev, delta = position(state, "ES", 5)
    assert delta == Delta(cid("ES"), -2, 5)
    [v] = rule(4, count="gross").evaluate(ev, ctx(state, delta))
    assert (v.contract_id, v.to_size) == (cid("ES"), 1)


@pytest.mark.parametrize(("sizes", "expected"), [((), 0.0), ((3,), 0.75), ((-4,), 1.0), ((2, -3), 0.25)])
def test_utilisation(sizes: tuple[int, ...], expected: float) -> None:
    state = new_state()
    for root, size in zip(("ES", "NQ"), sizes, strict=False):
        position(state, root, size)
    assert rule(4).utilization(ctx(state)) == expected
