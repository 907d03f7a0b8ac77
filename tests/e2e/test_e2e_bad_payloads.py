"""A garbled user-hub payload through the real SDK (issue 12.7): rejected, journaled as bad_event with the
raw payload, alerted critical, DEGRADED in /v1/status, and the account reconciled over REST (which clears
it). Nothing of it is valued."""

from __future__ import annotations

import json
import math

import pytest

from risk_manager.sim.signalr import invocation
from support import until
from support.daemon_rig import Rig, cid

pytestmark = pytest.mark.e2e


async def test_a_nan_position_from_the_hub_is_rejected_journaled_and_reconciled(rig: Rig) -> None:
    d = await rig.start("  max_contracts: {enabled: true, limit: 2}\n")
    assert d.control is not None and d.health is not None
    backend = d.control.backend
    states: list[str] = []
    d.journal.add_listener(lambda r: states.append(backend.snapshot()["daemon"]["state"])
                           if r.get("type") == "alert" and r.get("level") == "critical" else None)
    reads_before = len(rig.requests("Position/searchOpen"))
    garbled = {"id": 99, "accountId": rig.acct, "contractId": cid("MNQ"),
               "creationTimestamp": "2026-11-20T15:00:00Z", "type": 1, "size": 3, "averagePrice": "NaN"}
    sent = rig.sim.user_hub.publish(invocation("GatewayUserPosition", {"action": 1, "data": garbled}),
                                    "positions", rig.acct)
    assert sent == 1
    assert await until(lambda: bool(rig.of("bad_event")))
    [bad] = rig.of("bad_event")
    assert bad["account"] == "PRAC-1" and bad["kind"] == "position_update" and "averagePrice" in bad["reason"]
    assert json.loads(bad["raw"])["data"]["averagePrice"] == "NaN"
    assert states == ["DEGRADED"]
    # the REST reconcile ran and cleared the problem; the NaN position never reached the engine
    assert await until(lambda: len(rig.requests("Position/searchOpen")) > reads_before)
    assert await until(lambda: not d.health.degraded)  # type: ignore[union-attr]
    assert d.engine is not None
    st = d.engine.states[rig.acct]
    assert cid("MNQ") not in st.positions
    assert math.isfinite(st.daily_pnl(include_unrealized=True))
    status = backend.snapshot()
    json.dumps(status, allow_nan=False)  # valid JSON: no bare NaN anywhere
    assert status["daemon"]["state"] == "PROTECTED"
    assert [a["level"] for a in rig.of("alert")] == ["critical", "info"]
