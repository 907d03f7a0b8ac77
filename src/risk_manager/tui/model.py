"""What the dashboard shows, derived from one status snapshot plus the seconds elapsed since it arrived.

Countdowns are ``remaining_seconds - elapsed`` so they tick every second between polls; nothing here reads
a clock (the app passes ``elapsed``), which keeps every derivation a plain function of its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from risk_manager.tui.format import countdown, day_hhmm, parse_time, short_countdown

Json = Mapping[str, Any]
COLOURS = {"OK": "green", "WARNING": "yellow", "COOLDOWN": "yellow", "LOCKED": "red"}


@dataclass(frozen=True)
class Badge:
    level: str  # OK | WARNING | COOLDOWN | LOCKED
    colour: str  # green | yellow | red
    title: str  # "OK", "WARNING", "COOLDOWN 0m 59s", "LOCKED"
    lines: tuple[str, ...]  # rule, reason, countdown, extra notes


def remaining(lockout: Json, elapsed: float) -> float | None:
    """Seconds left on a lockout now (None: ends on a condition or at an unknown time)."""
    secs = lockout.get("remaining_seconds")
    if not isinstance(secs, int | float):
        return None
    return max(0.0, float(secs) - elapsed)


def _ends(lockout: Json) -> float:
    secs = lockout.get("remaining_seconds")
    return float(secs) if isinstance(secs, int | float) else math.inf  # a condition may never end


def account_lockouts(account: Json) -> list[Json]:
    return [lk for lk in account.get("lockouts") or [] if lk.get("scope", "account") == "account"]


def shown_lockout(account: Json) -> Json | None:
    """SPEC §2: several lockouts may be active; the dashboard shows the account-scope one ending last."""
    locks = account_lockouts(account)
    if not locks:
        return None
    # hard beats cooldown at equal ends: a hard lock is the one the trader must know about
    return max(locks, key=lambda lk: (_ends(lk), lk.get("kind") == "hard"))


def _level(account: Json) -> str:
    level = str(account.get("badge") or "").upper()
    if level in COLOURS:
        return level
    lock = shown_lockout(account)  # older/other daemons: derive it
    if lock is not None:
        return "COOLDOWN" if lock.get("kind") == "cooldown" else "LOCKED"
    warn = any(str(r.get("state", "")).lower() == "warning" for r in account.get("rules") or [])
    return "WARNING" if warn else "OK"


def _until_text(lock: Json, elapsed: float, today: str | None) -> str:
    left = remaining(lock, elapsed)
    if left is not None:
        at = day_hhmm(lock["until"], today, seconds=True) if lock.get("until") else None
        return f"unlocks in {countdown(left)}" + (f" (at {at})" if at else "")
    if lock.get("until"):
        return f"unlocks at {day_hhmm(lock['until'], today, seconds=True)}"
    return "unlocks when the condition clears"


def badge_of(account: Json, elapsed: float = 0.0, today: str | None = None) -> Badge:
    if account.get("monitored") is False:  # configured, but the daemon has not resolved it yet
        return Badge("NOT MONITORED", "red", "NOT MONITORED",
                     ("the daemon is not watching this account yet", "it is NOT protected"))
    level = _level(account)
    lock = shown_lockout(account)
    lines: list[str] = []
    title = level
    if level in ("LOCKED", "COOLDOWN") and lock is not None:
        if level == "COOLDOWN":
            title = f"COOLDOWN {countdown(remaining(lock, elapsed))}"
        lines.append(f"rule: {lock.get('rule', '?')}")
        if lock.get("reason"):
            lines.append(str(lock["reason"]))
        lines.append(_until_text(lock, elapsed, today))
    elif level == "WARNING" and account.get("badge_reason"):
        lines.append(str(account["badge_reason"]))
    elif level == "WARNING":
        for rule in account.get("rules") or []:
            if str(rule.get("state", "")).lower() == "warning":
                lines.append(f"{rule.get('rule')}: {rule.get('text') or 'near its limit'}")
    for lk in account.get("lockouts") or []:
        if lk.get("scope") == "symbol":
            lines.append(f"{lk.get('symbol', '?')} blocked ({lk.get('rule', '?')})")
    if level == "OK" and not lines:
        lines.append("all rules within limits")
    if account.get("can_trade") is False:
        lines.append("broker reports: trading disabled")
    return Badge(level, COLOURS[level], title, tuple(lines))


def rule_state(rule: Json, account: Json, elapsed: float) -> str:
    """``COOLDOWN 28m`` when a lockout of that rule is ticking, else the daemon's state word."""
    state = str(rule.get("state") or ("ok" if rule.get("enabled", True) else "off")).upper()
    if not rule.get("enabled", True):
        return "OFF"
    for lk in account.get("lockouts") or []:
        if lk.get("rule") == rule.get("rule"):
            left = remaining(lk, elapsed)
            word = "COOLDOWN" if lk.get("kind") == "cooldown" else "LOCKED"
            return word if left is None else f"{word} {short_countdown(left)}"
    return state


def state_colour(state: str) -> str:
    word = state.split(" ")[0]
    return {"OK": "green", "WARNING": "yellow", "COOLDOWN": "yellow", "LOCKED": "red",
            "BREACHED": "red", "OFF": "dim"}.get(word, "")


def clock_times(clock: Json, elapsed: float) -> tuple[str, str]:
    """(``14:23:15 CST``, ``21:23:15``): schedule-zone and local time, advanced by ``elapsed``."""
    shift = timedelta(seconds=elapsed)
    zone = parse_time(clock.get("now_utc"))
    local = parse_time(clock.get("now_local"))
    tz_name = str(clock.get("timezone") or "")
    zone_text = "--:--:--"
    if zone is not None:
        try:
            zone = (zone + shift).astimezone(ZoneInfo(tz_name)) if tz_name else zone + shift
        except (KeyError, ValueError):  # unknown zone name: show UTC rather than nothing
            zone = zone + shift
        zone_text = zone.strftime("%H:%M:%S %Z").strip()
    local_text = (local + shift).strftime("%H:%M:%S") if local is not None else "--:--:--"
    return zone_text, local_text


def reset_left(clock: Json, elapsed: float) -> float | None:
    secs = clock.get("seconds_to_reset")
    return max(0.0, float(secs) - elapsed) if isinstance(secs, int | float) else None


def monitoring_problem(status: Json) -> str | None:
    """Why the account is not protected although the daemon answered (None when it is)."""
    daemon = status.get("daemon") or {}
    if str(daemon.get("state", "")).upper() == "NOT_MONITORED":
        if daemon.get("reason"):
            return str(daemon["reason"])
        link = f" (broker link {daemon['link']})" if daemon.get("link") else ""
        return f"the daemon is running but not monitoring the accounts{link}"
    return None
