"""The simulator and the daemon, each in its own process (`risk-manager sim`, `risk-manager run`)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

ENV = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
       "PROJECT_X_USERNAME": "chaos", "PROJECT_X_API_KEY": "chaos-api-key-0123456789"}
CLI = [sys.executable, "-m", "risk_manager.cli.main"]


class SimProcess:
    """`risk-manager sim` on a free port. The market only moves when the trader moves it: a scenario with
    just the account and opening quotes turns the random walk off (docs/simulator.md)."""

    def __init__(self, tmp: Path, accounts: tuple[str, ...], fees: float, prices: dict[str, float]) -> None:
        self.tmp, self.accounts, self.fees, self.prices = tmp, accounts, fees, prices
        self.proc: asyncio.subprocess.Process | None = None
        self.base = ""

    async def start(self) -> str:
        at = datetime.now(UTC).isoformat()
        lines: list[dict[str, object]] = [
            {"at": at, "do": "account", "name": a, "balance": 50_000, "fees_per_contract": self.fees}
            for a in self.accounts]
        lines += [{"at": at, "do": "quote", "symbol": s, "bid": p, "ask": p + tick_of(s)}
                  for s, p in self.prices.items()]
        scenario = self.tmp / "sim-scenario.jsonl"
        scenario.write_text("".join(json.dumps(x) + "\n" for x in lines))
        self.proc = await asyncio.create_subprocess_exec(
            *CLI, "sim", "--port", "0", "--scenario", str(scenario), "--rate-limit", "0", env=ENV,
            stdout=asyncio.subprocess.PIPE, stderr=_append(self.tmp / "sim.log"))
        assert self.proc.stdout is not None
        async with asyncio.timeout(30):
            while line := (await self.proc.stdout.readline()).decode():
                if line.startswith("http://"):
                    self.base = line.strip()
                    return self.base
        raise RuntimeError(f"the simulator exited ({await self.proc.wait()}); see {self.tmp / 'sim.log'}")

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()


class DaemonProcess:
    """`risk-manager run` on its own data directory; ``kill()`` is a SIGKILL (no shutdown code runs)."""

    def __init__(self, config: Path, data: Path, log: Path) -> None:
        self.config, self.data, self.log = config, data, log
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.last_start_ms = 0.0

    @property
    def db(self) -> Path:
        return self.data / "risk_manager.db"

    async def start(self, within: float = 120.0) -> bool:
        """Spawn and wait for the PROTECTED line; False if it did not come (the process is then killed)."""
        t0 = time.perf_counter()
        self.starts += 1
        log = _append(self.log)  # handed to the drain task, which closes it
        log.write(f"\n==== start {self.starts} ====\n".encode())
        self.proc = await asyncio.create_subprocess_exec(
            *CLI, "run", "-c", str(self.config), "--data-dir", str(self.data), env=ENV,
            stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL)
        stream = self.proc.stderr
        assert stream is not None
        try:
            async with asyncio.timeout(within):
                while line := await stream.readline():
                    log.write(line)
                    if b"PROTECTED" in line:
                        self.last_start_ms = (time.perf_counter() - t0) * 1000
                        asyncio.get_running_loop().create_task(_drain(stream, log))
                        return True
        except TimeoutError:
            pass
        log.close()
        await self.kill()
        return False

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                await self.kill()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None


async def _drain(stream: asyncio.StreamReader, log: BinaryIO) -> None:
    try:
        while line := await stream.readline():
            log.write(line)
    finally:
        log.close()


def _append(path: Path) -> BinaryIO:
    return path.open("ab")


def tick_of(symbol: str) -> float:
    from risk_manager.domain.contracts import catalogue_contract

    return catalogue_contract(symbol).tick_size
