"""Start-up to protected, and steady memory, of `risk-manager run` against the simulator.

    uv run python bench/startup.py [--runs 5] [--memory-seconds 20] [--rate 1000]

Each run spawns a fresh `python -m risk_manager.cli.main run` and times spawn -> the "PROTECTED" log line
(self-test, database, login, hubs, REST reconcile all done). The first run starts on an empty data
directory; the others are restarts on the same one (as a service restarts). Reported for the demo config
twice: with the exchange calendar (rule 009; pandas_market_calendars on a first start, the data
directory's calendar cache on a restart) and with ``calendar: none``. The daemon's own figure (from
entering `run`, i.e. without the interpreter and CLI imports) is shown next to it, and the CPU time the
process had used by then (user + system, from /proc/<pid>/stat): wall time grows with other load on the
machine, CPU time much less, so it is the figure to compare imports by.

Bytecode: an installed service runs from compiled bytecode (the README's install step compiles it), and a
clone writes it on first use. Where ``PYTHONDONTWRITEBYTECODE`` is set (some CI shells) every start would
compile ~1,000 modules from source, ~5 s of CPU that no user pays; so the daemons here cache bytecode in a
temporary ``PYTHONPYCACHEPREFIX`` and one unmeasured start fills it first. Then, with positions
open in every contract and the feed pushing ~``--rate`` quotes/s at the daemon, its resident memory is
sampled every 0.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

from _procs import cpu_model, cpu_ms, rss_mb, spawn_daemon

from risk_manager.domain.contracts import PRODUCTS, catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.sim import SimOptions, SimServer

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.yaml"
SPAWN_TIMEOUT = 300  # s: on a machine loaded far beyond its cores a start-up takes tens of seconds
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV.update(PROJECT_X_USERNAME="bench", PROJECT_X_API_KEY="bench-api-key-0123456789")


def config_for(sim: SimServer, calendar: str, load: bool = False) -> str:
    """The demo config on the simulator; ``load``: open all week, room for a position in every contract."""
    text = DEMO.read_text()
    if load:
        text = re.sub(r"^    start: .*", '    start: "00:01"', text, flags=re.M)
        text = re.sub(r"^    end: .*", '    end: "23:59"', text, flags=re.M)
        text = re.sub(r"^    days: \[.*\]", "    days: [mon, tue, wed, thu, fri, sat, sun]", text, flags=re.M)
        text = text.replace("max_contracts: {enabled: true, limit: 4,",
                            "max_contracts: {enabled: true, limit: 50,")
        text = text.replace("    per_minute: 3\n", "    per_minute: 100\n")
    text = re.sub(r"api_url: .*", f"api_url: {sim.api_url}", text)
    text = re.sub(r"user_hub_url: .*", f"user_hub_url: {sim.user_hub_url}", text)
    text = re.sub(r"market_hub_url: .*", f"market_hub_url: {sim.market_hub_url}", text)
    return re.sub(r"calendar: \w+", f"calendar: {calendar}", text)


async def main(args: argparse.Namespace) -> int:
    sim = SimServer(SimOptions(port=0, quote_rate=args.rate / len(PRODUCTS), rate_limit=0))
    await sim.start()
    sim.feed.walk = False  # quotes keep flowing at the rate; no stop or limit is hit by chance
    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="rm-startup-"))
    ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    rows: list[tuple[str, list[float], list[float], list[float]]] = []
    proc = None
    try:
        cfg = tmp / "warm-up.yaml"  # compiles the bytecode the measured starts then load
        cfg.write_text(config_for(sim, "cme_equity"))
        await (await spawn_daemon(cfg, tmp / "warm-up", ENV, SPAWN_TIMEOUT)).stop()
        for calendar in ("cme_equity", "none"):
            cfg = tmp / f"{calendar}.yaml"
            cfg.write_text(config_for(sim, calendar))
            walls, owns, cpus = [], [], []
            for _ in range(args.runs):
                daemon = await spawn_daemon(cfg, tmp / calendar, ENV, SPAWN_TIMEOUT)
                cpus.append(cpu_ms(daemon.pid))  # what reaching PROTECTED cost
                walls.append(daemon.wall * 1000)
                owns.append(daemon.own_ms)
                await daemon.stop()
            rows.append((calendar, walls, owns, cpus))
        cfg = tmp / "load.yaml"
        cfg.write_text(config_for(sim, "none", load=True))
        proc = (await spawn_daemon(cfg, tmp / "load", ENV, SPAWN_TIMEOUT)).proc
        acct = sim.account_id("PRAC-1")
        for root in PRODUCTS:  # a protected position in every contract: quotes for all of them flow
            if root != "CL":  # blocked by the demo config
                c = catalogue_contract(root)
                sim.broker.place_order(acct, c.id, OrderType.MARKET, Side.BUY, 1)
                sim.broker.place_order(acct, c.id, OrderType.STOP, Side.SELL, 1, stop_price=c.tick_size)
        samples: list[float] = []
        for _ in range(int(args.memory_seconds * 2)):
            await asyncio.sleep(0.5)
            samples.append(rss_mb(proc.pid))
        delivered = sim.feed.stats["deliveries"]
    finally:
        if proc is not None and proc.returncode is None:
            proc.terminate()
            await proc.wait()
        await sim.stop()
    print(f"\nStart-up to protected against the simulator ({args.runs} runs each; Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} cores, {cpu_model()}, load average "
          f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; bytecode cached); ms\n")
    print("| config | first start: spawn -> PROTECTED (own) [CPU] | restarts: median (own) [CPU] | min | "
          "max |")
    print("|---|---|---|---|---|")
    for calendar, walls, owns, cpus in rows:
        rest, own_rest, cpu_rest = walls[1:] or walls, owns[1:] or owns, cpus[1:] or cpus
        print(f"| demo.yaml, calendar {calendar} | {walls[0]:.0f} ({owns[0]:.0f}) [{cpus[0]:.0f}] | "
              f"{statistics.median(rest):.0f} ({statistics.median(own_rest):.0f}) "
              f"[{statistics.median(cpu_rest):.0f}] | {min(rest):.0f} | {max(rest):.0f} |")
    half = samples[len(samples) // 2:]
    print(f"\nResident memory while {delivered:,} quotes were delivered: steady (median of the last "
          f"{len(half) / 2:.0f} s) {statistics.median(half):.1f} MB, max {max(samples):.1f} MB")
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--memory-seconds", type=float, default=20.0)
    p.add_argument("--rate", type=float, default=1000.0, help="quotes/s the feed publishes (all contracts)")
    sys.exit(asyncio.run(main(p.parse_args())))
