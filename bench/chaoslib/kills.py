"""The kill phase: the random trader trades on PRAC-1 while the daemon is SIGKILLed at chosen moments,
stays down a random while (the trader keeps trading), restarts, and is checked."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time

from risk_manager.domain.enums import Side

from . import names
from .checks import journal_chain
from .config import ACCOUNTS, PRICES
from .run import KILL_MODES, Chaos
from .trader import RandomTrader

CLOSES = ("Position/closeContract", "Position/partialCloseContract")


async def kill_phase(c: Chaos) -> None:
    assert c.daemon is not None
    gw = c.gws[ACCOUNTS[0]]
    trader = RandomTrader(gw, random.Random(c.o.seed + 1), PRICES, c.o.pace)
    task = asyncio.create_task(trader.loop())
    trader.resume()
    try:
        t0 = time.monotonic()
        for i in range(c.o.kills):
            if time.monotonic() - t0 > c.o.kill_minutes * 60:
                c.o.log(f"  kill phase stopped after {i} kills: --kill-minutes {c.o.kill_minutes:g} used up")
                break
            mode = KILL_MODES[i % len(KILL_MODES)]  # each moment equally often; when within it: random
            await _kill_at(c, trader, mode)
            c.result.kills_by_mode[mode] += 1
            journal_chain(c.tally, c.daemon.db, f"after kill {i + 1}")
            await asyncio.sleep(c.rng.uniform(0.0, c.o.down_max))  # the trader trades on meanwhile
            ok = await c.daemon.start()
            c.tally.add(names.RESTART, ok, f"kill {i + 1}: see daemon.log")
            if not ok and not await c.daemon.start():
                raise RuntimeError(f"the daemon does not restart after kill {i + 1}; see {c.tmp}/daemon.log")
            c.result.restarts += 1
            c.result.restart_ms.append(c.daemon.last_start_ms)
            await trader.pause()
            await c.check_round(f"kill {i + 1} ({mode})")
            failed = sum(bad for _, bad in c.tally.counts.values())
            c.o.log(f"    {i + 1} kills, {failed} failed checks so far")
            trader.resume()
    finally:
        trader.stopped = True
        trader.resume()
        await asyncio.wait_for(task, 30)
    # leave PRAC-1 flat and quiet for the fault matrix
    for symbol, size in (await gw.positions()).items():
        await gw.order(symbol, Side.SELL if size > 0 else Side.BUY, abs(size))


async def _kill_at(c: Chaos, trader: RandomTrader, mode: str) -> None:
    assert c.daemon is not None
    if mode == KILL_MODES[0]:
        await asyncio.sleep(c.rng.uniform(0.3, 2.5))
    elif mode == KILL_MODES[1]:
        trader.filled.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(trader.filled.wait(), 10)
        await asyncio.sleep(c.rng.uniform(0.0, 0.015))
    else:
        gw = c.gws[ACCOUNTS[0]]
        seq = max((r["seq"] for r in await gw.ctl.requests()), default=0)
        await gw.order("MNQ", Side.BUY, 5)  # over its limit of 4 (or a fill in a lockout): the daemon acts
        end = time.monotonic() + 5
        while time.monotonic() < end:
            if [r for r in await gw.ctl.requests(since=seq) if r["endpoint"] in CLOSES]:
                break
            await asyncio.sleep(0.001)
        await asyncio.sleep(c.rng.uniform(0.0, 0.004))
    await c.daemon.kill()
