"""Utilisation warnings: one per upward crossing of ``warn_at`` per rule (SPEC §6)."""

from __future__ import annotations


class WarningTracker:
    def __init__(self, warn_at: float) -> None:
        self.warn_at = warn_at
        # account id -> rules at or past warn_at; read-only for others (the engine's quote path skips
        # crossed() when a rule is below warn_at and not in here: nothing could change)
        self.above: dict[int, set[str]] = {}

    def crossed(self, account_id: int, rule: str, utilization: float) -> bool:
        """True exactly when ``utilization`` rises to or past ``warn_at`` from below."""
        above = self.above.get(account_id)
        if utilization >= self.warn_at:
            if above is None:
                self.above[account_id] = {rule}
                return True
            if rule in above:
                return False
            above.add(rule)
            return True
        if above:
            above.discard(rule)
        return False

    def reset(self) -> None:
        self.above.clear()
