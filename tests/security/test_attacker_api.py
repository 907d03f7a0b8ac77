"""The trader (another, unprivileged uid) against the control endpoint: every mutating route refused,
guessing throttled per uid, the admin never locked out by the trader, clock floods bounded, a self-lock
allowed (and bounded), and a fake endpoint the admin's CLI will not send the password to. Runs as root
(CI); the attacker is a forked child that dropped to uid 65534 (tests/security/attacker.py)."""

from __future__ import annotations

import concurrent.futures
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from attacker import (
    TRADER,
    as_user,
    fake_endpoint,
    hammer,
    many,
    needs_root,
    no_fork_warning,
    request,
    try_open,
)
from typer.testing import CliRunner

from risk_manager.cli.main import app
from risk_manager.control.client import ControlClient
from risk_manager.control.password import set_password
from risk_manager.control.peer import AdminPolicy
from risk_manager.control.server import ControlServer
from support.control_server import FakeBackend, server_thread

pytestmark = [needs_root, no_fork_warning]
PASSWORD = "correct horse battery"
ADMIN_GID = 65533  # a throw-away group configured as the admin group in some tests


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


def serve(backend: FakeBackend, shared: Path, **kw: object) -> Iterator[ControlServer]:
    data = shared / "data"
    data.mkdir(mode=0o750, exist_ok=True)
    return server_thread(backend, set_password(data, PASSWORD), sock=shared / "control.sock",  # type: ignore[arg-type]
                         **kw)


def test_every_mutating_route_is_refused_to_the_trader_even_with_the_password(
        backend: FakeBackend, shared: Path) -> None:
    with serve(backend, shared) as server:
        sock = server.endpoint
        mutating = [r for m, r, _ in server.routes() if m == "POST" and not r.startswith("/v1/trader/")]
        assert {"/v1/admin/reload", "/v1/admin/stop"} <= set(mutating)
        for route in mutating:
            statuses = as_user(many, sock, "POST", route, {"password": PASSWORD}, 3)
            assert statuses == [403, 403, 403], route
        status, body = as_user(request, sock, "GET", "/v1/status")
        assert status == 200 and body["daemon"]["state"] == "PROTECTED"  # reading is the trader's right
        assert as_user(try_open, str(shared / "data" / "admin.hash")) == "PermissionError"
    assert backend.stops == backend.reloads == 0
    assert backend.audits and all(f"(uid {TRADER}, pid " in a[0] and not a[2] for a in backend.audits)


def test_password_guessing_is_throttled_per_uid_and_never_locks_root_out(backend: FakeBackend,
                                                                          shared: Path) -> None:
    with serve(backend, shared, policy=AdminPolicy(ADMIN_GID)) as server:
        sock = server.endpoint
        outsiders = {uid: as_user(many, sock, "POST", "/v1/admin/stop", {"password": "guess-guess"}, 8,
                                  uid=uid) for uid in (65534, 65532, 65531, 65530)}
        assert all(s == [403] * 8 for s in outsiders.values())  # not admins: not even a guess is checked
        insiders = [as_user(many, sock, "POST", "/v1/admin/stop", {"password": "guess-guess"}, 8, uid=uid,
                            gid=ADMIN_GID) for uid in (65533, 65529)]
        for statuses in insiders:  # each admin-group uid has its own five tries, then waits
            assert statuses == [401] * 5 + [429] * 3
        assert server.limiter.retry_after(f"uid:{os.geteuid()}") is None
        assert ControlClient(sock).reload(PASSWORD)["applied"] is True  # root is not locked out by them
    assert backend.stops == 0 and backend.reloads == 1


def test_the_admin_gets_in_while_a_trader_in_the_admin_group_hammers(backend: FakeBackend,
                                                                      shared: Path) -> None:
    with serve(backend, shared, policy=AdminPolicy(ADMIN_GID)) as server, \
            concurrent.futures.ThreadPoolExecutor(2) as pool:
        sock = server.endpoint
        trader = pool.submit(as_user, hammer, sock, 4.0, uid=65533, gid=ADMIN_GID)
        outsider = pool.submit(as_user, hammer, sock, 4.0)
        time.sleep(1.0)
        waits = []
        for _ in range(3):
            t0 = time.monotonic()
            assert ControlClient(sock, timeout=10).reload(PASSWORD)["applied"] is True
            waits.append(time.monotonic() - t0)
        seen, seen_outsider = trader.result(60), outsider.result(60)
    # each wrong guess costs the trader an argon2 check (slow on a busy machine), at most five per window
    assert set(seen) <= {401, 429} and 1 <= seen.get(401, 0) <= 5
    assert set(seen_outsider) == {403} and seen_outsider[403] > 10
    assert backend.reloads == 3 and max(waits) < 5.0, waits


def test_clock_events_from_one_uid_are_bounded(backend: FakeBackend, shared: Path) -> None:
    with serve(backend, shared) as server:
        statuses = as_user(many, server.endpoint, "POST", "/v1/trader/clock",
                           {"account": "PRAC-1", "kind": "in"}, 100)
    assert statuses.count(200) == 30 and statuses.count(429) == 70
    assert len(backend.clocks) == 30


def test_the_trader_may_lock_itself_out_without_the_password_audited_as_its_uid(
        backend: FakeBackend, shared: Path) -> None:
    """The one trader write that changes protection only strengthens it: any local uid may ask, the audit
    names the kernel's uid (not what the body claims), and the calls are bounded like clock events."""
    with serve(backend, shared) as server:
        statuses = as_user(many, server.endpoint, "POST", "/v1/trader/lock",
                           {"duration": "30m", "user": "root"}, 40)
    assert statuses.count(200) == 30 and statuses.count(429) == 10
    assert len(backend.locks) == 30
    assert backend.audits and all(a[1] == "self_lock" and f"(uid {TRADER}" in a[0] for a in backend.audits)


def test_the_admin_cli_refuses_to_send_the_password_to_a_fake_endpoint(open_dir: Path) -> None:
    fake = open_dir / "control.sock"
    runner = CliRunner(env={"RISK_MANAGER_SERVICE_RECORD": str(open_dir / "none.json")})
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        squatter = pool.submit(as_user, fake_endpoint, str(fake), 4.0)
        deadline = time.monotonic() + 10
        while not fake.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)  # listening
        results = [runner.invoke(app, ["admin", action, "--socket", str(fake)], input=f"{PASSWORD}\n")
                   for action in ("stop", "reload")]
        got = squatter.result(30)
    for res in results:
        assert res.exit_code == 6, res.output
        assert "not sending the admin password" in res.stderr and f"uid {TRADER}" in res.stderr
        assert "Admin password" not in res.output  # it was never even asked for
    assert PASSWORD.encode() not in got and b"password" not in got
