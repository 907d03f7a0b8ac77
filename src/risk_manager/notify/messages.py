"""Journal record -> one short line for a phone (SPEC §6 warnings, §12 notifications), or None.

Only what a trader must know at once is sent: lockouts, position actions, critical alerts, the link to the
gateway, warnings and unlocks. Violations (always followed by a lockout or an action), broker results,
order cancels and daemon start/stop are journal noise here. Texts carry no timestamp so that de-duplication
by text works (the sender adds none either: chat apps show when a message arrived).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

MAX_CHARS = 1900  # Discord rejects content over 2000 characters; Telegram allows 4096
_ACTIONS = frozenset({"flatten", "close_position", "reduce_position"})
# A zone's abbreviation ("CST"/"CDT") is exact but the trader thinks in "CT"; these are unambiguous.
_SHORT = {"CST": "CT", "CDT": "CT", "EST": "ET", "EDT": "ET", "MST": "MT", "MDT": "MT",
          "PST": "PT", "PDT": "PT"}
NOTIFY_TYPES = frozenset({"lockout", "action", "alert", "connection_lost", "connection_restored",
                          "warning", "unlock"})


def describe(rec: Mapping[str, Any], tz: ZoneInfo | None = None) -> str | None:
    """The notification text for ``rec``, or None if it is not worth a message. Never raises for a record
    with missing or odd fields (it is fed every journal record)."""
    kind = rec.get("type")
    if kind not in NOTIFY_TYPES:
        return None
    text = _TEXTS[str(kind)](rec, tz)
    if text is None:
        return None
    if rec.get("dry_run"):
        text = "[dry run] " + text
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def _who(rec: Mapping[str, Any]) -> str:
    return str(rec.get("account") or "risk-manager")


def _sym(rec: Mapping[str, Any]) -> str:
    return f" {rec['symbol']}" if rec.get("symbol") else ""


def _when(value: object, at: object, tz: ZoneInfo | None) -> str:
    """"17:00 CT", with the date when it is not the record's own day."""
    try:
        until = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if tz is not None and until.tzinfo is not None:
        until = until.astimezone(tz)
    hhmm = until.strftime("%H:%M")
    zone = until.tzname() if tz is not None else None
    if zone:
        hhmm += " " + _SHORT.get(zone, zone)
    try:
        same_day = datetime.fromisoformat(str(at)).date() == until.date()
    except ValueError:
        same_day = False
    return hhmm if same_day else f"{until:%a %Y-%m-%d} {hhmm}"


def _lockout(rec: Mapping[str, Any], tz: ZoneInfo | None) -> str:
    state = "COOLDOWN" if rec.get("kind") == "cooldown" else "LOCKED"
    if rec.get("scope") == "symbol":
        state = "BLOCKED" if rec.get("kind") != "cooldown" else state
    until = rec.get("until")
    span = f"until {_when(until, rec.get('at'), tz)}" if until else "until the condition clears"
    reason = f": {rec['reason']}" if rec.get("reason") else ""
    return f"{_who(rec)}{_sym(rec)} {state} {span} by {rec.get('rule')}{reason}"


def _action(rec: Mapping[str, Any], tz: ZoneInfo | None) -> str | None:
    action = rec.get("action")
    if action not in _ACTIONS:
        return None  # cancels and stop moves are routine housekeeping
    why = f" ({rec.get('rule')})"
    if action == "flatten":
        return f"{_who(rec)} FLATTENING all positions{why}"
    if action == "close_position":
        return f"{_who(rec)} CLOSING{_sym(rec) or ' a position'}{why}"
    size = f" {rec['from']} -> {rec['to']}" if "from" in rec and "to" in rec else ""
    return f"{_who(rec)} REDUCING{_sym(rec)}{size}{why}"


def _alert(rec: Mapping[str, Any], tz: ZoneInfo | None) -> str | None:
    if rec.get("level") != "critical":
        return None
    rule = f" {rec['rule']}" if rec.get("rule") else ""
    return f"ALERT {_who(rec)}{rule}: {rec.get('message', '')}"


def _lost(rec: Mapping[str, Any], tz: ZoneInfo | None) -> str:
    reason = f" ({rec['reason']})" if rec.get("reason") else ""
    state = f" [{rec['state']}]" if rec.get("state") else ""
    return f"NOT MONITORED: connection to the gateway lost{state}{reason}"


def _restored(rec: Mapping[str, Any], tz: ZoneInfo | None) -> str:
    down = rec.get("down_seconds")
    after = f" after {float(down):.0f} s" if isinstance(down, int | float) else ""
    return f"Monitored again: connection to the gateway restored{after}"


def _warning(rec: Mapping[str, Any], tz: ZoneInfo | None) -> str | None:
    util = rec.get("utilization")
    if isinstance(util, int | float) and util >= 1.0:
        return None  # at the limit is a breach: the same event's lockout or action says it better
    pct = f"{float(util):.0%}" if isinstance(util, int | float) else "?"
    return f"{_who(rec)} WARNING: {rec.get('rule')} at {pct} of its limit"


def _unlock(rec: Mapping[str, Any], tz: ZoneInfo | None) -> str:
    return f"{_who(rec)}{_sym(rec)} unlocked: {rec.get('rule')}"


_TEXTS: dict[str, Callable[[Mapping[str, Any], ZoneInfo | None], str | None]] = {
    "lockout": _lockout, "action": _action, "alert": _alert, "connection_lost": _lost,
    "connection_restored": _restored, "warning": _warning, "unlock": _unlock}
