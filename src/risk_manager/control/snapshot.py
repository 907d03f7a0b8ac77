"""The status snapshot: everything the trader dashboard shows, as one JSON-ready dict (SPEC §11).

Pure: reads the engine and config, never the wall clock (``now`` is passed in), never the broker.
Times are ISO 8601 with the schedule zone's offset (``now_utc`` excepted). Shape (version 1):

    {"version": 1,
     "daemon": {"state": PROTECTED|DEGRADED|NOT_MONITORED|STARTING, "link", "mode", "started_at",
                "uptime_seconds", "problems": [str]},   # open internal failures: PROTECTED -> DEGRADED
     "clock": {"now_utc", "now_local", "timezone", "trading_day", "next_reset", "seconds_to_reset",
               "session": {"start": "08:30", "end": "15:00", "days", "open", "current_end", "next_start"}},
     "accounts": [{"name", "id", "monitored", "can_trade", "balance",
                   "badge": OK|WARNING|COOLDOWN|LOCKED, "badge_reason",
                   "lockouts": [{"rule", "id", "kind", "scope", "symbol", "until", "since", "reason",
                                 "remaining_seconds"}],           # account scope first, ends-last first
                   "pnl": {"realized", "unrealized", "total", "fees", "basis", "loss_limit",
                           "profit_target", "utilization", "profit_utilization"} | null,
                   "positions": [{"symbol", "contract_id", "side", "size", "avg_price", "mark",
                                  "unrealized", "protected", "stale", "unvalued",
                                  "unprotected_seconds"}],
                   "rules": [{"rule", "id", "enabled", "utilization", "state": ok|warning|locked, "text"}],
                   "clocked_in": true|false|null}],
     "recent": [journal records, oldest first]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from risk_manager.config import Config, format_hhmm
from risk_manager.control.account_view import account_view
from risk_manager.control.fmt import iso, seconds_until
from risk_manager.engine.engine import Engine

DaemonState = Literal["PROTECTED", "DEGRADED", "NOT_MONITORED", "STARTING"]
DAEMON_STATES: frozenset[str] = frozenset({"PROTECTED", "DEGRADED", "NOT_MONITORED", "STARTING"})
SNAPSHOT_VERSION = 1
RECENT = 20

_FROM_LINK: dict[str, DaemonState] = {
    "CONNECTED": "PROTECTED", "DEGRADED": "DEGRADED", "DOWN": "NOT_MONITORED", "CONNECTING": "DEGRADED",
}


def daemon_state(link_state: str, protected: bool = True) -> DaemonState:
    """Map the hub link state (broker.stream.LinkState value) to what the trader is told.

    Before the first "protected" (start-up reconcile done) a healthy or connecting link is STARTING;
    afterwards CONNECTING means reconnecting: DEGRADED. Unknown values are NOT_MONITORED (fail loud).
    A value that already is a daemon state passes through.
    """
    link = str(link_state).upper()
    if link in DAEMON_STATES:
        return link  # type: ignore[return-value]
    if not protected and link in ("CONNECTING", "CONNECTED"):
        return "STARTING"
    return _FROM_LINK.get(link, "NOT_MONITORED")


def _clock(engine: Engine, config: Config, now: datetime) -> dict[str, Any]:
    tz, sched = config.schedule.tz, config.schedule
    reset = engine.td.next_reset(now)
    window = sched.session
    session: dict[str, Any] = {"start": format_hhmm(window.start), "end": format_hhmm(window.end),
                               "days": list(window.days), "open": None, "current_end": None,
                               "next_start": None}
    if engine.session is not None:
        try:
            end = engine.session.current_end(now)
            session.update(open=end is not None, current_end=iso(end, tz))
            session["next_start"] = iso(engine.session.next_start(now), tz)
        except LookupError:  # no session within the scan horizon: leave next_start null
            pass
    return {
        "now_utc": now.astimezone(UTC).isoformat(), "now_local": iso(now, tz), "timezone": sched.timezone,
        "trading_day": engine.td.label(now).isoformat(), "next_reset": iso(reset, tz),
        "seconds_to_reset": seconds_until(reset, now), "session": session,
    }


def build_snapshot(engine: Engine, config: Config, link_state: str, now: datetime, *,
                   started_at: datetime | None, clocked_in: Mapping[str, bool],
                   recent: Sequence[Mapping[str, Any]] = (), protected: bool = True,
                   problems: Sequence[str] = ()) -> dict[str, Any]:
    """The whole status view. ``clocked_in``: account name -> clocked in (missing = never clocked).
    ``problems``: internal failures still open (a deadline that raised, a rejected payload ...); while
    there is one a connected daemon is DEGRADED, not PROTECTED."""
    tz = config.schedule.tz
    names = [st.name for st in engine.states.values()]
    # configured accounts the daemon has not resolved yet (start-up, login trouble) still get a row
    names += [a.name for a in config.accounts if a.name not in names]
    states = {st.name: st for st in engine.states.values()}
    uptime = None if started_at is None else max(0, round((now - started_at).total_seconds()))
    state = daemon_state(link_state, protected)
    if problems and state == "PROTECTED":
        state = "DEGRADED"
    return {
        "version": SNAPSHOT_VERSION,
        "daemon": {"state": state, "link": str(link_state),
                   "mode": config.enforcement.mode, "started_at": iso(started_at, tz),
                   "uptime_seconds": uptime, "problems": list(problems)},
        "clock": _clock(engine, config, now),
        "accounts": [account_view(engine, config, name, states.get(name), now, clocked_in.get(name))
                     for name in names],
        "recent": [dict(r) for r in list(recent)[-RECENT:]],
    }
