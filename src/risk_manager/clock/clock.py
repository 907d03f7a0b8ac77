"""Injectable clocks: core logic never calls ``datetime.now()`` itself.

Every clock returns aware UTC datetimes, so comparisons and arithmetic never mix offsets.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Source of the current instant."""

    def now(self) -> datetime:
        """Current time, timezone-aware, in UTC."""
        ...


def to_utc(at: datetime) -> datetime:
    """Normalise an aware datetime to UTC; naive datetimes are a bug, so they raise."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed: {at!r}")
    return at.astimezone(UTC)


class SystemClock:
    """Real wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """Manually driven clock for replay and tests. It only moves forward."""

    def __init__(self, start: datetime) -> None:
        self._now = to_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        """Move to ``at`` (same instant allowed); moving backwards raises ``ValueError``."""
        target = to_utc(at)
        if target < self._now:
            raise ValueError(
                f"virtual clock cannot go backwards: {target.isoformat()} < {self._now.isoformat()}"
            )
        self._now = target

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (>= 0) and return the new time."""
        if delta < timedelta(0):
            raise ValueError(f"virtual clock cannot go backwards: advance({delta})")
        self._now = self._now + delta
        return self._now
