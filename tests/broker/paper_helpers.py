"""Shared helpers for the paper broker tests (unique module name: tests run without packages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from risk_manager.domain.contracts import catalogue_contract

MNQ = catalogue_contract("MNQ").id  # tick 0.25 = $0.50
ES = catalogue_contract("ES").id  # CON.F.US.EP.Z26, tick 0.25 = $12.50
T0 = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


class ManualClock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


