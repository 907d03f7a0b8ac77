"""An in-process control server for tests: a fake daemon backend, an admin policy that admits nobody, and
the server on a thread of its own. Used by the control tests and the local-attacker tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from risk_manager.control.peer import AdminPolicy, Peer
from risk_manager.control.server import ControlServer

Json = dict[str, Any]


class FakeBackend:
    """Records what the server asks for; answers like a daemon would."""

    def __init__(self) -> None:
        self.audits: list[tuple[str, str, bool, str]] = []
        self.clocks: list[tuple[str, str]] = []
        self.locks: list[tuple[str | None, str, bool]] = []
        self.reloads = 0
        self.stops = 0
        self.reload_result: Json = {"applied": True, "restart_needed": False,
                                    "changes": ["rules.max_contracts.limit: 5 -> 3"]}
        self.records = [{"at": f"2026-11-20T09:0{i}:00-06:00", "type": "warning", "account": a,
                         "rule": "daily_realized_loss", "utilization": 0.8}
                        for i, a in enumerate(["PRAC-1", "PRAC-2", "PRAC-1"])]

    def snapshot(self) -> Json:
        return {"version": 1, "daemon": {"state": "PROTECTED", "mode": "enforce", "started_at": None},
                "accounts": [{"name": "PRAC-1", "badge": "OK"}], "recent": []}

    def journal(self, n: int, account: str | None) -> list[Json]:
        rows = [r for r in self.records if account is None or r["account"] == account]
        return rows[-n:]

    async def reload(self) -> Json:
        self.reloads += 1
        return self.reload_result

    async def stop(self) -> None:
        self.stops += 1

    def clock(self, account: str, kind: str) -> None:
        if account not in ("PRAC-1", "PRAC-2"):
            raise KeyError(account)
        self.clocks.append((account, kind))

    def self_lock(self, account: str | None, duration: str, flatten: bool) -> list[Json]:
        if account not in (None, "PRAC-1", "PRAC-2"):
            raise KeyError(account)
        if duration not in ("30m", "until_reset"):
            raise ValueError("must be a duration")
        self.locks.append((account, duration, flatten))
        return [{"account": account or "PRAC-1", "rule": "self_lockout", "kind": "cooldown",
                 "until": "2026-11-20T09:30:00-06:00", "extended": True, "flatten": flatten}]

    def audit(self, actor: str, action: str, ok: bool, detail: str, at: datetime) -> None:
        assert at.tzinfo is not None
        self.audits.append((actor, action, ok, detail))


class NoAdmins(AdminPolicy):
    """Nobody is an admin, not even root: how the server treats a trader's uid, testable in-process."""

    def is_admin(self, peer: Peer) -> bool:
        return False


@contextmanager
def server_thread(backend: Any, hash_path: Path, sock: Path | None = None,
                  **kw: Any) -> Iterator[ControlServer]:
    """A ControlServer on a socket next to ``hash_path`` (or ``sock``), served by a loop on another thread
    (so that synchronous clients and CLI commands can call it from the test's thread)."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    server = ControlServer(backend, sock or hash_path.parent / "control.sock", hash_path, **kw)

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="control-test", daemon=True)
    thread.start()
    assert started.wait(10), "control server did not start"
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
