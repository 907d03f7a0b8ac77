"""The daemon as a child process, for the benchmarks that measure it from outside (latency, many_accounts,
soak, startup, daemon_cpu, cancel_race): start ``risk-manager run`` and wait until it says PROTECTED, stop
it, poll the simulator in bounded loops, and read a process's memory and CPU from /proc (Linux)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

CREDENTIALS = {"PROJECT_X_USERNAME": "bench", "PROJECT_X_API_KEY": "bench-api-key-0123456789"}
SPAWN_TIMEOUT = 300.0  # s: on a machine loaded far beyond its cores a start-up takes tens of seconds


@dataclass
class Child:
    proc: asyncio.subprocess.Process
    wall: float  # seconds from spawn to the PROTECTED line
    line: str  # the PROTECTED line
    _drain: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def own_ms(self) -> float:
        """The daemon's own start-up time, from its PROTECTED line (``start-up took N ms``)."""
        m = re.search(r"took (\d+) ms", self.line)
        return float(m.group(1)) if m else float("nan")

    async def stop(self) -> None:
        """SIGTERM and wait (an orderly stop), unless it already exited."""
        if self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()


async def spawn_daemon(cfg: Path, data: Path, env: Mapping[str, str] | None = None,
                       within: float = SPAWN_TIMEOUT, echo: bool = False) -> Child:
    """``risk-manager run -c cfg --data-dir data -q`` in ``env`` (default: this process's environment) with
    the bench credentials, returned once it is protected; its stderr is drained from then on (``echo``: show
    what it said before that)."""
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "risk_manager.cli.main", "run", "-c", str(cfg), "--data-dir", str(data), "-q",
        env={**(os.environ if env is None else env), **CREDENTIALS}, stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None
    try:
        async with asyncio.timeout(within):
            while line := (await proc.stderr.readline()).decode(errors="replace"):
                if "PROTECTED" in line:
                    child = Child(proc, time.perf_counter() - t0, line)
                    child._drain = asyncio.get_running_loop().create_task(_drain(proc.stderr))
                    return child
                if echo:
                    sys.stderr.write(line)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise SystemExit(f"the daemon was not protected within {within:g} s (overloaded?)") from None
    raise SystemExit(f"the daemon exited with {await proc.wait()} before it was protected")


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass


async def first[T](probe: Callable[[], T | None], within: float = 5.0, step: float = 0.0005) -> T | None:
    """Poll ``probe`` until it returns something (not None) or ``within`` seconds pass (then None)."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        if (value := probe()) is not None:
            return value
        await asyncio.sleep(step)
    return probe()


async def poll(pred: Callable[[], bool], within: float = 5.0, step: float = 0.002) -> bool:
    """Poll ``pred`` until it holds (True) or ``within`` seconds pass (False)."""
    return await first(lambda: True if pred() else None, within, step) is not None


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_ms(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"
