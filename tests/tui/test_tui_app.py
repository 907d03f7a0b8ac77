"""The Textual app under Pilot with a fake provider: badge, tables, NOT MONITORED, ticking, tabs, q."""

from __future__ import annotations

import threading
import time
from typing import Any

from textual.widgets import Static
from tui_helpers import DaemonUnreachable, FakeClock, FakeProvider, account, lockout, plain, status

from risk_manager.tui.app import DashboardApp
from support import wait_until

SIZE = (140, 50)


def text(app: DashboardApp, selector: str) -> str:
    return plain(app.query_one(selector, Static).content)  # type: ignore[arg-type]


def cooldown_status(seconds: float) -> dict[str, Any]:
    acc = account(badge="COOLDOWN", lockouts=[
        lockout("trade_frequency_limit", "cooldown", seconds, "3/3 trades this minute",
                until="2026-11-20T14:24:14-06:00")])
    return status(acc)


async def test_ok_badge_positions_rules_and_enforcements_render() -> None:
    app = DashboardApp(FakeProvider(status()), refresh=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: app.polls >= 1, pause=pilot.pause)
        await pilot.pause()
        assert "OK" in text(app, "#badge") and app.query_one("#badge").has_class("ok")
        positions = text(app, "#positions")
        assert "MNQ" in positions and "LONG" in positions and "21000.25" in positions
        assert "20981.50" in positions and "-$75.50" in positions and "NO STOP" in positions
        rules = text(app, "#rules")
        assert "max_contracts" in rules and "3/5 contracts" in rules and "60%" in rules
        assert "off" in rules and "symbol_blocks" in rules  # disabled rules folded into one line
        assert "14:23:15 max_contracts: reduced MNQ 4→2, limit 5" in text(app, "#log")
        assert "Chicago 14:23:15 CST" in text(app, "#header")
        assert "CLOCKED IN" in text(app, "#clockin")
        assert "Loss limit" in text(app, "#pnl")
        assert not app.query_one("#banner").display
        assert not app.query_one("#accounts").display  # one account: no tabs


async def test_warning_badge() -> None:
    acc = account(badge="WARNING", badge_reason="daily_realized_loss at 82%: -410.00 / -500.00")
    app = DashboardApp(FakeProvider(status(acc)), refresh=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: "WARNING" in text(app, "#badge"), pause=pilot.pause)
        assert "daily_realized_loss at 82%" in text(app, "#badge")
        assert app.query_one("#badge").has_class("warn")


async def test_cooldown_badge_then_it_ticks_between_polls_on_a_fake_clock() -> None:
    clock = FakeClock()
    provider = FakeProvider(cooldown_status(59))
    # one poll only (the long refresh), redraws every 20 ms: the countdown must move by itself
    app = DashboardApp(provider, refresh=3600, tick=0.02, monotonic=clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: "COOLDOWN 0m 59s" in text(app, "#badge"), pause=pilot.pause)
        assert app.query_one("#badge").has_class("warn")
        assert "trade_frequency_limit" in text(app, "#badge")
        clock.now += 10
        await wait_until(lambda: "COOLDOWN 0m 49s" in text(app, "#badge"), pause=pilot.pause)
        assert "COOLDOWN 49s" in text(app, "#rules")
        assert "Reset in 2h 36m 35s" in text(app, "#header")
        assert provider.calls == 1


async def test_countdown_shows_every_second_as_the_clock_moves_in_half_seconds() -> None:
    # the tick timer redraws from the injected clock (a wall-clock version of this test failed under load)
    assert DashboardApp(FakeProvider()).monotonic is time.monotonic  # production uses the real one
    clock = FakeClock()
    app = DashboardApp(FakeProvider(cooldown_status(59.5)), refresh=3600, tick=0.02, monotonic=clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: "COOLDOWN 1m 00s" in text(app, "#badge"), pause=pilot.pause)
        for left in (59, 59, 58, 58, 57):
            clock.now += 0.5
            await wait_until(lambda left=left: f"COOLDOWN 0m {left}s" in text(app, "#badge"),
                             pause=pilot.pause)


async def test_locked_badge_shows_rule_reason_and_countdown() -> None:
    acc = account(badge="LOCKED", lockouts=[lockout(
        "daily_realized_loss", "hard", 9405, "daily P&L -512.50 reached the limit -500.00",
        until="2026-11-20T17:00:00-06:00")])
    app = DashboardApp(FakeProvider(status(acc)), refresh=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: "LOCKED" in text(app, "#badge"), pause=pilot.pause)
        badge = text(app, "#badge")
        assert "rule: daily_realized_loss" in badge
        assert "daily P&L -512.50 reached the limit -500.00" in badge
        assert "unlocks in 2h 36m 4" in badge and "(at 17:00:00)" in badge
        assert app.query_one("#badge").has_class("locked")


async def test_unreachable_daemon_shows_not_monitored_and_keeps_retrying() -> None:
    provider = FakeProvider(error=DaemonUnreachable("connection refused on 127.0.0.1:8765"))
    app = DashboardApp(provider, refresh=0.03)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: app.query_one("#banner").display, pause=pilot.pause)
        banner = text(app, "#banner")
        assert "NOT MONITORED" in banner and "connection refused on 127.0.0.1:8765" in banner
        assert "NOT MONITORED" in text(app, "#badge")
        await wait_until(lambda: provider.calls >= 3, pause=pilot.pause)  # still retrying
        provider.error = None  # the daemon comes back
        await wait_until(lambda: not app.query_one("#banner").display, pause=pilot.pause)
        assert "OK" in text(app, "#badge")
        assert "Daemon PROTECTED" in text(app, "#header") and "MNQ" in text(app, "#positions")
        provider.error = DaemonUnreachable("")  # and goes away again: nothing stale looks live
        await wait_until(lambda: app.query_one("#banner").display, pause=pilot.pause)
        assert "the risk daemon is not reachable (DaemonUnreachable)" in text(app, "#banner")
        assert app.query_one("#body").has_class("stale")
        header = text(app, "#header")
        assert "Daemon UNREACHABLE" in header and "PROTECTED" not in header and "Connection" not in header
        for panel in ("#positions", "#pnl", "#rules", "#clockin"):
            assert "no live data: the daemon last answered" in text(app, panel)
        assert "MNQ" not in text(app, "#positions") and "max_contracts" not in text(app, "#rules")


async def test_a_hung_daemon_turns_not_monitored_after_stale_after() -> None:
    clock, provider = FakeClock(), FakeProvider()
    app = DashboardApp(provider, refresh=0.02, tick=0.02, monotonic=clock, stale_after=5)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: app.polls >= 1, pause=pilot.pause)
        provider.hold = threading.Event()
        try:
            # a poll is stuck inside the provider; polls never overlap, so no answer can arrive now
            await wait_until(provider.held.is_set, pause=pilot.pause)
            clock.now += 6
            await wait_until(lambda: app.query_one("#banner").display, pause=pilot.pause)
            assert "has not answered for 6s" in text(app, "#banner")
            assert "NOT MONITORED" in text(app, "#badge")
        finally:
            provider.hold.set()


async def test_daemon_up_but_not_monitoring_is_red() -> None:
    snap = status()
    snap["daemon"].update(state="NOT_MONITORED", link="DOWN")
    app = DashboardApp(FakeProvider(snap), refresh=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: app.query_one("#banner").display, pause=pilot.pause)
        assert "broker link DOWN" in text(app, "#banner")
        assert "NOT MONITORED" in text(app, "#badge")


async def test_one_tab_per_account_and_switching() -> None:
    locked = account("PRAC-2", badge="LOCKED", positions=[], lockouts=[
        lockout("auth_loss_guard", "hard", None, "canTrade false")])
    app = DashboardApp(FakeProvider(status(account(), locked)), refresh=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: app.query_one("#accounts").display, pause=pilot.pause)
        assert app.selected == "PRAC-V2-12345" and "OK" in text(app, "#badge")
        await pilot.click("#acct-1")
        await wait_until(lambda: app.selected == "PRAC-2", pause=pilot.pause)
        await wait_until(lambda: "LOCKED" in text(app, "#badge"), pause=pilot.pause)
        assert "Positions: flat" in text(app, "#positions")
        await pilot.pause(0.15)  # later polls keep the chosen account
        assert app.selected == "PRAC-2"


async def test_q_quits_and_no_other_key_but_help_is_bound() -> None:
    provider = FakeProvider()
    app = DashboardApp(provider, refresh=0.05)
    # q, ? (what it does) and l: the trader's own lockout behind a confirmation (tests/tui/test_tui_lock.py)
    assert [b.key for b in app.BINDINGS] == ["q", "question_mark", "l"]  # type: ignore[union-attr]
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: app.polls >= 1, pause=pilot.pause)
        for key in ("u", "f", "c", "enter", "delete", "ctrl+p"):
            await pilot.press(key)
        assert app.return_code is None and "OK" in text(app, "#badge")
        await pilot.press("q")
        await wait_until(lambda: app.return_code is not None, pause=pilot.pause)
    assert app.return_code == 0


async def test_question_mark_shows_what_the_risk_manager_cannot_do() -> None:
    app = DashboardApp(FakeProvider(status()), refresh=3600)
    async with app.run_test(size=SIZE) as pilot:
        assert not app.query_one("#help").display
        await pilot.press("question_mark")
        assert app.query_one("#help").display
        help_text = text(app, "#help")
        assert "AFTER the fill" in help_text and "-$341.50" in help_text
        assert "closed at once, at the market, at YOUR cost" in help_text
        assert "TopstepX's own daily loss limit" in help_text
        await pilot.press("question_mark")
        assert not app.query_one("#help").display
