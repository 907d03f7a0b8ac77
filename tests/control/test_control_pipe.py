"""The Windows control pipe's server and client, run on Linux: a socket pair stands in for the pipe and
the test names the token the OS would report (tests/control/pipe_fakes.py). The rest is the real code:
the transport adapter, the connection guard, the aiohttp app with its routes and checks, http.client,
and the CLI's trust check. Only control/win32_pipe.py (the Win32 calls) is not run here."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pipe_fakes import (
    ADMIN_SID,
    NAME,
    OTHER_ADMIN_SID,
    TRADER_SID,
    FakePipe,
    SocketChannel,
    admin,
    filtered_admin,
    trader,
)

from risk_manager.control.client import ControlClient, ControlError, DaemonUnreachable, UntrustedEndpoint
from risk_manager.control.conn_guard import Limits
from risk_manager.control.password import set_password
from risk_manager.control.pipe_client import OpenedPipe
from risk_manager.control.server import ControlServer
from support.control_server import FakeBackend, server_thread

PASSWORD = "correct horse battery"


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def pipe() -> FakePipe:
    return FakePipe()


def serve(backend: FakeBackend, pipe: FakePipe, tmp_path: Path, **kw: object) -> Iterator[ControlServer]:
    return server_thread(backend, set_password(tmp_path, PASSWORD), sock=Path(NAME),  # type: ignore[arg-type]
                         bound=pipe.endpoint, **kw)


def test_the_trader_reads_status_over_the_pipe_and_cannot_stop_it(backend: FakeBackend, pipe: FakePipe,
                                                                   tmp_path: Path) -> None:
    with serve(backend, pipe, tmp_path) as server:
        assert server.endpoint == NAME
        client = ControlClient(NAME, pipe_opener=pipe.opener(trader()))
        assert client.status()["daemon"]["state"] == "PROTECTED"
        assert client.health()["ok"] is True
        assert client.clock("PRAC-1", "in")["kind"] == "in"
        with pytest.raises(ControlError) as refused:
            client.stop(PASSWORD)  # the right password, the wrong identity
        assert refused.value.status == 403
    assert backend.stops == 0 and backend.clocks
    assert backend.audits and all(a[0].startswith(f"PC\\trader ({TRADER_SID}, pid 4242)") and not a[2]
                                  for a in backend.audits)


def test_an_elevated_administrator_with_the_password_reloads_and_the_audit_names_the_token(
        backend: FakeBackend, pipe: FakePipe, tmp_path: Path) -> None:
    with serve(backend, pipe, tmp_path):
        boss = ControlClient(NAME, pipe_opener=pipe.opener(admin()))
        with pytest.raises(ControlError) as wrong:
            boss.reload("not the password")
        assert wrong.value.status == 401
        assert boss.reload(PASSWORD)["applied"] is True
        not_elevated = ControlClient(NAME, pipe_opener=pipe.opener(filtered_admin()))
        with pytest.raises(ControlError) as refused:
            not_elevated.reload(PASSWORD)
        assert refused.value.status == 403  # UAC's filtered token holds Administrators for deny only
    assert backend.reloads == 1
    actors = [a[0] for a in backend.audits]
    assert actors[:2] == [f"PC\\boss ({ADMIN_SID}, pid 4444)"] * 2 and "pid 4343" in actors[2]


def test_failures_are_limited_per_sid_so_one_admin_cannot_lock_out_another(backend: FakeBackend,
                                                                             pipe: FakePipe,
                                                                             tmp_path: Path) -> None:
    with serve(backend, pipe, tmp_path):
        guesser = ControlClient(NAME, pipe_opener=pipe.opener(admin(OTHER_ADMIN_SID)))
        statuses = []
        for _ in range(7):
            try:
                guesser.reload("guess-guess")
            except ControlError as e:
                statuses.append(e.status)
        assert statuses == [401] * 5 + [429] * 2
        assert ControlClient(NAME, pipe_opener=pipe.opener(admin())).reload(PASSWORD)["applied"] is True


def test_a_client_the_os_could_not_identify_is_refused(backend: FakeBackend, pipe: FakePipe,
                                                       tmp_path: Path) -> None:
    with serve(backend, pipe, tmp_path), pytest.raises(DaemonUnreachable):
        ControlClient(NAME, timeout=5, pipe_opener=pipe.opener(None)).status()
    assert backend.audits == []


def test_the_cli_sends_no_password_to_a_pipe_served_by_someone_else() -> None:
    got: list[socket.socket] = []

    def squatter(name: str, timeout: float) -> OpenedPipe:
        client, server = socket.socketpair()
        got.append(server)
        return OpenedPipe(SocketChannel(client, timeout), TRADER_SID, ADMIN_SID)

    client = ControlClient(NAME, pipe_opener=squatter)
    with pytest.raises(UntrustedEndpoint, match="not sending the admin password"):
        client.check_endpoint()
    with pytest.raises(UntrustedEndpoint, match=TRADER_SID):
        client.stop(PASSWORD)
    with pytest.raises(UntrustedEndpoint, match="cannot tell who serves"):
        ControlClient(NAME, pipe_opener=lambda n, t: OpenedPipe(squatter(n, t).channel, None, ADMIN_SID)
                      ).reload(PASSWORD)
    for server in got:
        server.settimeout(1.0)
        assert server.recv(65536) == b""  # closed, and nothing was ever sent
    # reading needs no trust: the trader's dashboard works whoever serves (it sends no secret)
    assert ControlClient(NAME, pipe_opener=squatter).pipe == NAME


def test_check_endpoint_returns_the_servers_sid(backend: FakeBackend, pipe: FakePipe, tmp_path: Path) -> None:
    with serve(backend, pipe, tmp_path):
        assert ControlClient(NAME, pipe_opener=pipe.opener(admin())).check_endpoint() == "S-1-5-18"
        own = pipe.opener(admin(), server_sid=ADMIN_SID, own_sid=ADMIN_SID)  # a foreground daemon of mine
        assert ControlClient(NAME, pipe_opener=own).reload(PASSWORD)["applied"] is True


def test_an_idle_pipe_client_is_disconnected_and_its_slot_freed(backend: FakeBackend, pipe: FakePipe,
                                                                tmp_path: Path) -> None:
    limits = Limits(per_peer=2, idle=0.3)
    with serve(backend, pipe, tmp_path, limits=limits) as server:
        opener = pipe.opener(trader())
        idle = [opener(NAME, 5.0) for _ in range(2)]
        deadline = time.monotonic() + 5
        while (server.conns is None or server.conns.open_connections < 2) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.conns is not None and server.conns.open_connections == 2
        for opened in idle:  # the guard closes them: the client reads the end of the stream
            assert opened.channel.read(10) == b""
        deadline = time.monotonic() + 5
        while server.conns.open_connections and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.conns.open_connections == 0
        assert ControlClient(NAME, pipe_opener=opener).status()["daemon"]["state"] == "PROTECTED"
    assert pipe.acceptor.closed  # stop() released the pipe


def test_over_the_per_sid_cap_a_pipe_connection_is_closed_at_once(backend: FakeBackend, pipe: FakePipe,
                                                                  tmp_path: Path) -> None:
    with serve(backend, pipe, tmp_path, limits=Limits(per_peer=1, idle=5.0)) as server:
        first = pipe.opener(trader())(NAME, 5.0)
        deadline = time.monotonic() + 5
        while (server.conns is None or server.conns.open_connections < 1) and time.monotonic() < deadline:
            time.sleep(0.02)
        second = pipe.opener(trader())(NAME, 5.0)
        assert second.channel.read(10) == b""  # refused before aiohttp saw it
        assert ControlClient(NAME, pipe_opener=pipe.opener(admin())).health()["ok"] is True
        first.channel.close()
