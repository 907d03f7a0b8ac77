"""The dashboard's two header lines, from the status JSON: clocks, market and session, reset countdown,
daemon and connection state (no Textual, no clock of its own)."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from risk_manager.tui.format import countdown, day_hhmm, hhmm
from risk_manager.tui.model import Json, clock_times, reset_left

SEP = ("  │  ", "dim")


def _market_open(clock: Json) -> bool | None:
    market = clock.get("market")
    if isinstance(market, dict) and isinstance(market.get("open"), bool):
        return bool(market["open"])
    if isinstance(clock.get("market_open"), bool):
        return bool(clock["market_open"])
    session = clock.get("session") or {}
    return session.get("open") if isinstance(session.get("open"), bool) else None


def _session_text(clock: Json) -> Text:
    session = clock.get("session") or {}
    today = str(clock.get("now_local") or clock.get("now_utc") or "")[:10] or None
    text = Text(f"Session {hhmm(session.get('start'))}–{hhmm(session.get('end'))}")
    end = day_hhmm(session.get("current_end"), today) if session.get("current_end") else None
    if session.get("open"):
        text.append(" open", "green")
        if end and end != hhmm(session.get("end")):  # early close or holiday schedule: say so
            text.append(f", ends {end}", "bold yellow")
    elif session.get("open") is False:
        text.append(" closed", "yellow")
        if session.get("next_start"):
            text.append(f", next {day_hhmm(session['next_start'], today)}", "dim")
    return text


def _city(tz: Any) -> str:
    """``America/Chicago`` -> ``Chicago`` (the header is one line on an 80-column terminal, if possible)."""
    return str(tz).rsplit("/", 1)[-1].replace("_", " ") if tz else "schedule"


def _connection(daemon: Json) -> str:
    conn = daemon.get("connection") or daemon.get("link")
    if isinstance(conn, dict):
        return ", ".join(f"{k} {v}" for k, v in conn.items())
    return str(conn) if conn else ""


def header(status: Json, elapsed: float, age: float | None = None, live: bool = True) -> Text:
    """The two header lines. ``live=False`` (no fresh answer from the daemon): the daemon state reads
    UNREACHABLE and the last connection state is not shown, so nothing stale looks current."""
    clock = status.get("clock") or {}
    daemon = status.get("daemon") or {}
    if not live:
        daemon = {"state": "UNREACHABLE", "mode": daemon.get("mode", "?")}
    zone_time, local_time = clock_times(clock, elapsed)
    market = _market_open(clock)
    state = str(daemon.get("state") or "UNKNOWN").upper()
    state_style = {"PROTECTED": "bold green", "DEGRADED": "bold yellow", "STARTING": "bold yellow"}
    text = Text.assemble(
        ("RISK MANAGER", "bold"), SEP,
        (f"{_city(clock.get('timezone'))} {zone_time}", "bold"), SEP,
        f"local {local_time}", SEP,
        ("Market ", ""),
        ("OPEN" if market else "CLOSED" if market is False else "?", "bold green" if market else "bold red"),
        SEP, _session_text(clock), SEP,
        f"Reset in {countdown(reset_left(clock, elapsed))}",
        "\n",
        "Daemon ", (state, state_style.get(state, "bold red")),
        f" ({daemon.get('mode', '?')})",
    )
    if daemon.get("mode") == "dry_run":
        text.append(" — DRY RUN: decisions are journaled, nothing is closed", "bold yellow")
    conn = _connection(daemon)
    if conn:
        text.append_text(Text.assemble(SEP, f"Connection {conn}"))
    if clock.get("trading_day"):
        text.append_text(Text.assemble(SEP, f"Trading day {clock['trading_day']}"))
    if age is not None:
        text.append_text(Text.assemble(SEP, (f"updated {countdown(age)} ago", "dim")))
    for problem in daemon.get("problems") or []:  # internal failures behind a DEGRADED
        text.append(f"\n! {problem}", "bold yellow")
    return text
