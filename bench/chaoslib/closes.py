"""Every close and partial close the daemon made, judged on the simulator's fills: was there a reason at the
moment it landed, and did it leave the position at (not under) the limit it enforced?

A partial close that leaves the account under its limit on the simulator's order of fills is judged once
more on what the daemon had seen when it decided (``Decision``: the event it judged, from the journal): the
trader's own exit may reach the gateway while the daemon's reduction, sized on the count before it, is on
its way (no request can be conditional on the other). Exact on that view, it is counted as a race
(``names.RACED``), not as an over-reduction; under the limit even on that view, it fails.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import names
from .checks import GRACE, Limits, Tally, lock_covers, signed, unrealized
from .gateway import Fill
from .reference import Lock

Quote = tuple[datetime, str, float, float]


@dataclass(frozen=True)
class Decision:
    """A reduction the daemon decided: at ``at``, judging the event stamped ``seen`` (every fill stamped
    up to then had reached it: one ordered stream), ``symbol`` from ``size_from`` to ``size_to``."""

    account: str
    symbol: str
    at: datetime
    seen: datetime
    size_from: int
    size_to: int


def decisions(db: Path) -> list[Decision]:
    """The journal's reduce_position actions, each with the time of the violation it acted on."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        rows = conn.execute("SELECT body FROM journal WHERE type IN ('violation', 'action') ORDER BY seq")
        bodies = [json.loads(r[0]) for r in rows.fetchall()]
    out, seen = [], dict[str, datetime]()
    for b in bodies:
        if b["type"] == "violation":
            seen[b["account"]] = datetime.fromisoformat(b["at"])
        elif b.get("action") == "reduce_position" and b["account"] in seen:
            acct = b["account"]
            out.append(Decision(acct, b["symbol"], datetime.fromisoformat(b["at"]), seen[acct],
                                int(b["from"]), int(b["to"])))
    return out


def check_closes(t: Tally, account: str, fills: list[Fill], ref: list[Lock], quotes: list[Quote],
                 limits: Limits, decided: list[Decision] | None = None) -> None:
    pos: dict[str, int] = {}
    opened: dict[str, list[Fill]] = {}
    for f in fills:
        s, before = f.symbol, pos.get(f.symbol, 0)
        after = before + signed(f)
        if not f.by_trader:
            _judge(t, account, f, before, after, pos, opened.get(s, []), ref, quotes, limits,
                   lambda f=f: _exact_on_view(account, f, fills, decided or [], limits))
        pos[s] = after
        if after == 0:
            opened[s] = []
        elif before == 0 or (before > 0) != (after > 0):
            opened[s] = [f]
        else:
            opened[s] = [*opened.get(s, []), f]


def _judge(t: Tally, account: str, f: Fill, before: int, after: int, pos: dict[str, int], opened: list[Fill],
           ref: list[Lock], quotes: list[Quote], limits: Limits, exact_on_view: Callable[[], bool]) -> None:
    s = f.symbol
    where = f"{account} {f.at:%H:%M:%S.%f} {f.side.name} {f.size} {s}: {before} -> {after}"
    total_before = sum(abs(v) for v in pos.values())
    total_after = total_before - abs(before) + abs(after)
    lim = limits.per_instrument.get(s, 10**6)
    excess = abs(before) > lim or total_before > limits.max_contracts
    locked = any(lock_covers(x, account, s, f.at, opened) for x in ref)
    flipped = before != 0 and after != 0 and (before > 0) != (after > 0)
    if before == 0 or flipped:
        t.add(names.OVER_REDUCTION, False, f"{where}: not a reduction")
        return
    if after != 0:  # a partial close: reduce-to-limit (or the kill switch trimming fills made while locked)
        if not (excess or locked):
            t.add(names.STALE_CLOSE, False, f"{where}: no excess, no lockout")
            return
        t.add(names.STALE_CLOSE, True)
        ok = locked or abs(after) >= lim or total_after >= limits.max_contracts
        if not ok and exact_on_view():
            t.add(names.RACED, True)
            return
        t.add(names.OVER_REDUCTION, ok,
              f"{where}: left {abs(after)} (limit {lim}), account {total_after} "
              f"(limit {limits.max_contracts})")
        return
    reason = (s in limits.blocked or excess or locked
              or _unrealized_breached(s, before, opened, f.at, quotes, limits.unrealized))
    t.add(names.STALE_CLOSE, reason,
          f"{where}: no lockout, no excess, no unrealized breach in the last {GRACE.total_seconds():g} s"
          + _ended(account, opened, ref))


def _exact_on_view(account: str, close: Fill, fills: list[Fill], decided: list[Decision],
                   limits: Limits) -> bool:
    """The reduction behind ``close`` (the last one decided on its symbol before it landed) left the
    position at or above its limit on the fills the daemon had seen: those stamped up to the event it judged.
    """
    d = next((d for d in reversed(decided) if d.account == account and d.symbol == close.symbol
              and d.at <= close.at and d.size_from - d.size_to == close.size), None)
    if d is None:
        return False
    view: dict[str, int] = {}
    for f in fills:
        if f.at <= d.seen:
            view[f.symbol] = view.get(f.symbol, 0) + signed(f)
    if abs(view.get(close.symbol, 0)) != d.size_from:
        return False  # not the view it decided on: no excuse
    total_after = sum(abs(v) for v in view.values()) - close.size
    return d.size_to >= limits.per_instrument.get(close.symbol, 10**6) or total_after >= limits.max_contracts


def _ended(account: str, opened: list[Fill], ref: list[Lock]) -> str:
    """Name a lockout, since ended, during which a fill of this position was made (a late close of it)."""
    for x in ref:
        if x.account == account and x.until is not None and any(
                f.by_trader and x.start < f.at < x.until and x.symbol in (None, f.symbol) for f in opened):
            return f" (a fill of it was made during {x.rule} that ended {x.until:%H:%M:%S.%f})"
    return ""


def _unrealized_breached(s: str, size: int, opened: list[Fill], at: datetime, quotes: list[Quote],
                         limit: float) -> bool:
    if not opened:
        return False
    held = [(f.price, abs(signed(f))) for f in opened if (signed(f) > 0) == (size > 0)]
    qty = sum(q for _, q in held) or 1
    avg = sum(p * q for p, q in held) / qty
    mine = [q for q in quotes if q[1] == s and q[0] <= at]
    window = [q for q in mine if q[0] >= at - GRACE]
    earlier = [q for q in mine if q[0] < at - GRACE][-1:]
    return any(unrealized(s, size, avg, bid, ask) <= limit for _, _, bid, ask in earlier + window)
