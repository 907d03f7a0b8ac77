"""Utilisation warnings: one per upward crossing of ``warn_at`` per rule (SPEC §6)."""

from __future__ import annotations


class WarningTracker:
    def __init__(self, warn_at: float) -> None:
        self.warn_at = warn_at
        self._above: set[tuple[int, str]] = set()

    def crossed(self, account_id: int, rule: str, utilization: float) -> bool:
        """True exactly when ``utilization`` rises to or past ``warn_at`` from below."""
        key = (account_id, rule)
        if utilization >= self.warn_at:
            if key in self._above:
                return False
            self._above.add(key)
            return True
        self._above.discard(key)
        return False

    def reset(self) -> None:
        self._above.clear()
