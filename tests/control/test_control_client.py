"""ControlClient against a real server thread over its socket, DaemonUnreachable when nothing listens,
and UntrustedEndpoint before a password goes to a socket the service does not own."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from risk_manager.control.client import ControlClient, ControlError, DaemonUnreachable, UntrustedEndpoint
from risk_manager.control.password import set_password
from support.control_server import FakeBackend, server_thread

PASSWORD = "correct horse battery"


def test_nothing_listening_raises_daemon_unreachable(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    with ControlClient(path, timeout=2.0) as client, pytest.raises(DaemonUnreachable) as info:
        client.status()
    assert info.value.endpoint == str(path)
    assert f"not reachable at {path} (no socket there)" in str(info.value)
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))  # a socket file nobody listens on (a daemon killed with -9)
    stale.close()
    with pytest.raises(DaemonUnreachable, match="nothing listens"):
        ControlClient(path, timeout=2.0).health()


def test_a_long_socket_path_still_works(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    with server_thread(FakeBackend(), deep / "admin.hash") as server:
        assert len(server.endpoint) > 108  # longer than AF_UNIX allows: reached through the directory's fd
        assert ControlClient(server.endpoint).health()["ok"] is True


def test_the_password_is_not_sent_to_an_endpoint_served_by_another_uid(tmp_path: Path) -> None:
    backend = FakeBackend()
    with server_thread(backend, set_password(tmp_path, PASSWORD)) as server:
        me = os.geteuid()
        assert ControlClient(server.endpoint, trusted={me}).check_endpoint() == me
        stranger = ControlClient(server.endpoint, trusted={me + 4242})  # as if the server were not ours
        with pytest.raises(UntrustedEndpoint, match="not sending the admin password"):
            stranger.check_endpoint()
        with pytest.raises(UntrustedEndpoint):
            stranger.stop(PASSWORD)
        assert stranger.status()["daemon"]["state"] == "PROTECTED"  # reading needs no trust
    assert backend.stops == 0 and backend.audits == []  # nothing reached the server's admin gate


def test_round_trip_through_a_real_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a proxy setting must not capture loopback traffic (the client ignores the environment)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    backend = FakeBackend()
    with server_thread(backend, set_password(tmp_path, PASSWORD)) as server, \
            ControlClient(server.endpoint) as client:
        assert client.status()["daemon"]["state"] == "PROTECTED"
        assert client.health() == {"ok": True, "state": "PROTECTED"}
        assert [r["account"] for r in client.journal(5, "PRAC-2")] == ["PRAC-2"]
        assert client.clock("PRAC-1", "out") == {"ok": True, "account": "PRAC-1", "kind": "out"}
        with pytest.raises(ControlError) as wrong:
            client.reload("nope nope")
        assert (wrong.value.status, wrong.value.message) == (401, "wrong admin password")
        assert client.reload(PASSWORD)["applied"] is True
        assert client.stop(PASSWORD) == {"stopping": True}
    assert backend.clocks == [("PRAC-1", "out")] and backend.reloads == 1 and backend.stops == 1
    assert [a[1:3] for a in backend.audits] == [("reload", False), ("reload", True), ("stop", True)]
    assert f"(uid {os.geteuid()}, pid {os.getpid()})" in backend.audits[0][0]  # the kernel says who


def test_rate_limit_reaches_the_client_with_retry_after(tmp_path: Path) -> None:
    with server_thread(FakeBackend(), set_password(tmp_path, PASSWORD)) as server, \
            ControlClient(server.endpoint) as client:
        for _ in range(5):
            with pytest.raises(ControlError):
                client.stop("guess guess")
        with pytest.raises(ControlError) as limited:
            client.stop(PASSWORD)
    assert limited.value.status == 429 and limited.value.retry_after is not None
    assert 295 <= limited.value.retry_after <= 300
