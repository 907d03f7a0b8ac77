"""The control API on its Unix socket with a fake backend: reads, admin gate, audit, no unlock.

The tests run as root, an admin; ``NoAdmins`` shows how the same server treats a trader's uid (the real
other-uid checks are in tests/security)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from risk_manager.control.password import set_password
from risk_manager.control.peer import Peer
from risk_manager.control.ratelimit import FailureLimiter
from risk_manager.control.server import ControlServer
from support.control_server import FakeBackend, NoAdmins

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
    sock = hash_path.parent / "c.sock"
    server = ControlServer(backend, sock, hash_path, limiter=FailureLimiter(5, 300.0, fake_time))
    await server.start()
    assert server.endpoint == str(sock) and oct(sock.stat().st_mode & 0o777) == "0o666"
    async with unix_client(sock) as client:
        yield client
    await server.stop()
    assert not sock.exists()  # removed on stop


def unix_client(sock: Path) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(uds=str(sock)), base_url="http://localhost",
                             trust_env=False)


ME = Peer(os.geteuid(), os.getegid(), os.getpid()).describe()


async def admin(http: httpx.AsyncClient, action: str, password: str) -> httpx.Response:
    # "user" is what a client might claim; the audit must ignore it
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
    assert backend.audits == [(ME, "reload", False, "wrong admin password")]
    r = await http.post("/v1/admin/stop", json={})  # no password at all
    assert r.status_code == 401 and backend.stops == 0 and backend.audits[-1][1:3] == ("stop", False)


async def test_right_password_reloads_and_stops(http: httpx.AsyncClient, backend: FakeBackend) -> None:
    r = await admin(http, "reload", PASSWORD)
    assert r.status_code == 200 and r.json() == backend.reload_result
    assert backend.audits == [(ME, "reload", True,
                               "applied live: rules.max_contracts.limit: 5 -> 3")]
    backend.reload_result = {"applied": False, "restart_needed": False, "changes": [], "error": "bad: x"}
    r = await admin(http, "reload", PASSWORD)
    assert r.json()["error"] == "bad: x"
    assert backend.audits[-1] == (ME, "reload", False, "bad: x")
    r = await admin(http, "stop", PASSWORD)
    assert r.status_code == 200 and r.json() == {"stopping": True} and backend.stops == 1
    assert backend.audits[-1] == (ME, "stop", True, "stop requested")


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
    browser = await http.post("/v1/admin/stop", json={"password": PASSWORD}, headers={"Origin": "null"})
    assert browser.status_code == 403 and backend.stops == 0
    preflight = await http.options("/v1/admin/stop", headers={"Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 405 and "access-control-allow-origin" not in preflight.headers
    big = await http.post("/v1/admin/stop", json={"password": "x" * 20000})
    assert big.status_code == 413 and backend.stops == 0
    assert (await http.get("/v1/status", headers={"Host": "localhost:8787"})).status_code == 200


async def test_a_request_without_host_is_answered_without_a_traceback(
        http: httpx.AsyncClient, hash_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    reader, writer = await asyncio.open_unix_connection(str(hash_path.parent / "c.sock"))
    writer.write(b"GET /v1/health HTTP/1.0\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    assert answer.startswith(b"HTTP/1.0 200") and b'"PROTECTED"' in answer
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL") or r.exc_info]


async def test_a_non_admin_uid_is_refused_before_any_password_check(backend: FakeBackend,
                                                                    hash_path: Path) -> None:
    sock = hash_path.parent / "t.sock"
    server = ControlServer(backend, sock, hash_path, policy=NoAdmins())
    await server.start()
    try:
        async with unix_client(sock) as client:
            for _ in range(20):  # the right password does not help either
                for action in ("reload", "stop"):
                    r = await admin(client, action, PASSWORD)
                    assert r.status_code == 403 and "need root" in r.json()["error"]
            assert (await client.get("/v1/status")).status_code == 200  # reading is fine
    finally:
        await server.stop()
    assert backend.stops == backend.reloads == 0
    assert server.limiter.retry_after(f"uid:{os.geteuid()}") is None  # nothing counted against the uid
    # the first refusal per action kind is written, the rest are counted, not flooded into the trail
    assert len(backend.audits) <= 2 and all(a[0] == ME and not a[2] for a in backend.audits)


async def test_trader_clock_needs_no_password(http: httpx.AsyncClient, backend: FakeBackend) -> None:
    r = await http.post("/v1/trader/clock", json={"account": "PRAC-1", "kind": "in"})
    assert r.status_code == 200 and backend.clocks == [("PRAC-1", "in")]
    assert (await http.post("/v1/trader/clock", json={"account": "NOPE", "kind": "in"})).status_code == 404
    assert (await http.post("/v1/trader/clock", json={"account": "PRAC-1", "kind": "up"})).status_code == 400
    assert backend.audits == []  # not an admin action


async def test_missing_or_unsafe_hash_file_refuses(backend: FakeBackend, tmp_path: Path) -> None:
    path = tmp_path / "none" / "admin.hash"
    server = ControlServer(backend, tmp_path / "u.sock", path)
    await server.start()
    try:
        async with unix_client(tmp_path / "u.sock") as client:
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


async def test_a_connection_without_peer_credentials_is_refused() -> None:
    """Only a Unix-socket peer the kernel vouches for gets an answer (no TCP path into the API)."""
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from risk_manager.control.http_guard import make_guard

    class NoPeers:
        def peer(self, transport: object) -> Peer | None:
            return None

        def begin(self, transport: object) -> None: ...

        def end(self, transport: object) -> None: ...

    async def handler(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    request = make_mocked_request("GET", "/v1/status", headers={"Host": "localhost"})
    guard = make_guard(NoPeers())
    assert (await guard(request, handler)).status == 403


async def test_trader_self_lock_needs_no_password_nor_admin_and_is_audited(backend: FakeBackend,
                                                                          hash_path: Path) -> None:
    """Any local uid may lock itself out (it only strengthens protection): the trader's uid, not an admin,
    without the password; the audit names the kernel's peer, whatever the body claims."""
    sock = hash_path.parent / "l.sock"
    server = ControlServer(backend, sock, hash_path, policy=NoAdmins(),
                           clock_limiter=FailureLimiter(8, 60.0, FakeTime()))
    await server.start()
    try:
        async with unix_client(sock) as http:
            r = await http.post("/v1/trader/lock", json={"duration": "30m", "flatten": True, "user": "alice"})
            assert r.status_code == 200 and r.json()["locks"][0]["rule"] == "self_lockout"
            assert backend.locks == [(None, "30m", True)]
            actor, action, ok, detail = backend.audits[-1]
            assert (actor, action, ok) == (ME, "self_lock", True) and "30m + flatten" in detail
            bad = [({"duration": "30m", "account": "NOPE"}, 404), ({"duration": "soon"}, 400),
                   ({"duration": 30}, 400), ({"duration": "30m", "flatten": "yes"}, 400), ({}, 400)]
            for body, status in bad:
                assert (await http.post("/v1/trader/lock", json=body)).status_code == status, body
            assert len(backend.locks) == 1
            # every call counts against the uid (8 here): the 9th is refused before the backend is asked
            until_reset = {"duration": "until_reset"}
            for _ in range(2):
                assert (await http.post("/v1/trader/lock", json=until_reset)).status_code == 200
            r = await http.post("/v1/trader/lock", json=until_reset)
            assert r.status_code == 429 and len(backend.locks) == 3
    finally:
        await server.stop()
