"""kill -9 loses nothing: the daemon runs as its own process (`risk-manager run`), is SIGKILLed after a
lockout, a position is opened while it is down, and the restarted daemon flattens it at start-up."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

import pytest

from risk_manager.store import Store
from support import until
from support.daemon_rig import CREDS, Rig, config_yaml

pytestmark = pytest.mark.e2e
RULES = "  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: true}\n"


class DaemonProcess:
    def __init__(self, config: Path, data: Path) -> None:
        self.config, self.data = config, data
        self.proc: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        env = {**os.environ, "PROJECT_X_USERNAME": CREDS.username, "PROJECT_X_API_KEY": CREDS.api_key}
        self.lines = []
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "risk_manager.cli.main", "run", "--config", str(self.config),
            "--data-dir", str(self.data), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            env=env)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        while line := await self.proc.stderr.readline():
            self.lines.append(line.decode(errors="replace"))

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    async def signal(self, sig: int) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        code = await asyncio.wait_for(self.proc.wait(), 15)
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, 5)
        return code

    async def kill_quietly(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


async def test_lockout_survives_sigkill_and_the_restart_flattens_what_was_opened_meanwhile(
        rig: Rig, tmp_path: Path) -> None:
    cfg = tmp_path / "risk_manager.yaml"
    cfg.write_text(config_yaml(rig.sim, RULES))
    daemon = DaemonProcess(cfg, tmp_path / "data")
    try:
        await daemon.start()
        assert await until(lambda: daemon.said("PROTECTED"), within=30.0), "".join(daemon.lines[-20:])
        rig.price("ES", 6000.0)
        rig.trade("ES", "buy", 1)
        rig.price("ES", 5997.0)  # -162.50: flatten + hard lockout until the reset
        assert await until(lambda: rig.size("ES") == 0)
        assert await daemon.signal(signal.SIGKILL) == -signal.SIGKILL

        rig.trade("MNQ", "buy", 2)  # opened while nobody watches
        await asyncio.sleep(0.3)
        assert rig.size("MNQ") == 2

        await daemon.start()
        assert await until(lambda: rig.size("MNQ") == 0, within=30.0), "".join(daemon.lines[-20:])
        assert daemon.said("restored lockout: PRAC-1 daily_realized_loss")
        assert await daemon.signal(signal.SIGTERM) == 0
    finally:
        await daemon.kill_quietly()
    with Store.open(tmp_path / "data" / "risk_manager.db") as store:
        assert [r.rule for r in store.active_lockouts()] == ["daily_realized_loss"]
        recs = store.journal_tail(500)
        assert sum(r["type"] == "lockout" for r in recs) == 1
        assert sum(r["type"] == "violation" and r["rule"] == "daily_realized_loss" for r in recs) == 1
        kill = [r for r in recs if r["type"] == "action" and r.get("symbol") == "MNQ"]
        assert kill and kill[0]["action"] == "close_position"
        assert store.verify_journal() == (True, None)
