"""The daemon's control wiring: status over HTTP, live reload (self-tested first), stop on request."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from daemon_helpers import FAST, MNQ, config, connector, paper_setup

from risk_manager.control.client import ControlClient
from risk_manager.daemon.control import SelfTestFailed
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import build_daemon
from risk_manager.domain.enums import OrderType, Side
from risk_manager.rules.max_contracts import MaxContracts
from support import until


async def test_status_reload_and_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paper, port, stream = paper_setup()
    d = await build_daemon(config("  max_contracts: {enabled: true, limit: 2}\n"), connector(port, stream),
               DaemonOptions(data_dir=tmp_path, policy=FAST))
    try:
        assert d.control is not None
        status = await asyncio.to_thread(ControlClient(d.control.endpoint).status)
        assert status["accounts"][0]["name"] == "PRAC-1"
        await d.apply_config(config("  max_contracts: {enabled: true, limit: 1}\n"))
        paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 2)
        assert await until(lambda: sum(p.size for p in paper.positions(1)) == 1)  # the new limit is live
        monkeypatch.setattr(MaxContracts, "evaluate", lambda self, event, ctx: [])
        with pytest.raises(SelfTestFailed, match="max_contracts"):
            await d.apply_config(config("  max_contracts: {enabled: true, limit: 5}\n"))
        assert d.config.rules.max_contracts.limit == 1  # nothing changed
        assert d.control.backend is not None
        await d.control.backend.stop()
        assert d.stop_requested.is_set()
    finally:
        await d.stop()
