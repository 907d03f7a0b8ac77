"""How often the daemon cancels an over-limit entry order before it fills (count_working_orders).

    uv run python bench/cancel_race.py [--trials 20] [--delays 0,1,2,5,10,20,50]

The simulator runs in this process; the daemon is `risk-manager run` in its own process, unchanged. The
account holds 4 MNQ under a limit of 5 with ``count_working_orders: true``. Each trial places a resting
buy limit of 2 one tick under the ask (6 if filled), waits DELAY ms, then moves the market through its
price: the order fills at that moment unless the daemon's ``Order/cancel`` has already reached the
simulator. A win = the order ends cancelled and never filled. After a loss the daemon reduces the
position as usual; the bench then puts the account back to 4 contracts for the next trial.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

from _procs import spawn_daemon

from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.sim import SimOptions, SimServer

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
MNQ = catalogue_contract("MNQ").id
RULES = "  max_contracts: {enabled: true, limit: 5, count_working_orders: true}\n"


def config_text(sim: SimServer) -> str:
    return f"""accounts: [{{name: PRAC-1}}]
gateway: {{api_url: {sim.api_url}, user_hub_url: {sim.user_hub_url}, market_hub_url: {sim.market_hub_url}}}
schedule:
  session: {{start: "00:01", end: "23:59", days: [mon, tue, wed, thu, fri, sat, sun]}}
  calendar: none
rules:
{RULES}"""


def size(sim: SimServer, acct: int) -> int:
    return next((p.size for p in sim.broker.positions(acct) if p.contract_id == MNQ), 0)


async def settle(sim: SimServer, acct: int, within: float = 3.0) -> None:
    """Back to 4 MNQ, no working orders, market at 21000.00 / 21000.25."""
    sim.feed.set_price(MNQ, 21000.0, 21000.25, 21000.0)
    for _ in range(int(within / 0.01)):  # bounded: leftovers are cancelled below
        if not sim.broker.open_orders(acct):
            break
        await asyncio.sleep(0.01)
    for o in sim.broker.open_orders(acct):
        sim.broker.cancel_order(acct, o.id)
    await asyncio.sleep(0.3)  # the daemon's reduction after a lost race
    n = size(sim, acct)
    if n != 4:
        side = Side.BUY if n < 4 else Side.SELL
        sim.broker.place_order(acct, MNQ, OrderType.MARKET, side, abs(4 - n))
    await asyncio.sleep(0.3)


async def trial(sim: SimServer, acct: int, delay_ms: float) -> bool:
    oid = sim.broker.place_order(acct, MNQ, OrderType.LIMIT, Side.BUY, 2, limit_price=21000.0)
    if delay_ms:
        await asyncio.sleep(delay_ms / 1000)
    sim.feed.set_price(MNQ, 20999.75, 21000.0, 21000.0)  # the ask reaches the limit: it fills if open
    await asyncio.sleep(0.2)
    order = next(o for o in sim.broker.orders(acct) if o.id == oid)
    return order.status is OrderStatus.CANCELLED


async def main(args: argparse.Namespace) -> int:
    sim = SimServer(SimOptions(port=0, accounts=["PRAC-1"], quote_rate=0.0, rate_limit=0, seed=1))
    await sim.start()
    sim.feed.walk = False
    acct = sim.account_id("PRAC-1")
    sim.feed.set_price(MNQ, 21000.0, 21000.25, 21000.0)
    sim.broker.place_order(acct, MNQ, OrderType.MARKET, Side.BUY, 4)
    tmp = Path(tempfile.mkdtemp(prefix="rm-race-"))
    (tmp / "cfg.yaml").write_text(config_text(sim))
    wins: dict[float, list[bool]] = {}
    daemon = None
    try:
        daemon = await spawn_daemon(tmp / "cfg.yaml", tmp / "data", within=60)
        await asyncio.sleep(1.0)
        for _ in range(args.trials):
            for delay in args.delays:
                await settle(sim, acct)
                wins.setdefault(delay, []).append(await trial(sim, acct, delay))
    finally:
        if daemon is not None:
            await daemon.stop()
        await sim.stop()
    print(f"\nEntry order past max_contracts: cancelled before the fill, by delay between the order and the "
          f"market reaching it (Python {sys.version.split()[0]}, {os.cpu_count()} cores)\n")
    print("| delay (ms) | trials | cancel won | won % |")
    print("|---|---|---|---|")
    for delay, xs in wins.items():
        print(f"| {delay:g} | {len(xs)} | {sum(xs)} | {100 * sum(xs) / len(xs):.0f} % |")
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trials", type=int, default=20, help="trials per delay")
    p.add_argument("--delays", type=lambda s: [float(x) for x in s.split(",")],
                   default=[0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0], help="ms between order and fill")
    sys.exit(asyncio.run(main(p.parse_args())))
