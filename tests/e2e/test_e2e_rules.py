"""Breach -> journal -> broker call -> flat, through the real SDK and the simulator over sockets."""

from __future__ import annotations

import pytest

from risk_manager.domain.enums import OrderType
from support import until
from support.daemon_rig import Rig

pytestmark = pytest.mark.e2e


async def test_max_contracts_reduces_to_the_limit(rig: Rig) -> None:
    await rig.start("  max_contracts: {enabled: true, limit: 2}\n")
    rig.trade("MNQ", "buy", 4)
    assert await until(lambda: rig.size("MNQ") == 2)
    assert await until(lambda: bool(rig.of("action", rule="max_contracts")))  # journal: just after the call
    action = rig.of("action", rule="max_contracts")[0]
    assert (action["action"], action["from"], action["to"]) == ("reduce_position", 4, 2)
    calls = rig.requests("Position/partialCloseContract")
    assert len(calls) == 1 and calls[0].body["size"] == 2
    assert await until(lambda: bool(rig.of("result", call="done", ok=True)))


async def test_daily_loss_flattens_locks_and_the_kill_switch_closes_the_next_fill(rig: Rig) -> None:
    d = await rig.start("  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: true}\n")
    rig.price("ES", 6000.0)
    rig.trade("ES", "buy", 1)
    rig.order("ES", "buy", 1, OrderType.LIMIT, 5900.0)  # a working entry order: flatten cancels it
    assert await until(lambda: rig.size("ES") == 1)
    rig.price("ES", 5997.0)  # -162.50 unrealized
    assert await until(lambda: rig.size("ES") == 0 and not rig.open_orders())
    assert await until(lambda: bool(rig.of("action", rule="daily_realized_loss")))
    kinds = [r["type"] for r in rig.records
             if r.get("rule") == "daily_realized_loss" and r["type"] != "warning"]
    assert kinds[:3] == ["violation", "lockout", "action"]
    assert d.store is not None and [r.rule for r in d.store.active_lockouts()] == ["daily_realized_loss"]
    cancels, closes = rig.requests("Order/cancel"), rig.requests("Position/closeContract")
    assert len(cancels) == 1 and len(closes) == 1 and cancels[0].seq < closes[0].seq
    rig.trade("MNQ", "buy", 1)  # the trader tries again while locked
    assert await until(lambda: rig.size("MNQ") == 0)
    assert rig.closing_fills("MNQ") == 1


async def test_no_stop_grace_closes_an_unprotected_position_but_not_a_protected_one(rig: Rig) -> None:
    await rig.start("  no_stop_loss_grace: {enabled: true, grace_period_seconds: 1}\n")
    rig.price("ES", 6000.0)
    rig.trade("ES", "buy", 1)
    rig.order("ES", "sell", 1, OrderType.STOP, 5990.0)
    rig.trade("MNQ", "buy", 1)
    assert await until(lambda: rig.size("MNQ") == 0, within=5.0)
    assert rig.size("ES") == 1
    assert await until(lambda: bool(rig.of("violation", rule="no_stop_loss_grace")))
    assert [r["symbol"] for r in rig.of("violation", rule="no_stop_loss_grace")] == ["MNQ"]


async def test_symbol_block_closes_the_position_and_cancels_the_order(rig: Rig) -> None:
    await rig.start("  symbol_blocks: {enabled: true, blocked: [CL]}\n")
    rig.trade("CL", "buy", 1)
    assert await until(lambda: rig.size("CL") == 0)
    oid = rig.order("CL", "buy", 1, OrderType.LIMIT, 60.0)
    assert await until(lambda: oid not in rig.open_orders())
    assert await until(lambda: bool(rig.of("lockout", rule="symbol_blocks")))
    assert rig.of("lockout", rule="symbol_blocks")[0]["scope"] == "symbol"


async def test_can_trade_false_flattens_and_locks_until_it_returns(rig: Rig) -> None:
    d = await rig.start("  auth_loss_guard: {enabled: true}\n")
    rig.trade("NQ", "sell", 2)
    assert await until(lambda: rig.size("NQ") == -2)
    rig.sim.broker.set_can_trade(rig.acct, False)
    assert await until(lambda: rig.size("NQ") == 0)
    assert d.engine is not None and d.engine.locks.is_locked("PRAC-1")
    rig.sim.broker.set_can_trade(rig.acct, True)
    assert await until(lambda: not d.engine.locks.is_locked("PRAC-1"))  # type: ignore[union-attr]
    assert rig.of("unlock", rule="auth_loss_guard")
