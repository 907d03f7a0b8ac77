"""Per-position state and the per-event change record the engine reads (kill switch, rule triggers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from risk_manager.domain.contracts import Contract
from risk_manager.domain.events import QuoteEvent
from risk_manager.domain.marks import MarkMode, mark_price, unrealized_pnl


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

    def revalue(self, q: QuoteEvent, mode: MarkMode) -> None:
        """Value the position at a quote: mark, unrealized P&L, the best mark since it opened."""
        if self.contract is None:
            return  # an unknown contract is never valued with another's tick value
        m = mark_price(q, self.size, mode)
        if m is None:
            return  # keep the last good value
        self.mark = m
        self.unrealized = unrealized_pnl(self.contract, self.size, self.avg_price, m)
        if self.best_mark is None or (m > self.best_mark if self.size > 0 else m < self.best_mark):
            self.best_mark = m


@dataclass(frozen=True, slots=True)
class Delta:
    """What one event changed; the engine uses it for the kill switch and rule triggers."""

    contract_id: str | None = None
    before: int = 0  # signed size before
    after: int = 0  # signed size after
    counted: bool = False  # trade newly counted (not a duplicate / other day)
    duplicate: bool = False
    new_entry: bool = False  # this trade's order is a new "trade" for rule 006
