"""Requests the gateway applies late (issue 12.1), through the real SDK against the simulator's ``hang``
fault: the request is applied only after the hang, long after the executor called it uncertain."""

from __future__ import annotations

import asyncio

import pytest

from risk_manager.enforcement.calls import ExecutorPolicy
from support import until
from support.daemon_rig import Rig

pytestmark = pytest.mark.e2e
SHORT = ExecutorPolicy(mutation_timeout=0.5)  # "uncertain" after 0.5 s instead of 3 s: a shorter test


async def test_a_partial_close_applied_late_is_not_sent_again_so_the_position_ends_at_the_limit(
        rig: Rig) -> None:
    await rig.start("  max_contracts: {enabled: true, limit: 4}\n", policy=SHORT)
    rig.sim.faults.add("Position/partialCloseContract", "hang", 1, hang_seconds=2.0)
    rig.trade("MNQ", "buy", 6)
    assert await until(lambda: rig.size("MNQ") == 4, within=5.0)
    assert await until(lambda: answered(rig, "Position/partialCloseContract"), within=5.0)
    await asyncio.sleep(0.2)
    assert rig.size("MNQ") == 4  # 6 -> 4, not 2
    partials = rig.requests("Position/partialCloseContract")
    assert len(partials) == 1 and partials[0].fault == "hang"
    assert await until(lambda: len(rig.of("result", call="partial_close", late=True)) == 1)


async def test_a_late_close_does_not_close_the_position_opened_after_the_cooldown(rig: Rig) -> None:
    rules = ("  cooldown_after_loss: {enabled: true, flatten_on_breach: true,"
             " tiers: [{loss: -10, cooldown: 1s}]}\n")
    await rig.start(rules, policy=SHORT)
    rig.trade("ES", "buy", 1)
    rig.trade("MNQ", "buy", 1)
    rig.sim.faults.add("Position/closeContract", "hang", 1, hang_seconds=2.5)
    rig.price("MNQ", 20_000.0)
    rig.trade("MNQ", "sell", 1)  # a losing closing trade: 1 s cooldown, flatten (ES)
    assert await until(lambda: rig.size("ES") == 0, within=3.0)  # the re-sent close: flat under the lockout
    assert await until(lambda: bool(rig.of("unlock")), within=6.0)
    rig.trade("ES", "buy", 1)  # the cooldown is over: a new position
    assert await until(lambda: answered(rig, "Position/closeContract"), within=5.0)
    await asyncio.sleep(0.2)
    assert rig.size("ES") == 1  # the late close landed before the unlock, on a flat position
    assert rig.of("alert", level="warning") and any("held" in a["message"] for a in rig.of("alert"))


def answered(rig: Rig, endpoint: str) -> bool:
    """Every request to the endpoint has been answered (the hung one too)."""
    reqs = rig.requests(endpoint)
    return bool(reqs) and all(r.status for r in reqs)
