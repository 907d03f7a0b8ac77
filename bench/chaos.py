"""Chaos: the daemon SIGKILLed again and again, and the gateway failing in every way, while a random
trader trades; after every restart the daemon is checked against the simulator's truth.

    uv run python bench/chaos.py [--kills 100] [--seed 1] [--down-max 6] [--no-faults] [--keep]

`risk-manager sim` and `risk-manager run` each run in their own process (the daemon on its own temporary
data directory). The random trader (bench/chaoslib/trader.py) trades PRAC-1 through the simulator's REST
API, like the demo's tilted trader, and moves the market (the simulator's random walk is off). The daemon
is SIGKILLed ``--kills`` times, at three kinds of moment in turn: mid-activity, 0-15 ms after a
trader's fill, or 0-4 ms after the daemon's close request shows in the simulator's request log. It
stays down 0 to ``--down-max`` s while the trader keeps trading, then restarts. Then the fault matrix
runs on PRAC-2: hub drops, token revocation, feed silence, 500 and 429 bursts, and a hang on every
mutating endpoint.

After every restart: realized P&L and fees to the cent and the trade count against the simulator's trades;
the active lockouts (rule, exact end) against a crash-free replay of the same trades through the same
engine (the replay runner, at the trades' own times); locked ⇒ flat; the journal hash chain after every
kill. At the end: every lockout ever journaled against the replay's, and every close the daemon made
(no over-reduction, no close after its reason ended). Prints the table of checks; exit 1 if any failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chaoslib.run import Options, Result
from chaoslib.runner import run_chaos


def table(r: Result) -> str:
    rows = ["| check | pass | fail |", "|---|---:|---:|"]
    for check, (ok, bad) in sorted(r.tally.counts.items()):
        rows.append(f"| {check} | {ok} | {bad} |")
    return "\n".join(rows)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kills", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--down-max", type=float, default=6.0, help="longest downtime after a kill (s)")
    p.add_argument("--kill-minutes", type=float, default=float("inf"),
                   help="stop killing after this many minutes (a loaded machine restarts slowly)")
    p.add_argument("--no-faults", action="store_true", help="skip the fault matrix")
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, database)")
    a = p.parse_args()
    t0 = time.monotonic()
    r = asyncio.run(run_chaos(Options(kills=a.kills, seed=a.seed, down_max=a.down_max, faults=not a.no_faults,
                                      kill_minutes=a.kill_minutes,
                                      log=lambda s: print(s, flush=True))))
    kills = ", ".join(f"{n} {m}" for m, n in r.kills_by_mode.items())
    restart = f"{statistics.median(r.restart_ms):.0f} ms median" if r.restart_ms else "n/a"
    print(f"\nChaos: {sum(r.kills_by_mode.values())} SIGKILLs ({kills}); {r.restarts} restarts to PROTECTED "
          f"(spawn -> PROTECTED {restart}); {r.fills} fills; {r.lockouts} lockouts in the reference; "
          f"{time.monotonic() - t0:.0f} s; seed {a.seed}; Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores\n")
    print(table(r))
    for note in r.fault_notes:
        print(f"  {note}")
    failed = {c: d for c, d in r.tally.failures.items() if d}
    for check, details in failed.items():
        print(f"\nFAIL {check}:")
        for d in details:
            print(f"  - {d}")
    if failed or a.keep:
        print(f"\nwork directory kept: {r.workdir}")
    elif r.workdir is not None:
        shutil.rmtree(r.workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
