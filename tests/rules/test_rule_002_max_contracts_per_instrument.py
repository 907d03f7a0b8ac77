"""Rule 002 max_contracts_per_instrument: per-root limits, default_limit, enforcement, utilisation."""

from __future__ import annotations

import pytest
from limits_helpers import cid, ctx, new_state, position

from risk_manager.config import MaxContractsPerInstrumentConfig
from risk_manager.domain.contracts import Contract
from risk_manager.domain.events import PositionEvent
from risk_manager.rules.max_contracts_per_instrument import MaxContractsPerInstrument


def rule(**kw: object) -> MaxContractsPerInstrument:
    data = {"enabled": True, "limits": {"MNQ": 2}, **kw}
    return MaxContractsPerInstrument(MaxContractsPerInstrumentConfig.model_validate(data))


def test_identity() -> None:
    r = rule()
    assert r.name == "max_contracts_per_instrument"
    assert r.triggers == frozenset({PositionEvent})
    assert r.locks is False


@pytest.mark.parametrize(("size", "to"), [(3, 2), (-3, -2), (7, 2), (-5, -2)])
def test_breach_reduces_to_the_limit_long_and_short(size: int, to: int) -> None:
    state = new_state()
    ev, delta = position(state, "MNQ", size)
    [v] = rule().evaluate(ev, ctx(state, delta))
    assert v.message == f"MNQ: {abs(size)} contracts > limit 2"
    assert (v.action, v.contract_id, v.to_size, v.lockout) == ("reduce_position", cid("MNQ"), to, None)


@pytest.mark.parametrize("size", [2, -2, 1])
def test_at_or_below_the_limit_is_allowed(size: int) -> None:
    state = new_state()
    ev, delta = position(state, "MNQ", size)
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_close_position_enforcement() -> None:
    state = new_state()
    ev, delta = position(state, "MNQ", -3)
    [v] = rule(enforcement="close_position").evaluate(ev, ctx(state, delta))
    assert (v.action, v.contract_id, v.to_size) == ("close_position", cid("MNQ"), None)


def test_unlisted_root_without_default_limit_is_unlimited() -> None:
    state = new_state()
    ev, delta = position(state, "ES", 50)
    assert rule().evaluate(ev, ctx(state, delta)) == []


def test_unlisted_root_uses_default_limit() -> None:
    state = new_state()
    ev, delta = position(state, "ES", -4)
    r = rule(default_limit=3)
    [v] = r.evaluate(ev, ctx(state, delta))
    assert (v.contract_id, v.to_size) == (cid("ES"), -3)
    ev, delta = position(state, "ES", -3)
    assert r.evaluate(ev, ctx(state, delta)) == []


def test_listed_limit_wins_over_default_and_keys_are_case_insensitive() -> None:
    state = new_state()
    ev, delta = position(state, "MNQ", 3)
    r = rule(limits={"mnq": 5}, default_limit=1)
    assert r.evaluate(ev, ctx(state, delta)) == []


def test_projectx_alias_maps_to_the_cme_root() -> None:
    state = new_state()
    ev, delta = position(state, "ES", 2)  # CON.F.US.EP.Z26
    assert "EP" in cid("ES")
    [v] = rule(limits={"ES": 1}).evaluate(ev, ctx(state, delta))
    assert v.message.startswith("ES: 2 contracts")


def test_unknown_contract_root_comes_from_the_id() -> None:
    state = new_state()
    ev, delta = position(state, "CON.F.US.ZN.H27", 2)
    [v] = rule(default_limit=1).evaluate(ev, ctx(state, delta))
    assert (v.contract_id, v.to_size) == ("CON.F.US.ZN.H27", 1)
    assert v.message.startswith("ZN: ")


def test_other_roots_are_untouched() -> None:
    state = new_state()
    position(state, "MNQ", 2)
    ev, delta = position(state, "ES", 2)
    out = rule(limits={"MNQ": 2, "ES": 1}).evaluate(ev, ctx(state, delta))
    assert [(v.contract_id, v.to_size) for v in out] == [(cid("ES"), 1)]


def test_two_breaching_roots_give_two_violations_in_root_order() -> None:
    state = new_state()
    position(state, "NQ", 3)
    ev, delta = position(state, "ES", 2)
    out = rule(default_limit=1, limits={}).evaluate(ev, ctx(state, delta))
    assert [(v.contract_id, v.to_size) for v in out] == [(cid("ES"), 1), (cid("NQ"), 1)]


def test_months_of_one_root_add_up() -> None:
    state = new_state()
    later = Contract("CON.F.US.MNQ.H27", "MNQH7", "MNQ", 0.25, 0.50)
    state.book.add(later)
    position(state, "MNQ", 2)
    ev, delta = position(state, later.id, 1)
    [v] = rule().evaluate(ev, ctx(state, delta))  # 3 > 2: the new month is closed (1 - 1 = 0)
    assert (v.action, v.contract_id) == ("close_position", later.id)
    ev, delta = position(state, later.id, 3)  # 5 > 2: cannot go below zero -> close the H27 leg
    [v] = rule().evaluate(ev, ctx(state, delta))
    assert (v.action, v.contract_id) == ("close_position", later.id)


def test_without_growth_the_largest_position_of_the_root_is_reduced() -> None:
    state = new_state()
    later = Contract("CON.F.US.MNQ.H27", "MNQH7", "MNQ", 0.25, 0.50)
    state.book.add(later)
    position(state, "MNQ", 1)
    ev, _ = position(state, later.id, 4)
    [v] = rule(limits={"MNQ": 4}).evaluate(ev, ctx(state))
    assert (v.action, v.contract_id, v.to_size) == ("reduce_position", later.id, 3)


@pytest.mark.parametrize(
    ("positions", "expected"),
    [({}, 0.0), ({"MNQ": 1}, 0.5), ({"MNQ": -2}, 1.0), ({"MNQ": 1, "ES": -3}, 0.75), ({"NQ": 9}, 0.0)],
)
def test_utilisation_is_the_worst_root(positions: dict[str, int], expected: float) -> None:
    state = new_state()
    for root, size in positions.items():
        position(state, root, size)
    assert rule(limits={"MNQ": 2, "ES": 4}).utilization(ctx(state)) == expected


def test_utilisation_counts_default_limit_roots() -> None:
    state = new_state()
    position(state, "NQ", -9)
    assert rule(default_limit=10).utilization(ctx(state)) == 0.9
