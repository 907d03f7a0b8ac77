"""Breach -> close-request latency through the real SDK and the simulator, under ~1,000 quotes/s.

    uv run python bench/latency.py [--samples 1000] [--rate 1000] [--gap 0.8] [--path user|quote|both]
                                   [--quiet-gap 70] [--quiet-samples 3] [--gc-tuning on|off]

The simulator runs in this process; the daemon is `risk-manager run` in its own process, unchanged (its
request budgets included: each breach costs 2 requests, a close and its verifying re-read, so ``--gap 0.8``
keeps the run under the 180 requests/min the daemon allows itself; 1,000 samples per path take ~15 min
each). The account holds a position in 10 other contracts, each with a protective stop, so the daemon is
subscribed to their quotes and the feed pushes ~1,000 quotes/s at it. All 13 rules are on, with limits the
run does not reach except the two it measures, so every quote and event goes through every rule.

- user path: the trader buys 1 MNQ over its per-instrument limit of 1; the simulator stamps
  ``perf_counter_ns()`` just before it emits the fill (order, trade, position events on the user hub) and
  again when ``Position/partialCloseContract`` reaches its handler. Latency = the difference.
- quote path: a quote crashes an open M2K position through the daily unrealized loss limit; stamped before
  the quote is published, and when ``Position/closeContract`` arrives. A second account stays short 1 M2K
  so the quote subscription (and the daemon's view of the price) never lapses between rounds.
- after a quiet gap: ``--quiet-samples`` more breaches of each path, each after ``--quiet-gap`` seconds
  without a breach (quotes keep flowing). The default 70 s is longer than the daemon's 60 s keep-alive
  for its close requests, so the close after the gap opens a fresh connection to the gateway.
On Linux ``perf_counter_ns`` is CLOCK_MONOTONIC, system-wide, so the two processes' stamps compare.
p99 is printed only from 1,000 samples or more; below that the table says so and max is the tail figure.

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
from collections.abc import Awaitable, Callable
from pathlib import Path

from _procs import cpu_model, first, poll, spawn_daemon

from risk_manager.domain.contracts import PRODUCTS, catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.sim import SimOptions, SimServer

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
MNQ, M2K = catalogue_contract("MNQ").id, catalogue_contract("M2K").id
P99_MIN = 1000  # fewer samples than this: no p99 (it would be one of the few worst), max instead
# All 13 rules. Only 002 (MNQ over 1) and 004 (one M2K at -5,000) are breached; the rest are evaluated on
# every quote/event with limits this run does not reach (1,000 quote-path rounds lose ~5M in total).
RULES = """
  max_contracts: {enabled: true, limit: 500}
  max_contracts_per_instrument: {enabled: true, limits: {MNQ: 1}, default_limit: 100}
  daily_realized_loss: {enabled: true, limit: -100000000, include_unrealized: true}
  daily_unrealized_loss: {enabled: true, limit: -5000}
  max_unrealized_profit: {enabled: true, target: 1000000000}
  trade_frequency_limit: {enabled: true, per_minute: 1000, per_hour: 60000, per_session: 1000000}
  cooldown_after_loss: {enabled: true, tiers: [{loss: -1000000000, cooldown: 1m}]}
  no_stop_loss_grace: {enabled: true, grace_period_seconds: 30}
  session_block_outside: {enabled: true, close_at_session_end: true}
  auth_loss_guard: {enabled: true}
  symbol_blocks: {enabled: true, blocked: [ZB]}
  trade_management: {enabled: true, breakeven: {trigger_ticks: 1000000, offset_ticks: 1}}
  daily_realized_profit: {enabled: true, target: 1000000000, include_unrealized: true}
"""


def config_text(sim: SimServer) -> str:
    return f"""accounts: [{{name: PRAC-1}}, {{name: PRAC-2}}]
gateway: {{api_url: {sim.api_url}, user_hub_url: {sim.user_hub_url}, market_hub_url: {sim.market_hub_url}}}
schedule:
  session: {{start: "00:01", end: "23:59", days: [mon, tue, wed, thu, fri, sat, sun]}}
  calendar: none
rules:{RULES}"""


async def wait_request(sim: SimServer, endpoint: str, after: int, within: float = 5.0) -> int | None:
    """When (perf_counter_ns at the simulator) the first ``endpoint`` request after ``after`` arrived."""
    return await first(lambda: next((r.perf_ns for r in sim.log.records(endpoint, after)), None), within)


def subscribed(sim: SimServer, cid: str) -> bool:
    return any(c.subscribed("quotes", cid) for c in sim.market_hub.conns)


async def user_round(sim: SimServer, acct: int) -> float | None:
    seq = sim.log.last_seq
    t0 = time.perf_counter_ns()
    sim.broker.place_order(acct, MNQ, OrderType.MARKET, Side.BUY, 1)  # 1 -> 2 contracts, limit 1
    t1 = await wait_request(sim, "Position/partialCloseContract", seq)
    return None if t1 is None else (t1 - t0) / 1e6


async def quote_setup(sim: SimServer) -> None:
    """A second account stays short 1 M2K (stop far above) so the quote subscription never lapses."""
    sim.feed.set_price(M2K, 2300.0, 2300.1, 2300.0)
    other = sim.account_id("PRAC-2")
    sim.broker.place_order(other, M2K, OrderType.MARKET, Side.SELL, 1)
    sim.broker.place_order(other, M2K, OrderType.STOP, Side.BUY, 1, stop_price=9000.0)
    await poll(lambda: subscribed(sim, M2K))
    await asyncio.sleep(0.5)


async def quote_round(sim: SimServer, acct: int) -> float | None:
    sim.feed.set_price(M2K, 2300.0, 2300.1, 2300.0)
    await asyncio.sleep(0.1)
    sim.broker.place_order(acct, M2K, OrderType.MARKET, Side.BUY, 1)
    await asyncio.sleep(0.1)
    seq = sim.log.last_seq
    t0 = time.perf_counter_ns()
    sim.feed.set_price(M2K, 1300.0, 1300.1, 1300.0)  # -5,000.25 on one M2K: the limit is -5,000
    t1 = await wait_request(sim, "Position/closeContract", seq)
    await poll(lambda: all(p.contract_id != M2K for p in sim.broker.positions(acct)))
    return None if t1 is None else (t1 - t0) / 1e6


async def rounds(one: Callable[[], Awaitable[float | None]], samples: int, gap: float) -> list[float]:
    out: list[float] = []
    for _ in range(samples):
        ms = await one()
        if ms is not None:
            out.append(ms)
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
    for root in contracts:  # a long with its protective stop in every contract but M2K (the quote path)
        if root != "M2K":
            c = catalogue_contract(root)
            sim.broker.place_order(acct, c.id, OrderType.MARKET, Side.BUY, 1)
            sim.broker.place_order(acct, c.id, OrderType.STOP, Side.SELL, 1, stop_price=c.tick_size)
    tmp = Path(tempfile.mkdtemp(prefix="rm-latency-"))
    (tmp / "cfg.yaml").write_text(config_text(sim))
    env = {**os.environ, "RISK_MANAGER_GC_REPORT": str(tmp / "gc.json"),
           "RISK_MANAGER_GC_TUNING": "1" if args.gc_tuning == "on" else "0"}
    daemon = None
    try:
        daemon = await spawn_daemon(tmp / "cfg.yaml", tmp / "data", env, echo=True)
        await asyncio.sleep(2.0)  # subscriptions settle; quotes flowing
        q0, t0 = sim.feed.stats["deliveries"], time.monotonic()
        results: dict[str, list[float]] = {}
        paths: dict[str, Callable[[], Awaitable[float | None]]] = {}
        if args.path in ("user", "both"):
            paths["user event (position) -> partialCloseContract"] = lambda: user_round(sim, acct)
        if args.path in ("quote", "both"):
            await quote_setup(sim)
            paths["quote -> closeContract"] = lambda: quote_round(sim, acct)
        for name, one in paths.items():
            results[name] = await rounds(one, args.samples, args.gap)
        for name in paths:
            results[f"{name}, after {args.quiet_gap:g} s quiet"] = []
        for _ in range(args.quiet_samples):
            for name, one in paths.items():
                await asyncio.sleep(args.quiet_gap)
                ms = await one()
                if ms is not None:
                    results[f"{name}, after {args.quiet_gap:g} s quiet"].append(ms)
        rate = (sim.feed.stats["deliveries"] - q0) / (time.monotonic() - t0)
    finally:
        if daemon is not None:
            await daemon.stop()
        await sim.stop()
    print(f"\nBreach -> close request reaching the simulator (ms); quotes delivered to the daemon: "
          f"{rate:,.0f}/s; all 13 rules on; Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"{cpu_model()}, load average {os.getloadavg()[0]:.1f} at the end\n")
    print(f"| path | n | p50 | p95 | p99 (n >= {P99_MIN:,}) | max | mean |")
    print("|---|---|---|---|---|---|---|")
    for name, xs in results.items():
        if xs:
            p99 = f"{pct(xs, 99):.2f}" if len(xs) >= P99_MIN else "too few samples"
            p95 = f"{pct(xs, 95):.2f}" if len(xs) >= 20 else "-"
            print(f"| {name} | {len(xs)} | {pct(xs, 50):.2f} | {p95} | {p99} | {max(xs):.2f} | "
                  f"{statistics.fmean(xs):.2f} |")
        missed = args.samples - len(xs) if "quiet" not in name else args.quiet_samples - len(xs)
        if missed:
            print(f"| {name}: no close request within 5 s | {missed} | | | | | |")
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


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--samples", type=int, default=1000, help="breaches per path (p99 needs 1,000)")
    p.add_argument("--rate", type=float, default=1000.0, help="quotes/s published (all contracts)")
    p.add_argument("--gap", type=float, default=0.8, help="pause between breaches (s)")
    p.add_argument("--quiet-gap", type=float, default=70.0,
                   help="seconds without a daemon request before each 'after quiet' breach")
    p.add_argument("--quiet-samples", type=int, default=3, help="'after quiet' breaches per path (0: none)")
    p.add_argument("--path", choices=["user", "quote", "both"], default="both")
    p.add_argument("--gc-tuning", choices=["on", "off"], default="on",
                   help="off: the daemon does not freeze its start-up heap (the 'before' figures)")
    sys.exit(asyncio.run(main(p.parse_args())))
