"""The checks, each against the simulator's truth or the crash-free reference, counted pass / fail."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import Side
from risk_manager.store.store import Store

from . import names
from .gateway import Fill
from .reference import Lock, locks_from_records

EDGE = timedelta(seconds=0.5)  # a lock starting or ending this close to a check's instant is not judged
GRACE = timedelta(seconds=2.0)  # a close may land this long after the decision that sent it
SPARING = {"trade_frequency_limit"}  # rules whose lockout spares the fill that started it (no flatten)


@dataclass
class Tally:
    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, check: str, ok: bool, detail: str = "") -> bool:
        self.counts[check][0 if ok else 1] += 1
        if not ok and len(self.failures[check]) < 8:
            self.failures[check].append(detail)
        return ok


@dataclass(frozen=True)
class Limits:
    max_contracts: int
    per_instrument: dict[str, int]
    unrealized: float
    blocked: frozenset[str]


def cents(x: float) -> int:
    return round(x * 100)


def check_money(t: Tally, account: str, status: dict[str, Any], fills: list[Fill], stored: int) -> bool:
    """``status`` and ``stored`` (the daemon's stored trade count) are read before ``fills``: all the daemon
    saw is then among ``fills``, so a lag shows as less (the caller retries), a double count as more."""
    pnl = status.get("pnl") or {}
    want_pnl = sum(f.pnl or 0.0 for f in fills)
    want_fees = sum(f.fees for f in fills)
    ok = t.add(names.PNL, cents(pnl.get("realized") or 0.0) == cents(want_pnl),
               f"{account}: daemon {pnl.get('realized')} vs simulator {want_pnl:.2f}")
    ok &= t.add(names.FEES, cents(pnl.get("fees") or 0.0) == cents(want_fees),
                f"{account}: daemon {pnl.get('fees')} vs simulator {want_fees:.2f}")
    ok &= t.add(names.COUNT, stored == len(fills),
                f"{account}: daemon stored {stored} trades vs simulator {len(fills)}")
    return ok


def stored_trades(db: Path, account: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        row = conn.execute("SELECT COUNT(*) FROM trades WHERE account = ? AND voided = 0",
                           (account,)).fetchone()
    return int(row[0])


def journal_chain(t: Tally, db: Path, when: str) -> None:
    store = Store.open(db)
    try:
        ok, bad = store.verify_journal()
    finally:
        store.close()
    t.add(names.CHAIN, ok, f"{when}: first bad seq {bad}")


def daemon_locks(account: str, status: dict[str, Any]) -> list[Lock]:
    return [Lock(account, str(x["rule"]), x.get("symbol"), datetime.fromisoformat(x["since"]),
                 None if x.get("until") is None else datetime.fromisoformat(x["until"]))
            for x in status.get("lockouts", [])]


def _judgeable(lock: Lock, at: datetime) -> bool:
    near_start = abs(lock.start - at) < EDGE
    near_end = lock.until is not None and abs(lock.until - at) < EDGE
    return not near_start and not near_end


def check_active_locks(t: Tally, account: str, live: list[Lock], ref: list[Lock], at: datetime) -> None:
    want = {x.key() for x in ref if x.account == account and x.active(at) and _judgeable(x, at)}
    got = {x.key() for x in live if _judgeable(x, at)}
    t.add(names.ACTIVE_LOCKS, want == got,
          f"{account} at {at:%H:%M:%S.%f}: missing {_fmt(want - got)}; extra {_fmt(got - want)}")


def check_journal_locks(t: Tally, db: Path, ref: list[Lock]) -> None:
    """Every lockout the daemon ever journaled vs every lockout the reference took (rule, symbol, end)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        rows = conn.execute("SELECT body FROM journal WHERE type = 'lockout'").fetchall()
    live = {x.key() for x in locks_from_records([json.loads(r[0]) for r in rows])}
    want = {x.key() for x in ref}
    for k in sorted(want | live, key=str):
        t.add(names.JOURNAL_LOCKS, k in want and k in live,
              f"{'missing' if k in want else 'extra'} {_fmt({k})}")


def _fmt(keys: set[tuple[str, str, str | None, datetime | None]]) -> str:
    return ", ".join(f"{r}{'/' + s if s else ''} until {u and u.strftime('%H:%M:%S.%f')}"
                     for _, r, s, u in sorted(keys, key=str)) or "none"


def lock_covers(lock: Lock, account: str, symbol: str, at: datetime, opened: list[Fill]) -> bool:
    """Does ``lock`` justify closing the position (opened by ``opened``, trader fills) at ``at``?"""
    if lock.account != account or (lock.symbol is not None and lock.symbol != symbol):
        return False
    if not (lock.start <= at and (lock.until is None or at <= lock.until + GRACE)):
        return False
    if lock.rule in SPARING:  # only fills made after the lock started are closed; the first is spared
        return any(f.by_trader and f.at > lock.start and (lock.until is None or f.at < lock.until)
                   for f in opened)
    return True


def check_locked_flat(t: Tally, account: str, ref: list[Lock], positions: dict[str, int],
                      fills: list[Fill], at: datetime) -> None:
    """No position a running lockout must close: none under a flattening one; under one that spares (the
    fill that started it and what was held then stay), nothing beyond what was held when it started."""
    active = [x for x in ref if x.account == account and x.active(at) and _judgeable(x, at)]
    if not active:
        return
    for symbol in sorted({*positions, *[f.symbol for f in fills]}):
        opened = since_flat(fills, symbol)
        size = positions.get(symbol, 0)
        bad = [x for x in active if size and lock_covers(x, account, symbol, at, opened)
               and not (x.rule in SPARING and _within(size, held_at(fills, symbol, x.start)))]
        t.add(names.LOCKED_FLAT, not bad,
              f"{account} at {at:%H:%M:%S.%f}: {positions.get(symbol)} {symbol} under {bad[:1]}")


def held_at(fills: list[Fill], symbol: str, at: datetime) -> int:
    """Signed position in ``symbol`` right after the fills made at or before ``at``."""
    return sum(signed(f) for f in fills if f.symbol == symbol and f.at <= at)


def _within(size: int, held: int) -> bool:
    return held != 0 and (size > 0) == (held > 0) and abs(size) <= abs(held)


def since_flat(fills: list[Fill], symbol: str) -> list[Fill]:
    """The fills of the current position in ``symbol`` (since it was last flat)."""
    pos, out = 0, list[Fill]()
    for f in fills:
        if f.symbol != symbol:
            continue
        pos += f.size if f.side == Side.BUY else -f.size
        out = [] if pos == 0 else [*out, f]
    return out


def signed(f: Fill) -> int:
    return f.size if f.side == Side.BUY else -f.size


def unrealized(symbol: str, size: int, avg: float, bid: float, ask: float) -> float:
    c = catalogue_contract(symbol)
    mark = bid if size > 0 else ask
    return (mark - avg) * size * c.tick_value / c.tick_size
