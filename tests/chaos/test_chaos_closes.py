"""The chaos harness's close checks (bench/chaoslib/closes.py), on hand-made fills: no processes.

A reduction the daemon sized on the account count while the trader's own exit was on its way to the
gateway is exact on what the daemon had seen (counted as a race); one sized on a view that already held
the exit is an over-reduction.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from chaoslib import names
from chaoslib.checks import Tally
from chaoslib.closes import Decision, check_closes
from chaoslib.config import LIMITS
from chaoslib.gateway import Fill

from risk_manager.domain.enums import Side

T0 = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


def at(ms: float) -> datetime:
    return T0 + timedelta(milliseconds=ms)


FILLS = [
    Fill(1, at(0), "MES", Side.BUY, 3, 6000.0, None, 0.37, True),
    Fill(2, at(100), "MNQ", Side.BUY, 5, 21000.0, None, 0.37, True),  # MNQ 5 > 4, account 8 > 6
    Fill(3, at(101), "MES", Side.SELL, 3, 6000.0, 0.0, 0.37, True),  # the trader's exit, in flight
    Fill(4, at(104.5), "MNQ", Side.SELL, 2, 21000.0, 0.0, 0.37, False),  # the daemon's MNQ 5 -> 3
]


def run(seen: datetime) -> Tally:
    t = Tally()
    decided = [Decision("PRAC-1", "MNQ", at(102), seen, 5, 3)]
    check_closes(t, "PRAC-1", FILLS, [], [], LIMITS, decided)
    return t


def test_a_reduction_exact_on_the_daemons_view_is_a_race_not_an_over_reduction() -> None:
    t = run(seen=at(100))  # it judged the MNQ fill's event: MES 3 + MNQ 5 = 8 -> 6
    assert t.counts[names.RACED] == [1, 0]
    assert t.counts[names.OVER_REDUCTION] == [0, 0]


def test_a_reduction_under_the_limit_on_the_daemons_own_view_fails() -> None:
    t = run(seen=at(101))  # it had seen the exit: MNQ 5 alone, 5 -> 3 is under both limits
    assert t.counts[names.OVER_REDUCTION] == [0, 1]
    assert names.RACED not in t.counts


def test_without_its_decision_in_the_journal_it_fails() -> None:
    t = Tally()
    check_closes(t, "PRAC-1", FILLS, [], [], LIMITS, [])
    assert t.counts[names.OVER_REDUCTION] == [0, 1]
