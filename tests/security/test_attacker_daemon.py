"""The trader (uid 65534) against a real daemon: squatting its endpoint before it starts, 2,000 idle
connections while a breach must be enforced, and — with `risk-manager run` as its own process — the
files' modes, no TCP listener, and a second daemon on the same data directory refused (exit 6)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from attacker import (
    TRADER,
    AttackFailed,
    as_user,
    hold_idle,
    make_dir,
    needs_root,
    no_fork_warning,
    request,
    squat,
    try_open,
)
from typer.testing import CliRunner

from risk_manager.cli.main import app
from risk_manager.config import load_config_text
from risk_manager.control.client import ControlClient
from risk_manager.control.conn_guard import Limits
from risk_manager.daemon.connect import Connection, projectx_connector
from risk_manager.daemon.options import EXIT_ENDPOINT, DaemonOptions, StartupError
from risk_manager.daemon.runtime import build_daemon
from support import until
from support.daemon_rig import CREDS, Rig, config_yaml

pytestmark = [needs_root, no_fork_warning]
PASSWORD = "correct horse battery"


async def never_connect() -> Connection:
    raise AssertionError("a daemon that cannot own its endpoint must not even log in")


async def refused(data: Path, sock: Path | None = None) -> StartupError:
    with pytest.raises(StartupError) as info:
        await build_daemon(load_config_text("accounts: [{name: PRAC-1}]\n"), never_connect,
                           DaemonOptions(data_dir=data, control_socket=sock))
    assert info.value.code == EXIT_ENDPOINT
    return info.value


async def test_squatting_the_endpoint_or_the_data_directory_refuses_the_start(shared: Path,
                                                                             open_dir: Path) -> None:
    squatted = open_dir / "control.sock"  # configured where the trader can write: they got there first
    assert await asyncio.to_thread(as_user, squat, str(squatted)) == "bound"
    e = await refused(shared / "data", squatted)
    assert "writable by group or others" in str(e)
    assert not (shared / "data" / "risk_manager.db").exists()  # refused before anything was opened

    await asyncio.to_thread(as_user, make_dir, str(open_dir / "data"))  # the trader's own data directory
    e = await refused(open_dir / "data")
    assert f"owned by uid {TRADER}" in str(e)

    # in a directory the daemon owns the trader cannot even create the path
    own = shared / "own"
    await refused(own, open_dir / "x.sock")  # (creates own/ as the daemon would)
    with pytest.raises(AttackFailed, match="PermissionError"):
        await asyncio.to_thread(as_user, squat, str(own / "control.sock"))


@pytest.mark.e2e
async def test_2000_idle_connections_cannot_delay_enforcement(rig: Rig, shared: Path, open_dir: Path) -> None:
    cfg = rig.config("  max_contracts: {enabled: true, limit: 2}\n")
    sock = shared / "run" / "control.sock"
    opts = DaemonOptions(data_dir=shared / "data", control_socket=sock)
    d = await asyncio.wait_for(build_daemon(cfg, projectx_connector(cfg, CREDS), opts), 30)
    rig.daemons.append(d)
    assert d.control is not None and d.control.conns is not None
    fds_before = len(os.listdir("/proc/self/fd"))
    ready, release = open_dir / "ready", open_dir / "release"
    holder = asyncio.create_task(asyncio.to_thread(as_user, hold_idle, str(sock), 2000, str(ready),
                                                   str(release), 90.0, timeout=150.0))
    try:
        assert await until(ready.exists, within=100.0), "the trader could not open its connections"
        assert int(ready.read_text()) == 2000  # the kernel let every connect through ...
        cap = Limits().per_peer

        def fds() -> int:
            return len(os.listdir("/proc/self/fd")) - fds_before

        # ... the daemon keeps only its cap of them (the rest are closed as they are accepted)
        assert await until(lambda: fds() <= cap + 8, within=10.0), f"{fds()} more descriptors in use"
        held = d.control.conns.open_connections
        assert held <= cap
        rig.price("MNQ", 21000.0)
        rig.trade("MNQ", "buy", 4)  # breach: 4 > 2
        filled = time.perf_counter_ns()
        assert await until(lambda: bool(rig.requests("Position/partialCloseContract")), within=10.0)
        latency = (rig.requests("Position/partialCloseContract")[0].perf_ns - filled) / 1e9
        assert latency <= 1.0, f"close request {latency:.3f} s after the fill"
        assert await until(lambda: rig.size("MNQ") == 2)
        status = await asyncio.to_thread(ControlClient(sock).status)  # the admin still gets an answer
        assert status["daemon"]["state"] == "PROTECTED"
    finally:
        release.write_text("done")
        result = await holder
    assert result["opened"] == 2000 and result["closed_by_daemon"] >= 2000 - Limits().per_peer
    print(f"\n2,000 idle trader connections: {held} kept open by the daemon, breach -> partial close "
          f"request {latency * 1000:.1f} ms after the fill")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _tcp_listeners_of(pid: int) -> list[str]:
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if f"pid={pid}," in line]


async def _run(cfg: Path, data: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "PROJECT_X_USERNAME": CREDS.username, "PROJECT_X_API_KEY": CREDS.api_key}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "risk_manager.cli.main", "run", "--config", str(cfg), "--data-dir", str(data),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env)


async def _until_line(proc: asyncio.subprocess.Process, text: str, lines: list[str], within: float) -> bool:
    assert proc.stderr is not None
    async with asyncio.timeout(within):
        while line := await proc.stderr.readline():
            lines.append(line.decode(errors="replace"))
            if text in lines[-1]:
                return True
    return False


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("ss") is None, reason="needs ss (iproute2) to list TCP listeners")
async def test_files_modes_no_tcp_listener_and_one_daemon_per_data_directory(rig: Rig, shared: Path) -> None:
    cfg, data = shared / "risk_manager.yaml", shared / "data"
    cfg.write_text(config_yaml(rig.sim, "  max_contracts: {enabled: true, limit: 2}\n"))
    setpw = CliRunner().invoke(app, ["admin", "set-password", "--data-dir", str(data)],
                               input=f"{PASSWORD}\n{PASSWORD}\n")
    assert setpw.exit_code == 0, setpw.output
    first = await _run(cfg, data)
    lines: list[str] = []
    try:
        assert await _until_line(first, "PROTECTED", lines, 60.0), "".join(lines[-20:])
        sock = data / "control.sock"
        assert _mode(data) == 0o751  # others may reach the socket, not list or read anything
        assert _mode(sock) == 0o666 and stat.S_ISSOCK(os.lstat(sock).st_mode)
        assert _mode(data / "admin.hash") == 0o600
        for f in ("risk_manager.db", "risk_manager.db-wal", "risk_manager.db-shm", "daemon.lock"):
            if (data / f).exists():
                assert _mode(data / f) == 0o640, f
        assert _mode(data / "logs") == 0o750
        assert all(_mode(f) == 0o640 for f in (data / "logs").iterdir())
        assert _tcp_listeners_of(first.pid) == []  # the control API is the socket, nothing on TCP

        status, body = await asyncio.to_thread(as_user, request, str(sock), "GET", "/v1/status")
        assert status == 200 and body["daemon"]["state"] == "PROTECTED"  # the trader reads status ...
        for secret in ("risk_manager.db", "admin.hash", "logs/daemon.log"):  # ... and nothing else
            assert await asyncio.to_thread(as_user, try_open, str(data / secret)) == "PermissionError"

        second = await _run(cfg, data)
        assert await asyncio.wait_for(second.wait(), 60) == EXIT_ENDPOINT
        assert second.stderr is not None
        said = (await second.stderr.read()).decode()
        assert f"pid {first.pid}" in said and "one daemon per data directory" in said
        assert first.returncode is None  # the first one still runs (and still owns its socket)
        assert (await asyncio.to_thread(ControlClient(sock).health))["ok"] is True
    finally:
        if first.returncode is None:
            first.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(first.wait(), 30)
    assert code == 0 and not (data / "control.sock").exists()
