"""Breach -> close-request latency through the real SDK and the simulator, under ~1,000 quotes/s.

    uv run python bench/latency.py [--samples 120] [--rate 1000] [--gap 0.8] [--path user|quote|both]
                                   [--gc-tuning on|off]

The simulator runs in this process; the daemon is `risk-manager run` in its own process, unchanged (its
request budgets included: each breach costs 2 requests, a close and its verifying re-read, so ``--gap 0.8``
keeps the run under the 180 requests/min the daemon allows itself). The account holds a position in 10
other contracts, so the daemon is subscribed to their quotes and the feed pushes ~1,000 quotes/s at it.

- user path: the trader buys 1 MNQ over its per-instrument limit of 1; the simulator stamps
  ``perf_counter_ns()`` just before it emits the fill (order, trade, position events on the user hub) and
  again when ``Position/partialCloseContract`` reaches its handler. Latency = the difference.
- quote path: a quote crashes an open M2K position through the daily unrealized loss limit; stamped before
  the quote is published, and when ``Position/closeContract`` arrives. A second account stays short 1 M2K
  so the quote subscription (and the daemon's view of the price) never lapses between rounds.
On Linux ``perf_counter_ns`` is CLOCK_MONOTONIC, system-wide, so the two processes' stamps compare.

Garbage-collector pauses: the daemon records every collection's duration (``RISK_MANAGER_GC_REPORT``) and the
table shows them per generation. ``--gc-tuning off`` runs the daemon without freezing its start-up heap
(``daemon/gcpause.py``): the "before" figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

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
  session: {{start: "00:01", end: "23:59", days: [mon, tue, wed, thu, fri, sat, sun]}}
  calendar: none
rules:{RULES}"""


async def wait_request(sim: SimServer, endpoint: str, after: int, within: float = 5.0) -> int | None:
    end = time.monotonic() + within
    while time.monotonic() < end:
        recs = sim.log.records(endpoint, after)
        if recs:
            return recs[0].perf_ns
        await asyncio.sleep(0.0005)
    return None


async def poll(pred: Callable[[], bool], within: float = 5.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if pred():
            return True
        await asyncio.sleep(0.002)
    return pred()


def subscribed(sim: SimServer, cid: str) -> bool:
    return any(c.subscribed("quotes", cid) for c in sim.market_hub.conns)


async def user_path(sim: SimServer, acct: int, samples: int, gap: float) -> list[float]:
    out: list[float] = []
    for _ in range(samples):
        seq = sim.log.last_seq
        t0 = time.perf_counter_ns()
        sim.broker.place_order(acct, MNQ, OrderType.MARKET, Side.BUY, 1)  # 1 -> 2 contracts, limit 1
        t1 = await wait_request(sim, "Position/partialCloseContract", seq)
        if t1 is not None:
            out.append((t1 - t0) / 1e6)
        await asyncio.sleep(gap)
    return out


async def quote_path(sim: SimServer, acct: int, samples: int, gap: float) -> list[float]:
    out: list[float] = []
    sim.feed.set_price(M2K, 2300.0, 2300.1, 2300.0)
    sim.broker.place_order(sim.account_id("PRAC-2"), M2K, OrderType.MARKET, Side.SELL, 1)
    await poll(lambda: subscribed(sim, M2K))
    await asyncio.sleep(0.5)
    for _ in range(samples):
        sim.feed.set_price(M2K, 2300.0, 2300.1, 2300.0)
        await asyncio.sleep(0.1)
        sim.broker.place_order(acct, M2K, OrderType.MARKET, Side.BUY, 1)
        await asyncio.sleep(0.1)
        seq = sim.log.last_seq
        t0 = time.perf_counter_ns()
        sim.feed.set_price(M2K, 1300.0, 1300.1, 1300.0)  # -5,000.25 on one M2K: the limit is -5,000
        t1 = await wait_request(sim, "Position/closeContract", seq)
        if t1 is not None:
            out.append((t1 - t0) / 1e6)
        await poll(lambda: all(p.contract_id != M2K for p in sim.broker.positions(acct)))
        await asyncio.sleep(gap)
    return out


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


async def main(args: argparse.Namespace) -> int:
    contracts = list(PRODUCTS)
    sim = SimServer(SimOptions(port=0, accounts=["PRAC-1", "PRAC-2"], quote_rate=args.rate / len(contracts),
                               rate_limit=0, seed=1))
    await sim.start()
    sim.feed.walk = False  # the same prices re-published at the rate: load without drift
    acct = sim.account_id("PRAC-1")
    for root in contracts:
        if root not in ("MNQ", "M2K"):
            sim.broker.place_order(acct, catalogue_contract(root).id, OrderType.MARKET, Side.BUY, 1)
    sim.broker.place_order(acct, MNQ, OrderType.MARKET, Side.BUY, 1)
    tmp = Path(tempfile.mkdtemp(prefix="rm-latency-"))
    (tmp / "cfg.yaml").write_text(config_text(sim))
    env = {**os.environ, "PROJECT_X_USERNAME": "bench", "PROJECT_X_API_KEY": "bench-api-key-0123456789",
           "RISK_MANAGER_GC_REPORT": str(tmp / "gc.json"),
           "RISK_MANAGER_GC_TUNING": "1" if args.gc_tuning == "on" else "0"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "risk_manager.cli.main", "run", "-c",
                                                str(tmp / "cfg.yaml"), "--data-dir", str(tmp / "data"), "-q",
                                                env=env, stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None
    try:
        async with asyncio.timeout(60):
            while True:
                line = await proc.stderr.readline()
                if not line:
                    raise SystemExit(f"the daemon exited with {await proc.wait()}")
                if b"PROTECTED" in line:
                    break
                sys.stderr.write(line.decode(errors="replace"))
        asyncio.get_running_loop().create_task(_drain(proc.stderr))
        await asyncio.sleep(2.0)  # subscriptions settle; quotes flowing
        q0, t0 = sim.feed.stats["deliveries"], time.monotonic()
        results: dict[str, list[float]] = {}
        if args.path in ("user", "both"):
            xs = await user_path(sim, acct, args.samples, args.gap)
            results["user event (position) -> partialCloseContract"] = xs
        if args.path in ("quote", "both"):
            results["quote -> closeContract"] = await quote_path(sim, acct, args.samples, args.gap)
        rate = (sim.feed.stats["deliveries"] - q0) / (time.monotonic() - t0)
    finally:
        proc.terminate()
        await proc.wait()
        await sim.stop()
    print(f"\nBreach -> close request reaching the simulator (ms); quotes delivered to the daemon: "
          f"{rate:,.0f}/s; Python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    print("| path | n | p50 | p95 | p99 | max | mean |")
    print("|---|---|---|---|---|---|---|")
    for name, xs in results.items():
        if xs:
            print(f"| {name} | {len(xs)} | {pct(xs, 50):.2f} | {pct(xs, 95):.2f} | {pct(xs, 99):.2f} | "
                  f"{max(xs):.2f} | {statistics.fmean(xs):.2f} |")
    print_gc(tmp / "gc.json", args.gc_tuning)
    return 0


def print_gc(path: Path, tuning: str) -> None:
    """The daemon's garbage-collector pauses once protected (the enforcement path), by generation. CPU ms is
    the collection's own cost; wall ms also counts preemption when the machine is busy."""
    try:
        pauses = [p for p in json.loads(path.read_text())["pauses"] if p[3]]
    except (OSError, ValueError, KeyError, IndexError):
        print("\n(no GC report from the daemon)")
        return
    print(f"\nDaemon GC pauses once protected (ms), gc tuning {tuning}:\n")
    print("| generation | collections | CPU p50 | CPU p99 | CPU max | wall p99 | wall max |")
    print("|---|---|---|---|---|---|---|")
    if not pauses:
        print("| any | 0 | - | - | - | - | - |")
    for gen in (0, 1, 2):
        wall = [p[1] for p in pauses if p[0] == gen]
        cpu = [p[2] for p in pauses if p[0] == gen]
        if cpu:
            print(f"| {gen} | {len(cpu)} | {pct(cpu, 50):.2f} | {pct(cpu, 99):.2f} | {max(cpu):.2f} | "
                  f"{pct(wall, 99):.2f} | {max(wall):.2f} |")


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--samples", type=int, default=120, help="breaches per path")
    p.add_argument("--rate", type=float, default=1000.0, help="quotes/s published (all contracts)")
    p.add_argument("--gap", type=float, default=0.8, help="pause between breaches (s)")
    p.add_argument("--path", choices=["user", "quote", "both"], default="both")
    p.add_argument("--gc-tuning", choices=["on", "off"], default="on",
                   help="off: the daemon does not freeze its start-up heap (the 'before' figures)")
    sys.exit(asyncio.run(main(p.parse_args())))
