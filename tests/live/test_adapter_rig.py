"""Shared rig for the live-adapter e2e tests: the simulator on an ephemeral loopback port, the real SDK
underneath our session/broker/stream, an event + link-state recorder, and /_sim/ fault injection.

(Named test_adapter_* so it stays inside the adapter's test files; it also carries the rig's own smoke
test: log in and list accounts.)
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from risk_manager.broker.port import AccountInfo
from risk_manager.broker.projectx import (
    ProjectXBroker,
    ProjectXSession,
    ProjectXStream,
    take_over_sdk_loggers,
)
from risk_manager.sim.options import SimOptions
from risk_manager.sim.server import SimServer
from support import Recorder

for _var in ("NO_PROXY", "no_proxy"):  # websockets honours *_PROXY; keep loopback direct
    os.environ[_var] = ",".join(filter(None, [os.environ.get(_var), "127.0.0.1", "localhost"]))

USER, KEY = "trader", "rig-api-key-0123456789"
MNQ, ES = "CON.F.US.MNQ.Z26", "CON.F.US.EP.Z26"
WAIT = 10.0  # upper bound for any single wait in these tests


@dataclass
class Rig:
    sim: SimServer
    session: ProjectXSession
    broker: ProjectXBroker
    rec: Recorder
    http: aiohttp.ClientSession
    stream: ProjectXStream | None = None
    accounts: list[AccountInfo] = field(default_factory=list)

    async def admin(self, action: str, **body: Any) -> Any:
        async with self.http.post(f"{self.sim.base_url}/_sim/{action}", json=body) as r:
            data = await r.json()
            assert r.status == 200, data
            return data

    async def requests(self, endpoint: str) -> list[dict[str, Any]]:
        async with self.http.get(f"{self.sim.base_url}/_sim/requests", params={"endpoint": endpoint}) as r:
            return list((await r.json())["requests"])

    @property
    def account_id(self) -> int:
        return self.accounts[0].id


@asynccontextmanager
async def live_rig(*, stream: bool = False, bare: bool = False, accounts: list[str] | None = None,
                   token_ttl: float = 24 * 3600.0, session_kw: dict[str, Any] | None = None,
                   broker_kw: dict[str, Any] | None = None,
                   stream_kw: dict[str, Any] | None = None) -> AsyncIterator[Rig]:
    take_over_sdk_loggers()
    opts = SimOptions(port=0, bare_events=bare, accounts=accounts or ["PRAC-1"], username=USER, api_key=KEY,
                      token_ttl=token_ttl, quote_rate=10.0)
    async with SimServer(opts) as sim, aiohttp.ClientSession() as http:
        session = ProjectXSession(api_url=sim.api_url, user_hub_url=sim.user_hub_url,
                                  market_hub_url=sim.market_hub_url, username=USER, api_key=KEY,
                                  **(session_kw or {}))
        await session.open()
        rig = Rig(sim, session, ProjectXBroker(session, **(broker_kw or {})), Recorder(), http)
        rig.accounts = await rig.broker.accounts()
        try:
            if stream:
                kw = {"check_interval": 0.1, "down_after": 1.0, **(stream_kw or {})}
                rig.stream = ProjectXStream(session, **kw)
                async with asyncio.timeout(WAIT):
                    await rig.stream.start(rig.accounts, rig.rec.on_event, rig.rec.on_state,
                                           rig.rec.on_reconnected)
            yield rig
        finally:
            if rig.stream is not None:
                await asyncio.wait_for(rig.stream.stop(), WAIT)
            await rig.broker.aclose()
            await session.close()


@pytest.mark.e2e
async def test_login_and_accounts_over_real_sockets() -> None:
    async with live_rig(accounts=["PRAC-1", "EVAL-2"]) as rig:
        assert [a.name for a in rig.accounts] == ["PRAC-1", "EVAL-2"]
        assert all(a.can_trade and a.balance == 50_000.0 for a in rig.accounts)
        s = rig.session
        assert s.generation == 1 and s.token.count(".") == 2
        assert s.expires_at is not None and s.issued_at is not None and s.refresh_at is not None
        life = (s.expires_at - s.issued_at).total_seconds()
        assert abs((s.refresh_at - s.issued_at).total_seconds() - 0.8 * life) < 2.0  # refresh at 80 %
        logins = await rig.requests("Auth/loginKey")
        assert len(logins) == 1 and logins[0]["body"]["userName"] == USER
