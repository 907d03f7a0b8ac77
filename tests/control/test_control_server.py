"""The control API on an ephemeral loopback port with a fake backend: reads, admin gate, audit, no unlock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from unittest import mock

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from control_helpers import FakeBackend

from risk_manager.control.http_guard import NotLoopback, guard
from risk_manager.control.password import set_password
from risk_manager.control.ratelimit import FailureLimiter
from risk_manager.control.server import ControlServer

PASSWORD = "correct horse battery"


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def hash_path(tmp_path: Path) -> Path:
    return set_password(tmp_path, PASSWORD)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def http(backend: FakeBackend, hash_path: Path,
               fake_time: FakeTime) -> AsyncIterator[httpx.AsyncClient]:
    server = ControlServer(backend, "127.0.0.1", 0, hash_path, limiter=FailureLimiter(5, 300.0, fake_time))
    await server.start()
    assert server.port != 0 and server.url == f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
        yield client
    await server.stop()


async def admin(http: httpx.AsyncClient, action: str, password: str) -> httpx.Response:
    return await http.post(f"/v1/admin/{action}", json={"password": password, "user": "alice"})


async def test_read_endpoints_need_no_password(http: httpx.AsyncClient) -> None:
    status = await http.get("/v1/status")
    assert status.status_code == 200 and status.json()["daemon"]["state"] == "PROTECTED"
    assert (await http.get("/v1/health")).json() == {"ok": True, "state": "PROTECTED"}
    journal = (await http.get("/v1/journal", params={"n": 1, "account": "PRAC-1"})).json()["records"]
    assert [r["at"][11:19] for r in journal] == ["09:02:00"]
    assert len((await http.get("/v1/journal")).json()["records"]) == 3
    bad = await http.get("/v1/journal", params={"n": "many"})
    assert bad.status_code == 400 and bad.json() == {"error": "n must be an integer"}


async def test_wrong_password_is_refused_and_audited(http: httpx.AsyncClient, backend: FakeBackend) -> None:
    r = await admin(http, "reload", "not the password")
    assert r.status_code == 401 and r.json() == {"error": "wrong admin password"}
    assert backend.reloads == 0
    assert backend.audits == [("alice@127.0.0.1", "reload", False, "wrong admin password")]
    r = await http.post("/v1/admin/stop", json={})  # no password at all
    assert r.status_code == 401 and backend.stops == 0 and backend.audits[-1][1:3] == ("stop", False)


async def test_right_password_reloads_and_stops(http: httpx.AsyncClient, backend: FakeBackend) -> None:
    r = await admin(http, "reload", PASSWORD)
    assert r.status_code == 200 and r.json() == backend.reload_result
    assert backend.audits == [("alice@127.0.0.1", "reload", True,
                               "applied live: rules.max_contracts.limit: 5 -> 3")]
    backend.reload_result = {"applied": False, "restart_needed": False, "changes": [], "error": "bad: x"}
    r = await admin(http, "reload", PASSWORD)
    assert r.json()["error"] == "bad: x"
    assert backend.audits[-1] == ("alice@127.0.0.1", "reload", False, "bad: x")
    r = await admin(http, "stop", PASSWORD)
    assert r.status_code == 200 and r.json() == {"stopping": True} and backend.stops == 1
    assert backend.audits[-1] == ("alice@127.0.0.1", "stop", True, "stop requested")


async def test_failures_are_rate_limited_then_allowed_again(
        http: httpx.AsyncClient, backend: FakeBackend, fake_time: FakeTime) -> None:
    for _ in range(5):
        assert (await admin(http, "stop", "guess")).status_code == 401
    limited = await admin(http, "stop", PASSWORD)  # even the right password waits now
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "300"
    fake_time.t += 100
    again = await admin(http, "stop", "guess")
    assert again.status_code == 429 and again.headers["Retry-After"] == "200"
    assert backend.stops == 0
    # five failures, then ONE line for the first refusal: hammering cannot flood the trail
    assert [a[3] for a in backend.audits] == ["wrong admin password"] * 5 + [
        "too many failed attempts; retry in 300s"]
    fake_time.t += 201
    assert (await admin(http, "stop", PASSWORD)).status_code == 200 and backend.stops == 1
    assert [a[2:] for a in backend.audits[-2:]] == [
        (False, "1 more attempt(s) refused while rate-limited"), (True, "stop requested")]


async def test_there_is_no_unlock_endpoint(http: httpx.AsyncClient) -> None:
    for path in ("/v1/admin/unlock", "/v1/unlock", "/v1/admin/lockouts/clear"):
        r = await http.post(path, json={"password": PASSWORD, "account": "PRAC-1"})
        assert r.status_code == 404 and r.json() == {"error": "Not Found"}
    assert (await http.get("/v1/admin/reload")).status_code == 405


async def test_posts_must_be_json_and_hosts_loopback(http: httpx.AsyncClient, backend: FakeBackend) -> None:
    form = await http.post("/v1/admin/stop", data={"password": PASSWORD})
    assert form.status_code == 415 and backend.stops == 0
    rebound = await http.get("/v1/status", headers={"Host": "attacker.example:8787"})
    assert rebound.status_code == 403
    assert (await http.get("/v1/status", headers={"Host": "localhost:8787"})).status_code == 200


async def test_trader_clock_needs_no_password(http: httpx.AsyncClient, backend: FakeBackend) -> None:
    r = await http.post("/v1/trader/clock", json={"account": "PRAC-1", "kind": "in"})
    assert r.status_code == 200 and backend.clocks == [("PRAC-1", "in")]
    assert (await http.post("/v1/trader/clock", json={"account": "NOPE", "kind": "in"})).status_code == 404
    assert (await http.post("/v1/trader/clock", json={"account": "PRAC-1", "kind": "up"})).status_code == 400
    assert backend.audits == []  # not an admin action


async def test_missing_or_unsafe_hash_file_refuses(backend: FakeBackend, tmp_path: Path) -> None:
    path = tmp_path / "none" / "admin.hash"
    server = ControlServer(backend, "127.0.0.1", 0, path)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
            r = await admin(client, "stop", PASSWORD)
            assert r.status_code == 503 and "set-password" in r.json()["error"]
            set_password(path.parent, PASSWORD)
            assert (await admin(client, "reload", PASSWORD)).status_code == 200
            if os.name == "posix":
                os.chmod(path, 0o666)  # anyone could replace the hash: do not trust it
                r = await admin(client, "stop", PASSWORD)
                assert r.status_code == 503 and "writable by group or others" in r.json()["error"]
    finally:
        await server.stop()
    assert backend.stops == 0 and [a[2] for a in backend.audits] == [False, True] + (
        [False] if os.name == "posix" else [])


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.com", ""])
async def test_non_loopback_bind_is_refused(backend: FakeBackend, hash_path: Path, host: str) -> None:
    server = ControlServer(backend, host, 0, hash_path)
    with pytest.raises(NotLoopback):
        await server.start()


@pytest.mark.parametrize(("peer", "status"), [("10.1.2.3", 403), ("192.168.0.7", 403), ("127.0.0.1", 200),
                                              ("::1", 200)])
async def test_requests_from_non_loopback_peers_are_rejected(peer: str, status: int) -> None:
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda key, default=None: (peer, 5555) if key == "peername" \
        else default
    request = make_mocked_request("GET", "/v1/status", headers={"Host": "127.0.0.1:8787"},
                                  transport=transport)

    async def handler(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    assert (await guard(request, handler)).status == status


async def test_trader_self_lock_needs_no_password_and_is_audited(http: httpx.AsyncClient,
                                                                backend: FakeBackend) -> None:
    r = await http.post("/v1/trader/lock", json={"duration": "30m", "flatten": True})
    assert r.status_code == 200 and r.json()["locks"][0]["rule"] == "self_lockout"
    assert backend.locks == [(None, "30m", True)]
    assert backend.audits[-1][1:3] == ("self_lock", True) and "30m + flatten" in backend.audits[-1][3]
    bad = [({"duration": "30m", "account": "NOPE"}, 404), ({"duration": "soon"}, 400),
           ({"duration": 30}, 400), ({"duration": "30m", "flatten": "yes"}, 400), ({}, 400)]
    for body, status in bad:
        assert (await http.post("/v1/trader/lock", json=body)).status_code == status, body
    assert len(backend.locks) == 1
