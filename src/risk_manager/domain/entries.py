"""The day's trade count (rule 006 and its dashboard text): an order that opens or increases a position is
one "trade" at its first opening fill, however many partial fills it has; voiding every opening fill of an
order takes it back. Times are kept sorted, so "trades after t" is a binary search.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class EntryCount:
    orders: dict[int, datetime] = field(default_factory=dict)  # order id -> its first opening fill
    _times: list[datetime] = field(default_factory=list)  # sorted
    _fills: dict[int, int] = field(default_factory=dict)  # order id -> its counted opening fills

    def __len__(self) -> int:
        return len(self._times)

    def since(self, at: datetime) -> int:
        """Trades strictly after ``at``."""
        return len(self._times) - bisect_right(self._times, at)

    def add(self, order_id: int, at: datetime) -> bool:
        """Count an opening fill of ``order_id``; True if it made the order a new trade."""
        self._fills[order_id] = self._fills.get(order_id, 0) + 1
        if order_id in self.orders:
            return False  # a later partial fill of an order already counted
        self.orders[order_id] = at
        times = self._times
        if not times or at >= times[-1]:
            times.append(at)
        else:
            times.insert(bisect_right(times, at), at)
        return True

    def void(self, order_id: int) -> None:
        """A voided opening fill: once none of the order's opening fills stands, it is no trade at all."""
        left = self._fills.get(order_id, 0) - 1
        self._fills[order_id] = left
        at = self.orders.get(order_id)
        if left <= 0 and at is not None:
            del self.orders[order_id]
            self._times.remove(at)

    def clear(self) -> None:
        self.orders.clear()
        self._times.clear()
        self._fills.clear()
