"""The chaos benchmark, bounded for CI: >= 10 SIGKILLs of `risk-manager run` while a random trader trades,
then the whole fault matrix; every check of bench/chaos.py must hold (see bench/README.md).

One run (module fixture, real processes and sockets on 127.0.0.1), then one test per check, so a failing
check names itself. Every check must hold (none is expected to fail).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from chaoslib import names  # noqa: E402
from chaoslib.run import Options, Result  # noqa: E402
from chaoslib.runner import run_chaos  # noqa: E402

pytestmark = [pytest.mark.chaos, pytest.mark.e2e]
KILLS = 10


@pytest.fixture(scope="module")
def chaos_run(tmp_path_factory: pytest.TempPathFactory) -> Result:
    # down 0-1 s after each kill: the restart itself (spawn -> PROTECTED, seconds) adds to the time the
    # trader trades unseen, so there are trades while down and lockouts ending while down without more
    opts = Options(kills=KILLS, seed=12, down_max=1.0, workdir=tmp_path_factory.mktemp("chaos"), log=print)
    return asyncio.run(run_chaos(opts))


CHECKS = [
    names.RESTART, names.CHAIN, names.PNL, names.FEES, names.COUNT, names.ACTIVE_LOCKS, names.JOURNAL_LOCKS,
    names.LOCKED_FLAT, names.OVER_REDUCTION, names.STALE_CLOSE, *names.FAULTS,
]


@pytest.mark.parametrize("check", CHECKS)
def test_check_holds(chaos_run: Result, check: str) -> None:
    passed, failed = chaos_run.tally.counts.get(check, [0, 0])
    details = "\n".join(chaos_run.tally.failures.get(check, []))
    assert failed == 0, f"{check}: {failed} failure(s) (work dir {chaos_run.workdir}):\n{details}"
    if check in names.ALWAYS_EXERCISED:
        assert passed > 0, f"{check} was never exercised"


def test_the_run_is_what_ci_promises(chaos_run: Result) -> None:
    assert sum(chaos_run.kills_by_mode.values()) >= KILLS
    assert all(n > 0 for n in chaos_run.kills_by_mode.values()), chaos_run.kills_by_mode
    assert chaos_run.restarts >= KILLS
    assert chaos_run.lockouts > 0 and chaos_run.fills > 0
