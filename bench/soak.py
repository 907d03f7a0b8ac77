"""Soak: the daemon's resident memory over a long run at ~1,000 quotes/s with periodic breaches.

    uv run python bench/soak.py [--minutes 30] [--rate 1000] [--breach-every 10] [--sample-every 5]

The simulator runs in this process; the daemon is `risk-manager run` in its own process, unchanged, on its
own temporary data directory. The account holds a position in 10 contracts, so the feed pushes ~``--rate``
quotes/s at the daemon. Every ``--breach-every`` seconds a breach happens, alternating:

- the trader buys 1 MNQ over its per-instrument limit of 1 (the daemon partially closes it);
- a quote crashes an open M2K position through the unrealized loss limit (the daemon closes it).

Each breach is checked: the close request must reach the simulator within 5 s (counted, never asserted).
The daemon's RSS (``/proc/PID/status`` VmRSS) is sampled every ``--sample-every`` seconds. Printed: RSS
once a minute, then the least-squares slope in MB/hour over the whole run and after the warm-up (the
first ``--warmup`` minutes), breaches enforced / attempted, and quotes delivered.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _procs import poll, rss_mb, spawn_daemon

from risk_manager.domain.contracts import PRODUCTS, catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.sim import SimOptions, SimServer

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
MNQ, M2K = catalogue_contract("MNQ").id, catalogue_contract("M2K").id
RULES = """
  max_contracts: {enabled: true, limit: 500}
  max_contracts_per_instrument: {enabled: true, limits: {MNQ: 1}, default_limit: 100}
  daily_realized_loss: {enabled: true, limit: -100000000, include_unrealized: true}
  daily_unrealized_loss: {enabled: true, limit: -5000}
  symbol_blocks: {enabled: true, blocked: [ZB]}
  auth_loss_guard: {enabled: true}
"""


def config_text(sim: SimServer) -> str:
    return f"""accounts: [{{name: PRAC-1}}, {{name: PRAC-2}}]
gateway: {{api_url: {sim.api_url}, user_hub_url: {sim.user_hub_url}, market_hub_url: {sim.market_hub_url}}}
schedule:
  session: {{start: "00:00", end: "23:59", days: [mon, tue, wed, thu, fri, sat, sun]}}
  calendar: none
rules:{RULES}"""


async def wait_request(sim: SimServer, endpoint: str, after: int, within: float = 5.0) -> bool:
    return await poll(lambda: bool(sim.log.records(endpoint, after)), within, step=0.01)


async def breach(sim: SimServer, acct: int, n: int) -> bool:
    """One breach; True when the daemon's close request arrived."""
    seq = sim.log.last_seq
    if n % 2 == 0:  # user path: 1 -> 2 MNQ, limit 1
        sim.broker.place_order(acct, MNQ, OrderType.MARKET, Side.BUY, 1)
        return await wait_request(sim, "Position/partialCloseContract", seq)
    sim.feed.set_price(M2K, 2300.0, 2300.1, 2300.0)
    sim.broker.place_order(acct, M2K, OrderType.MARKET, Side.BUY, 1)
    await asyncio.sleep(0.3)
    seq = sim.log.last_seq
    sim.feed.set_price(M2K, 1300.0, 1300.1, 1300.0)  # -5,000.25 on one M2K: the limit is -5,000
    ok = await wait_request(sim, "Position/closeContract", seq)
    await asyncio.sleep(0.3)
    sim.feed.set_price(M2K, 2300.0, 2300.1, 2300.0)
    return ok


def slope_mb_per_hour(points: list[tuple[float, float]]) -> float:
    if len(points) < 3:
        return float("nan")
    xs, ys = [t / 3600 for t, _ in points], [m for _, m in points]
    return statistics.linear_regression(xs, ys).slope


async def main(args: argparse.Namespace) -> int:
    contracts = list(PRODUCTS)
    sim = SimServer(SimOptions(port=0, accounts=["PRAC-1", "PRAC-2"], quote_rate=args.rate / len(contracts),
                               rate_limit=0, seed=1))
    await sim.start()
    sim.feed.walk = False  # the same prices re-published at the rate: load without random breaches
    acct = sim.account_id("PRAC-1")
    for root in contracts:
        if root not in ("MNQ", "M2K"):
            sim.broker.place_order(acct, catalogue_contract(root).id, OrderType.MARKET, Side.BUY, 1)
    sim.broker.place_order(acct, MNQ, OrderType.MARKET, Side.BUY, 1)
    sim.broker.place_order(sim.account_id("PRAC-2"), M2K, OrderType.MARKET, Side.SELL, 1)  # keeps M2K quoted
    tmp = Path(tempfile.mkdtemp(prefix="rm-soak-"))
    (tmp / "cfg.yaml").write_text(config_text(sim))
    daemon = await spawn_daemon(tmp / "cfg.yaml", tmp / "data", within=60, echo=True)
    proc = daemon.proc
    points: list[tuple[float, float]] = []
    attempted = enforced = 0
    t0 = time.monotonic()
    q0 = sim.feed.stats["deliveries"]
    next_sample = next_breach = next_print = 0.0
    cpu0 = os.times()
    print(f"soak: {args.minutes} min at ~{args.rate:.0f} quotes/s, a breach every {args.breach_every} s; "
          f"daemon pid {proc.pid}", flush=True)
    try:
        while (now := time.monotonic() - t0) < args.minutes * 60:
            if proc.returncode is not None:
                raise SystemExit(f"the daemon exited with {proc.returncode} during the soak")
            if now >= next_sample:
                points.append((now, rss_mb(proc.pid)))
                next_sample += args.sample_every
            if now >= next_print:
                print(f"  t={now / 60:5.1f} min  RSS {points[-1][1]:6.1f} MB  breaches {enforced}/{attempted}"
                      f"  quotes delivered {sim.feed.stats['deliveries'] - q0:,}", flush=True)
                next_print += 60
            if now >= next_breach:
                enforced += await breach(sim, acct, attempted)
                attempted += 1
                next_breach += args.breach_every
            await asyncio.sleep(0.2)
        points.append((time.monotonic() - t0, rss_mb(proc.pid)))
        delivered = sim.feed.stats["deliveries"] - q0
    finally:
        await daemon.stop()
        await sim.stop()
    elapsed = points[-1][0]
    after = [p for p in points if p[0] >= args.warmup * 60]
    cpu = os.times()
    print(f"\nSoak: {elapsed / 60:.1f} min, {delivered / elapsed:,.0f} quotes/s delivered to the daemon, "
          f"breaches enforced {enforced}/{attempted}; harness+simulator CPU "
          f"{(cpu.user + cpu.system - cpu0.user - cpu0.system) / elapsed * 100:.0f} % of a core; Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} cores\n")
    print("| daemon RSS | MB |")
    print("|---|---:|")
    print(f"| at start (PROTECTED, positions open) | {points[0][1]:.1f} |")
    print(f"| after the {args.warmup:g} min warm-up | {after[0][1] if after else float('nan'):.1f} |")
    print(f"| at the end | {points[-1][1]:.1f} |")
    print(f"| max | {max(m for _, m in points):.1f} |")
    print(f"| slope, whole run (MB/hour) | {slope_mb_per_hour(points):+.2f} |")
    print(f"| slope after the warm-up (MB/hour) | {slope_mb_per_hour(after):+.2f} |")
    return 0 if enforced == attempted else 1


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--rate", type=float, default=1000.0, help="quotes/s published (all contracts)")
    p.add_argument("--breach-every", type=float, default=10.0, help="seconds between breaches")
    p.add_argument("--sample-every", type=float, default=5.0, help="seconds between RSS samples")
    p.add_argument("--warmup", type=float, default=5.0, help="minutes left out of the second slope")
    sys.exit(asyncio.run(main(p.parse_args())))
