"""build_daemon while the login hangs: the control API already answers (STARTING, nothing to submit to),
and a stop during start-up (the start task cancelled, as ``service.serve`` does) closes all it opened."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from daemon_helpers import FAST, config

from risk_manager.control.client import ControlClient
from risk_manager.daemon.connect import Connection
from risk_manager.daemon.control import socket_path
from risk_manager.daemon.lock import DataDirLock
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import build_daemon
from risk_manager.store import Store
from support import until


async def test_a_start_stopped_while_logging_in_says_starting_then_closes_all(tmp_path: Path) -> None:
    attempts = 0

    async def unreachable() -> Connection:
        nonlocal attempts
        attempts += 1
        raise OSError("connection refused")  # retried with back-off, for as long as it takes

    cfg = config("  max_contracts: {enabled: true, limit: 2}\n")
    opts = DaemonOptions(data_dir=tmp_path, policy=FAST, login_retry_cap=0.05)
    sock = socket_path(cfg, opts)
    starting = asyncio.create_task(build_daemon(cfg, unreachable, opts))
    assert await until(lambda: attempts >= 2 and sock.exists(), within=10.0)
    status = await asyncio.to_thread(ControlClient(str(sock)).status)
    assert status["daemon"]["state"] == "STARTING"
    assert not starting.done()
    starting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await starting
    assert not sock.exists()
    lock = DataDirLock(tmp_path)  # released
    lock.acquire()
    lock.release()
    with Store.open(tmp_path / "risk_manager.db") as store:  # closed cleanly, the stop journaled
        assert store.journal_tail(1)[0]["type"] == "daemon_stopped"
        assert store.verify_journal() == (True, None)
