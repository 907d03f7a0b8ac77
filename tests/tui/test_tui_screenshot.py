"""SVG screenshots of the dashboard contain what the trader must read (badge, tables, banner)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from tui_helpers import DaemonUnreachable, FakeProvider, account, lockout, status, svg_text

from risk_manager.tui.app import DashboardApp

DOWN = "the risk daemon is not reachable at /run/risk-manager/control.sock (no socket there)"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


async def _settle(pilot: Pilot[None], app: DashboardApp) -> None:
    for _ in range(250):  # bounded: 5 s
        if app.polls >= 1:
            break
        await pilot.pause(0.02)
    await pilot.pause(0.05)


async def test_screenshot_of_a_locked_account(tmp_path: Path) -> None:
    acc = account(badge="LOCKED", lockouts=[lockout(
        "daily_realized_loss", "hard", 9405, "daily P&L -512.50 reached the limit -500.00",
        until="2026-11-20T17:00:00-06:00")])
    app = DashboardApp(FakeProvider(status(acc)), refresh=0.05)
    async with app.run_test(size=(140, 50)) as pilot:
        await _settle(pilot, app)
        path = Path(app.save_screenshot("locked.svg", str(tmp_path)))
    assert path.parent == tmp_path
    screen = svg_text(_read(path))
    for expected in (
        "Chicago 14:23:15 CST", "local 21:23:15", "Market OPEN", "Session 08:30–15:00",
        "Daemon PROTECTED (enforce)", "LOCKED", "rule: daily_realized_loss",
        "daily P&L -512.50 reached the limit -500.00", "(at 17:00:00)",
        "Positions", "MNQ", "LONG", "NO STOP", "Rules", "max_contracts", "3/5 contracts",
        "Loss limit", "-$255.50", "CLOCKED IN",
        "14:23:15 max_contracts: reduced MNQ 4→2, limit 5",
    ):
        assert expected in screen, expected
    assert "NOT MONITORED" not in screen


async def test_screenshot_on_an_80x24_terminal_keeps_the_badge_visible(tmp_path: Path) -> None:
    acc = account(badge="COOLDOWN", lockouts=[lockout("trade_frequency_limit", "cooldown", 59, "3/3")])
    app = DashboardApp(FakeProvider(status(acc)), refresh=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot, app)
        screen = svg_text(app.export_screenshot())
        assert app.query_one("#top").has_class("narrow")  # panels stacked, not squeezed
    assert "COOLDOWN 0m 5" in screen and "Reset in" in screen


async def test_screenshot_when_the_daemon_is_unreachable(tmp_path: Path) -> None:
    app = DashboardApp(FakeProvider(error=DaemonUnreachable(DOWN)), refresh=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot, app)
        path = Path(app.save_screenshot("down.svg", str(tmp_path)))
    svg = _read(path)
    screen = svg_text(svg)
    assert "NOT MONITORED" in screen
    assert DOWN in screen
    assert "#8b0000" in svg  # the banner and badge are red (darkred)
    assert "OK" not in screen.replace("NOT MONITORED", "")  # no stale green badge
