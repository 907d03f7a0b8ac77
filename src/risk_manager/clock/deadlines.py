"""A pure deadline queue: key -> (UTC instant, payload), earliest first.

No clock and no I/O, so replay can drain it against a virtual clock (everything due between two scenario
lines fires at its own exact time) and the live scheduler can drive it against the wall clock.
Heap with lazy deletion: replacing or cancelling a key leaves a stale heap entry that is skipped later.
"""

from __future__ import annotations

import heapq
import itertools
from datetime import datetime
from typing import NamedTuple

from risk_manager.clock.clock import to_utc


class Deadline[P](NamedTuple):
    at: datetime
    key: str
    payload: P


class DeadlineQueue[P]:
    """Ordered by (at, insertion sequence); re-``set`` of a key counts as a new insertion."""

    def __init__(self) -> None:
        self._heap: list[tuple[datetime, int, str]] = []
        self._entries: dict[str, tuple[datetime, int, P]] = {}
        self._seq = itertools.count()

    def set(self, key: str, at: datetime, payload: P) -> None:
        """Schedule ``key`` at ``at`` (aware; stored as UTC), replacing any previous deadline of ``key``."""
        utc = to_utc(at)
        seq = next(self._seq)
        self._entries[key] = (utc, seq, payload)
        heapq.heappush(self._heap, (utc, seq, key))

    def cancel(self, key: str) -> bool:
        """Remove ``key``; True if it was scheduled."""
        return self._entries.pop(key, None) is not None

    def get(self, key: str) -> Deadline[P] | None:
        entry = self._entries.get(key)
        return None if entry is None else Deadline(entry[0], key, entry[2])

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def _prune(self) -> None:
        heap = self._heap
        while heap:
            _, seq, key = heap[0]
            entry = self._entries.get(key)
            if entry is not None and entry[1] == seq:
                return
            heapq.heappop(heap)

    def next(self) -> Deadline[P] | None:
        """The earliest deadline without removing it."""
        self._prune()
        if not self._heap:
            return None
        _, _, key = self._heap[0]
        at, _, payload = self._entries[key]
        return Deadline(at, key, payload)

    def pop_next(self, until: datetime) -> Deadline[P] | None:
        """Remove and return the earliest deadline if it is due (``at <= until``), else None."""
        nxt = self.next()
        if nxt is None or nxt.at > to_utc(until):
            return None
        heapq.heappop(self._heap)
        del self._entries[nxt.key]
        return nxt

    def pop_due(self, until: datetime) -> list[Deadline[P]]:
        """Remove and return every deadline with ``at <= until``, in time order (ties: insertion order)."""
        out: list[Deadline[P]] = []
        while (item := self.pop_next(until)) is not None:
            out.append(item)
        return out
