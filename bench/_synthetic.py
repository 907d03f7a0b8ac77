"""A synthetic busy trading day for the engine benchmark: seeded traders on the paper broker.

Generated once with the real engine and paper executor in the loop (breaches are enforced as in replay)
and recorded as exactly what the engine saw: accounts, events, deadline firings, executor reports. Timed
runs replay that into fresh engines, so they measure the engine alone and must reproduce the journal.
"""

from __future__ import annotations

import contextlib
import random
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from risk_manager.broker.paper import PaperBroker, PaperRejection
from risk_manager.clock import VirtualClock
from risk_manager.config import AccountConfig, Config, load_config
from risk_manager.domain.contracts import ContractBook, catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.domain.events import Event, PositionEvent, QuoteEvent
from risk_manager.enforcement.paper_executor import PaperExecutor
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal, Record

Q_OPEN, Q_FLAT, USER, FIRE, ACCOUNT, COMPLETE = range(6)  # step kinds (the first four are timed)
START = datetime(2026, 11, 18, 8, 30, tzinfo=ZoneInfo("America/Chicago"))  # a Wednesday
DAY_SECONDS = 6.5 * 3600 - 60  # the last quote a minute before the session end
BASES = {"ES": 6000.0, "MNQ": 21000.0, "CL": 70.0, "GC": 2650.0}  # GC is quoted, never traded
TRADED, QUOTED = {"ES": 2, "MNQ": 4, "CL": 2}, list(BASES)  # root -> most contracts per entry

CONFIG = Path(__file__).with_name("engine_throughput.yaml")  # all 13 rules on


@dataclass
class Day:
    config: Config
    steps: list[tuple[int, Any]] = field(default_factory=list)  # (kind, event | deadline bound | account)
    journal: list[Record] = field(default_factory=list)
    valued: int = 0  # (quote, account holding the contract) pairs: the quote path's real unit of work
    user_events: int = 0


class _Generator:
    def __init__(self, accounts: int, seed: int) -> None:
        self.rng = random.Random(seed)
        config = load_config(CONFIG)
        names = [AccountConfig(name=f"BENCH-{i + 1}") for i in range(accounts)]
        self.day = Day(config.model_copy(update={"accounts": names}))
        self.clock, self.journal, book = VirtualClock(START), ListJournal(), ContractBook.builtin()
        self.engine = build_engine(self.day.config, self.journal, book)
        self.broker = b = PaperBroker(book, self.clock.now)
        self.executor = PaperExecutor(b, self._complete)
        self.queue: deque[Event] = deque()
        b.subscribe(self.queue.append)
        self.cid = {r: catalogue_contract(r).id for r in [*QUOTED, "RTY"]}
        self.root_of = {c: r for r, c in self.cid.items()}
        self.ticks = dict.fromkeys(QUOTED, 0)  # price offset from the base, in ticks
        self.engine.start(START)
        self.accounts = [b.add_account(f"BENCH-{i + 1}", 150_000.0, True, 0.37) for i in range(accounts)]
        self.day.steps += [(ACCOUNT, (a.id, a.name)) for a in self.accounts]
        for a in self.accounts:
            self.engine.add_account(a.id, a.name)
        self._drain()

    def _complete(self, account_id: int, key: str, sizes: dict[str, int] | None) -> None:
        self.day.steps.append((COMPLETE, (account_id, key, sizes)))  # the executor's report, replayed too
        self.engine.complete(account_id, key, sizes)

    def _drain(self, protect: bool = False) -> None:
        steps, states, opened = self.day.steps, self.engine.states.values(), set()
        while self.queue:
            ev = self.queue.popleft()
            if isinstance(ev, QuoteEvent):
                held = sum(ev.contract_id in st.positions for st in states)
                kind, self.day.valued = (Q_OPEN if held else Q_FLAT), self.day.valued + held
            else:
                kind, self.day.user_events = USER, self.day.user_events + 1
                if protect and isinstance(ev, PositionEvent) and ev.size:
                    opened.add((ev.account_id, ev.contract_id))
            steps.append((kind, ev))
            actions = self.engine.handle(ev)
            if actions:
                self.executor.execute(actions)
        for acct, cid in sorted(opened):  # a resting entry filled: the trader reacts
            with contextlib.suppress(PaperRejection):
                self._protect(acct, cid)
            self._drain()

    def at(self, t: datetime) -> None:
        """Move to ``t``, firing every deadline due by then at its own time (as replay does)."""
        while (d := self.engine.pop_due(t)) is not None:
            self.clock.set(max(d.at, self.clock.now()))
            self.day.steps.append((FIRE, t))
            actions = self.engine.fire(d)
            if actions:
                self.executor.execute(actions)
            self._drain()
        self.clock.set(t)

    def price(self, root: str, ticks: int) -> float:  # ticks away from the root's base price
        return round(BASES[root] + ticks * catalogue_contract(root).tick_size, 4)

    def quote(self, root: str) -> None:
        rng, t = self.rng, self.ticks[root]
        step = rng.choice((-1, 0, 0, 1)) if rng.random() > 0.002 else rng.choice((-12, 12))
        if rng.random() < abs(t) / 80:  # mean reverting: the day ranges, it does not trend away
            step -= 1 if t > 0 else -1
        self.ticks[root] = t = t + step
        bid = self.price(root, t)
        self.broker.on_quote(self.cid[root], bid, self.price(root, t + 1), bid)
        self._drain(protect=True)

    def act(self, acct: int) -> None:
        """One trader decision on one contract; a refusal (locked, already gone) is part of the day."""
        with contextlib.suppress(PaperRejection):
            self._act(acct, self.rng.choice(list(TRADED)))
        self._drain()

    def _position(self, acct: int, cid: str) -> tuple[int, float]:
        return next(((p.size, p.average_price) for p in self.broker.positions(acct) if p.contract_id == cid),
                    (0, 0.0))

    def _protect(self, acct: int, cid: str) -> None:
        """Put a protective stop on a position that has none (7 % forget: rule 008 closes those)."""
        (pos, _), root = self._position(acct, cid), self.root_of[cid]
        exit_side = Side.SELL if pos > 0 else Side.BUY
        if pos == 0 or self.rng.random() < 0.07 or any(
                o.contract_id == cid and o.type is OrderType.STOP and o.side is exit_side
                for o in self.broker.open_orders(acct)):
            return
        stop = self.price(root, self.ticks[root] + exit_side.sign * self.rng.randint(10, 24))
        self.broker.place_order(acct, cid, OrderType.STOP, exit_side, abs(pos), stop_price=stop)

    def _act(self, acct: int, root: str) -> None:
        b, rng, cid, t = self.broker, self.rng, self.cid[root], self.ticks[root]
        (pos, avg), mine = self._position(acct, cid), [o for o in b.open_orders(acct) if o.contract_id == cid]
        exit_side = Side.SELL if pos > 0 else Side.BUY
        stops = [o for o in mine if o.type is OrderType.STOP and o.side is exit_side]
        if rng.random() < 0.002:  # a blocked root (rule 011 cancels it) - or canTrade drops (rule 010)
            if rng.random() < 0.8:
                b.place_order(acct, self.cid["RTY"], OrderType.LIMIT, Side.BUY, 1, limit_price=2000.0)
            else:
                b.set_can_trade(acct, False)
                self._drain()
                b.set_can_trade(acct, True)
        elif pos == 0:
            for o in mine:  # leftovers of the last trade
                b.cancel_order(acct, o.id)
            # mostly against the day's move (the walk ranges, so this trader has a small edge)
            side = Side.BUY if (t < 0) == (rng.random() < 0.75) else Side.SELL
            size, kind = rng.randint(1, TRADED[root]), rng.random()
            if kind < 0.6:
                b.place_order(acct, cid, OrderType.MARKET, side, size)
                self._drain()
                self._protect(acct, cid)
            else:  # a limit below / a stop above the market (for a buy)
                away = rng.randint(1, 4) * (side.sign if kind < 0.9 else -side.sign)
                px = self.price(root, t + (1 if side is Side.BUY else 0) - away)
                typ = OrderType.LIMIT if kind < 0.9 else OrderType.STOP
                b.place_order(acct, cid, typ, side, size, limit_price=px, stop_price=px)
        elif not stops:
            self._protect(acct, cid)
        elif stops[0].size != abs(pos):
            b.modify_order(acct, stops[0].id, size=abs(pos))
        elif (r := rng.random()) < 0.3 and abs(pos) <= TRADED[root]:  # scale in
            b.place_order(acct, cid, OrderType.MARKET, Side(1 - exit_side), 1 if rng.random() < 0.9 else 2)
        elif r < 0.8 and (self.price(root, t) - avg) * pos < 2 * catalogue_contract(root).tick_size:
            pass  # losers (under 2 ticks of profit) are left to their stop
        elif r < 0.55 and abs(pos) > 1:  # partial exit, the stop follows
            b.place_order(acct, cid, OrderType.MARKET, exit_side, 1)
            b.modify_order(acct, stops[0].id, size=abs(pos) - 1)
        elif r < 0.8:  # out, and the stop with it
            b.place_order(acct, cid, OrderType.MARKET, exit_side, abs(pos))
            b.cancel_order(acct, stops[0].id)
        elif len(mine) == len(stops):  # a take-profit limit that rests until the market comes
            tp = self.price(root, t - exit_side.sign * rng.randint(6, 20))
            b.place_order(acct, cid, OrderType.LIMIT, exit_side, 1, limit_price=tp)


def generate(quotes: int, events: int, accounts: int = 1, seed: int = 20261118) -> Day:
    """``quotes`` quotes over the session; traders act until about ``events`` user events per account."""
    g = _Generator(accounts, seed)
    for i in range(quotes):
        g.at(START + timedelta(seconds=DAY_SECONDS * (i + 1) / quotes))
        g.quote(QUOTED[i % 3] if i % 10 else "GC")
        while g.day.user_events < events * accounts * (i + 1) / quotes:  # they keep pace with the quotes
            g.act(g.rng.choice(g.accounts).id)
    g.at(START + timedelta(hours=6.5, minutes=5))  # past the session end: its timers fire
    g.day.journal = g.journal.records
    return g.day
