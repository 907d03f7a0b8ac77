"""The fault matrix, on PRAC-2 (fresh counters): each fault, then a breach; the breach must be enforced.

Hub drops (user abort, market close, all with a server error), token revocation (+ a user-hub drop so the
hubs must renegotiate), feed silence, a 500 burst on the partial close, a 429 burst on the position
re-read and the close, and an 8-12 s hang (past the daemon's 3 s "uncertain" timeout) on every mutating
endpoint: partial close, close, cancel, modify and place. Each row: "fault: NAME" pass / fail."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import Side

from .checks import stored_trades
from .config import ACCOUNTS, PRICES
from .gateway import Gateway
from .run import Chaos

Probe = Callable[[], Awaitable[bool]]


async def until(probe: Probe, within: float) -> float | None:
    """Seconds until ``probe`` holds, or None if it did not within ``within`` (bounded polling)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < within:
        if await probe():
            return time.monotonic() - t0
        await asyncio.sleep(0.05)
    return None


class Matrix:
    def __init__(self, c: Chaos) -> None:
        self.c = c
        self.gw: Gateway = c.gws[ACCOUNTS[1]]
        self.px = dict(PRICES)

    async def size(self, symbol: str) -> int:
        return (await self.gw.positions()).get(symbol, 0)

    async def price(self, symbol: str, ticks: int) -> None:
        self.px[symbol] = round(self.px[symbol] + ticks * catalogue_contract(symbol).tick_size, 6)
        await self.gw.price(symbol, self.px[symbol])

    async def quiesce(self) -> None:
        """No fault pending, PRAC-2 flat with no working order, no lockout, room under the trade frequency."""
        await self.gw.ctl.clear_faults()
        await self.gw.ctl.silence(False)
        for symbol in PRICES:
            self.px[symbol] = PRICES[symbol]
            await self.gw.price(symbol, PRICES[symbol])
        for symbol, size in (await self.gw.positions()).items():
            await self.gw.order(symbol, Side.SELL if size > 0 else Side.BUY, abs(size))
        for o in await self.working():
            await self.gw.api("Order/cancel", {"accountId": self.gw.account_id, "orderId": o["id"]})

        async def calm() -> bool:
            # the daemon has taken in every fill first: a lockout from the last one (the daemon's own closing
            # trade, its loss) comes a moment after the position is flat, and a breach inside it is killed
            assert self.c.daemon is not None
            if stored_trades(self.c.daemon.db, self.gw.account) != len(await self.gw.fills(self.c.start)):
                return False
            st = await self.c.status()
            acct = next(a for a in st["accounts"] if a["name"] == self.gw.account)
            return not acct["lockouts"] and not await self.gw.positions()

        await until(calm, 20)
        await self.c.settle(quiet=0.5, within=5)

    async def working(self) -> list[dict[str, object]]:
        st = await self.gw.ctl.state()
        acct = next(a for a in st["accounts"] if a["name"] == self.gw.account)
        return [o for o in acct["openOrders"] if int(o["status"]) == 1]

    async def run(self, name: str, case: Callable[[], Awaitable[tuple[bool, str]]]) -> None:
        await self.quiesce()
        t0 = time.monotonic()
        try:
            ok, detail = await case()
        except Exception as e:  # a broken case is a failed row, not a crashed benchmark
            ok, detail = False, f"{type(e).__name__}: {e}"
        self.c.tally.add(f"fault: {name}", ok, detail)
        verdict = "ok" if ok else "FAIL"
        self.c.result.fault_notes.append(f"{name}: {verdict} ({time.monotonic() - t0:.1f} s) {detail}")
        self.c.o.log(f"  fault {name}: {'ok' if ok else 'FAIL'} {detail}")

    # ---- the breaches -----------------------------------------------------------------------------------
    async def oversize(self, within: float, size: int = 6) -> tuple[bool, str]:
        """MNQ over its limit of 4: reduced to (not under) 4."""
        await self.gw.order("MNQ", Side.BUY, size)

        async def reduced() -> bool:
            return abs(await self.size("MNQ")) <= 4

        took = await until(reduced, within)
        left = await self.size("MNQ")
        return took is not None and left == 4, f"{size} MNQ -> {left} (limit 4) after {_s(took)}"

    async def crash(self, within: float) -> tuple[bool, str]:
        """1 NQ, then a 30-tick drop (-150 with the limit at -120): closed."""
        await self.gw.order("NQ", Side.BUY, 1)
        await asyncio.sleep(0.3)
        await self.price("NQ", -30)

        async def flat() -> bool:
            return await self.size("NQ") == 0

        took = await until(flat, within)
        return took is not None, f"1 NQ down 30 ticks: closed after {_s(took)}"


def _s(took: float | None) -> str:
    return "never" if took is None else f"{took:.2f} s"
