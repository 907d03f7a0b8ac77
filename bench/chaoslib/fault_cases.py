"""The fault matrix's cases (see faults.py)."""

from __future__ import annotations

import asyncio
import functools

from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import OrderType, Side

from . import names
from .faults import Matrix, until
from .run import Chaos


async def drop_user(m: Matrix) -> tuple[bool, str]:
    await m.gw.ctl.drop("user", "abort")
    return await m.oversize(10)


async def drop_market(m: Matrix) -> tuple[bool, str]:
    await m.gw.ctl.drop("market", "close")
    return await m.crash(10)


async def drop_error(m: Matrix) -> tuple[bool, str]:
    await m.gw.ctl.drop("all", "error", error="chaos: server error")
    return await m.oversize(15)


async def revoke(m: Matrix) -> tuple[bool, str]:
    await m.gw.ctl.revoke()
    await m.gw.ctl.drop("user", "close")
    return await m.oversize(15)


async def silence(m: Matrix) -> tuple[bool, str]:
    await m.gw.order("NQ", Side.BUY, 1)
    await asyncio.sleep(0.3)
    await m.gw.ctl.silence(True)
    await m.price("NQ", -30)  # not published
    await asyncio.sleep(2.0)
    await m.gw.ctl.silence(False)
    await m.price("NQ", 0)  # the feed resumes with the crashed price

    async def flat() -> bool:
        return await m.size("NQ") == 0

    took = await until(flat, 5)
    return took is not None, f"crash during 2 s of silence: closed {took} s after the feed resumed"


async def burst_500(m: Matrix) -> tuple[bool, str]:
    await m.gw.ctl.fail("Position/partialCloseContract", "500", count=3)
    return await m.oversize(5)


async def burst_429(m: Matrix) -> tuple[bool, str]:
    await m.gw.ctl.fail("Position/searchOpen", "429", count=3)
    await m.gw.ctl.fail("Position/closeContract", "429", count=1)
    return await m.crash(5)


async def hang_partial(m: Matrix) -> tuple[bool, str]:
    """12.1: the hung partial close lands late; a re-sent one must not reduce a second time."""
    await m.gw.ctl.fail("Position/partialCloseContract", "hang", count=1, hang_seconds=8)
    await m.gw.order("MNQ", Side.BUY, 6)
    await asyncio.sleep(11)
    left = await m.size("MNQ")
    return left == 4, f"6 MNQ, limit 4, partial close hung 8 s: {left} left after 11 s"


async def hang_close(m: Matrix) -> tuple[bool, str]:
    """12.1, full close: the hung flatten lands after its reason ended, on the trader's new position."""
    await m.gw.ctl.fail("Position/closeContract", "hang", count=1, hang_seconds=12)
    ok, detail = await m.crash(8)  # the re-sent close flattens (loss -150: a 6 s cooldown)
    if not ok:
        return ok, detail

    async def unlocked() -> bool:
        st = await m.c.status()
        return not next(a for a in st["accounts"] if a["name"] == m.gw.account)["lockouts"]

    await until(unlocked, 10)
    await m.price("NQ", 30)  # the market is back; the trader re-enters, healthy
    await m.gw.order("NQ", Side.BUY, 1)
    await asyncio.sleep(9)
    held = await m.size("NQ")
    return held == 1, f"{detail}; re-entered 1 NQ after the cooldown: {held} held after the hung close's time"


async def hang_cancel(m: Matrix) -> tuple[bool, str]:
    await m.gw.ctl.fail("Order/cancel", "hang", count=1, hang_seconds=8)
    tick = catalogue_contract("MES").tick_size
    await m.gw.order("MES", Side.BUY, 1, OrderType.LIMIT, limit=m.px["MES"] - 60 * tick)
    await m.gw.order("NQ", Side.BUY, 1)  # a -30 loss: cooldown; the daemon cancels the resting entry
    await m.price("NQ", -6)
    await m.gw.order("NQ", Side.SELL, 1)

    async def cancelled() -> bool:
        return not await m.working()

    took = await until(cancelled, 15)
    return took is not None, f"resting entry in a loss cooldown, cancel hung 8 s: gone after {took}"


async def hang_modify(m: Matrix) -> tuple[bool, str]:
    await m.gw.ctl.fail("Order/modify", "hang", count=1, hang_seconds=8)
    tick = catalogue_contract("MES").tick_size
    entry = m.px["MES"] + tick  # a market buy fills at the ask
    await m.gw.order("MES", Side.BUY, 1)
    await m.gw.order("MES", Side.SELL, 1, OrderType.STOP, stop=entry - 20 * tick)
    await asyncio.sleep(0.3)
    await m.price("MES", 10)  # +9 ticks of profit at the bid: breakeven (trigger 8, offset 1)

    async def moved() -> bool:
        stops = [o for o in await m.working() if o.get("stopPrice") is not None]
        return bool(stops) and abs(float(stops[0]["stopPrice"]) - (entry + tick)) < tick / 2  # type: ignore[arg-type]

    took = await until(moved, 15)
    return took is not None, f"breakeven stop move with the modify hung 8 s: done after {took}"


async def hang_place(m: Matrix) -> tuple[bool, str]:
    """The trader's own order hangs (his client gives up after 3 s) and fills 5 s late: still enforced."""
    await m.gw.ctl.fail("Order/place", "hang", count=1, hang_seconds=5)
    await m.gw.order("MNQ", Side.BUY, 6)  # times out on the trader's side; lands at 5 s

    async def landed() -> bool:
        return await m.size("MNQ") != 0

    await until(landed, 8)

    async def reduced() -> bool:
        return abs(await m.size("MNQ")) <= 4

    took = await until(reduced, 5)
    left = await m.size("MNQ")
    return took is not None and left == 4, f"6 MNQ placed through a hung call: {left} left (limit 4)"


_ALL = (drop_user, drop_market, drop_error, revoke, silence, burst_500, burst_429, hang_partial, hang_close,
        hang_cancel, hang_modify, hang_place)
CASES = list(zip(names.FAULT_CASES, _ALL, strict=True))


async def fault_matrix(c: Chaos) -> None:
    m = Matrix(c)
    for name, case in CASES:
        await m.run(name, functools.partial(case, m))
    await m.quiesce()
