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
        opts.log(f"chaos: simulator {c.sim.base}, daemon on {c.tmp}; {opts.kills} kills")
        await kill_phase(c)
        if opts.faults:
            await fault_matrix(c)
        await c.final_checks()
    finally:
        await c.close()
    c.result.seconds = time.monotonic() - t0
    return c.result
