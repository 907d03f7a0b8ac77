"""One daemon protecting 20 accounts under one login, against the simulator at ~1,000 quotes/s.

    uv run python bench/many_accounts.py [--accounts 20] [--samples 2] [--rate 1000] [--gap 0.7]

The simulator runs in this process; the daemon is `risk-manager run` in its own process, unchanged (its
shared request budget of 180 / 60 s included: each phase starts with its window empty, ``--settle``). The
first account holds 1 contract of every other root but M2K (the quote path's), so the daemon is subscribed
to them and the feed pushes ~1,000 quotes/s at it (~920/s before the quote path subscribes M2K); every
account holds 1 ES and 1 MNQ.

1. user path, per account: the trader buys 1 MNQ over its per-instrument limit of 1; stamped before the
   fill is emitted and when `Position/partialCloseContract` for that account reaches the simulator.
2. quote path, per account: every account holds 1 M2K, and account i's own daily unrealized loss limit
   (per-account rules) is $500 + $50 i; the price falls in steps, each taking exactly one more account
   through its limit. Stamped before the quote is published and when that account's
   `Position/closeContract` reaches the simulator. (The 1,000 quotes/s keep flowing meanwhile.)
3. a market gap (the quote path, all accounts at once), after the budget window has emptied: one ES quote
   takes every account through its daily loss limit. Each account is flattened and locked; reported: when
   each account's first close request reached the simulator, and when every account was flat, against the
   budget's theoretical minimum: every close request needed, sent at once when they fit the budget.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from _procs import poll, spawn_daemon
from latency import pct, subscribed

from risk_manager.domain.contracts import PRODUCTS, catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.sim import SimOptions, SimServer
from risk_manager.sim.reqlog import RequestRecord

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
MNQ, M2K, ES = (catalogue_contract(r).id for r in ("MNQ", "M2K", "ES"))
RULES = """
  max_contracts_per_instrument: {enabled: true, limits: {MNQ: 1}, default_limit: 100}
  daily_unrealized_loss: {enabled: true, limit: -5000}
  daily_realized_loss: {enabled: true, limit: -20000, include_unrealized: true}
"""


def own_limit(i: int) -> int:
    """Account i's own daily unrealized loss limit on the quote path (dollars below zero)."""
    return 500 + 50 * i


def config_text(sim: SimServer, names: list[str]) -> str:
    accounts = ", ".join(f"{{name: {n}, rules: {{daily_unrealized_loss: {{limit: -{own_limit(i)}}}}}}}"
                         for i, n in enumerate(names))
    return f"""accounts: [{accounts}]
gateway: {{api_url: {sim.api_url}, user_hub_url: {sim.user_hub_url}, market_hub_url: {sim.market_hub_url}}}
schedule:
  session: {{start: "00:01", end: "23:59", days: [mon, tue, wed, thu, fri, sat, sun]}}
  calendar: none
rules:{RULES}"""


def request_for(sim: SimServer, endpoint: str, account: int, after: int) -> int | None:
    for rec in sim.log.records(endpoint, after):
        if isinstance(rec.body, dict) and rec.body.get("accountId") == account:
            return rec.perf_ns
    return None


async def arrival(sim: SimServer, endpoint: str, account: int, start: Callable[[], object],
                  within: float = 5.0) -> int | None:
    """Run ``start`` and wait (no polling: the simulator's request log calls back) for the first
    ``endpoint`` request for ``account``; its perf_counter_ns at the simulator's handler, or None."""
    got: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    want = endpoint.lower()

    def watch(rec: RequestRecord) -> None:
        if (not got.done() and rec.endpoint.lower() == want and isinstance(rec.body, dict)
                and rec.body.get("accountId") == account):
            got.set_result(rec.perf_ns)

    sim.log.watchers.append(watch)
    try:
        start()
        return await asyncio.wait_for(got, within)
    except TimeoutError:
        return None
    finally:
        sim.log.watchers.remove(watch)


def holds(sim: SimServer, acct: int, cid: str) -> int:
    return next((p.size for p in sim.broker.positions(acct) if p.contract_id == cid), 0)


async def user_path(sim: SimServer, accts: dict[str, int], samples: int,
                    gap: float) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {n: [] for n in accts}
    for _ in range(samples):
        for name, acct in accts.items():
            t0 = time.perf_counter_ns()
            t1 = await arrival(sim, "Position/partialCloseContract", acct,  # 2 MNQ, limit 1
                               partial(sim.broker.place_order, acct, MNQ, OrderType.MARKET, Side.BUY, 1))
            if t1 is not None:
                out[name].append((t1 - t0) / 1e6)
            await asyncio.sleep(gap)
    return out


async def quote_path(sim: SimServer, accts: dict[str, int], samples: int,
                     gap: float) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {n: [] for n in accts}
    for _ in range(samples):
        sim.feed.set_price(M2K, 2300.0, 2300.1, 2300.0)
        for acct in accts.values():
            sim.broker.place_order(acct, M2K, OrderType.MARKET, Side.BUY, 1)
        await asyncio.sleep(0.5)  # every account's position valued at 2300 first
        for i, (name, acct) in enumerate(accts.items()):
            crash = 2300.0 - own_limit(i) / 5.0 - 2.0  # M2K: $5 a point; only account i crosses now
            t0 = time.perf_counter_ns()
            t1 = await arrival(sim, "Position/closeContract", acct,
                               partial(sim.feed.set_price, M2K, crash, crash + 0.1, crash))
            if t1 is not None:
                out[name].append((t1 - t0) / 1e6)
            await poll(lambda a=acct: holds(sim, a, M2K) == 0, within=5.0)
            await asyncio.sleep(gap)
    return out


async def gap_down(sim: SimServer, accts: dict[str, int]) -> tuple[list[float], float | None, int]:
    """One ES quote breaches every account's daily loss at once: each account's first close request (ms
    after the quote), the time until every account is flat in ES (ms), and how many closes were sent."""
    seq = sim.log.last_seq
    t0 = time.perf_counter_ns()
    sim.feed.set_price(ES, 5500.0, 5500.25, 5500.0)  # -25,000 on the 1 ES each account holds
    flat = await poll(lambda: all(holds(sim, a, ES) == 0 for a in accts.values()), within=60.0)
    t_flat = (time.perf_counter_ns() - t0) / 1e6 if flat else None
    closes = [request_for(sim, "Position/closeContract", a, seq) for a in accts.values()]
    sent = len(sim.log.records("Position/closeContract", seq))
    return sorted((t - t0) / 1e6 for t in closes if t is not None), t_flat, sent


def table(title: str, res: dict[str, list[float]]) -> None:
    xs = [x for v in res.values() for x in v]
    if not xs:
        print(f"{title}: no samples")
        return
    print(f"\n{title}: all accounts n={len(xs)} p50 {pct(xs, 50):.2f} ms, p99 {pct(xs, 99):.2f} ms, "
          f"max {max(xs):.2f} ms, mean {statistics.fmean(xs):.2f} ms\n")
    print("| account | n | p50 | max |")
    print("|---|---|---|---|")
    for name, v in res.items():
        if v:
            print(f"| {name} | {len(v)} | {pct(v, 50):.2f} | {max(v):.2f} |")


async def main(args: argparse.Namespace) -> int:
    names = [f"ACC-{i + 1:02d}" for i in range(args.accounts)]
    contracts = list(PRODUCTS)
    sim = SimServer(SimOptions(port=0, accounts=names, quote_rate=args.rate / len(contracts), rate_limit=0,
                               seed=1))
    await sim.start()
    sim.feed.walk = False
    accts = {n: sim.account_id(n) for n in names}
    sim.feed.set_price(ES, 6000.0, 6000.25, 6000.0)
    for i, acct in enumerate(accts.values()):
        for root in [r for r in contracts if r != "M2K"] if i == 0 else ["ES", "MNQ"]:
            sim.broker.place_order(acct, catalogue_contract(root).id, OrderType.MARKET, Side.BUY, 1)
    tmp = Path(tempfile.mkdtemp(prefix="rm-many-"))
    (tmp / "cfg.yaml").write_text(config_text(sim, names))
    daemon = None
    try:
        daemon = await spawn_daemon(tmp / "cfg.yaml", tmp / "data", within=90)
        await poll(lambda: subscribed(sim, MNQ), within=10.0)
        await asyncio.sleep(2.0)
        q0, t0 = sim.feed.stats["deliveries"], time.monotonic()
        user = await user_path(sim, accts, args.samples, args.gap)
        await asyncio.sleep(args.settle)  # each phase starts with the daemon's 60 s request window empty
        quote = await quote_path(sim, accts, args.samples, args.gap)
        rate = (sim.feed.stats["deliveries"] - q0) / (time.monotonic() - t0)
        await asyncio.sleep(args.settle)  # let the daemon's 60 s request window empty
        closes, t_flat, sent = await gap_down(sim, accts)
    finally:
        if daemon is not None:
            await daemon.stop()
        await sim.stop()
    print(f"\n{args.accounts} accounts, quotes delivered to the daemon {rate:,.0f}/s; Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} cores")
    table("user event (fill) -> partialCloseContract", user)
    table("quote -> closeContract (each account through its own limit)", quote)
    print(f"\nmarket gap, all {args.accounts} accounts breach at once (daily loss, flatten + lock):")
    if closes:
        print(f"  each account's first close request at the simulator: first {closes[0]:.1f} ms, p50 "
              f"{pct(closes, 50):.1f} ms, p99 {pct(closes, 99):.1f} ms, last {closes[-1]:.1f} ms "
              f"({len(closes)} of {args.accounts} accounts)")
    print(f"  every account flat in ES after: {t_flat:.1f} ms" if t_flat is not None else
          "  NOT all flat within 60 s")
    print(f"  close requests sent: {sent}; the budget (180 / 60 s, empty before the gap) lets all "
          f"{sent} go at once, so the theoretical minimum is one close's latency (bench/latency.py: ~2-3 ms)")
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--accounts", type=int, default=20)
    p.add_argument("--samples", type=int, default=2, help="breaches per account and path (at most 2: "
                   "start-up and one path's breaches must fit the daemon's 180 requests / 60 s)")
    p.add_argument("--rate", type=float, default=1000.0, help="quotes/s published (all contracts)")
    p.add_argument("--gap", type=float, default=0.7, help="pause between breaches (s); 2 requests each")
    p.add_argument("--settle", type=float, default=60.0,
                   help="pause before the quote path and before the market gap (s)")
    sys.exit(asyncio.run(main(p.parse_args())))
