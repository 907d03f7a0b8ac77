"""The gateway's per-group rate limit against the daemon's one request budget across all accounts: a
simultaneous breach on every account is enforced without a single 429."""

from __future__ import annotations

from pathlib import Path

import pytest

from risk_manager.config import load_config_text
from risk_manager.daemon.connect import projectx_connector
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import build_daemon
from risk_manager.domain.enums import OrderType, Side
from risk_manager.sim import SimOptions, SimServer
from support import until
from support.daemon_rig import CREDS, cid, config_yaml

pytestmark = pytest.mark.e2e
NAMES = [f"ACCT-{i}" for i in range(1, 7)]


async def test_a_breach_on_every_account_stays_inside_the_gateway_limit(tmp_path: Path) -> None:
    # A scaled-down gateway: 20 requests / 4 s per token (live: 200 / 60 s); the daemon budgets 16 / 4 s.
    opts = SimOptions(port=0, accounts=NAMES, quote_rate=4.0, rate_limit=20, rate_window=4.0)
    async with SimServer(opts) as sim:
        sim.feed.walk = False
        text = config_yaml(sim, "  daily_unrealized_loss: {enabled: true, limit: -50}\n")
        text = text.replace("accounts: [{name: PRAC-1}]", "accounts: [" + ", ".join(
            f"{{name: {n}}}" for n in NAMES) + "]")
        cfg = load_config_text(text)
        d = await build_daemon(cfg, projectx_connector(cfg, CREDS),
                               DaemonOptions(data_dir=tmp_path / "data", rate_limit=16, rate_window=4.0))
        try:
            b, mnq = sim.broker, cid("MNQ")
            sim.feed.set_price(mnq, bid=21000.0, ask=21000.25)
            ids = [sim.account_id(n) for n in NAMES]
            for acct in ids:
                b.place_order(acct, mnq, OrderType.MARKET, Side.BUY, 1)
            sim.feed.set_price(mnq, bid=20900.0, ask=20900.25)  # -200.50 on every account at once
            assert await until(lambda: all(not b.positions(a) for a in ids), within=30)
            assert sim.limiter.default.rejected == 0  # never a 429
            assert d.budget.waited > 0  # the budget, not luck, kept it inside
            statuses = {r.status for r in sim.log.records(None) if r.endpoint.lower().startswith("position/")}
            assert 429 not in statuses
        finally:
            await d.stop()
