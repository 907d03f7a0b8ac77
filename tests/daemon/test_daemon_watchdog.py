"""The systemd watchdog is fed from the event loop (issue 12.12): WATCHDOG=1 every WATCHDOG_USEC/2 over a
real AF_UNIX datagram socket, nothing while the loop is wedged, and `serve` feeds it from start to stop."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from daemon_helpers import FAST, config, connector, paper_setup

from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.sd_notify import feed_watchdog, watchdog_interval
from risk_manager.daemon.service import serve
from support import until


@pytest.fixture
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.setblocking(False)
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        yield sock


def drain(sock: socket.socket) -> list[str]:
    out = []
    while True:
        try:
            out.append(sock.recv(256).decode())
        except BlockingIOError:
            return out


def test_interval_is_half_of_watchdog_usec_and_only_for_this_process() -> None:
    assert watchdog_interval({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"}, pid=42) == 15.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "43"}, pid=42) is None
    assert watchdog_interval({}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "soon"}) is None


async def test_pings_flow_while_the_loop_runs_and_stop_while_it_is_wedged(
        notify_socket: socket.socket) -> None:
    task = asyncio.create_task(feed_watchdog(0.02))
    try:
        got: list[str] = []
        assert await until(lambda: got.extend(drain(notify_socket)) or len(got) >= 2)
        assert set(got) == {"WATCHDOG=1"}
        drain(notify_socket)
        time.sleep(0.2)  # noqa: ASYNC251 -- on purpose: a wedged loop, ten intervals, no feeding possible
        assert drain(notify_socket) == []
        await asyncio.sleep(0.05)  # the loop is back: so are the pings
        assert "WATCHDOG=1" in drain(notify_socket)
    finally:
        task.cancel()


async def test_serve_feeds_the_watchdog_from_start_to_stop(tmp_path: Path, notify_socket: socket.socket,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "40000")  # 20 ms pings
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    _, port, stream = paper_setup()
    stop = asyncio.Event()
    opts = DaemonOptions(data_dir=tmp_path, policy=FAST, reconcile_every=600)
    run = asyncio.create_task(serve(config(""), connector(port, stream), opts, stop))
    seen: list[str] = []
    assert await until(lambda: (seen.extend(drain(notify_socket)) or "READY=1" in seen), within=20)
    seen.clear()
    assert await until(lambda: (seen.extend(drain(notify_socket)) or seen.count("WATCHDOG=1") >= 3))
    stop.set()
    assert await run == 0
    assert "STOPPING=1" in seen + drain(notify_socket)
