"""Every close and partial close the daemon made, judged on the simulator's fills: was there a reason at the
moment it landed, and did it leave the position at (not under) the limit it enforced?"""

from __future__ import annotations

from datetime import datetime

from . import names
from .checks import GRACE, Limits, Tally, lock_covers, signed, unrealized
from .gateway import Fill
from .reference import Lock

Quote = tuple[datetime, str, float, float]


def check_closes(t: Tally, account: str, fills: list[Fill], ref: list[Lock], quotes: list[Quote],
                 limits: Limits) -> None:
    pos: dict[str, int] = {}
    opened: dict[str, list[Fill]] = {}
    for f in fills:
        s, before = f.symbol, pos.get(f.symbol, 0)
        after = before + signed(f)
        if not f.by_trader:
            _judge(t, account, f, before, after, pos, opened.get(s, []), ref, quotes, limits)
        pos[s] = after
        if after == 0:
            opened[s] = []
        elif before == 0 or (before > 0) != (after > 0):
            opened[s] = [f]
        else:
            opened[s] = [*opened.get(s, []), f]


def _judge(t: Tally, account: str, f: Fill, before: int, after: int, pos: dict[str, int], opened: list[Fill],
           ref: list[Lock], quotes: list[Quote], limits: Limits) -> None:
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
        t.add(names.OVER_REDUCTION, ok,
              f"{where}: left {abs(after)} (limit {lim}), account {total_after} "
              f"(limit {limits.max_contracts})")
        return
    reason = (s in limits.blocked or excess or locked
              or _unrealized_breached(s, before, opened, f.at, quotes, limits.unrealized))
    t.add(names.STALE_CLOSE, reason,
          f"{where}: no lockout, no excess, no unrealized breach in the last {GRACE.total_seconds():g} s"
          + _ended(account, opened, ref))


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
