"""One chaos run, start to finish."""

from __future__ import annotations

import time

from .fault_cases import fault_matrix
from .kills import kill_phase
from .run import Chaos, Options, Result


async def run_chaos(opts: Options) -> Result:
    c = Chaos(opts)
    t0 = time.monotonic()
    try:
        await c.setup()
        opts.log(f"chaos: simulator {c.sim.base}, daemon on {c.tmp}; {opts.kills} kills "
                 f"(set-up {time.monotonic() - t0:.0f} s)")
        t1 = time.monotonic()
        await kill_phase(c)
        opts.log(f"  kill phase: {time.monotonic() - t1:.0f} s")
        if opts.faults:
            t1 = time.monotonic()
            await fault_matrix(c)
            opts.log(f"  fault matrix: {time.monotonic() - t1:.0f} s")
        await c.final_checks()
    finally:
        await c.close()
    c.result.seconds = time.monotonic() - t0
    return c.result
