"""The connection supervisor against real faults: hub drops (close, abort, close-with-error), token
revocation, GatewayLogout, a silent market feed, proactive token refresh, and the DEGRADED -> DOWN ->
CONNECTED sequence when recovery keeps failing. Every recovery ends with on_reconnected (REST reconcile)."""

from __future__ import annotations

import asyncio

import pytest
from test_adapter_rig import MNQ, Rig, live_rig

from risk_manager.broker.projectx import ProjectXStream
from risk_manager.broker.stream import LinkState
from risk_manager.domain.events import PositionEvent
from support import Recorder, wait_until

pytestmark = pytest.mark.e2e


async def _events_flow(rig: Rig, size: int) -> None:
    await rig.admin("position", symbol="MNQ", side="buy", size=size)
    await wait_until(lambda: any(p.size == size for p in rig.rec.of(PositionEvent)),
                   what=f"position size {size}")


async def _recovered(rig: Rig, reconnects: int = 1) -> None:
    await wait_until(lambda: rig.rec.reconnects >= reconnects, what="on_reconnected")
    assert rig.stream is not None and rig.stream.state is LinkState.CONNECTED


@pytest.mark.parametrize("mode", ["close", "abort", "error"])
async def test_hub_drop_is_detected_and_rebuilt_with_a_fresh_client(mode: str) -> None:
    async with live_rig(stream=True) as rig:
        assert rig.stream is not None
        first = rig.stream.links[0].rt
        await rig.admin("drop", hub="user", mode=mode)
        await _recovered(rig)
        names = rig.rec.state_names()
        assert names[:3] == ["CONNECTING", "CONNECTED", "DEGRADED"] and names[-1] == "CONNECTED"
        assert "user hub" in rig.rec.states[2][1]
        assert rig.stream.links[0].rt is not first  # new pysignalr clients: the 10-retry budget starts over
        await _events_flow(rig, 1)  # subscriptions were restored


async def test_market_hub_drop_restores_quote_subscriptions() -> None:
    async with live_rig(stream=True) as rig:
        assert rig.stream is not None
        await rig.stream.watch_contracts({MNQ})
        await rig.admin("drop", hub="market", mode="close")
        await _recovered(rig)
        assert rig.stream.links[0].subscribed == {MNQ}
        seen = len(rig.rec.events)
        await wait_until(lambda: len(rig.rec.events) > seen + 2, what="quotes after the rebuild")


async def test_token_revocation_then_drop_relogs_in_and_brings_hubs_back() -> None:
    async with live_rig(stream=True) as rig:
        await rig.admin("revoke")
        await rig.admin("drop", hub="all", mode="close")
        await _recovered(rig)
        assert rig.session.generation >= 2
        assert rig.stream is not None and rig.stream.links[0].built_generation == rig.session.generation
        await _events_flow(rig, 2)


async def test_gateway_logout_triggers_relogin_and_reconnect() -> None:
    async with live_rig(stream=True) as rig:
        await rig.admin("logout", hub="user", revoke=True)
        await _recovered(rig)
        assert rig.session.generation == 2
        assert any("GatewayLogout" in reason for _, reason in rig.rec.states)
        await _events_flow(rig, 1)


async def test_silent_market_feed_with_positions_open_is_treated_as_stale() -> None:
    async with live_rig(stream=True, stream_kw={"stale_after": 1.0}) as rig:
        assert rig.stream is not None
        await rig.stream.watch_contracts({MNQ})
        await rig.admin("silence", on=True)
        await _recovered(rig)
        assert any("no quotes" in reason for s, reason in rig.rec.states if s is LinkState.DEGRADED)
        await rig.admin("silence", on=False)
        await _events_flow(rig, 1)


async def test_no_stale_alarm_while_flat_even_when_the_market_is_quiet() -> None:
    async with live_rig(stream=True, stream_kw={"stale_after": 0.5}) as rig:
        await rig.admin("silence", on=True)
        await asyncio.sleep(1.5)
        assert rig.rec.state_names() == ["CONNECTING", "CONNECTED"] and rig.rec.reconnects == 0


async def test_token_refreshed_before_expiry_and_hubs_reconnected_with_it() -> None:
    async with live_rig(stream=True, token_ttl=5.0) as rig:  # refresh due at 80 % = 4 s
        await wait_until(lambda: rig.session.generation >= 2, within=8.0, what="proactive refresh")
        await _recovered(rig)
        assert any("token refreshed" in reason for _, reason in rig.rec.states)
        assert rig.stream is not None and rig.stream.links[0].built_generation >= 2


async def test_degraded_then_down_then_connected_when_recovery_keeps_failing() -> None:
    async with live_rig(stream=True, session_kw={"login_timeout": 0.3}) as rig:
        # Attempt 1 reuses the revoked token (401 at negotiate), attempt 2 (t≈1 s) logs in but the login hangs
        # past the login timeout, attempt 3 (t≈3 s) succeeds; DOWN fires at down_after = 1 s.
        await rig.admin("fail", endpoint="Auth/loginKey", mode="hang", count=1, hang_seconds=1.0)
        await rig.admin("revoke")
        await rig.admin("drop", hub="all", mode="close")
        await _recovered(rig)
        names = rig.rec.state_names()
        assert names == ["CONNECTING", "CONNECTED", "DEGRADED", "DOWN", "CONNECTED"], rig.rec.states
        assert rig.rec.reconnects == 1
        assert rig.rec.states[3][1].startswith("not recovered within 1s")
        await _events_flow(rig, 1)


async def test_first_connect_failure_reports_down_and_recovers_later() -> None:
    async with live_rig() as rig:
        await rig.admin("revoke")  # the session's token is dead: hubs get 401 at negotiate
        rig.stream = ProjectXStream(rig.session, check_interval=0.1, down_after=1.0)
        rec = rig.rec = Recorder()
        await rig.stream.start(rig.accounts, rec.on_event, rec.on_state, rec.on_reconnected)
        assert rec.state_names() == ["CONNECTING", "DOWN"]
        await _recovered(rig)
        assert rec.state_names()[-1] == "CONNECTED" and rig.session.generation == 2
