"""Connection hygiene: caps per uid and in total (admins apart), idle and slow clients cut off, accept
errors said once per interval."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from risk_manager.control.conn_guard import Limits, RateLog
from risk_manager.control.server import ControlServer
from support.control_server import FakeBackend, NoAdmins


async def closed_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(), seconds) == b""
    except TimeoutError:
        return False


async def test_over_the_per_uid_cap_a_connection_is_closed_at_once(tmp_path: Path) -> None:
    server = ControlServer(FakeBackend(), tmp_path / "c.sock", tmp_path / "admin.hash", policy=NoAdmins(),
                           limits=Limits(per_peer=2, total=10, idle=30.0))
    await server.start()
    try:
        kept = [await asyncio.open_unix_connection(str(tmp_path / "c.sock")) for _ in range(2)]
        extra_reader, extra_writer = await asyncio.open_unix_connection(str(tmp_path / "c.sock"))
        assert await closed_within(extra_reader, 2.0)  # the third from this uid: closed, nothing read
        assert server.conns is not None and server.conns.open_connections == 2
        extra_writer.close()
        for _, w in kept:
            w.close()
    finally:
        await server.stop()


async def test_admins_have_their_own_slots(tmp_path: Path) -> None:
    server = ControlServer(FakeBackend(), tmp_path / "c.sock", tmp_path / "admin.hash",
                           limits=Limits(per_peer=1, total=1, admin_total=3, idle=30.0))  # we are root: admin
    await server.start()
    try:
        conns = [await asyncio.open_unix_connection(str(tmp_path / "c.sock")) for _ in range(3)]
        await asyncio.sleep(0.1)
        assert server.conns is not None and server.conns.open_connections == 3  # per-uid cap is not theirs
        fourth = await asyncio.open_unix_connection(str(tmp_path / "c.sock"))
        assert await closed_within(fourth[0], 2.0)
        for _, w in [*conns, fourth]:
            w.close()
    finally:
        await server.stop()


async def test_silent_and_slow_clients_are_cut_off(tmp_path: Path) -> None:
    server = ControlServer(FakeBackend(), tmp_path / "c.sock", tmp_path / "admin.hash",
                           limits=Limits(idle=0.5))
    await server.start()
    try:
        silent_r, silent_w = await asyncio.open_unix_connection(str(tmp_path / "c.sock"))
        slow_r, slow_w = await asyncio.open_unix_connection(str(tmp_path / "c.sock"))
        for chunk in (b"GET /v1/st", b"atus HTTP/1.1\r\n", b"X-A: 1\r\n"):  # never finishes its head
            slow_w.write(chunk)
            await asyncio.sleep(0.2)
        assert await closed_within(silent_r, 2.0)
        assert await closed_within(slow_r, 2.0)
        silent_w.close()
        slow_w.close()
    finally:
        await server.stop()


async def test_accept_errors_are_logged_once_per_interval(tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    server = ControlServer(FakeBackend(), tmp_path / "c.sock", tmp_path / "admin.hash")
    await server.start()
    loop = asyncio.get_running_loop()
    try:
        handler = loop.get_exception_handler()
        assert handler is not None
        with caplog.at_level(logging.WARNING, "risk_manager.control"):
            for _ in range(500):
                handler(loop, {"message": "socket.accept() out of system resource",
                               "exception": OSError(24, "Too many open files")})
        said = [r for r in caplog.records if "accept failed" in r.getMessage()]
        assert len(said) == 1
    finally:
        await server.stop()
    assert loop.get_exception_handler() is None  # the loop's own handler is back


def test_rate_log_counts_what_it_mutes() -> None:
    now = [0.0]
    rl = RateLog(60.0, clock=lambda: now[0])
    assert rl.due("k") == "" and rl.due("k") is None and rl.due("k") is None
    now[0] = 61.0
    assert rl.due("k") == " (2 more since the last report)"
