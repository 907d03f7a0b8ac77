"""The daemon hook: a breach on the paper connection reaches the (local) Discord stand-in, start-up noise
does not, and stopping the daemon stops the notifier."""

from __future__ import annotations

import sys
from pathlib import Path

from chat_server import chat_server

sys.path.insert(0, str(Path(__file__).parents[1] / "daemon"))  # reuse the daemon tests' paper plumbing
from daemon_helpers import FAST, MNQ, config, connector, paper_setup

from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import build_daemon
from risk_manager.domain.enums import OrderType, Side
from support import wait_until


async def test_a_breach_in_the_daemon_is_posted_once(tmp_path: Path) -> None:
    async with chat_server() as server:
        hook = server.base + "/api/webhooks/1/SECRET"
        cfg = config("  max_contracts: {enabled: true, limit: 2}\n"
                     f"notifications: {{discord_webhook: '{hook}'}}\n")
        paper, port, stream = paper_setup()
        opts = DaemonOptions(data_dir=tmp_path, policy=FAST, control=False)
        d = await build_daemon(cfg, connector(port, stream), opts)
        try:
            paper.place_order(1, MNQ, OrderType.MARKET, Side.BUY, 4)
            await wait_until(lambda: d.notifier.sent >= 1, within=5.0)
        finally:
            await d.stop()
        assert d.notifier._task is None  # stopped with the daemon
    texts = [b["content"] for b in server.paths("/api/webhooks/1/SECRET")]
    # one message: the 200 % "warning" of the same event is not news next to the reduction
    assert len(texts) == 1 and texts[0].startswith("PRAC-1 REDUCING")
    assert texts[0].endswith("4 -> 2 (max_contracts)")
