"""Hub drops, token revocation and failing / hanging REST closes, survived without double closes."""

from __future__ import annotations

import pytest

from support import until
from support.daemon_rig import Rig

pytestmark = pytest.mark.e2e
LIMIT_2 = "  max_contracts: {enabled: true, limit: 2}\n"


async def drop_hubs(rig: Rig) -> None:
    await rig.sim.user_hub.drop("close")
    await rig.sim.market_hub.drop("close")


async def test_a_breach_during_a_hub_outage_is_enforced_within_5s_of_reconnecting(rig: Rig) -> None:
    await rig.start(LIMIT_2)
    await drop_hubs(rig)
    rig.trade("MNQ", "buy", 4)  # nobody is subscribed: this fill's events are lost for good
    assert await until(lambda: bool(rig.of("connection_restored")), within=20.0)
    assert rig.of("connection_lost")
    assert await until(lambda: rig.size("MNQ") == 2, within=5.0)
    restored_ns = rig.stamps[rig.records.index(rig.of("connection_restored")[0])]
    reduce = rig.requests("Position/partialCloseContract")[0]
    assert reduce.perf_ns - restored_ns < 5e9
    rig.trade("MNQ", "buy", 3)  # live again: the hubs deliver and the daemon acts
    assert await until(lambda: rig.size("MNQ") == 2)
    assert len(rig.requests("Position/partialCloseContract")) == 2


async def test_token_revocation_is_survived_on_rest_and_on_the_hubs(rig: Rig) -> None:
    await rig.start(LIMIT_2)
    rig.sim.tokens.revoke_all()
    rig.trade("MNQ", "buy", 3)  # the reduce meets a 401, logs in again and goes through
    assert await until(lambda: rig.size("MNQ") == 2)
    await drop_hubs(rig)  # hub reconnects now need the new token (negotiate would be 401 with the old)
    assert await until(lambda: bool(rig.of("connection_restored")), within=20.0)
    rig.trade("MNQ", "buy", 2)
    assert await until(lambda: rig.size("MNQ") == 2)
    statuses = [r.status for r in rig.requests("Position/partialCloseContract")]
    assert statuses.count(200) == 2


@pytest.mark.parametrize("mode", ["500", "429"])
async def test_a_failed_close_is_re_read_then_sent_again_and_fills_once(rig: Rig, mode: str) -> None:
    await rig.start("  symbol_blocks: {enabled: true, blocked: [CL]}\n")
    rig.sim.faults.add("Position/closeContract", mode, 1)
    rig.trade("CL", "buy", 1)
    assert await until(lambda: rig.size("CL") == 0)
    closes = rig.requests("Position/closeContract")
    assert [c.fault for c in closes] == [mode, None]
    assert rig.closing_fills("CL") == 1
    assert await until(lambda: len(rig.of("result", call="close_position")) == 2)
    first = rig.of("result", call="close_position")[0]
    assert first["uncertain"] and not first["ok"]


async def test_a_hung_close_is_not_doubled_when_it_finally_lands(rig: Rig) -> None:
    await rig.start("  symbol_blocks: {enabled: true, blocked: [CL]}\n")
    rig.sim.faults.add("Position/closeContract", "hang", 1, hang_seconds=4.5)
    rig.trade("CL", "buy", 2)
    assert await until(lambda: rig.size("CL") == 0, within=10.0)
    assert len(rig.requests("Position/closeContract")) == 2  # the hung one, then one after a re-read
    assert await until(lambda: all(r.status for r in rig.requests("Position/closeContract")), within=6.0)
    assert rig.size("CL") == 0 and rig.closing_fills("CL") == 1  # the late one found nothing to close
    assert await until(lambda: any(r["uncertain"] for r in rig.of("result", call="close_position")))
