"""Price history behind ``History/retrieveBars``: the feed's own prices, and a synthetic past before them.

The feed records every published touch into 1-second bars (the last hour) and 1-minute bars (everything
since the simulator started). Before the simulator started there is a deterministic synthetic past
(``PAST_DAYS`` of 1-minute bars, a seeded walk that ends at the contract's start price), generated the first
time a contract's history is asked for, so a ``TradingSuite`` that loads days of bars at start-up gets them.
Prices are kept in integer ticks; the market is taken as open around the clock.
"""

from __future__ import annotations

import random
import zlib
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

PAST_DAYS = 30
SECONDS_KEPT = 3600


@dataclass(slots=True)
class Bar:
    t: int  # bar start, epoch seconds
    o: int
    h: int
    l: int  # noqa: E741 - the Gateway's field name
    c: int
    v: int

    def add(self, price: int, volume: int) -> None:
        self.h, self.l, self.c = max(self.h, price), min(self.l, price), price
        self.v += volume


class ContractHistory:
    def __init__(self, start_ticks: int, started: datetime, seed: int, contract_id: str) -> None:
        self._start_ticks = start_ticks
        self._started = int(started.timestamp()) // 60 * 60
        self._seed = seed ^ zlib.crc32(contract_id.encode())
        self._past: list[Bar] | None = None
        self.minutes: list[Bar] = []
        self.seconds: deque[Bar] = deque(maxlen=SECONDS_KEPT)

    def record(self, at: datetime, price: int, volume: int) -> None:
        sec = int(at.timestamp())
        for series, size in ((self.seconds, 1), (self.minutes, 60)):
            start = sec // size * size
            if series and series[-1].t == start:
                series[-1].add(price, volume)
            elif not series or series[-1].t < start:
                series.append(Bar(start, price, price, price, price, volume))

    def past(self) -> list[Bar]:
        """Synthetic 1-minute bars before the start (oldest first), ending at the start price."""
        if self._past is None:
            rng = random.Random(self._seed)
            n = PAST_DAYS * 1440
            closes = [self._start_ticks]
            for _ in range(n - 1):
                closes.append(closes[-1] - rng.choice((-2, -1, -1, 0, 0, 1, 1, 2)))
            closes.reverse()
            bars, prev = [], closes[0]
            for i, c in enumerate(closes):
                wick = rng.randint(0, 2)
                bars.append(Bar(self._started - (n - i) * 60, prev, max(prev, c) + wick, min(prev, c) - wick,
                                c, rng.randint(5, 400)))
                prev = c
            self._past = bars
        return self._past

    def base(self, unit_seconds: int) -> list[Bar]:
        """The finest recorded bars to aggregate ``unit_seconds`` bars from."""
        if unit_seconds < 60:
            return list(self.seconds)
        return self.past() + self.minutes


UNIT_SECONDS = {1: 1, 2: 60, 3: 3600, 4: 86400, 5: 7 * 86400}  # 6 (month) is calendar-based


def bucket(t: int, unit: int, number: int) -> int:
    """The start (epoch seconds, UTC) of the bar of ``number`` x ``unit`` that contains ``t``."""
    if unit == 6:
        d = datetime.fromtimestamp(t, UTC)
        months = (d.year * 12 + d.month - 1) // number * number
        return int(datetime(months // 12, months % 12 + 1, 1, tzinfo=UTC).timestamp())
    if unit == 5:  # weeks start on Monday
        monday = t - (t + 3 * 86400) % (7 * 86400)
        return monday - (monday // (7 * 86400) % number) * 7 * 86400
    size = UNIT_SECONDS[unit] * number
    return t // size * size


def aggregate(bars: list[Bar], unit: int, number: int, start: int, end: int, now: int,
              include_partial: bool) -> list[Bar]:
    """Bars of ``number`` x ``unit`` whose start lies in [start, end), oldest first."""
    out: list[Bar] = []
    for b in bars:
        if b.t < start - UNIT_SECONDS.get(unit, 31 * 86400) * number or b.t >= end:
            continue
        t = bucket(b.t, unit, number)
        if out and out[-1].t == t:
            cur = out[-1]
            cur.h, cur.l, cur.c, cur.v = max(cur.h, b.h), min(cur.l, b.l), b.c, cur.v + b.v
        else:
            out.append(Bar(t, b.o, b.h, b.l, b.c, b.v))
    out = [b for b in out if start <= b.t < end]
    if out and not include_partial and _next_bucket(out[-1].t, unit, number) > now:
        out.pop()  # still forming
    return out


def _next_bucket(t: int, unit: int, number: int) -> int:
    if unit == 6:
        d = datetime.fromtimestamp(t, UTC)
        months = d.year * 12 + d.month - 1 + number
        return int(datetime(months // 12, months % 12 + 1, 1, tzinfo=UTC).timestamp())
    return t + UNIT_SECONDS[unit] * number


def iso(t: int) -> str:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=t)).isoformat()
