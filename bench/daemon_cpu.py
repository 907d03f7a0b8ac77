"""Whole-daemon capacity: CPU time per quote of the `risk-manager run` process under a known quote rate.

    uv run python bench/daemon_cpu.py [--rates 250,500,1000,2000] [--seconds 20] [--settle 3]

bench/engine_throughput.py times the engine alone. Here the daemon is the unchanged `risk-manager run`
process against the simulator (real SDK hubs over 127.0.0.1), with a protected long open in 10 contracts
(as in bench/startup.py), so every quote it receives is parsed by the SDK, dispatched, marked to market and
run through all the rules that apply. For each rate the feed publishes that many quotes/s across the
contracts; after ``--settle`` seconds the script reads the process's user + system CPU time from
/proc/<pid>/stat and the quotes the simulator delivered to it, waits ``--seconds``, and reads both again.

CPU per quote = CPU time used / quotes delivered in the window. It includes everything the process did in
that window (the SDK's hub handling, asyncio, logging, timers), spread over the quotes. One core at 100 %
handles about 1,000,000 / (µs per quote) quotes/s: that is the capacity figure. CPU time is much less
sensitive to other load on the machine than wall-clock throughput, but a busy machine still inflates it
somewhat (caches shared with other processes), so the load average is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from _procs import cpu_model, cpu_ms, spawn_daemon
from startup import config_for

from risk_manager.domain.contracts import PRODUCTS, catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.sim import SimOptions, SimServer

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


async def measure(rate: float, seconds: float, settle: float, tmp: Path) -> tuple[float, float, float]:
    """One daemon at one quote rate: (quotes/s delivered, daemon CPU % of one core, CPU µs per quote)."""
    sim = SimServer(SimOptions(port=0, quote_rate=rate / len(PRODUCTS), rate_limit=0))
    await sim.start()
    sim.feed.walk = False  # the same prices re-published: load without stops or limits hit by chance
    proc = None
    try:
        cfg = tmp / f"load-{rate:g}.yaml"
        cfg.write_text(config_for(sim, "none", load=True))
        proc = (await spawn_daemon(cfg, tmp / f"data-{rate:g}")).proc
        acct = sim.account_id("PRAC-1")
        for root in PRODUCTS:
            if root != "CL":  # blocked by the demo config
                c = catalogue_contract(root)
                sim.broker.place_order(acct, c.id, OrderType.MARKET, Side.BUY, 1)
                sim.broker.place_order(acct, c.id, OrderType.STOP, Side.SELL, 1, stop_price=c.tick_size)
        await asyncio.sleep(settle)
        q0, c0, t0 = sim.feed.stats["deliveries"], cpu_ms(proc.pid), time.monotonic()
        await asyncio.sleep(seconds)
        q1, c1, t1 = sim.feed.stats["deliveries"], cpu_ms(proc.pid), time.monotonic()
        if proc.returncode is not None:
            raise SystemExit(f"the daemon exited ({proc.returncode}) during the measurement")
    finally:
        if proc is not None and proc.returncode is None:
            proc.terminate()
            await proc.wait()
        await sim.stop()
    quotes = q1 - q0
    if quotes == 0:
        raise SystemExit(f"no quotes were delivered at {rate:g}/s")
    return quotes / (t1 - t0), (c1 - c0) / 10 / (t1 - t0), (c1 - c0) * 1000 / quotes


async def main(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="rm-daemon-cpu-"))
    rows = [(rate, *await measure(rate, args.seconds, args.settle, tmp)) for rate in args.rates]
    print(f"\nWhole daemon (`risk-manager run`, real SDK hubs, 10 open positions), CPU over "
          f"{args.seconds:g} s "
          f"per rate; Python {sys.version.split()[0]}, {os.cpu_count()} cores, {cpu_model()}, load average "
          f"{os.getloadavg()[0]:.1f} at the end\n")
    print("| quotes/s published | delivered/s | daemon CPU (% of one core) | CPU µs per quote | "
          "quotes/s one core could take |")
    print("|---:|---:|---:|---:|---:|")
    for rate, delivered, busy, per_quote in rows:
        print(f"| {rate:,.0f} | {delivered:,.0f} | {busy:.1f} | {per_quote:.1f} | {1e6 / per_quote:,.0f} |")
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rates", type=lambda s: [float(x) for x in s.split(",")], default=[250, 500, 1000, 2000],
                   help="quotes/s the feed publishes (all contracts), comma-separated")
    p.add_argument("--seconds", type=float, default=20.0, help="measurement window per rate")
    p.add_argument("--settle", type=float, default=3.0, help="seconds after the positions open, before it")
    sys.exit(asyncio.run(main(p.parse_args())))
