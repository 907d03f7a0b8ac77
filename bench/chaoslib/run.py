"""The chaos run: simulator + daemon + random trader, SIGKILLs at chosen moments, then the fault matrix;
after every restart the checks against the simulator's truth and the crash-free replay."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from .checks import (
    Tally,
    check_active_locks,
    check_journal_locks,
    check_locked_flat,
    check_money,
    daemon_locks,
    journal_chain,
    stored_trades,
)
from .closes import check_closes, decisions
from .config import ACCOUNTS, FEES, LIMITS, PRICES, config_text, reference_config
from .gateway import Fill, Gateway
from .procs import DaemonProcess, SimProcess, tick_of
from .reference import Lock, reference_locks, scenario_text

MUTATIONS = ("Position/closeContract", "Position/partialCloseContract", "Order/cancel", "Order/modify")
KILL_MODES = ("mid-activity", "0-15 ms after a fill", "0-4 ms after a close request")


@dataclass
class Options:
    kills: int = 100
    seed: int = 1
    down_max: float = 6.0  # seconds the daemon stays down (the trader keeps trading)
    pace: tuple[float, float] = (0.2, 0.7)
    faults: bool = True
    kill_minutes: float = float("inf")  # stop killing after this long (the table says how many kills ran)
    workdir: Path | None = None
    log: Any = print


@dataclass
class Result:
    tally: Tally
    kills_by_mode: dict[str, int] = field(default_factory=dict)
    restarts: int = 0
    restart_ms: list[float] = field(default_factory=list)
    fills: int = 0
    lockouts: int = 0
    seconds: float = 0.0
    workdir: Path | None = None
    fault_notes: list[str] = field(default_factory=list)


class Chaos:
    def __init__(self, opts: Options) -> None:
        self.o = opts
        self.rng = random.Random(opts.seed)
        self.tmp = opts.workdir or Path(tempfile.mkdtemp(prefix="rm-chaos-"))
        self.tally = Tally()
        self.result = Result(self.tally, {m: 0 for m in KILL_MODES}, workdir=self.tmp)
        self.sim = SimProcess(self.tmp, ACCOUNTS, FEES, PRICES)
        self.start = datetime.now(UTC)
        self.socket = self.tmp / "control.sock"
        self.gws: dict[str, Gateway] = {}
        self.ref_config: Any = None
        self.daemon: DaemonProcess | None = None
        self.ctl_http = httpx.AsyncClient(base_url="http://localhost", timeout=5, trust_env=False,
                                          transport=httpx.AsyncHTTPTransport(uds=str(self.socket)))

    # ---- set-up ---------------------------------------------------------------------------------------
    async def setup(self) -> None:
        base = await self.sim.start()
        self.start = datetime.now(UTC)
        for name in ACCOUNTS:
            gw = Gateway(base, name)
            await gw.login()
            gw.quotes += [(self.start, s, p, p + tick_of(s)) for s, p in PRICES.items()]
            self.gws[name] = gw
        cfg = self.tmp / "risk_manager.yaml"
        cfg.write_text(config_text(base, str(self.socket)))
        self.ref_config = reference_config(base)
        self.daemon = DaemonProcess(cfg, self.tmp / "data", self.tmp / "daemon.log")
        if not await self.daemon.start():
            raise RuntimeError(f"the daemon did not start; see {self.tmp / 'daemon.log'}")

    async def close(self) -> None:
        if self.daemon is not None:
            await self.daemon.stop()
        for gw in self.gws.values():
            await gw.close()
        await self.ctl_http.aclose()
        await self.sim.stop()

    # ---- truth and checks -----------------------------------------------------------------------------
    async def status(self) -> dict[str, Any]:
        r = await self.ctl_http.get("/v1/status")
        r.raise_for_status()
        data: dict[str, Any] = r.json()
        return data

    async def all_fills(self) -> dict[str, list[Fill]]:
        return {name: await gw.fills(self.start) for name, gw in self.gws.items()}

    def reference(self, fills: dict[str, list[Fill]], at: datetime) -> list[Lock]:
        return reference_locks(self.ref_config, fills, self.start, at, FEES)

    async def settle(self, quiet: float = 1.0, within: float = 8.0) -> None:
        """Wait until the daemon has sent no close, cancel or modify for ``quiet`` seconds (bounded)."""
        gw = self.gws[ACCOUNTS[0]]
        seq = max((r["seq"] for r in await gw.ctl.requests()), default=0)
        end = time.monotonic() + within
        last = time.monotonic()
        while time.monotonic() < end and time.monotonic() - last < quiet:
            await asyncio.sleep(0.1)
            new = [r for r in await gw.ctl.requests(since=seq) if r["endpoint"] in MUTATIONS]
            if new:
                seq, last = max(r["seq"] for r in new), time.monotonic()

    async def check_round(self, label: str) -> None:
        """Money, counts, active lockouts, locked ⇒ flat for every account, after the daemon settled."""
        assert self.daemon is not None
        await self.settle()
        for attempt in range(15):  # the daemon may still be taking in its own last fills: bounded retry
            status, at = await self.status(), datetime.now(UTC)
            stored = {a["name"]: stored_trades(self.daemon.db, a["name"]) for a in status["accounts"]}
            fills = await self.all_fills()
            probe = Tally()
            ok = all(check_money(probe, a["name"], a, fills[a["name"]], stored[a["name"]])
                     for a in status["accounts"])
            if ok or attempt == 14:
                break
            await asyncio.sleep(0.2)
        if attempt:  # fills the daemon took in only now may have set it acting: let that settle first
            await self.settle()
        ref = self.reference(fills, at)
        for acct in status["accounts"]:
            name = acct["name"]
            check_money(self.tally, name, acct, fills[name], stored[name])
            check_active_locks(self.tally, name, daemon_locks(name, acct), ref, at)
            positions = await self.gws[name].positions()
            check_locked_flat(self.tally, name, ref, positions, fills[name], datetime.now(UTC))
        self.o.log(f"  checked after {label}: {sum(len(f) for f in fills.values())} fills, "
                   f"{len(ref)} lockouts in the reference")

    async def final_checks(self) -> None:
        assert self.daemon is not None
        await self.check_round("the last phase")
        await self.daemon.kill()
        journal_chain(self.tally, self.daemon.db, "final kill")
        fills = await self.all_fills()
        ref = self.reference(fills, datetime.now(UTC))
        check_journal_locks(self.tally, self.daemon.db, ref)
        scenario = scenario_text(fills, self.start, datetime.now(UTC), FEES)
        (self.tmp / "reference-scenario.jsonl").write_text(scenario)  # for a look with `risk-manager replay`
        quotes = [q for gw in self.gws.values() for q in gw.quotes]
        quotes.sort(key=lambda q: q[0])
        decided = decisions(self.daemon.db)
        for name, fs in fills.items():
            check_closes(self.tally, name, fs, ref, quotes, LIMITS, decided)
        self.result.fills = sum(len(f) for f in fills.values())
        self.result.lockouts = len(ref)
