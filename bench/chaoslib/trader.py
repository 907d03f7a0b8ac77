"""The random trader: moves the market, opens and adds (sometimes over the limits), takes profits and losses,
buys a blocked symbol, leaves entry orders resting. Never partially reduces (so a reduction under a limit
can only be the daemon's). Seeded: the same seed gives the same intentions (timing still varies)."""

from __future__ import annotations

import asyncio
import random

from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import OrderType, Side

from .gateway import Gateway

SYMBOLS = ("MNQ", "MES", "NQ")
BLOCKED = "CL"


class RandomTrader:
    def __init__(self, gw: Gateway, rng: random.Random, prices: dict[str, float],
                 pace: tuple[float, float]) -> None:
        self.gw, self.rng, self.prices, self.pace = gw, rng, dict(prices), pace
        self.running = asyncio.Event()
        self.idle = asyncio.Event()
        self.filled = asyncio.Event()  # set after each market order the gateway accepted
        self.steps = 0
        self.stopped = False

    async def loop(self) -> None:
        try:
            while not self.stopped:
                self.idle.set()
                await self.running.wait()
                self.idle.clear()
                if self.stopped:
                    break
                await self.step()
                self.steps += 1
                await asyncio.sleep(self.rng.uniform(*self.pace))
        finally:
            self.idle.set()

    async def pause(self) -> None:
        self.running.clear()
        await self.idle.wait()

    def resume(self) -> None:
        self.running.set()

    async def move(self, symbol: str, ticks: int) -> None:
        tick = catalogue_contract(symbol).tick_size
        self.prices[symbol] = round(self.prices[symbol] + ticks * tick, 6)
        await self.gw.price(symbol, self.prices[symbol])

    async def market(self, symbol: str, side: Side, size: int) -> None:
        if await self.gw.order(symbol, side, size) is not None:
            self.filled.set()

    async def step(self) -> None:
        r, rng = self.rng.random(), self.rng
        symbol = rng.choice(SYMBOLS)
        held = (await self.gw.positions()).get(symbol, 0)
        if r < 0.32:
            ticks = rng.choice((-40, 30)) if rng.random() < 0.06 else rng.randint(-8, 8)
            await self.move(symbol, ticks)
        elif r < 0.60:
            side = Side.BUY if held > 0 or (held == 0 and rng.random() < 0.6) else Side.SELL
            size = rng.choice((1, 1, 1, 2, 2, 3, 5))  # 5: over any per-instrument limit
            await self.market(symbol, side, size)
        elif r < 0.80:
            if held:
                await self.market(symbol, Side.SELL if held > 0 else Side.BUY, abs(held))
        elif r < 0.84:
            await self.market(BLOCKED, Side.BUY, 1)
        elif r < 0.92:
            tick = catalogue_contract(symbol).tick_size
            await self.gw.order(symbol, Side.BUY, 1, OrderType.LIMIT, limit=self.prices[symbol] - 60 * tick)
        # else: the trader hesitates
