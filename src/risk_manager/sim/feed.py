"""The price feed: a seeded random walk (or scripted prices) on each contract's tick grid.

Every tick it hands the touch to the paper broker (so resting orders fill) and publishes ``GatewayQuote``
``[contractId, quote]`` to market-hub subscribers, ``GatewayTrade`` when the last price moved, and
``GatewayDepth`` (five levels a side around the touch) to depth subscribers. Every price also goes into
the contract's history (``History/retrieveBars``). Prices are kept as integer ticks so they always sit on
the grid. A deferred contract month starts at a fixed calendar spread above its front month. "Silence"
stops publishing only: the market keeps moving underneath, as when a live feed freezes.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from risk_manager.domain.contracts import Contract, ContractBook, projectx_symbol
from risk_manager.sim.catalogue import month_index
from risk_manager.sim.history import ContractHistory
from risk_manager.sim.hub import Hub
from risk_manager.sim.hub_conn import HubConn
from risk_manager.sim.signalr import invocation

QuoteSink = Callable[[str, float | None, float | None, float | None], None]
START_PRICE = {"ES": 6000.0, "NQ": 21000.0, "YM": 44000.0, "RTY": 2300.0, "CL": 70.0, "GC": 2650.0}
MICRO_OF = {"MES": "ES", "MNQ": "NQ", "MYM": "YM", "M2K": "RTY", "MCL": "CL", "MGC": "GC"}
MONTH_SPREAD = 0.01  # each later listed month starts 1 % above the one before (contango)
DEPTH_LEVELS = 5


def start_price(contract: Contract) -> float:
    base = START_PRICE.get(MICRO_OF.get(contract.root, contract.root), 100.0)
    return base * (1 + MONTH_SPREAD * month_index(contract))


class Book:
    """One contract's quote state in ticks."""

    __slots__ = ("ask", "bid", "contract", "decimals", "deferred", "high", "history", "last", "low", "open",
                 "updated", "volume")

    def __init__(self, contract: Contract, price: float, now: datetime, seed: int = 0) -> None:
        self.contract = contract
        self.decimals = max(0, len(f"{contract.tick_size:.10f}".rstrip("0").split(".")[1]))
        t = self.ticks(price)
        self.bid, self.ask, self.last = t, t + 1, t
        self.open = self.high = self.low = t
        self.volume = 0
        self.updated = now
        self.history = ContractHistory(t, now, seed, contract.id)
        self.deferred = month_index(contract) > 0

    def ticks(self, price: float) -> int:
        return round(price / self.contract.tick_size)

    def px(self, ticks: int) -> float:
        return round(ticks * self.contract.tick_size, self.decimals)

    def quote(self) -> dict[str, Any]:
        last, opened = self.px(self.last), self.px(self.open)
        ts = self.updated.isoformat()
        return {"symbol": f"F.US.{projectx_symbol(self.contract.root)}",
                "symbolName": f"/{self.contract.root}",
                "lastPrice": last, "bestBid": self.px(self.bid), "bestAsk": self.px(self.ask),
                "change": round(last - opened, self.decimals),
                "changePercent": round((last - opened) / opened * 100, 4) if opened else 0.0,
                "open": opened, "high": self.px(self.high), "low": self.px(self.low), "volume": self.volume,
                "lastUpdated": ts, "timestamp": ts}


class PriceFeed:
    def __init__(self, book: ContractBook, hub: Hub, sink: QuoteSink, clock: Callable[[], datetime],
                 seed: int = 0, rate: float = 4.0, walk: bool = True) -> None:
        self.hub = hub
        self._sink = sink
        self._clock = clock
        self._rng = random.Random(seed)
        self.rate = rate
        self.walk = walk
        self.silenced = False
        now = clock()
        self.books = {c.id: Book(c, start_price(c), now, seed) for c in book.all()}
        self._depth_rng = random.Random(seed + 1)  # apart from the walk: depth subscribers never change it
        self.stats = {"ticks": 0, "quotes": 0, "deliveries": 0, "late_ticks": 0}
        self.lags: deque[float] = deque(maxlen=20_000)  # seconds between scheduled and actual tick
        hub.on_subscribe = self._on_subscribe

    def prime(self) -> None:
        """Give the broker a touch for every contract before anything trades."""
        for cid, b in self.books.items():
            self._sink(cid, b.px(b.bid), b.px(b.ask), b.px(b.last))

    def set_price(self, contract_id: str, bid: float | None = None, ask: float | None = None,
                  last: float | None = None) -> dict[str, Any]:
        b = self.books[contract_id]
        if bid is not None:
            b.bid = b.ticks(bid)
        if ask is not None:
            b.ask = b.ticks(ask)
        if bid is not None and ask is None:
            b.ask = max(b.ask, b.bid + 1)
        if ask is not None and bid is None:
            b.bid = min(b.bid, b.ask - 1)
        b.last = b.ticks(last) if last is not None else (b.bid if bid is not None else b.ask)
        self._touched(b)
        b.history.record(b.updated, b.last, 1)
        self._sink(contract_id, b.px(b.bid), b.px(b.ask), b.px(b.last))
        self._publish(b, traded=True)
        return b.quote()

    def _touched(self, b: Book) -> None:
        b.high, b.low = max(b.high, b.last), min(b.low, b.last)
        b.updated = self._clock()

    def _step(self, b: Book) -> bool:
        r = self._rng.random()
        move = -1 if r < 0.3 else (1 if r > 0.7 else 0)
        b.bid += move
        b.ask = b.bid + 1
        prev = b.last
        b.last = b.ask if self._rng.random() < 0.5 else b.bid
        traded = self._rng.randint(1, 20)
        b.volume += traded
        self._touched(b)
        b.history.record(b.updated, b.last, traded)
        return b.last != prev

    def _publish(self, b: Book, traded: bool) -> None:
        if self.silenced:
            return
        cid = b.contract.id
        self.stats["quotes"] += 1
        self.stats["deliveries"] += self.hub.publish(lambda: invocation("GatewayQuote", cid, b.quote()),
                                                     "quotes", cid)
        if traded:
            self.hub.publish(lambda: invocation("GatewayTrade", cid, [self._trade(b)]), "trades", cid)
        self.hub.publish(lambda: invocation("GatewayDepth", cid, self._depth(b)), "depth", cid)

    def _depth(self, b: Book) -> list[dict[str, Any]]:
        """Best bid/ask (DomType 4/3) and four more levels a side (2 Bid, 1 Ask), volumes made up."""
        ts, rng = b.updated.isoformat(), self._depth_rng
        rows: list[dict[str, Any]] = []
        for level in range(DEPTH_LEVELS):
            for side, best, ticks in ((4, 2, b.bid - level), (3, 1, b.ask + level)):
                vol = rng.randint(1, 60)
                rows.append({"timestamp": ts, "type": side if level == 0 else best, "price": b.px(ticks),
                             "volume": vol, "currentVolume": vol})
        return rows

    @staticmethod
    def _trade(b: Book) -> dict[str, Any]:
        return {"symbolId": f"F.US.{projectx_symbol(b.contract.root)}", "price": b.px(b.last),
                "timestamp": b.updated.isoformat(), "type": 0 if b.last == b.ask else 1, "volume": 1}

    def _on_subscribe(self, conn: HubConn, kind: str, key: Any) -> None:
        b = self.books.get(key) if kind in ("quotes", "depth") else None
        if b is not None and not self.silenced:
            conn.push(invocation("GatewayQuote", key, b.quote()) if kind == "quotes"
                      else invocation("GatewayDepth", key, [{"timestamp": b.updated.isoformat(), "type": 6,
                                                              "price": 0.0, "volume": 0, "currentVolume": 0},
                                                             *self._depth(b)]))

    def tick(self) -> None:
        """Front months move every tick; deferred months (thinly traded) about once a second."""
        every = max(1, round(self.rate))
        deferred_due = self.stats["ticks"] % every == 0
        for cid, b in self.books.items():
            if b.deferred and not deferred_due:
                continue
            traded = self._step(b) if self.walk else False
            self._sink(cid, b.px(b.bid), b.px(b.ask), b.px(b.last))
            self._publish(b, traded)
        self.stats["ticks"] += 1

    async def run(self) -> None:
        """Tick at ``rate`` Hz on an absolute schedule; record how late each tick ran."""
        loop = asyncio.get_running_loop()
        period = 1.0 / self.rate
        due = loop.time()
        while True:
            due += period
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = loop.time() - due
            self.lags.append(max(0.0, lag))
            if lag > period:
                self.stats["late_ticks"] += 1
            if lag > 1.0:  # far behind (machine paused): resynchronise instead of bursting
                due = loop.time()
            self.tick()

    def lag_summary(self) -> dict[str, float]:
        if not self.lags:
            return {"p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
        s = sorted(self.lags)
        return {"p50_ms": s[len(s) // 2] * 1e3, "p99_ms": s[min(len(s) - 1, int(len(s) * 0.99))] * 1e3,
                "max_ms": s[-1] * 1e3}
