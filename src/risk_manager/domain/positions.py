"""Per-position state and the per-event change record the engine reads (kill switch, rule triggers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from risk_manager.domain.contracts import Contract


@dataclass(slots=True)
class PositionState:
    contract_id: str
    contract: Contract | None  # None = unknown contract: never valued with another's tick value
    size: int  # signed
    avg_price: float
    opened_at: datetime  # opened from flat or flipped
    unprotected_since: datetime | None = None  # no protective stop since (rule 008)
    mark: float | None = None
    unrealized: float | None = None
    best_mark: float | None = None  # most favourable mark since opened (rule 012 trailing)

    @property
    def root(self) -> str:
        return self.contract.root if self.contract else self.contract_id


@dataclass(frozen=True, slots=True)
class Delta:
    """What one event changed; the engine uses it for the kill switch and rule triggers."""

    contract_id: str | None = None
    before: int = 0  # signed size before
    after: int = 0  # signed size after
    counted: bool = False  # trade newly counted (not a duplicate / other day)
    duplicate: bool = False
    new_entry: bool = False  # this trade's order is a new "trade" for rule 006
