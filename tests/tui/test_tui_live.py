"""The dashboard against the real control stack on loopback: engine + store + DaemonBackend + ControlServer,
read through ControlClient from the dashboard's poll thread. Catches any drift between the status
shape the daemon serves and the one the dashboard reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Static
from tui_helpers import plain

from risk_manager.clock import VirtualClock
from risk_manager.config import load_config_text
from risk_manager.control import ControlServer, DaemonBackend, admin_hash_path
from risk_manager.control.client import ControlError, DaemonUnreachable
from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import PositionType, Side
from risk_manager.domain.events import AccountEvent, PositionEvent, TradeEvent
from risk_manager.engine.factory import build_engine
from risk_manager.engine.record_types import JournalRecord, record_dict
from risk_manager.store import Store
from risk_manager.tui.app import DashboardApp
from risk_manager.tui.provider import client_provider, describe_failure
from support import wait_until

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Friday 09:00 CST, inside the 08:30-15:00 session
MNQ = catalogue_contract("MNQ").id
CONFIG = """\
accounts: [{name: PRAC-1}]
schedule: {timezone: America/Chicago, daily_reset: '17:00', session: {start: '08:30', end: '15:00'}}
rules:
  trade_frequency_limit: {enabled: true, per_hour: 1}
  max_contracts: {enabled: true, limit: 5}
"""


class StoreJournal:
    """The engine's journal written straight to the store (the daemon's DB thread, minus the thread)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def write(self, record: JournalRecord) -> None:
        self.store.append_journal(record_dict(record))


def text(app: DashboardApp, selector: str) -> str:
    return plain(app.query_one(selector, Static).content)  # type: ignore[arg-type]


async def test_dashboard_reads_the_real_control_api_then_says_not_monitored(tmp_path: Path) -> None:
    cfg = load_config_text(CONFIG, "test.yaml")
    store = Store.open(tmp_path / "risk_manager.db")
    eng = build_engine(cfg, StoreJournal(store))
    eng.start(T0)
    eng.add_account(1, "PRAC-1")
    eng.handle(AccountEvent(T0, 1, "PRAC-1", 50000.0, True))
    # one entry with per_hour 1: the trade that reaches the limit starts a 30 min cooldown
    eng.handle(TradeEvent(T0, 1, 1, MNQ, 21000.0, None, 0.0, Side.BUY, 2, 1001))
    eng.handle(PositionEvent(T0, 1, MNQ, PositionType.LONG, 2, 21000.0))
    backend = DaemonBackend(eng, cfg, store, clock=VirtualClock(T0 + timedelta(minutes=1)),
                            link_state=lambda: "CONNECTED", request_stop=lambda: None, started_at=T0)
    server = ControlServer(backend, tmp_path / "control.sock", admin_hash_path(tmp_path))
    await server.start()
    stopped = False
    try:
        app = DashboardApp(client_provider(server.endpoint), refresh=0.1)
        async with app.run_test(size=(140, 50)) as pilot:
            await wait_until(lambda: "COOLDOWN" in text(app, "#badge"), pause=pilot.pause, within=8.0)
            badge = text(app, "#badge")
            assert "COOLDOWN 29m 0" in badge and "rule: trade_frequency_limit" in badge
            assert "MNQ" in text(app, "#positions") and "LONG" in text(app, "#positions")
            rules = text(app, "#rules")
            assert "trade_frequency_limit" in rules and "1/1 trades this hour" in rules
            assert "COOLDOWN 29m" in rules
            assert "Chicago 09:01:00 CST" in text(app, "#header")
            assert "Daemon PROTECTED (enforce)" in text(app, "#header")
            assert "trade_frequency_limit: cooldown until 09:30" in text(app, "#log")
            await server.stop()
            stopped = True
            # a refresh in flight as the server stops may first show "has not answered for 5s"; once the
            # socket is gone, the banner must say so
            await wait_until(lambda: bool(app.query_one("#banner").display)
                             and "not reachable" in text(app, "#banner"), pause=pilot.pause, within=15.0)
            banner = text(app, "#banner")
            assert "NOT MONITORED" in banner and f"not reachable at {server.endpoint}" in banner
    finally:
        if not stopped:
            await server.stop()
        store.close()


def test_failure_descriptions() -> None:
    down = DaemonUnreachable("/run/risk-manager/control.sock", "no socket there")
    expected = "the risk daemon is not reachable at /run/risk-manager/control.sock (no socket there)"
    assert describe_failure(down) == expected
    err = ControlError(500, "internal error")
    assert describe_failure(err) == "the daemon answered with an error: internal error (HTTP 500)"
    assert describe_failure(TimeoutError()) == "the risk daemon is not reachable (TimeoutError)"
