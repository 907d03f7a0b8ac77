"""What the engine's parts need of the engine, as narrow read-only views (so none of them imports it).

``Engine`` satisfies both; each part is handed the engine as the one view it needs.
"""

from __future__ import annotations

from typing import Protocol

from risk_manager.engine.lockouts import Lockouts
from risk_manager.engine.records import JournalWriter, RecordMaker
from risk_manager.engine.warnings import WarningTracker
from risk_manager.rules.base import SessionLike, TradingDayLike


class Journaling(Protocol):
    """Where decisions are written, and how their records are made."""

    @property
    def journal(self) -> JournalWriter: ...
    @property
    def make(self) -> RecordMaker: ...
    @property
    def locks(self) -> Lockouts: ...


class Judging(Journaling, Protocol):
    """What running the rules needs: lockouts (a rule under its own sits out) and the warning tracker."""

    @property
    def warnings(self) -> WarningTracker: ...


class Deciding(Journaling, Protocol):
    """What deciding needs: the lockouts and the calendar a lockout's end is computed on (a reload may
    replace the calendar, so it is read on each decision, never kept)."""

    @property
    def td(self) -> TradingDayLike: ...
    @property
    def session(self) -> SessionLike | None: ...
