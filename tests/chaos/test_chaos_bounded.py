"""The chaos benchmark, bounded for CI: >= 10 SIGKILLs of `risk-manager run` while a random trader trades,
then the whole fault matrix; every check of bench/chaos.py must hold (see bench/README.md).

One run (module fixture, real processes and sockets on 127.0.0.1), then one test per check, so a failing
check names itself. Checks that fail only because of a defect another change is fixing (issue 12) are
marked xfail(strict=False) with the issue item: they must pass once it lands.
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
    opts = Options(kills=KILLS, seed=12, down_max=3.0, workdir=tmp_path_factory.mktemp("chaos"), log=print)
    return asyncio.run(run_chaos(opts))


def _known(check: str, item: str) -> pytest.ParameterSet:
    return pytest.param(check, marks=pytest.mark.xfail(strict=False, reason=f"issue 12 item {item}"))


CHECKS = [
    names.RESTART, names.CHAIN, names.PNL, names.FEES, names.COUNT, names.ACTIVE_LOCKS, names.JOURNAL_LOCKS,
    names.LOCKED_FLAT, names.OVER_REDUCTION, names.STALE_CLOSE, *names.FAULTS,
]
# check -> the issue 12 item(s) that make it fail on main today (seen in runs against main, see
# bench/README.md); strict=False: each must pass once its fix lands, and then shows as XPASS.
LATE = "12.2/12.3: after a restart, a trade judged late ignores the cooldown running at its own time"
KNOWN: dict[str, str] = {
    names.ACTIVE_LOCKS: LATE,
    names.JOURNAL_LOCKS: LATE,
    names.LOCKED_FLAT: LATE + " (the lockouts it judges by diverge)",
    names.STALE_CLOSE: "12.1 (a hung close lands after its reason ended), 12.2/12.4 (a restart closes a "
                       "position no running lockout covers, e.g. the fill a frequency cooldown spares)",
    names.FAULTS[6]: "12.5: each 429 on the position re-read costs 5 s",
    names.FAULTS[7]: "12.1: a hung partial close lands after the re-sent one (6 -> 2, limit 4)",
    names.FAULTS[8]: "12.1: a hung flatten lands after the cooldown, on the trader's new position",
}


@pytest.mark.parametrize("check", [_known(c, KNOWN[c]) if c in KNOWN else c for c in CHECKS])
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
