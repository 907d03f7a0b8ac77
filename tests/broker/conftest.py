"""Fixtures for the paper broker tests: a hand-driven clock, the built-in book, an event recorder."""

from __future__ import annotations

import pytest
from paper_helpers import ES, MNQ, ManualClock

from risk_manager.broker.paper import PaperBroker
from risk_manager.domain.contracts import ContractBook
from support import Recorder


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def paper(clock: ManualClock, rec: Recorder) -> PaperBroker:
    broker = PaperBroker(ContractBook.builtin(), clock)
    broker.subscribe(rec)
    return broker


@pytest.fixture
def acct(paper: PaperBroker, rec: Recorder) -> int:
    """Account 1 with MNQ quoted 21000.00 / 21000.25 and ES 6000.00 / 6000.25; recorder cleared."""
    info = paper.add_account("PRAC-1")
    paper.on_quote(MNQ, 21000.00, 21000.25, 21000.00)
    paper.on_quote(ES, 6000.00, 6000.25, 6000.00)
    rec.clear()
    return info.id
