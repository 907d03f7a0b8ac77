"""The view model: badge choice, the lockout shown, ticking countdowns, header clock, monitoring state."""

from __future__ import annotations

from tui_helpers import account, lockout, plain, status

from risk_manager.tui import header, render
from risk_manager.tui.model import (
    badge_of,
    clock_times,
    monitoring_problem,
    remaining,
    reset_left,
    rule_state,
    shown_lockout,
)


def test_ok_badge() -> None:
    b = badge_of(account())
    assert (b.level, b.colour, b.title) == ("OK", "green", "OK")
    assert b.lines == ("all rules within limits",)


def test_cooldown_badge_counts_down_from_remaining_seconds() -> None:
    acc = account(badge="COOLDOWN", lockouts=[lockout("trade_frequency_limit", "cooldown", 59,
                                                       "3/3 trades this minute")])
    assert badge_of(acc).title == "COOLDOWN 0m 59s"
    later = badge_of(acc, elapsed=10.2)
    assert (later.colour, later.title) == ("yellow", "COOLDOWN 0m 49s")
    assert "rule: trade_frequency_limit" in later.lines
    assert "3/3 trades this minute" in later.lines
    assert badge_of(acc, elapsed=120).title == "COOLDOWN 0m 00s"  # never negative while awaiting a poll


def test_locked_badge_shows_the_lockout_ending_last() -> None:
    acc = account(badge="LOCKED", lockouts=[
        lockout("trade_frequency_limit", "cooldown", 60, "3/3 trades"),
        lockout("daily_realized_loss", "hard", 9405, "daily P&L -512.50 reached -500.00",
                until="2026-11-20T17:00:00-06:00"),
        lockout("symbol_blocks", "hard", None, "blocked root", scope="symbol", symbol="MNQ"),
    ])
    assert shown_lockout(acc)["rule"] == "daily_realized_loss"  # type: ignore[index]
    b = badge_of(acc, elapsed=5, today="2026-11-20")
    assert (b.level, b.colour, b.title) == ("LOCKED", "red", "LOCKED")
    assert b.lines[:3] == ("rule: daily_realized_loss", "daily P&L -512.50 reached -500.00",
                           "unlocks in 2h 36m 40s (at 17:00:00)")
    assert "MNQ blocked (symbol_blocks)" in b.lines


def test_condition_lockout_outlasts_any_timer() -> None:
    acc = account(badge="LOCKED", lockouts=[
        lockout("daily_realized_loss", "hard", 9405, "loss", until="2026-11-20T17:00:00-06:00"),
        lockout("auth_loss_guard", "hard", None, "canTrade false"),
    ])
    b = badge_of(acc)
    assert b.lines[0] == "rule: auth_loss_guard"
    assert b.lines[-1] == "unlocks when the condition clears"


def test_badge_derived_when_the_daemon_sends_none() -> None:
    acc = account(badge=None, lockouts=[lockout("cooldown_after_loss", "cooldown", 300, "loss -150")])
    assert badge_of(acc).title == "COOLDOWN 5m 00s"
    warn = account(badge=None)
    warn["rules"][0]["state"] = "warning"
    assert badge_of(warn).level == "WARNING"
    assert badge_of(warn).lines == ("max_contracts: 3/5 contracts",)


def test_warning_uses_the_daemons_reason_and_unmonitored_account_is_red() -> None:
    b = badge_of(account(badge="WARNING", badge_reason="daily_realized_loss at 82%: -410.00 / -500.00"))
    assert (b.colour, b.lines) == ("yellow", ("daily_realized_loss at 82%: -410.00 / -500.00",))
    assert badge_of(account(monitored=False)).title == "NOT MONITORED"
    assert badge_of(account(monitored=False)).colour == "red"
    assert "trading disabled" in badge_of(account(can_trade=False)).lines[-1]


def test_rule_state_ticks_with_its_lockout() -> None:
    acc = account(lockouts=[lockout("trade_frequency_limit", "cooldown", 1685, "10/10 trades this hour")])
    rules = {r["rule"]: r for r in acc["rules"]}
    assert rule_state(rules["trade_frequency_limit"], acc, 0) == "COOLDOWN 28m"
    assert rule_state(rules["trade_frequency_limit"], acc, 1685 - 40) == "COOLDOWN 40s"
    assert rule_state(rules["max_contracts"], acc, 0) == "OK"
    assert rule_state(rules["symbol_blocks"], acc, 0) == "OFF"


def test_remaining_and_reset_left() -> None:
    assert remaining({"remaining_seconds": 10}, 3.5) == 6.5
    assert remaining({"remaining_seconds": None}, 3.5) is None
    clock = status()["clock"]
    assert reset_left(clock, 5) == 9400
    assert reset_left({}, 5) is None


def test_clock_times_in_schedule_zone_and_local_advance_with_elapsed() -> None:
    clock = status()["clock"]
    assert clock_times(clock, 0) == ("14:23:15 CST", "21:23:15")
    assert clock_times(clock, 50) == ("14:24:05 CST", "21:24:05")
    assert clock_times({**clock, "timezone": "Not/AZone"}, 0)[0].startswith("20:23:15")
    assert clock_times({}, 0) == ("--:--:--", "--:--:--")


def test_monitoring_problem() -> None:
    assert monitoring_problem(status()) is None
    down = status()
    down["daemon"].update(state="NOT_MONITORED", link="DOWN")
    expected = "the daemon is running but not monitoring the accounts (broker link DOWN)"
    assert monitoring_problem(down) == expected


def test_a_degraded_daemon_shows_why_in_the_header() -> None:
    degraded = status()
    degraded["daemon"].update(state="DEGRADED", problems=["deadline reset failed (OSError: disk I/O error)"])
    head = plain(header.header(degraded, 0))
    assert "Daemon DEGRADED" in head and "! deadline reset failed (OSError: disk I/O error)" in head
    assert "!" not in plain(header.header(status(), 0))


def test_header_and_panels_render_the_spec_fields() -> None:
    head = plain(header.header(status(), 0, 0.4))
    for text in ("Chicago 14:23:15 CST", "local 21:23:15", "Market OPEN", "Session 08:30–15:00 open",
                 "Reset in 2h 36m 45s", "Daemon PROTECTED (enforce)"):
        assert text in head
    closed = status()
    closed["clock"]["session"]["open"] = False
    closed["daemon"]["mode"] = "dry_run"
    head = plain(header.header(closed, 0))
    assert "Market CLOSED" in head and "next Mon 08:30" in head and "DRY RUN" in head
    pnl = plain(render.pnl(account()))
    assert "-$255.50" in pnl and "Loss limit" in pnl and "51%" in pnl and "basis net" in pnl
    assert "Positions: flat" in plain(render.positions(account(positions=[])))
    assert "CLOCKED OUT" in plain(render.clock_in(account(clocked_in=False)))
    assert "Clock: —" in plain(render.clock_in(account(clocked_in=None)))
