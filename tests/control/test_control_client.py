"""ControlClient against a real server thread, and DaemonUnreachable when nothing listens."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from control_helpers import FakeBackend, server_thread

from risk_manager.control.client import ControlClient, ControlError, DaemonUnreachable
from risk_manager.control.password import set_password

PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_nothing_listening_raises_daemon_unreachable() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with ControlClient(url, timeout=2.0) as client, pytest.raises(DaemonUnreachable) as info:
        client.status()
    assert info.value.url == url and f"not reachable at {url}" in str(info.value)


def test_round_trip_through_a_real_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a proxy setting must not capture loopback traffic (the client ignores the environment)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    backend = FakeBackend()
    with server_thread(backend, set_password(tmp_path, PASSWORD)) as server, \
            ControlClient(server.url) as client:
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
    assert backend.audits[0][0].endswith("@127.0.0.1")


def test_rate_limit_reaches_the_client_with_retry_after(tmp_path: Path) -> None:
    with server_thread(FakeBackend(), set_password(tmp_path, PASSWORD)) as server, \
            ControlClient(server.url) as client:
        for _ in range(5):
            with pytest.raises(ControlError):
                client.stop("guess guess")
        with pytest.raises(ControlError) as limited:
            client.stop(PASSWORD)
    assert limited.value.status == 429 and limited.value.retry_after is not None
    assert 295 <= limited.value.retry_after <= 300
