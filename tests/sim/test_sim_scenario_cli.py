"""Scenario-driven simulator (scripted prices and trader) and the `risk-manager sim` command."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sim_helpers import MNQ

from risk_manager.sim import SimControl, SimOptions, SimServer
from support import wait_until

pytestmark = pytest.mark.e2e
LINES: list[dict[str, object]] = [
    {"at": "2026-11-20T08:30:00-06:00", "do": "account", "name": "TILT-1", "balance": 25000,
     "canTrade": True, "fees_per_contract": 0.5},
    {"at": "2026-11-20T08:30:00-06:00", "do": "quote", "symbol": "MNQ", "bid": 21000.00, "ask": 21000.25},
    {"at": "2026-11-20T08:30:01-06:00", "do": "order", "id": "o1", "symbol": "MNQ", "side": "buy",
     "type": "market", "size": 2},
    {"at": "2026-11-20T08:30:02-06:00", "do": "order", "id": "o2", "symbol": "MNQ", "side": "sell",
     "type": "limit", "size": 2, "limit": 21010.00},
    {"at": "2026-11-20T08:30:03-06:00", "do": "order", "id": "o3", "symbol": "MNQ", "side": "sell",
     "type": "stop", "size": 1, "stop": 20900.00},
    {"at": "2026-11-20T08:30:04-06:00", "do": "quote", "symbol": "MNQ", "bid": 21010.00, "ask": 21010.25},
    {"at": "2026-11-20T08:30:05-06:00", "do": "cancel", "id": "o3"},
    {"at": "2026-11-20T08:30:06-06:00", "do": "can_trade", "value": False},
    {"at": "2026-11-20T08:30:06-06:00", "do": "end"},
]


def _write(tmp_path: Path, lines: list[dict[str, object]]) -> Path:
    path = tmp_path / "scenario.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


async def test_scenario_drives_prices_and_a_scripted_trader(tmp_path: Path) -> None:
    options = SimOptions(port=0, scenario=_write(tmp_path, LINES), scenario_speed=20.0, quote_rate=20.0)
    async with SimServer(options) as sim, SimControl(sim.base_url) as ctl:
        assert [a.name for a in sim.broker.accounts()] == ["TILT-1"]  # no default PRAC-1
        assert sim.scenario is not None
        await wait_until(lambda: sim.scenario.finished, 3.0, "scenario end")  # type: ignore[union-attr]
        state = await ctl.state()
        assert state["scenario"] == {"applied": len(LINES), "total": len(LINES), "finished": True,
                                     "errors": []}
        (acct,) = state["accounts"]
        assert acct["canTrade"] is False and acct["positions"] == [] and acct["openOrders"] == []
        trades = sim.broker.trades(acct["id"])
        assert [(t.price, t.size, t.profit_and_loss) for t in trades] == [
            (21000.25, 2, None), (21010.0, 2, pytest.approx(2 * (21010.0 - 21000.25) * 2))]
        assert acct["balance"] == pytest.approx(25000 + 39.0 - 4 * 0.5)  # fees per contract per side
        assert state["feed"]["walk"] is False  # scripted: quotes re-published, prices held
        assert sim.feed.books[MNQ].quote()["bestBid"] == 21010.0


async def test_scenario_live_trading_lines(tmp_path: Path) -> None:
    at = "2026-11-20T08:30:0{}-06:00"
    lines: list[dict[str, object]] = [
        LINES[0], LINES[1],
        {"at": at.format(1), "do": "order", "id": "o1", "symbol": "MNQ", "side": "buy", "type": "market",
         "size": 3, "partial": [2, 1]},
        {"at": at.format(2), "do": "order", "id": "o2", "symbol": "MNQ", "side": "sell", "type": "limit",
         "size": 3, "limit": 21010.00},
        {"at": at.format(3), "do": "fill", "id": "o2", "size": 1},
        {"at": at.format(4), "do": "duplicate", "order": "o1"},
        {"at": at.format(5), "do": "void", "order": "o2"},
        {"at": at.format(5), "do": "end"},
    ]
    async with SimServer(SimOptions(port=0, scenario=_write(tmp_path, lines), scenario_speed=20.0)) as sim:
        await wait_until(lambda: sim.scenario.finished, 3.0, "scenario end")  # type: ignore[union-attr]
        assert sim.scenario.errors == []  # type: ignore[union-attr]
        acct = sim.account_id("TILT-1")
        trades = sim.broker.trades(acct)
        assert [(t.size, t.price, t.voided) for t in trades] == [
            (2, 21000.25, False), (1, 21000.25, False), (1, 21010.0, True)]
        assert [p.size for p in sim.broker.positions(acct)] == [3]  # the voided partial exit is undone


async def test_bad_scenario_lines_are_reported_not_fatal(tmp_path: Path) -> None:
    bad: dict[str, object] = {"at": "2026-11-20T08:30:01-06:00", "do": "cancel", "id": "nope"}
    lines = [LINES[0], bad]
    async with SimServer(SimOptions(port=0, scenario=_write(tmp_path, lines), scenario_speed=50.0)) as sim:
        await wait_until(lambda: sim.scenario.finished, 3.0, "scenario end")  # type: ignore[union-attr]
        assert len(sim.scenario.errors) == 1 and "line 2" in sim.scenario.errors[0]  # type: ignore[union-attr]


async def test_replay_only_lines_are_reported_as_not_played(tmp_path: Path) -> None:
    gap: dict[str, object] = {"at": "2026-11-20T08:30:01-06:00", "do": "disconnect"}
    async with SimServer(SimOptions(port=0, scenario=_write(tmp_path, [LINES[0], gap]),
                                    scenario_speed=50.0)) as sim:
        await wait_until(lambda: sim.scenario.finished, 3.0, "scenario end")  # type: ignore[union-attr]
        (err,) = sim.scenario.errors  # type: ignore[union-attr]
        assert "line 2" in err and "not played by the simulator" in err


def test_cli_prints_base_url_serves_and_stops_on_sigint(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", "from risk_manager.cli.main import app; app()", "sim", "--port", "0",
           "--account", "A-1", "--account", "A-2", "--bare-events"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()  # blocks until ready; the test's own timeout bounds it
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, trust_env=False, timeout=5) as http:
            assert http.get("/api/Status/ping").json() == "pong"
            token = http.post("/api/Auth/loginKey", json={"userName": "u", "apiKey": "0123456789"}).json()
            accounts = http.post("/api/Account/search", json={},
                                 headers={"Authorization": f"Bearer {token['token']}"}).json()["accounts"]
            assert [a["name"] for a in accounts] == ["A-1", "A-2"]
            assert http.get("/_sim/state").json()["bare_events"] is True
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


def test_cli_rejects_a_bad_scenario(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"at": "2026-11-20T08:30:00-06:00", "do": "dance"}\n', encoding="utf-8")
    cmd = [sys.executable, "-c", "from risk_manager.cli.main import app; app()", "sim", "--port", "0",
           "--scenario", str(bad)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "unknown action" in done.stderr
