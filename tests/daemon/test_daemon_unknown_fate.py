"""A close that the gateway never answers (the adapter's bound passes) has an unknown fate: a critical alert,
DEGRADED, and a REST reconcile that reads the positions again; the problem clears once it has."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from daemon_helpers import FAST, MNQ, config, connector, paper_setup

from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import build_daemon
from risk_manager.domain.enums import OrderType, Side
from support import until


async def test_a_close_never_answered_is_critical_degraded_and_reconciled(tmp_path: Path) -> None:
    paper, port, stream = paper_setup(hang=0.3)
    opts = DaemonOptions(data_dir=tmp_path, policy=replace(FAST, mutation_timeout=0.05), reconcile_every=60)
    cfg = config("  symbol_blocks: {enabled: true, blocked: [MNQ]}\n")
    d = await build_daemon(cfg, connector(port, stream), opts)
    try:
        port.faults = ["unknown"]
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 1)  # blocked: closed (re-sent at once: locked)
        assert await until(lambda: not [p for p in paper.positions(1) if p.size])
        assert await until(lambda: d.health.failures > 0, within=2.0)
        assert await until(lambda: not d.health.degraded)  # reconciled
        d.journal.dispatch(force=True)
        d.writer.flush()
        alerts = [r for r in d.store.journal_tail(100) if r["type"] == "alert"]
        unknown = [a for a in alerts if "fate is unknown" in a["message"]]
        assert [a["level"] for a in unknown] == ["critical", "info"]  # DEGRADED, then cleared by a reconcile
        assert unknown[0]["message"].startswith("DEGRADED: PRAC-1: close_position")
        assert unknown[1]["message"].startswith("recovered:")
    finally:
        await d.stop()
